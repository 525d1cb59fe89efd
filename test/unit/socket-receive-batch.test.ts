import {expect} from "chai"
import * as zmq from "../../lib"
import * as draft from "../../lib/draft"
import {bindAny, isPending, within, type Transport} from "../helpers"

/** The bytes of message `i`, frame `part`: distinct per message, with sizes that vary. */
function payload(i: number, part: number, size: number): Buffer {
  const bytes = Buffer.alloc(size)
  for (let j = 0; j < size; j++) bytes[j] = (i * 31 + part * 7 + j) & 0xff
  return bytes
}

describe("receiving in packed batches", () => {
  const sockets: zmq.Socket[] = []
  const track = <S extends zmq.Socket>(socket: S): S => (sockets.push(socket), socket)
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close()
  })

  async function pipe(transport: Transport = "inproc", highWaterMark = 1000) {
    const pull = track(new zmq.Pull({receiveHighWaterMark: highWaterMark}))
    const push = track(new zmq.Push({sendHighWaterMark: highWaterMark}))
    push.connect(await bindAny(pull, transport))
    return {push, pull}
  }

  /** Receives batches until `count` messages came; returns the batches. */
  async function receiveBatches(pull: zmq.Pull, count: number, max?: number) {
    const batches: zmq.MessageBatch[] = []
    let received = 0
    while (received < count) {
      const batch = await within(pull.receiveBatch(max), 5000, `batch after ${received}`)
      expect(batch).to.be.instanceOf(zmq.MessageBatch)
      expect(batch.length).to.be.within(1, max ?? 1024)
      batches.push(batch)
      received += batch.length
    }
    expect(received).to.equal(count)
    return batches
  }

  for (const transport of ["tcp", "inproc"] as const) {
    it(`keeps every message's frames, sizes and bytes over ${transport}`, async () => {
      // Single and multipart, empty, pooled and large (external) frames, in one stream.
      const shapes = [[16], [0], [300, 0, 2000], [70 * 1024], [5, 100 * 1024, 5], [4096]]
      const messages = Array.from({length: 3000}, (_, i) =>
        shapes[i % shapes.length].map((size, part) => payload(i, part, size)),
      )
      const {push, pull} = await pipe(transport, 200)
      const sent = push.sendMany(messages)
      const batches = await receiveBatches(pull, messages.length, 500)
      await within(sent, 5000, "sendMany")
      let i = 0
      for (const batch of batches) {
        for (let k = 0; k < batch.length; k++, i++) {
          const expected = messages[i]
          expect(batch.frameCount(k), `frames of message ${i}`).to.equal(expected.length)
          expected.forEach((bytes, part) => {
            expect(batch.frameSize(k, part), `size of ${i}/${part}`).to.equal(bytes.length)
            expect(batch.frame(k, part).equals(bytes), `bytes of ${i}/${part}`).to.equal(true)
          })
          const hex = (frames: Buffer[]) => frames.map(frame => frame.toString("hex"))
          expect(hex(batch.message(k)), `message ${i}`).to.deep.equal(hex(expected))
        }
      }
    })
  }

  it("iterates and converts to the arrays receiveMany() would have given", async () => {
    const {push, pull} = await pipe()
    await push.sendMany(["a", ["b", "c"], "", ["d", ""]])
    const batch = await within(pull.receiveBatch(), 5000)
    expect(batch.length).to.equal(4)
    const asStrings = (messages: zmq.Message[][]) => messages.map(m => m.map(f => f.toString()))
    expect(asStrings([...batch])).to.deep.equal([["a"], ["b", "c"], [""], ["d", ""]])
    expect(asStrings(batch.toArray())).to.deep.equal([["a"], ["b", "c"], [""], ["d", ""]])
  })

  it("leaves earlier frames intact while later batches fill new memory", async () => {
    const {push, pull} = await pipe("inproc", 100)
    const messages = Array.from({length: 5000}, (_, i) => payload(i, 0, 1 + (i % 200)))
    const sent = push.sendMany(messages)
    // Frames are made only now, after every batch was received: they must still read
    // the bytes of their own message.
    const batches = await receiveBatches(pull, messages.length, 64)
    await within(sent, 5000)
    let i = 0
    for (const batch of batches) {
      for (let k = 0; k < batch.length; k++, i++) {
        expect(batch.frame(k).equals(messages[i]), `message ${i}`).to.equal(true)
      }
    }
  })

  it("completes a message with more frames than one native receive describes", async () => {
    const {push, pull} = await pipe("tcp")
    // 3000 frames: more than the 1024 a native receive call can describe.
    const long = Array.from({length: 3000}, (_, part) => payload(1, part, part % 3))
    await push.sendMany([payload(0, 0, 8), long, payload(2, 0, 8)])
    const received: zmq.Message[][] = []
    while (received.length < 3) {
      const batch = await within(pull.receiveBatch(), 5000)
      received.push(...batch)
    }
    expect(received.map(m => m.length)).to.deep.equal([1, 3000, 1])
    expect(received[0][0].equals(payload(0, 0, 8))).to.equal(true)
    long.forEach((bytes, part) => {
      expect(received[1][part].equals(bytes), `frame ${part}`).to.equal(true)
    })
    expect(received[2][0].equals(payload(2, 0, 8))).to.equal(true)
  })

  it("takes no more than max messages, leaving the rest for the next call", async () => {
    const {push, pull} = await pipe()
    await push.sendMany(Array.from({length: 10}, (_, i) => String(i)))
    const first = await within(pull.receiveBatch(3), 5000)
    expect(first.length).to.equal(3)
    const rest = await within(pull.receiveMany(), 5000)
    expect([...first, ...rest].map(([m]) => m.toString())).to.deep.equal(
      Array.from({length: 10}, (_, i) => String(i)),
    )
  })

  it("takes large frames up to about 4 MiB per batch, bounding what one call allocates", async () => {
    const {push, pull} = await pipe()
    await push.sendMany(Array.from({length: 100}, (_, i) => payload(i, 0, 64 * 1024)))
    const first = await within(pull.receiveBatch(), 5000)
    const second = await within(pull.receiveBatch(), 5000)
    // The call stops after the message with which its large frames reach 4 MiB.
    expect([first.length, second.length]).to.deep.equal([64, 36])
    expect(second.frame(35).equals(payload(99, 0, 64 * 1024))).to.equal(true)
  })

  it("keeps call order among pending receive, receiveMany and receiveBatch calls", async () => {
    const {push, pull} = await pipe()
    const one = pull.receive()
    const batch = pull.receiveBatch(2)
    const many = pull.receiveMany(2)
    const last = pull.receive()
    expect(await isPending(batch)).to.equal(true)
    await push.sendMany(["1", "2", "3", "4", "5", "6"])
    const text = (m: zmq.Message[]) => m[0].toString()
    expect(text(await within(one, 5000))).to.equal("1")
    expect((await within(batch, 5000)).toArray().map(text)).to.deep.equal(["2", "3"])
    expect((await within(many, 5000)).map(text)).to.deep.equal(["4", "5"])
    expect(text(await within(last, 5000))).to.equal("6")
  })

  it("gives messages a receive() call took from libzmq first, in order", async () => {
    const {push, pull} = await pipe()
    await push.sendMany(["1", "2", "3"])
    // receive() takes several messages from libzmq and keeps the rest ready.
    expect((await within(pull.receive(), 5000))[0].toString()).to.equal("1")
    await push.sendMany(["4", "5"])
    const seen: string[] = []
    while (seen.length < 4) {
      const batch = await within(pull.receiveBatch(), 5000)
      for (let k = 0; k < batch.length; k++) seen.push(batch.frame(k).toString())
    }
    expect(seen).to.deep.equal(["2", "3", "4", "5"])
  })

  it("shapes draft socket messages as receive() does", async () => {
    const server = track(new draft.Server())
    const client = track(new draft.Client())
    client.connect(await bindAny(server, "inproc"))
    await client.send("question")
    const batch = await within(server.receiveBatch(), 5000)
    expect(batch.length).to.equal(1)
    const [msg, {routingId}] = batch.message(0)
    expect(msg.toString()).to.equal("question")
    expect(routingId).to.be.a("number").and.above(0)
    expect(batch.frameCount(0)).to.equal(1)
    expect(batch.frame(0).toString()).to.equal("question")
    expect(batch.frameSize(0)).to.equal(8)
  })

  it("keeps the properties of messages when collectMetadata is on", async () => {
    const pull = track(new zmq.Pull({collectMetadata: true}))
    const push = track(new zmq.Push())
    push.connect(await bindAny(pull, "tcp"))
    await push.send(["a", "b"])
    const batch = await within(pull.receiveBatch(), 5000)
    expect(batch.message(0).map(f => f.toString())).to.deep.equal(["a", "b"])
    expect(batch.frameSize(0, 1)).to.equal(1)
  })

  it("throws RangeError for a message or frame the batch does not have", async () => {
    const {push, pull} = await pipe()
    await push.sendMany(["x", ["y", "z"]])
    let batch = await within(pull.receiveBatch(), 5000)
    while (batch.length < 2) batch = await within(pull.receiveBatch(), 5000)
    for (const index of [-1, 2, 0.5, NaN, "0" as unknown as number]) {
      expect(() => batch.frame(index), `frame(${String(index)})`).to.throw(RangeError)
      expect(() => batch.message(index)).to.throw(RangeError)
      expect(() => batch.frameCount(index)).to.throw(RangeError)
    }
    expect(() => batch.frame(0, 1)).to.throw(RangeError, /has 1 frame/)
    expect(() => batch.frameSize(1, 2)).to.throw(RangeError, /has 2 frame/)
    expect(() => batch.frame(1, -1)).to.throw(RangeError)
    expect(batch.frame(1, 1).toString()).to.equal("z")
    for (const max of [0, -1, 1.5, NaN]) {
      const err = await pull.receiveBatch(max).catch((e: unknown) => e)
      expect(err, `receiveBatch(${max})`).to.be.instanceOf(RangeError)
    }
  })

  it("rejects a waiting batch on timeout, abort and close", async () => {
    const {pull} = await pipe()
    pull.receiveTimeout = 50
    const timedOut = await pull.receiveBatch().catch((err: zmq.ZmqError) => err)
    expect(timedOut).to.be.instanceOf(zmq.ZmqError).and.include({code: "EAGAIN"})
    pull.receiveTimeout = -1
    const controller = new AbortController()
    const aborted = pull.receiveBatch(10, {signal: controller.signal})
    controller.abort(new Error("stop"))
    expect(await aborted.catch((err: Error) => err.message)).to.equal("stop")
    const closed = pull.receiveBatch()
    pull.close()
    const err = await within(
      closed.catch((e: zmq.ZmqError) => e),
      2000,
    )
    expect(err).to.be.instanceOf(zmq.ZmqError).and.include({code: "EBADF"})
  })
})
