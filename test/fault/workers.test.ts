import {expect} from "chai"
import {moduleWorker, runChild} from "../helpers"

// worker-threads.test.ts covers a worker terminated while idle in a receive; here it is
// terminated in the middle of a flood, with a send blocked at the high-water mark too.

describe("fault matrix: worker threads", function () {
  this.timeout(30000)

  it("survives terminating a worker mid-flood and serves the next worker on the same endpoint", async () => {
    const result = await runChild(`
      import * as zmq from "zeromq-napi"
      import {Worker} from "${moduleWorker}"
      const push = new zmq.Push({sendHighWaterMark: 100})
      await push.bind("tcp://127.0.0.1:*")
      const source = \`
        import * as zmq from "zeromq-napi"
        import {parentPort, workerData} from "node:worker_threads"
        const pull = new zmq.Pull({receiveHighWaterMark: 100})
        pull.connect(workerData.endpoint)
        // A blocked send as well: nobody listens on this one.
        const stuck = new zmq.Push({sendHighWaterMark: 1})
        stuck.connect("tcp://127.0.0.1:9")
        for (let i = 0; i < 5; i++) stuck.send("never").catch(() => {})
        let count = 0
        for await (const [message] of pull) {
          if (++count === workerData.report) parentPort.postMessage(count)
        }
      \`
      const start = report => {
        const worker = new Worker(source, {workerData: {endpoint: push.lastEndpoint, report}})
        const exited = new Promise(resolve => worker.once("exit", resolve))
        const counted = new Promise(resolve => worker.once("message", resolve))
        return {worker, exited, counted}
      }
      // Keep sending while the worker is terminated: our sends block, then go on to the next.
      let sent = 0
      let stop = false
      const sending = (async () => { while (!stop) { await push.send(String(sent)); sent++ } })()
      const first = start(1000)
      console.log("first counted:", await first.counted)
      console.log("first exit:", await first.worker.terminate())
      const second = start(1000)
      console.log("second counted:", await second.counted)
      stop = true
      await second.worker.terminate()
      push.close()
      await sending.catch(err => console.log("sending ended:", err.code))
    `)
    expect(result.stderr).to.equal("")
    expect(result.signal).to.equal(null)
    expect(result.code).to.equal(0)
    const lines = result.stdout.trim().split("\n")
    expect(lines.slice(0, 3)).to.deep.equal([
      "first counted: 1000",
      "first exit: 1",
      "second counted: 1000",
    ])
    // The last send may have been waiting when the socket closed.
    expect(lines.slice(3).join("\n")).to.be.oneOf(["", "sending ended: EBADF"])
  })
})
