import {expect} from "chai"
import * as path from "node:path"
import {runNode} from "../helpers"

const root = path.resolve(__dirname, "../..")

// libzmq sends monitor events blocking, and a monitor whose reader is not connected has
// nowhere to send them: stopping it (which the end of a thread does, to send its last event)
// then waits for ever. A thread may end at any statement (process.exit() in a listener,
// worker.terminate()), including in the middle of making an observer.

/**
 * A process whose worker ends (process.exit) at the `step`-th engine call made while
 * `socket.events` creates its observer. The worker prints how many calls there were when
 * it does not end; the process prints the worker's exit code. (A worker, because the end
 * of a worker runs the addon's environment cleanup; process.exit() on the main thread
 * does not.)
 */
function endDuringObserver(step: number): string {
  const worker = `
const zmq = require(${JSON.stringify(`${root}/dist/cjs/index.js`)})
const {SocketEngine} = require(${JSON.stringify(`${root}/dist/cjs/socket/engine.js`)})
let calls = 0
let armed = false
for (const method of ["call", "setOption", "endpoint"]) {
  const original = SocketEngine.prototype[method]
  SocketEngine.prototype[method] = function (...args) {
    const result = original.apply(this, args)
    if (armed && ++calls === ${step}) process.exit(0)
    return result
  }
}
const socket = new zmq.Push()
armed = true
socket.events
armed = false
console.log("calls:", calls)
socket.close()
`
  return `
const {Worker} = require("node:worker_threads")
new Worker(${JSON.stringify(worker)}, {eval: true}).on("exit", code => console.log("worker exit:", code))
`
}

describe("fault: a thread that ends while an observer is made", function () {
  this.timeout(120000)

  it("exits at every step of making the observer, never waiting for a monitor's reader", async function () {
    const last = await runNode(["-e", endDuringObserver(Number.MAX_SAFE_INTEGER)])
    expect(last.code, last.stderr).to.equal(0)
    const steps = Number(/calls: (\d+)/.exec(last.stdout)?.[1])
    expect(steps).to.be.greaterThan(1)
    expect(last.stdout).to.contain("worker exit: 0")
    for (let step = 1; step <= steps; step++) {
      const result = await runNode(["-e", endDuringObserver(step)], 20000)
      expect({step, code: result.code, stdout: result.stdout}, result.stderr).to.deep.equal({
        step,
        code: 0,
        stdout: "worker exit: 0\n",
      })
    }
  })
})
