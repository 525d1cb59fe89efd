import {expect} from "chai"
import {runChild} from "./helpers"

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

  it("exits within the default linger when messages cannot be delivered", async () => {
    const result = await runChild(`
      import * as zmq from "zeromq-napi"
      const push = new zmq.Push()
      push.connect("tcp://127.0.0.1:9") // nobody listens: the message stays queued
      await push.send("undeliverable")
      console.log(zmq.defaultLinger)
    `)
    expect(result.code).to.equal(0)
    const linger = Number(result.stdout.trim())
    expect(linger).to.be.above(0)
    // Startup included: the exit waited at most about the linger.
    expect(result.ms).to.be.below(linger + 5000)
  })

  it("exits at once with linger 0 and queued messages", async () => {
    const result = await runChild(`
      import * as zmq from "zeromq-napi"
      const push = new zmq.Push({linger: 0})
      push.connect("tcp://127.0.0.1:9")
      await push.send("undeliverable")
    `)
    expect(result.code).to.equal(0)
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
