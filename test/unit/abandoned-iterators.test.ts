import {expect} from "chai"
import {on} from "node:events"
import {Readable} from "node:stream"
import {ReadableStream} from "node:stream/web"
import {Pull, Push} from "../../lib"
import {bindAny, closeAll, closing, isPending} from "../helpers"

/**
 * An abandoned iterator or stream (return()/throw() while its next() waits) must not
 * take a message for nobody: every message sent is received exactly once, in order.
 */
/**
 * ReadableStream.from (Node 20.6 and later); before that, the same by hand: pull() takes
 * next(), cancel() calls return() — what the built-in does with an async iterable.
 */
function readableStreamFrom(iterable: AsyncIterable<unknown>): ReadableStream {
  const from = (
    ReadableStream as unknown as {from?: (it: AsyncIterable<unknown>) => ReadableStream}
  ).from
  if (from !== undefined) return from.call(ReadableStream, iterable)
  const iterator = iterable[Symbol.asyncIterator]()
  return new ReadableStream({
    async pull(controller) {
      const {value, done} = await iterator.next()
      if (done) controller.close()
      else controller.enqueue(value)
    },
    async cancel() {
      await iterator.return?.()
    },
  })
}

describe("abandoned iterators and streams", function () {
  afterEach(closeAll)

  async function pipeline() {
    const pull = closing(new Pull({linger: 0}))
    const push = closing(new Push({linger: 0}))
    push.connect(await bindAny(pull))
    return {pull, push}
  }

  /** Sends 1..n, numbered from `from`. */
  async function sendRange(push: Push, from: number, n: number) {
    for (let i = from; i < from + n; i++) await push.send(String(i))
  }

  /** Receives `n` messages with receive(), as numbers. */
  async function receiveN(pull: Pull, n: number): Promise<number[]> {
    const got: number[] = []
    for (let i = 0; i < n; i++) got.push(Number(String((await pull.receive())[0])))
    return got
  }

  it("return() while next() waits cancels it: the next message goes to receive()", async function () {
    const {pull, push} = await pipeline()
    const it = pull[Symbol.asyncIterator]()
    const pending = it.next()
    expect(await isPending(pending)).to.equal(true)
    await it.return!()
    expect(await pending).to.deep.equal({value: undefined, done: true})
    await sendRange(push, 1, 3)
    expect(await receiveN(pull, 3)).to.deep.equal([1, 2, 3])
  })

  it("throw() while next() waits cancels it and rejects with the error", async function () {
    const {pull, push} = await pipeline()
    const it = pull[Symbol.asyncIterator]()
    const pending = it.next()
    const error = new Error("stop")
    await it.throw!(error).then(
      () => expect.fail("throw() resolved"),
      (err: unknown) => expect(err).to.equal(error),
    )
    expect((await pending).done).to.equal(true)
    await sendRange(push, 1, 2)
    expect(await receiveN(pull, 2)).to.deep.equal([1, 2])
  })

  it("break and throw inside for await lose nothing", async function () {
    const {pull, push} = await pipeline()
    await sendRange(push, 1, 6)
    const got: number[] = []
    for await (const [m] of pull) {
      got.push(Number(String(m)))
      if (got.length === 2) break
    }
    try {
      for await (const [m] of pull) {
        got.push(Number(String(m)))
        if (got.length === 4) throw new Error("inside")
      }
    } catch (err) {
      expect((err as Error).message).to.equal("inside")
    }
    got.push(...(await receiveN(pull, 2)))
    expect(got).to.deep.equal([1, 2, 3, 4, 5, 6])
  })

  it("Readable.from(socket) destroyed mid-stream loses nothing", async function () {
    const {pull, push} = await pipeline()
    await sendRange(push, 1, 2)
    const got: number[] = []
    const stream = Readable.from(pull, {objectMode: true, highWaterMark: 4})
    for await (const [m] of stream) {
      got.push(Number(String(m)))
      if (got.length === 2) break // destroys the stream while it reads ahead
    }
    expect(stream.destroyed).to.equal(true)
    await sendRange(push, 3, 3)
    got.push(...(await receiveN(pull, 3)))
    expect(got).to.deep.equal([1, 2, 3, 4, 5])
  })

  it("ReadableStream.from(socket) cancelled mid-stream loses nothing", async function () {
    const {pull, push} = await pipeline()
    await sendRange(push, 1, 2)
    const stream = readableStreamFrom(pull) as ReadableStream<Buffer[]>
    const reader = stream.getReader()
    const got: number[] = []
    for (let i = 0; i < 2; i++) got.push(Number(String((await reader.read()).value![0])))
    await reader.cancel()
    await sendRange(push, 3, 3)
    got.push(...(await receiveN(pull, 3)))
    expect(got).to.deep.equal([1, 2, 3, 4, 5])
  })

  it("an events.on()-style consumer (an iterator over the socket's iterator) loses nothing", async function () {
    const {pull, push} = await pipeline()
    // events.on() itself reads an EventEmitter; the same shape over the socket: a wrapper
    // generator whose consumer stops early, cancelling the inner iterator via return().
    async function* messages() {
      for await (const [m] of pull) yield Number(String(m))
    }
    await sendRange(push, 1, 3)
    const got: number[] = []
    for await (const n of messages()) {
      got.push(n)
      if (n === 3) break
    }
    await sendRange(push, 4, 2)
    got.push(...(await receiveN(pull, 2)))
    expect(got).to.deep.equal([1, 2, 3, 4, 5])
    expect(on).to.be.a("function")
  })

  it("many abandoned streams in a row: sent and received counts match", async function () {
    const {pull, push} = await pipeline()
    let sent = 0
    const got: number[] = []
    for (let round = 0; round < 20; round++) {
      await sendRange(push, sent + 1, 1)
      sent++
      const stream = Readable.from(pull, {objectMode: true})
      for await (const [m] of stream) {
        got.push(Number(String(m)))
        break
      }
    }
    await sendRange(push, sent + 1, 5)
    sent += 5
    got.push(...(await receiveN(pull, 5)))
    expect(got.length).to.equal(sent)
    expect(got).to.deep.equal(Array.from({length: sent}, (_, i) => i + 1))
  })

  it("close() gives a waiting receive the message that already arrived (as zeromq v6)", async function () {
    const pull = closing(new Pull({linger: 0}))
    const push = closing(new Push({linger: 0}))
    await pull.bind("inproc://abandoned-last-look")
    push.connect("inproc://abandoned-last-look")
    const received = pull.receive()
    const iterated = pull[Symbol.asyncIterator]().next()
    await push.send("arrived") // in libzmq's pipe now; its wake-up has not run yet
    pull.close()
    expect(String((await received)[0])).to.equal("arrived")
    expect(await iterated).to.deep.equal({value: undefined, done: true})
  })
})
