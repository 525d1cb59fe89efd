import {expect} from "chai"
import {runChild} from "../helpers"

describe("socket lifecycle", function () {
  this.timeout(30000)

  it("keeps a socket with a pending receive alive through garbage collection", async () => {
    const result = await runChild(
      `
      import * as zmq from "zeromq-napi"
      const endpoint = "inproc://gc-pending"
      const pending = (() => {
        const pull = new zmq.Pull()
        pull.bindSync(endpoint)
        return pull.receive()
      })()
      for (let i = 0; i < 5; i++) { globalThis.gc(); await new Promise(r => setImmediate(r)) }
      const push = new zmq.Push()
      push.connect(endpoint)
      await push.send("still here")
      const [msg] = await pending
      console.log(msg.toString())
      push.close()
      `,
      ["--expose-gc"],
    )
    expect(result.stderr).to.equal("")
    expect(result.stdout.trim()).to.equal("still here")
    expect(result.code).to.equal(0)
  })

  it("closes an unreferenced idle socket when it is collected", async () => {
    const result = await runChild(
      `
      import * as zmq from "zeromq-napi"
      const registry = new FinalizationRegistry(() => console.log("collected"))
      ;(() => {
        const pull = new zmq.Pull()
        pull.bindSync("tcp://127.0.0.1:*")
        registry.register(pull, 0)
      })()
      for (let i = 0; i < 10; i++) { globalThis.gc(); await new Promise(r => setTimeout(r, 10)) }
      `,
      ["--expose-gc"],
    )
    expect(result.stderr).to.equal("")
    expect(result.stdout.trim()).to.equal("collected")
    expect(result.code).to.equal(0)
  })

  it("throws EBADF, not crashes, when a native method outlives its collected socket", async () => {
    // The per-message methods are own functions of the native object that point at the
    // C++ socket: one kept past the socket's collection must find it gone.
    const result = await runChild(
      `
      import * as zmq from "zeromq-napi"
      const registry = new FinalizationRegistry(() => console.log("collected"))
      const methods = (() => {
        const push = new zmq.Push()
        registry.register(push, 0)
        // The engine's internal key (lib/socket/internals.ts): tests only.
        const key = Object.getOwnPropertySymbols(push).find(s => s.description === "zeromq-napi.engine")
        const native = push[key].native
        registry.register(native, 1)
        return ["send", "sendPacked", "sendMany", "receive", "wait", "events"].map(name => native[name])
      })()
      for (let i = 0; i < 10; i++) { globalThis.gc(); await new Promise(r => setTimeout(r, 10)) }
      for (const method of methods) {
        try { method("x", 0, 1) } catch (err) { console.log(method.name, err.code) }
      }
      `,
      ["--expose-gc"],
    )
    expect(result.stderr).to.equal("")
    expect(result.stdout.trim().split("\n")).to.deep.equal([
      "collected",
      "collected",
      "send EBADF",
      "sendPacked EBADF",
      "sendMany EBADF",
      "receive EBADF",
      "wait EBADF",
      "events EBADF",
    ])
    expect(result.code).to.equal(0)
  })

  it("exits normally after a constructor threw on a bad option", async () => {
    const result = await runChild(`
      import * as zmq from "zeromq-napi"
      try { new zmq.Dealer({linger: "bad"}) } catch (err) { console.log(err.constructor.name) }
      try { new zmq.Dealer({noSuchOption: 1}) } catch (err) { console.log(err.constructor.name) }
    `)
    expect(result.stdout.trim().split("\n")).to.deep.equal(["TypeError", "TypeError"])
    expect(result.signal).to.equal(null)
    expect(result.code).to.equal(0)
  })

  it("waits about the default linger at exit for undeliverable messages, and no longer", async () => {
    const program = (options: string) => `
      import * as zmq from "zeromq-napi"
      const push = new zmq.Push(${options})
      push.connect("tcp://127.0.0.1:9") // nobody listens: the message stays queued
      await push.send("undeliverable")
      console.log(zmq.defaultLinger)
    `
    const lingering = await runChild(program("{}"))
    const immediate = await runChild(program("{linger: 0}"))
    expect(lingering.code).to.equal(0)
    expect(immediate.code).to.equal(0)
    const linger = Number(lingering.stdout.trim())
    expect(linger).to.equal(1000)
    // Same startup in both: the difference is the time spent trying to deliver.
    const waited = lingering.ms - immediate.ms
    expect(waited).to.be.within(linger * 0.8, linger + 1500)
  })

  it("delivers queued messages before the process exits", async () => {
    const result = await runChild(`
      import * as zmq from "zeromq-napi"
      import {spawn} from "node:child_process"
      const pull = new zmq.Pull()
      await pull.bind("tcp://127.0.0.1:*")
      const child = spawn(process.execPath, ["--input-type=module", "-e", \`
        import * as zmq from "zeromq-napi"
        const push = new zmq.Push()
        push.connect("\${pull.lastEndpoint}")
        await push.sendMany(Array.from({length: 1000}, (_, i) => String(i)))
      \`], {stdio: "inherit"})
      let count = 0
      for await (const [msg] of pull) { if (++count === 1000) break }
      console.log(count)
      pull.close()
    `)
    expect(result.stderr).to.equal("")
    expect(result.stdout.trim()).to.equal("1000")
  })
})
