import {expect} from "chai"
import {runNode} from "../helpers"

// worker.terminate() stops a worker's JavaScript wherever it is: inside the addon's
// initialisation, a send, a native callback, a close. Node-API calls fail from then on;
// none of that may take the process down, and the other threads' libzmq must go on.

/** What each worker does until it is terminated (CommonJS: runs on every Node version). */
const workerSource = `
const {workerData, threadId} = require("node:worker_threads")
const zmq = require("zeromq-napi")
const endpoint = "inproc://terminated-" + threadId
const scenarios = {
  load() {},
  async traffic() {
    const pull = new zmq.Pull()
    await pull.bind(endpoint)
    const push = new zmq.Push()
    push.connect(endpoint)
    for (;;) {
      await push.send(["a", "b"])
      await pull.receive()
    }
  },
  async large() {
    const pull = new zmq.Pull()
    await pull.bind(endpoint)
    const push = new zmq.Push()
    push.connect(endpoint)
    for (;;) {
      await push.send(Buffer.alloc(200 * 1024))
      await pull.receive()
    }
  },
  async closing() {
    for (;;) {
      // linger 0: sockets closed faster than libzmq reaps lingering ones would reach the
      // shared context's socket limit.
      const dealer = new zmq.Dealer({linger: 0})
      dealer.connect(workerData.endpoint)
      dealer.send("x").catch(() => {})
      dealer.receive().catch(() => {})
      dealer.close()
      await new Promise(resolve => setTimeout(resolve, 1))
    }
  },
  async observed() {
    const pull = new zmq.Pull()
    pull.events.on("accept", () => {})
    await pull.bind("tcp://127.0.0.1:*")
    const push = new zmq.Push()
    push.events.on("connect", () => {})
    push.connect(pull.lastEndpoint)
    for (;;) {
      await push.send("x")
      await pull.receive()
    }
  },
  async proxied() {
    const frontEnd = new zmq.Pull()
    await frontEnd.bind(endpoint)
    const backEnd = new zmq.Push()
    await backEnd.bind(endpoint + "-back")
    const source = new zmq.Push()
    source.connect(endpoint)
    const sink = new zmq.Pull()
    sink.connect(endpoint + "-back")
    new zmq.Proxy(frontEnd, backEnd).run().catch(() => {})
    for (;;) {
      await source.send("x")
      await sink.receive()
    }
  },
}
require("node:worker_threads").parentPort.postMessage("running")
scenarios[workerData.scenario]()
`

describe("fault: worker termination", function () {
  // About 16 s on an idle 2-core machine; far longer when it is busy (each worker starts a
  // runtime). A hang still fails, just later.
  this.timeout(330000)

  it("survives 200 worker terminations at random points, and libzmq keeps working", async () => {
    const result = await runNode(
      [
        "-e",
        `
        const {Worker} = require("node:worker_threads")
        const zmq = require("zeromq-napi")
        const source = ${JSON.stringify(workerSource)}
        const scenarios = ["load", "traffic", "large", "closing", "observed", "proxied"]
        ;(async () => {
          // A live peer for the workers that connect, on the shared context.
          const router = new zmq.Router()
          await router.bind("tcp://127.0.0.1:*")
          const counts = {}
          let running = 0
          let seed = 12345
          const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff)
          for (let i = 0; i < 200; i++) {
            const scenario = scenarios[i % scenarios.length]
            const worker = new Worker(source, {eval: true, workerData: {scenario, endpoint: router.lastEndpoint}})
            worker.on("error", err => console.log("worker error:", scenario, err.message))
            worker.on("message", () => running++)
            // From before the addon loads to well into the traffic.
            await new Promise(resolve => setTimeout(resolve, random() * 150))
            const code = await worker.terminate()
            counts[code] = (counts[code] ?? 0) + 1
          }
          // The main thread's libzmq still moves messages.
          const pull = new zmq.Pull()
          await pull.bind("inproc://after")
          const push = new zmq.Push()
          push.connect("inproc://after")
          await push.send("still working")
          console.log(String((await pull.receive())[0]))
          console.log("exit codes:", JSON.stringify(counts))
          console.log("terminated while running:", running)
          for (const socket of [router, pull, push]) socket.close()
        })()
        `,
      ],
      320000,
    )
    expect(result.stderr).to.equal("")
    expect(result.signal).to.equal(null)
    expect(result.code).to.equal(0)
    const lines = result.stdout.trim().split("\n")
    expect(lines[0]).to.equal("still working")
    // terminate() resolves with 1 for a worker it stopped, 0 for one that had ended.
    const codes = JSON.parse(lines[1].replace("exit codes: ", "")) as Record<string, number>
    expect(Object.values(codes).reduce((a, b) => a + b, 0)).to.equal(200)
    // The random points fall both before and after the package has loaded.
    const running = Number(lines[2].replace("terminated while running: ", ""))
    expect(running).to.be.within(20, 180)
  })
})
