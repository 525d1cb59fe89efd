import {expect} from "chai"
import {once} from "node:events"
import * as path from "node:path"
import {Worker} from "node:worker_threads"
import {Context, Pull, Push, ZmqError} from "../../lib"
import {closeAll, closing, isPending, runChild} from "../helpers"

const blocked = "Socket is blocked by a bind or unbind operation"

/** bind()/unbind() run on another thread, with zeromq v6's rules meanwhile. */
describe("bind and unbind off the main thread", function () {
  afterEach(closeAll)

  it("refuses a second bind or unbind, connect, options and events with EBUSY while one runs", async function () {
    const pull = closing(new Pull({linger: 0}))
    const first = pull.bind("tcp://127.0.0.1:*")
    const second = await pull.bind("tcp://127.0.0.1:*").catch((err: unknown) => err)
    expect(second).to.be.instanceOf(ZmqError)
    expect(second).to.include({code: "EBUSY", message: blocked})
    const unbind = await pull.unbind("tcp://127.0.0.1:1").catch((err: unknown) => err)
    expect(unbind).to.include({code: "EBUSY", message: blocked})
    expect(() => pull.connect("tcp://127.0.0.1:1")).to.throw(ZmqError, blocked)
    expect(() => pull.receiveHighWaterMark).to.throw(ZmqError, blocked)
    expect(() => pull.readable).to.throw(ZmqError, blocked)
    await first
    expect(pull.lastEndpoint).to.match(/^tcp:\/\/127\.0\.0\.1:\d+$/)
    // Usable again once the bind ended.
    await pull.bind("tcp://127.0.0.1:*")
  })

  it("queues sends and receives issued during a bind and completes them after it", async function () {
    const pull = closing(new Pull({linger: 0}))
    const push = closing(new Push({linger: 0}))
    const bound = pull.bind("tcp://127.0.0.1:*")
    const received = pull.receive()
    expect(await isPending(received)).to.equal(true)
    await bound
    push.connect(pull.lastEndpoint!)
    await push.send("after bind")
    expect(String((await received)[0])).to.equal("after bind")
  })

  it("close() during a bind closes when the bind has ended; pending operations reject", async function () {
    const pull = new Pull({linger: 0})
    const observer = pull.events // its monitor must stop too, later
    const bound = pull.bind("tcp://127.0.0.1:*")
    const received = pull.receive().catch((err: ZmqError) => err.code)
    expect(() => observer.close()).not.to.throw()
    expect(() => pull.close()).not.to.throw()
    expect(pull.closed).to.equal(true)
    await bound
    expect(observer.closed).to.equal(true)
    expect(await received).to.equal("EBADF")
    expect(await pull.bind("tcp://127.0.0.1:*").catch((err: ZmqError) => err.code)).to.equal(
      "EBADF",
    )
  })

  it("unbinds on the thread pool too, and rejects an unknown endpoint with v6's text", async function () {
    const pull = closing(new Pull({linger: 0}))
    await pull.bind("tcp://127.0.0.1:*")
    const endpoint = pull.lastEndpoint!
    await pull.unbind(endpoint)
    const err = (await pull.unbind(endpoint).catch((e: unknown) => e)) as ZmqError
    expect(err).to.include({code: "ENOENT", message: "No such endpoint", address: endpoint})
  })

  it("a process exiting during a bind ends normally (the bind is abandoned safely)", async function () {
    const source = `
      import {Pull} from "zeromq-napi"
      const pull = new Pull({linger: 0})
      pull.bind("tcp://127.0.0.1:*").catch(() => {})
      process.exit(0)
    `
    for (let i = 0; i < 3; i++) {
      const result = await runChild(source)
      expect(result.code, result.stderr).to.equal(0)
    }
  })

  it("a worker terminated during a bind ends cleanly (the socket is abandoned to the bind)", async function () {
    const entry = path.resolve(__dirname, "../../dist/cjs/index.js")
    for (let i = 0; i < 10; i++) {
      const worker = new Worker(
        `const zmq = require(${JSON.stringify(entry)})
        const pull = new zmq.Pull({linger: 0})
        pull.bind("tcp://127.0.0.1:*").catch(() => {})
        require("node:worker_threads").parentPort.postMessage("binding")`,
        {eval: true},
      )
      const exited = once(worker, "exit")
      await once(worker, "message")
      await worker.terminate()
      // Terminated (1), or ended on its own when the bind was done (0): either way no crash.
      const [code] = (await exited) as [number]
      expect([0, 1]).to.include(code)
    }
  })

  it("a context closes during a bind: the socket closes when the bind has ended", async function () {
    const context = new Context()
    const pull = new Pull({context, linger: 0})
    const bound = pull.bind("tcp://127.0.0.1:*")
    await context.close()
    expect(pull.closed).to.equal(true)
    await bound
  })
})
