import {expect} from "chai"
import {moduleWorker, runChild} from "../helpers"

// Each case runs in a child process: a crash there fails the case, not the test run.
// Worker sources are ES modules too (workers inherit the child's --input-type=module).

/**
 * Child-process code: resolves once a message went over TCP, which needs libzmq's I/O
 * thread (inproc does not), or ends the process when that thread is stuck.
 */
const tcpWorks = `
  async function tcpWorks() {
    const pull = new zmq.Pull()
    await pull.bind("tcp://127.0.0.1:*")
    const push = new zmq.Push()
    push.connect(pull.lastEndpoint)
    await push.send("tcp works")
    const stuck = setTimeout(() => { console.log("libzmq's I/O thread is stuck"); process.exit(1) }, 5000)
    const [message] = await pull.receive()
    clearTimeout(stuck)
    pull.close()
    push.close()
    return message.toString()
  }
`

describe("worker threads", function () {
  this.timeout(30000)

  it("connects the main thread and two workers over inproc", async () => {
    const result = await runChild(`
      import * as zmq from "zeromq-napi"
      import {Worker} from "${moduleWorker}"
      const hub = new zmq.Router()
      await hub.bind("inproc://hub")
      const source = \`
        import * as zmq from "zeromq-napi"
        import {parentPort, workerData} from "node:worker_threads"
        const dealer = new zmq.Dealer({routingId: workerData})
        dealer.connect("inproc://hub")
        await dealer.send("hello from " + workerData)
        const [reply] = await dealer.receive()
        parentPort.postMessage(workerData + " got: " + reply)
        dealer.close()
      \`
      const workers = ["A", "B"].map(name => new Worker(source, {workerData: name}))
      const replies = workers.map(worker => new Promise(resolve => worker.once("message", resolve)))
      const exits = workers.map(worker => new Promise(resolve => worker.once("exit", resolve)))
      for (let i = 0; i < 2; i++) {
        const [id, text] = await hub.receive()
        console.log("main got: " + text)
        await hub.send([id, "welcome " + id])
      }
      for (const reply of await Promise.all(replies)) console.log(reply)
      await Promise.all(exits)
      hub.close()
    `)
    expect(result.stderr).to.equal("")
    const lines = result.stdout.trim().split("\n")
    expect(lines.slice(0, 2).sort()).to.deep.equal([
      "main got: hello from A",
      "main got: hello from B",
    ])
    expect(lines.slice(2)).to.deep.equal(["A got: welcome A", "B got: welcome B"])
    expect(result.code).to.equal(0)
  })

  it("closes the sockets of a worker when it ends", async () => {
    const result = await runChild(`
      import * as zmq from "zeromq-napi"
      import {Worker} from "${moduleWorker}"
      const worker = new Worker(\`
        import * as zmq from "zeromq-napi"
        import {parentPort} from "node:worker_threads"
        const router = new zmq.Router()
        router.events // its monitor runs until the worker ends
        await router.bind("tcp://127.0.0.1:*")
        parentPort.postMessage(router.lastEndpoint)
        const [, hello] = await router.receive()
        parentPort.postMessage("worker got: " + hello)
        // Ends with the socket open: the end of the worker closes it.
      \`)
      const exited = new Promise(resolve => worker.once("exit", resolve))
      const endpoint = await new Promise(resolve => worker.once("message", resolve))
      const dealer = new zmq.Dealer()
      const disconnected = new Promise(resolve => dealer.events.on("disconnect", resolve))
      dealer.connect(endpoint)
      await dealer.send("hello")
      console.log(await new Promise(resolve => worker.once("message", resolve)))
      console.log("worker exit code:", await exited)
      const event = await disconnected
      console.log("peer gone:", event.address === endpoint)
      dealer.close()
      ${tcpWorks}
      console.log(await tcpWorks())
    `)
    expect(result.stderr).to.equal("")
    expect(result.stdout.trim().split("\n")).to.deep.equal([
      "worker got: hello",
      "worker exit code: 0",
      "peer gone: true",
      "tcp works",
    ])
    expect(result.code).to.equal(0)
  })

  for (const [how, end, observe] of [
    ["is terminated", "await worker.terminate()", ""],
    // Its observer's monitor stops at exit, before the sockets close.
    [
      "calls process.exit()",
      'worker.postMessage("exit"); await exited',
      'pull.events.on("bind", () => {})',
    ],
  ]) {
    it(`keeps inproc working after a worker that ${how} mid-receive`, async () => {
      const result = await runChild(`
        import * as zmq from "zeromq-napi"
        import {Worker} from "${moduleWorker}"
        const worker = new Worker(\`
          import * as zmq from "zeromq-napi"
          import {parentPort} from "node:worker_threads"
          parentPort.once("message", () => process.exit(3))
          const pull = new zmq.Pull()
          ${observe}
          await pull.bind("inproc://worker-inbox")
          await pull.bind("tcp://127.0.0.1:*")
          const pending = pull.receive()
          parentPort.postMessage("receiving")
          await pending
        \`)
        const exited = new Promise(resolve => worker.once("exit", resolve))
        await new Promise(resolve => worker.once("message", resolve))
        // The main thread talks to the worker's socket while the worker goes away.
        const push = new zmq.Push({linger: 0})
        push.connect("inproc://worker-inbox")
        ${end}
        console.log("worker exit code:", await exited)
        push.close()
        // The shared context still works, the worker's endpoint name included.
        const pull = new zmq.Pull()
        await pull.bind("inproc://worker-inbox")
        const again = new zmq.Push()
        again.connect("inproc://worker-inbox")
        await again.send("still working")
        const [message] = await pull.receive()
        console.log(message.toString())
        pull.close()
        again.close()
        ${tcpWorks}
        console.log(await tcpWorks())
      `)
      expect(result.stderr).to.equal("")
      const lines = result.stdout.trim().split("\n")
      expect(lines[0]).to.equal(`worker exit code: ${how === "is terminated" ? 1 : 3}`)
      expect(lines.slice(1)).to.deep.equal(["still working", "tcp works"])
      expect(result.signal).to.equal(null)
      expect(result.code).to.equal(0)
    })
  }

  it("survives process.exit() in a worker with messages in flight", async () => {
    const result = await runChild(`
      import * as net from "node:net"
      import * as zmq from "zeromq-napi"
      import {Worker} from "${moduleWorker}"
      const server = net.createServer()
      await new Promise(resolve => server.listen(0, "127.0.0.1", resolve))
      const dead = "tcp://127.0.0.1:" + server.address().port
      await new Promise(resolve => server.close(resolve))
      const inbox = new zmq.Pull()
      await inbox.bind("inproc://main-inbox")
      const worker = new Worker(\`
        import * as zmq from "zeromq-napi"
        import {parentPort, workerData} from "node:worker_threads"
        // Large frames go to libzmq without a copy: libzmq holds worker memory now.
        const stuck = new zmq.Push()
        stuck.connect(workerData)
        for (let i = 0; i < 10; i++) await stuck.send(Buffer.alloc(256 * 1024, i))
        const push = new zmq.Push()
        push.connect("inproc://main-inbox")
        for (let i = 0; i < 100; i++) await push.send("message " + i)
        const dealer = new zmq.Dealer()
        dealer.connect(workerData)
        const pending = dealer.receive()
        parentPort.postMessage("sent")
        process.exit(5)
      \`, {workerData: dead})
      const started = Date.now()
      const code = await new Promise(resolve => worker.once("exit", resolve))
      console.log("worker exit code:", code)
      // Exiting waited for libzmq to let go of the worker's memory: about the linger.
      console.log("exit within linger:", Date.now() - started < zmq.defaultLinger + 3000)
      let received = 0
      while (received < 100) received += (await inbox.receiveMany()).length
      console.log("main received:", received)
      inbox.close()
    `)
    expect(result.stderr).to.equal("")
    expect(result.stdout.trim().split("\n")).to.deep.equal([
      "worker exit code: 5",
      "exit within linger: true",
      "main received: 100",
    ])
    expect(result.signal).to.equal(null)
    expect(result.code).to.equal(0)
  })

  it("exits cleanly when the main thread calls process.exit() while workers use sockets", async () => {
    const result = await runChild(`
      import * as zmq from "zeromq-napi"
      import {Worker} from "${moduleWorker}"
      const pull = new zmq.Pull({receiveHighWaterMark: 10})
      await pull.bind("inproc://busy")
      const source = \`
        import * as zmq from "zeromq-napi"
        const push = new zmq.Push({sendHighWaterMark: 10})
        push.connect("inproc://busy")
        for (;;) await push.send(["busy", Buffer.alloc(1024)])
      \`
      const workers = [1, 2].map(() => new Worker(source))
      let count = 0
      for await (const message of pull) if (++count === 200) break
      console.log("received", count)
      process.exit(0)
    `)
    expect(result.stderr).to.equal("")
    expect(result.stdout.trim()).to.equal("received 200")
    expect(result.signal).to.equal(null)
    expect(result.code).to.equal(0)
  })

  it("keeps libzmq working after a worker with observed sockets is terminated", async () => {
    const result = await runChild(`
      import * as zmq from "zeromq-napi"
      import {Worker} from "${moduleWorker}"
      ${tcpWorks}
      const source = \`
        import * as zmq from "zeromq-napi"
        import {parentPort} from "node:worker_threads"
        for (let i = 0; i < 20; i++) {
          const router = new zmq.Router()
          router.events.on("accept", () => {})
          await router.bind("tcp://127.0.0.1:*")
          const dealer = new zmq.Dealer()
          dealer.events.on("connect", () => {})
          dealer.connect(router.lastEndpoint)
        }
        parentPort.postMessage("ready")
        setInterval(() => {}, 1000)
      \`
      const worker = new Worker(source)
      await new Promise(resolve => worker.once("message", resolve))
      await worker.terminate()
      console.log(await tcpWorks())
    `)
    expect(result.stderr).to.equal("")
    expect(result.stdout.trim()).to.equal("tcp works")
    expect(result.code).to.equal(0)
  })

  it("delivers large frames a worker sent before it ended, intact", async () => {
    // Frames sent from a worker are copied: its memory ends with it.
    const result = await runChild(`
      import * as zmq from "zeromq-napi"
      import {Worker} from "${moduleWorker}"
      const pull = new zmq.Pull()
      await pull.bind("inproc://from-worker")
      const source = \`
        import * as zmq from "zeromq-napi"
        const push = new zmq.Push()
        push.connect("inproc://from-worker")
        for (let i = 0; i < 5; i++) await push.send(Buffer.alloc(1024 * 1024, 65 + i))
      \`
      const worker = new Worker(source)
      await new Promise(resolve => worker.once("exit", resolve))
      for (let i = 0; i < 5; i++) {
        const [frame] = await pull.receive()
        if (frame.length !== 1024 * 1024 || !frame.every(byte => byte === 65 + i)) throw new Error("frame " + i + " is damaged")
      }
      console.log("intact")
      pull.close()
    `)
    expect(result.stderr).to.equal("")
    expect(result.stdout.trim()).to.equal("intact")
    expect(result.code).to.equal(0)
  })
})
