import {expect} from "chai"
import type {ZmqError} from "../../lib"
import * as zmq from "../../lib/v5-compat"
import {runChild, within} from "../helpers"
import {bound, socketFactory} from "./v5-compat-helpers"

describe("v5-compat lifecycle", function () {
  this.timeout(30000)
  const socket = socketFactory()

  it("closes once: close() on a closed socket does nothing", () => {
    const pull = socket("pull")
    expect(pull.closed).to.equal(false)
    expect(pull.close()).to.equal(pull)
    expect(pull.closed).to.equal(true)
    expect(() => pull.close()).not.to.throw()
  })

  it("emits nothing after a listener closed the socket in the middle of a burst", async () => {
    const pull = socket("pull")
    const push = socket("push")
    push.connect(bound(pull, "inproc"))
    let seen = 0
    pull.on("message", () => {
      if (++seen === 10) pull.close()
    })
    const sent = new Promise<void>(resolve => {
      for (let i = 0; i < 999; i++) push.send(`m${i}`)
      push.send("last", 0, () => resolve())
    })
    await within(sent, 5000, "the sends")
    // Whatever is still on its way would be emitted within a few turns of the event loop.
    for (let i = 0; i < 10; i++) await new Promise(resolve => setImmediate(resolve))
    expect(seen).to.equal(10)
  })

  it("calls back every queued send once when the socket closes: sent ones fine, the rest EBADF", async () => {
    const pull = socket("pull")
    pull.setsockopt(zmq.ZMQ_RCVHWM, 1)
    pull.pause()
    const push = socket("push")
    push.setsockopt(zmq.ZMQ_SNDHWM, 1)
    push.connect(bound(pull, "inproc"))
    const outcomes: (string | undefined)[] = new Array(10)
    let calls = 0
    for (let i = 0; i < 10; i++) {
      push.send(`m${i}`, 0, err => {
        expect(outcomes[i], `callback ${i} called twice`).to.equal(undefined)
        outcomes[i] = err === undefined ? "sent" : (err as ZmqError).code
        calls++
      })
    }
    const sentAtOnce = calls
    push.close()
    await within(
      (async () => {
        while (calls < 10) await new Promise(resolve => setImmediate(resolve))
      })(),
      5000,
      "every callback",
    )
    expect(outcomes.slice(0, sentAtOnce)).to.deep.equal(new Array(sentAtOnce).fill("sent"))
    expect(outcomes.slice(sentAtOnce)).to.deep.equal(new Array(10 - sentAtOnce).fill("EBADF"))
  })

  it("calls back REQ sends that waited for their turn with EBADF on close", () => {
    const req = socket("req")
    req.connect("inproc://v5-nobody-answers")
    const outcomes: string[] = []
    for (let i = 0; i < 3; i++) {
      req.send(`q${i}`, 0, err => outcomes.push(err ? (err as ZmqError).code : "sent"))
    }
    req.close()
    expect(outcomes).to.deep.equal(["sent", "EBADF", "EBADF"])
  })

  it("keeps a process running while a socket can receive, and lets it end once closed", async () => {
    const result = await runChild(`
      import zmq from "zeromq-napi/v5-compat"
      const pull = zmq.socket("pull")
      pull.bindSync("inproc://v5-alive")
      pull.on("message", msg => {
        console.log(msg.toString())
        pull.close()
      })
      // Nothing else keeps the process running: the socket must, until it closed.
      setTimeout(() => {
        const push = zmq.socket("push")
        push.connect("inproc://v5-alive")
        push.send("still running")
        push.close()
      }, 100).unref()
    `)
    expect(result.stderr).to.equal("")
    expect(result.stdout.trim()).to.equal("still running")
    expect(result.code).to.equal(0)
  })

  it("turns an exception of a message listener into an uncaught exception, and goes on", async () => {
    const result = await runChild(`
      import zmq from "zeromq-napi/v5-compat"
      const pull = zmq.socket("pull")
      pull.bindSync("inproc://v5-throw")
      const seen = []
      process.on("uncaughtException", err => console.log("uncaught:", err.message))
      pull.on("message", msg => {
        seen.push(msg.toString())
        if (seen.length === 2) throw new Error("listener failed")
        if (seen.length === 4) { console.log(seen.join(",")); pull.close() }
      })
      const push = zmq.socket("push")
      push.connect("inproc://v5-throw")
      for (let i = 0; i < 4; i++) push.send("m" + i)
      push.close()
    `)
    expect(result.stderr).to.equal("")
    expect(result.stdout.trim().split("\n")).to.deep.equal([
      "uncaught: listener failed",
      "m0,m1,m2,m3",
    ])
  })

  it("keeps an unreferenced socket with a listener receiving through garbage collection", async () => {
    const result = await runChild(
      `
      import zmq from "zeromq-napi/v5-compat"
      ;(() => {
        const pull = zmq.socket("pull")
        pull.bindSync("inproc://v5-gc")
        pull.on("message", msg => {
          console.log(msg.toString())
          pull.close()
        })
      })()
      for (let i = 0; i < 5; i++) { globalThis.gc(); await new Promise(r => setImmediate(r)) }
      const push = zmq.socket("push")
      push.connect("inproc://v5-gc")
      push.send("still listening")
      push.close()
      `,
      ["--expose-gc"],
    )
    expect(result.stderr).to.equal("")
    expect(result.stdout.trim()).to.equal("still listening")
    expect(result.code).to.equal(0)
  })

  it("lets garbage collection take closed sockets, their monitors and listeners", async () => {
    const result = await runChild(
      `
      import zmq from "zeromq-napi/v5-compat"
      let collected = 0
      const registry = new FinalizationRegistry(() => collected++)
      function useAndClose(i) {
        const rep = zmq.socket("rep")
        rep.bindSync("tcp://127.0.0.1:*")
        rep.monitor()
        rep.on("message", () => {})
        rep.send("never sent")
        registry.register(rep, i)
        rep.close()
      }
      for (let i = 0; i < 20; i++) useAndClose(i)
      for (let i = 0; i < 20 && collected < 20; i++) {
        globalThis.gc()
        await new Promise(r => setTimeout(r, 10))
      }
      console.log("collected", collected)
      `,
      ["--expose-gc"],
    )
    expect(result.stderr).to.equal("")
    expect(result.stdout.trim()).to.equal("collected 20")
    expect(result.code).to.equal(0)
  })
})
