import {expect} from "chai"
import * as zmq from "../../lib/v5-compat"
import {within} from "../helpers"
import {bound, messages, socketFactory} from "./v5-compat-helpers"

const text = (frames: Buffer[]) => frames.map(frame => frame.toString())

/** Waits until libzmq reports a message for `socket` (a paused socket does not emit it). */
async function untilReadable(socket: zmq.Socket): Promise<void> {
  const deadline = Date.now() + 5000
  while (((socket.getsockopt(zmq.ZMQ_EVENTS) as number) & zmq.ZMQ_POLLIN) === 0) {
    if (Date.now() > deadline) throw new Error("no message arrived")
    await new Promise(resolve => setImmediate(resolve))
  }
}

describe("v5-compat sending", () => {
  const socket = socketFactory()

  /** A push connected over inproc to a paused pull, both with a high-water mark of 1. */
  function stalledPipe() {
    const pull = socket("pull")
    pull.setsockopt(zmq.ZMQ_RCVHWM, 1)
    pull.pause()
    const push = socket("push")
    push.setsockopt(zmq.ZMQ_SNDHWM, 1)
    push.connect(bound(pull, "inproc"))
    return {push, pull}
  }

  it("hands a message to libzmq before send() returns, and calls back then", () => {
    const {push} = stalledPipe()
    let called = false
    push.send("now", 0, err => {
      expect(err).to.equal(undefined)
      called = true
    })
    expect(called).to.equal(true)
  })

  it("queues what libzmq cannot take yet and sends it in order, callbacks in order", async () => {
    const {push, pull} = stalledPipe()
    const calls: number[] = []
    let synchronous = 0
    for (let i = 0; i < 20; i++) {
      push.send(`m${i}`, 0, err => {
        expect(err).to.equal(undefined)
        calls.push(i)
      })
      if (calls.length === i + 1) synchronous++
    }
    // The high-water mark holds most back: they wait, and their callbacks with them.
    expect(synchronous).to.be.within(1, 19)
    const received = messages(pull, 20)
    pull.resume()
    expect((await received).map(text)).to.deep.equal(Array.from({length: 20}, (_, i) => [`m${i}`]))
    await within(
      (async () => {
        while (calls.length < 20) await new Promise(resolve => setImmediate(resolve))
      })(),
      5000,
      "the callbacks",
    )
    expect(calls).to.deep.equal(Array.from({length: 20}, (_, i) => i))
  })

  it("takes the callback in place of the flags", () => {
    const {push} = stalledPipe()
    let called = false
    push.send("now", () => (called = true))
    expect(called).to.equal(true)
  })

  it("sends numbers, null and objects as their String(), as 5.x did", async () => {
    const pull = socket("pull")
    const push = socket("push")
    push.connect(bound(pull, "inproc"))
    const received = messages(pull, 1)
    push.send([42, null, undefined, {toString: () => "object"}, new Uint16Array([0x6968])])
    const [[a, b, c, d, e]] = await received
    expect([a, b, c, d].map(String)).to.deep.equal(["42", "null", "undefined", "object"])
    // Byte arrays of any kind are bytes.
    expect([...e]).to.deep.equal([...Buffer.from(new Uint16Array([0x6968]).buffer)])
  })

  it("refuses an empty multipart message and a callback that is no function", () => {
    const push = socket("push")
    expect(() => push.send([])).to.throw(TypeError, /at least one frame/)
    expect(() => push.send("x", 0, "nope" as never)).to.throw(TypeError, /callback/)
  })

  it("holds sends while paused and sends them, in order, on resume", async () => {
    const pull = socket("pull")
    const push = socket("push")
    push.connect(bound(pull, "inproc"))
    push.pause()
    const calls: string[] = []
    push.send("first", 0, () => calls.push("first"))
    push.send(["second", "part"], 0, () => calls.push("second"))
    expect(calls).to.deep.equal([])
    expect(pull.read()).to.equal(null)
    const received = messages(pull, 2)
    push.resume()
    expect(calls).to.deep.equal(["first", "second"])
    expect((await received).map(text)).to.deep.equal([["first"], ["second", "part"]])
  })

  it("REQ holds a send until the reply to the previous request came", async () => {
    const rep = socket("rep")
    rep.pause()
    const req = socket("req")
    req.connect(bound(rep, "inproc"))
    const calls: string[] = []
    req.send("one", 0, () => calls.push("one"))
    req.send("two", 0, () => calls.push("two"))
    expect(calls).to.deep.equal(["one"])
    await untilReadable(rep)
    expect(text(rep.read()!)).to.deep.equal(["one"])
    // A REP socket must answer before it may receive again.
    expect(rep.read()).to.equal(null)
    const second = messages(rep, 1)
    rep.send("reply")
    rep.resume()
    expect((await second).map(text)).to.deep.equal([["two"]])
    expect(calls).to.deep.equal(["one", "two"])
  })
})

describe("v5-compat receiving", () => {
  const socket = socketFactory()

  it("keeps messages in libzmq while paused; read() takes them; resume() emits the rest", async () => {
    const pull = socket("pull")
    const push = socket("push")
    push.connect(bound(pull, "inproc"))
    pull.pause()
    let emitted = 0
    pull.on("message", () => emitted++)
    for (let i = 0; i < 3; i++) push.send(`m${i}`)
    await untilReadable(pull)
    expect(emitted).to.equal(0)
    expect(text(pull.read()!)).to.deep.equal(["m0"])
    const rest = messages(pull, 2)
    pull.resume()
    expect((await rest).map(text)).to.deep.equal([["m1"], ["m2"]])
    expect(pull.read()).to.equal(null)
  })

  it("stops emitting at once when a listener pauses, and goes on with the next message", async () => {
    const pull = socket("pull")
    const push = socket("push")
    push.connect(bound(pull, "inproc"))
    const seen: string[] = []
    pull.on("message", msg => {
      seen.push(msg.toString())
      if (seen.length === 2) pull.pause()
    })
    for (let i = 0; i < 5; i++) push.send(`m${i}`)
    await untilReadable(pull)
    await within(
      (async () => {
        while (seen.length < 2) await new Promise(resolve => setImmediate(resolve))
      })(),
      5000,
      "two messages",
    )
    expect(seen).to.deep.equal(["m0", "m1"])
    const rest = messages(pull, 3)
    pull.resume()
    await rest
    expect(seen).to.deep.equal(["m0", "m1", "m2", "m3", "m4"])
  })

  it("returns null from read() on a socket that cannot receive, or is closed", () => {
    const push = socket("push")
    expect(push.read()).to.equal(null)
    const pull = socket("pull")
    pull.close()
    expect(pull.read()).to.equal(null)
  })
})
