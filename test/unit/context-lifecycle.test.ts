import {expect} from "chai"
import * as net from "node:net"
import * as zmq from "../../lib"
import {bindAny, moduleWorker, runChild, within} from "../helpers"

/** A TCP endpoint nobody listens on: messages sent there stay queued. */
async function deadEndpoint(): Promise<string> {
  const server = net.createServer()
  await new Promise<void>(resolve => server.listen(0, "127.0.0.1", resolve))
  const {port} = server.address() as net.AddressInfo
  await new Promise(resolve => server.close(resolve))
  return `tcp://127.0.0.1:${port}`
}

/** Milliseconds `promise` takes to settle. */
async function timed(promise: Promise<unknown>): Promise<number> {
  const started = Date.now()
  await within(promise, 10000, "context.close()")
  return Date.now() - started
}

describe("context lifecycle", function () {
  this.timeout(30000)

  it("fails to create sockets on a closed context with ETERM", async () => {
    const context = new zmq.Context()
    await context.close()
    expect(context.closed).to.equal(true)
    expect(() => new zmq.Dealer({context}))
      .to.throw(zmq.ZmqError, "Context is closed")
      .with.property("code", "ETERM")
  })

  it("closes its sockets, rejecting their pending operations with EBADF", async () => {
    const context = new zmq.Context()
    const pull = new zmq.Pull({context})
    await bindAny(pull, "inproc")
    const push = new zmq.Push({context}) // no peer: a send waits
    const receiving = pull.receive()
    const sending = push.send("nowhere")
    const closing = context.close()
    for (const pending of [receiving, sending]) {
      let thrown: unknown
      await pending.catch(err => (thrown = err))
      expect(thrown).to.be.instanceOf(zmq.ZmqError).with.property("code", "EBADF")
    }
    expect(pull.closed && push.closed).to.equal(true)
    await within(closing, 5000, "context.close()")
    // Later calls return the same promise.
    expect(context.close()).to.equal(closing)
  })

  it("resolves close() within the default linger when messages cannot be delivered", async () => {
    const context = new zmq.Context()
    const push = new zmq.Push({context})
    push.connect(await deadEndpoint())
    await push.send("undeliverable")
    const elapsed = await timed(context.close())
    // libzmq tries to deliver for the whole linger, then gives up.
    expect(elapsed).to.be.at.least(zmq.defaultLinger - 100)
    expect(elapsed).to.be.below(zmq.defaultLinger + 2000)
  })

  it("resolves close() within a socket's own linger", async () => {
    const context = new zmq.Context()
    const push = new zmq.Push({context, linger: 200})
    push.connect(await deadEndpoint())
    await push.send("undeliverable")
    const elapsed = await timed(context.close())
    expect(elapsed).to.be.at.least(150).and.below(1500)
  })

  it("resolves close() at once with linger 0", async () => {
    const context = new zmq.Context()
    const push = new zmq.Push({context, linger: 0})
    push.connect(await deadEndpoint())
    await push.sendMany(Array.from({length: 100}, (_, i) => `undeliverable ${i}`))
    expect(await timed(context.close())).to.be.below(500)
  })

  it("delivers queued messages before close() resolves", async () => {
    const pull = new zmq.Pull()
    const address = await bindAny(pull, "tcp")
    const context = new zmq.Context()
    const push = new zmq.Push({context})
    push.connect(address)
    await push.sendMany(Array.from({length: 100}, (_, i) => `message ${i}`))
    await within(context.close(), 5000, "context.close()")
    const received: zmq.Message[][] = []
    while (received.length < 100)
      received.push(...(await within(pull.receiveMany(), 5000, "receive")))
    expect(received.map(([message]) => message.toString())).to.deep.equal(
      Array.from({length: 100}, (_, i) => `message ${i}`),
    )
    pull.close()
  })

  it("lets the process exit within the linger when a context is never closed", async () => {
    const result = await runChild(`
      import * as net from "node:net"
      import * as zmq from "zeromq-napi"
      const server = net.createServer()
      await new Promise(resolve => server.listen(0, "127.0.0.1", resolve))
      const {port} = server.address()
      await new Promise(resolve => server.close(resolve))
      const context = new zmq.Context()
      const push = new zmq.Push({context})
      push.connect("tcp://127.0.0.1:" + port)
      await push.send("undeliverable")
      console.log("sent")
    `)
    expect(result.stderr).to.equal("")
    expect(result.stdout.trim()).to.equal("sent")
    expect(result.code).to.equal(0)
    // Startup included: the exit waited about the linger, not for ever.
    expect(result.ms).to.be.below(zmq.defaultLinger + 5000)
  })

  it("closes only this thread's sockets when the shared default context is closed", async () => {
    const result = await runChild(`
      import * as zmq from "zeromq-napi"
      import {Worker} from "${moduleWorker}"
      const mine = new zmq.Pull()
      await mine.bind("inproc://main-thread")
      const worker = new Worker(\`
        import * as zmq from "zeromq-napi"
        import {parentPort} from "node:worker_threads"
        const pull = new zmq.Pull()
        await pull.bind("inproc://worker-thread")
        parentPort.postMessage("bound")
        const [message] = await pull.receive()
        parentPort.postMessage(message.toString())
        pull.close()
      \`)
      await new Promise(resolve => worker.once("message", resolve))
      await zmq.context.close()
      console.log("main socket closed:", mine.closed)
      try { new zmq.Push() } catch (err) { console.log("new socket here:", err.code) }
      // The worker's copy of the default context is still open, and so is libzmq's.
      const reply = new Promise(resolve => worker.once("message", resolve))
      const helper = new Worker(\`
        import * as zmq from "zeromq-napi"
        const push = new zmq.Push()
        push.connect("inproc://worker-thread")
        await push.send("worker still served")
        push.close()
      \`)
      const helped = new Promise(resolve => helper.once("exit", resolve))
      console.log(await reply)
      await helped
    `)
    expect(result.stderr).to.equal("")
    expect(result.stdout.trim().split("\n")).to.deep.equal([
      "main socket closed: true",
      "new socket here: ETERM",
      "worker still served",
    ])
    expect(result.code).to.equal(0)
  })
})
