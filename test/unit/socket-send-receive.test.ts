import {expect} from "chai"
import * as zmq from "../../lib"
import {bindAny, isPending, within} from "../helpers"

describe("sending and receiving", () => {
  const sockets: zmq.Socket[] = []
  const track = <S extends zmq.Socket>(socket: S): S => (sockets.push(socket), socket)
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close()
  })

  async function pipe(options: {sendHighWaterMark?: number; receiveHighWaterMark?: number} = {}) {
    const pull = track(new zmq.Pull({receiveHighWaterMark: options.receiveHighWaterMark ?? 1000}))
    const push = track(new zmq.Push({sendHighWaterMark: options.sendHighWaterMark ?? 1000}))
    push.connect(await bindAny(pull, "inproc"))
    return {push, pull}
  }

  it("delivers 1000 un-awaited sends complete and in order", async () => {
    const {push, pull} = await pipe({sendHighWaterMark: 10, receiveHighWaterMark: 10})
    const sends = Array.from({length: 1000}, (_, i) => push.send(`message ${i}`))
    for (let i = 0; i < 1000; i++) {
      const [msg] = await within(pull.receive(), 5000, `message ${i}`)
      expect(msg.toString()).to.equal(`message ${i}`)
    }
    await within(Promise.all(sends), 5000, "all sends")
  })

  it("completes overlapping receives in call order without EBUSY", async () => {
    const {push, pull} = await pipe()
    const receives = Array.from({length: 50}, () => pull.receive())
    for (let i = 0; i < 50; i++) await push.send(String(i))
    const messages = await within(Promise.all(receives), 5000)
    expect(messages.map(([m]) => Number(m.toString()))).to.deep.equal([...Array(50).keys()])
  })

  it("resolves a send only once libzmq accepted it, so the high-water mark holds", async () => {
    const pull = track(new zmq.Pull({receiveHighWaterMark: 1}))
    const push = track(new zmq.Push({sendHighWaterMark: 1}))
    push.connect(await bindAny(pull, "inproc"))
    // inproc has no socket buffers: with both high-water marks at 1, two messages fit.
    await push.send("1")
    await push.send("2")
    const third = push.send("3")
    expect(await isPending(third)).to.equal(true)
    expect((await pull.receive())[0].toString()).to.equal("1")
    await within(third, 2000, "third send")
    expect((await pull.receive())[0].toString()).to.equal("2")
    expect((await pull.receive())[0].toString()).to.equal("3")
  })

  it("sends a burst with sendMany and receives it with receiveMany", async () => {
    const {push, pull} = await pipe({sendHighWaterMark: 100, receiveHighWaterMark: 100})
    const messages = Array.from({length: 5000}, (_, i) =>
      i % 2 ? [`multi ${i}`, "part"] : `single ${i}`,
    )
    const sent = push.sendMany(messages)
    const received: zmq.Message[][] = []
    while (received.length < messages.length) {
      const batch = await within(pull.receiveMany(1000), 5000)
      expect(batch.length).to.be.within(1, 1000)
      received.push(...batch)
    }
    await within(sent, 5000)
    received.forEach((parts, i) => {
      expect(parts.map(p => p.toString())).to.deep.equal(
        i % 2 ? [`multi ${i}`, "part"] : [`single ${i}`],
      )
    })
  })

  it("keeps order and bytes when a batch mixes small, large, typed, empty and string frames", async () => {
    // Small byte arrays travel packed into one buffer, the rest frame by frame: the
    // switches between the two ways, and packs that fill up, must not reorder anything.
    const {push, pull} = await pipe({sendHighWaterMark: 50, receiveHighWaterMark: 50})
    const frame = (i: number, size: number) => Buffer.alloc(size, i & 0xff)
    const messages: (zmq.MessageLike | zmq.MessageLike[])[] = []
    for (let i = 0; i < 600; i++) {
      switch (i % 6) {
        case 0:
          messages.push(frame(i, 2000)) // 33 of these fill a pack
          break
        case 1:
          messages.push([frame(i, 16), frame(i, 100 * 1024), frame(i, 0)])
          break
        case 2:
          messages.push(`string ${i}`)
          break
        case 3:
          messages.push(new Uint16Array([i, i + 1]))
          break
        case 4:
          messages.push([frame(i, 0), frame(i, 3000), frame(i, 1)])
          break
        default:
          messages.push(Buffer.alloc(0))
      }
    }
    // Half through sendMany, half through un-awaited sends that queue at the high-water mark.
    const sent = [push.sendMany(messages.slice(0, 300))]
    for (const message of messages.slice(300)) sent.push(push.send(message))
    for (let i = 0; i < messages.length; i++) {
      const received = await within(pull.receive(), 5000, `message ${i}`)
      const expected = ([] as zmq.MessageLike[]).concat(messages[i] as zmq.MessageLike)
      expect(received.length, `parts of message ${i}`).to.equal(expected.length)
      expected.forEach((part, j) => {
        const bytes =
          typeof part === "string"
            ? Buffer.from(part)
            : Buffer.from(
                (part as Uint8Array).buffer,
                (part as Uint8Array).byteOffset,
                (part as Uint8Array).byteLength,
              )
        expect(received[j].equals(bytes), `message ${i} part ${j}`).to.equal(true)
      })
    }
    await within(Promise.all(sent), 5000, "all sends")
  })

  it("delivers what a batch sent before a message libzmq refused, once", async () => {
    const router = track(new zmq.Router({mandatory: true}))
    const dealer = track(new zmq.Dealer({routingId: "known"}))
    dealer.connect(await bindAny(router, "inproc"))
    await dealer.send("hello")
    await router.receive()
    const refused = await router
      .sendMany(
        [
          ["known", "1"],
          ["known", "2"],
          ["nobody", "3"],
          ["known", "4"],
        ].map(parts => parts.map(part => Buffer.from(part))),
      )
      .then(
        () => null,
        (err: unknown) => err as zmq.ZmqError,
      )
    expect(refused?.code).to.equal("EHOSTUNREACH")
    await router.send(["known", "after"])
    const received: string[] = []
    for (let i = 0; i < 3; i++) received.push((await within(dealer.receive(), 2000))[0].toString())
    expect(received).to.deep.equal(["1", "2", "after"])
  })

  it("settles each queued send once when libzmq refuses one of them", async () => {
    const router = track(new zmq.Router({mandatory: true, sendHighWaterMark: 0}))
    const dealer = track(new zmq.Dealer({routingId: "known", receiveHighWaterMark: 0}))
    dealer.connect(await bindAny(router, "inproc"))
    await dealer.send("hello")
    await router.receive()
    // More sends than one turn moves: the rest queue and go out in batches, with the
    // refused one in the middle of a batch.
    const known = Buffer.from("known")
    const outcomes = await Promise.all(
      Array.from({length: 6000}, (_, i) =>
        router.send([i === 4500 ? Buffer.from("nobody") : known, Buffer.from(String(i))]).then(
          () => "sent",
          (err: zmq.ZmqError) => err.code,
        ),
      ),
    )
    expect(outcomes.filter(o => o === "sent")).to.have.length(5999)
    expect(outcomes[4500]).to.equal("EHOSTUNREACH")
    const received = []
    for (let i = 0; i < 5999; i++) received.push(Number((await dealer.receive())[0].toString()))
    expect(received).to.deep.equal([...Array(6000).keys()].filter(i => i !== 4500))
  })

  // libzmq signals a socket's descriptor once per batch of commands, and any send or
  // receive may process them: an operation that completes at once must not leave a
  // pending one of the other direction waiting for a signal that was already consumed.
  const busyWait = (ms: number) => {
    const until = Date.now() + ms
    while (Date.now() < until);
  }

  it("wakes a pending receive after a send on the same socket processed its signal", async () => {
    const router = track(new zmq.Router())
    const dealer = track(new zmq.Dealer())
    dealer.connect(await bindAny(router, "tcp"))
    await dealer.send("hello")
    const [id] = await router.receive()
    for (let round = 0; round < 30; round++) {
      const received = dealer.receive()
      await router.send([id, `ping ${round}`])
      // Lets the I/O thread deliver the ping (and signal) before the send below runs.
      busyWait(2)
      await dealer.send("pong")
      const [ping] = await within(received, 2000, `ping ${round}`)
      expect(ping.toString()).to.equal(`ping ${round}`)
      await router.receive()
    }
  })

  it("wakes a pending send after a receive on the same socket processed its signal", async () => {
    const router = track(new zmq.Router({receiveHighWaterMark: 1}))
    const dealer = track(new zmq.Dealer({sendHighWaterMark: 1}))
    dealer.connect(await bindAny(router, "inproc"))
    await dealer.send("hello")
    const [id] = await router.receive()
    for (let round = 0; round < 30; round++) {
      // inproc holds both high-water marks: two messages fit, the third waits.
      await dealer.send("fill 1")
      await dealer.send("fill 2")
      const blocked = dealer.send("blocked")
      expect(await isPending(blocked)).to.equal(true)
      await router.send([id, "x"])
      await router.receive() // makes room: libzmq tells the dealer it may write again
      busyWait(2)
      await dealer.receive()
      await within(blocked, 2000, `blocked send ${round}`)
      await router.receive()
      await router.receive()
    }
  })

  it("accepts every kind of bytes and strings as frames", async () => {
    const {push, pull} = await pipe()
    const bytes = [1, 2, 3, 4, 5, 6, 7, 8]
    const frames = [
      Buffer.from(bytes),
      new Uint8Array(bytes),
      new Uint32Array(new Uint8Array(bytes).buffer),
      new Float64Array(new Uint8Array(bytes).buffer),
      new DataView(new Uint8Array(bytes).buffer),
      new Uint8Array(bytes).buffer,
      new Uint8Array([9, 9, ...bytes, 9]).subarray(2, 10),
    ]
    for (const frame of frames) await push.send(frame)
    for (const frame of frames) {
      const [msg] = await pull.receive()
      expect([...msg], frame.constructor.name).to.deep.equal(bytes)
    }
    await push.send("h\u00e9llo \u{1F600}")
    expect((await pull.receive())[0].toString("utf8")).to.equal("h\u00e9llo \u{1F600}")
  })

  it("sends large buffers without copying and still delivers their bytes", async () => {
    const {push, pull} = await pipe()
    const big = Buffer.alloc(1024 * 1024)
    for (let i = 0; i < big.length; i += 4096) big[i] = i & 0xff
    await push.send(big)
    const [msg] = await pull.receive()
    expect(msg.equals(big)).to.equal(true)
  })

  it("rejects with EAGAIN after receiveTimeout and sendTimeout", async () => {
    const pull = track(new zmq.Pull({receiveTimeout: 30}))
    await bindAny(pull, "inproc")
    const started = Date.now()
    const error = await pull.receive().then(
      () => null,
      (err: unknown) => err as zmq.ZmqError,
    )
    expect(error).to.be.instanceOf(zmq.ZmqError)
    expect(error!.code).to.equal("EAGAIN")
    expect(Date.now() - started).to.be.at.least(25)

    const push = track(new zmq.Push({sendTimeout: 0}))
    push.connect("inproc://nobody-binds-here")
    // A connected PUSH queues up to its high-water mark before refusing.
    const refused = await push.sendMany(Array(2000).fill("x")).then(
      () => null,
      (err: unknown) => err as zmq.ZmqError,
    )
    expect(refused?.code).to.equal("EAGAIN")
  })

  it("keeps the caller's stack on asynchronous errors", async () => {
    const pull = track(new zmq.Pull({receiveTimeout: 10}))
    await bindAny(pull, "inproc")
    async function theCallerOfReceive() {
      const [message] = await pull.receive()
      return message
    }
    const error = await theCallerOfReceive().then(
      () => null,
      (err: Error) => err,
    )
    expect(error!.stack).to.contain("theCallerOfReceive")
  })

  it("aborts a pending receive and send with the signal's reason, keeping later ones", async () => {
    const {push, pull} = await pipe()
    const controller = new AbortController()
    const aborted = pull.receive({signal: controller.signal})
    const kept = pull.receive()
    controller.abort()
    const error = await aborted.then(
      () => null,
      (err: Error) => err,
    )
    expect(error?.name).to.equal("AbortError")
    await push.send("for the second")
    expect((await within(kept, 2000))[0].toString()).to.equal("for the second")
    const already = AbortSignal.abort(new Error("too late"))
    await pull.receive({signal: already}).then(
      () => expect.fail("should reject"),
      (err: Error) => expect(err.message).to.equal("too late"),
    )

    const blocked = track(new zmq.Push({sendHighWaterMark: 1}))
    blocked.connect("inproc://nobody-binds-either")
    await blocked.send("fills the queue")
    const sendController = new AbortController()
    const pendingSend = blocked.send("waits", {signal: sendController.signal})
    sendController.abort()
    expect(
      await pendingSend.then(
        () => "sent",
        (err: Error) => err.name,
      ),
    ).to.equal("AbortError")
  })

  it("rejects pending operations with EBADF when the socket closes", async () => {
    const pull = track(new zmq.Pull())
    await bindAny(pull, "inproc")
    const pending = [pull.receive(), pull.receive()]
    pull.close()
    for (const op of pending) {
      const error = await op.then(
        () => null,
        (err: zmq.ZmqError) => err,
      )
      expect(error?.code).to.equal("EBADF")
      expect(error?.message).to.equal("Socket is closed")
    }
    const push = track(new zmq.Push({sendHighWaterMark: 1}))
    push.connect("inproc://nobody-binds-at-all")
    await push.send("fills")
    const pendingSend = push.send("waits")
    push.close()
    expect(
      await pendingSend.then(
        () => "sent",
        (err: zmq.ZmqError) => err.code,
      ),
    ).to.equal("EBADF")
    expect(
      await push.send("after close").then(
        () => "sent",
        (err: zmq.ZmqError) => err.code,
      ),
    ).to.equal("EBADF")
  })

  it("ends for-await iteration when the socket closes", async () => {
    const {push, pull} = await pipe()
    const seen: string[] = []
    const loop = (async () => {
      for await (const [msg] of pull) seen.push(msg.toString())
    })()
    await push.send("one")
    await push.send("two")
    while (seen.length < 2) await new Promise(r => setImmediate(r))
    pull.close()
    await within(loop, 2000, "iteration end")
    expect(seen).to.deep.equal(["one", "two"])
  })

  it("lets timers fire while a flood of messages is received", async () => {
    const {push, pull} = await pipe({sendHighWaterMark: 0, receiveHighWaterMark: 0})
    const total = 200_000
    await push.sendMany(Array(total).fill("x"))
    let timerFired = false
    setTimeout(() => (timerFired = true), 0)
    let received = 0
    let receivedWhenTimerFired = -1
    for await (const _ of pull) {
      received++
      if (timerFired && receivedWhenTimerFired < 0) receivedWhenTimerFired = received
      if (received === total) break
    }
    expect(receivedWhenTimerFired, "the timer fired before the flood ended").to.be.within(
      1,
      total - 1,
    )
  })

  it("completes a pending receive even when readable was read meanwhile", async () => {
    // Reading ZMQ_EVENTS consumes the wake-up the pending receive waits for.
    const {push, pull} = await pipe()
    const pending = pull.receive()
    await push.send("wake")
    while (!pull.readable) await new Promise(r => setImmediate(r))
    expect((await within(pending, 2000, "pending receive"))[0].toString()).to.equal("wake")
  })

  it("reports readable and writable", async () => {
    const {push, pull} = await pipe()
    expect(pull.readable).to.equal(false)
    expect(push.writable).to.equal(true)
    await push.send("x")
    await within(
      (async () => {
        while (!pull.readable) await new Promise(r => setTimeout(r, 1))
      })(),
      2000,
    )
    await pull.receive()
  })
})
