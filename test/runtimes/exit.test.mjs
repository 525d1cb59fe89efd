// Ends of processes and workers: each in a child process of this runtime, which must end by
// itself (or by process.exit()) with exit code 0, no signal and no crash report.
import assert from "node:assert/strict"
import {assertClean, runScript, test} from "./harness.mjs"

test("a process with idle open sockets ends by itself", async () => {
  const result = await runScript(`
    const zmq = require(LIB)
    const pull = new zmq.Pull()
    await pull.bind("tcp://127.0.0.1:*")
    const push = new zmq.Push()
    push.connect(pull.lastEndpoint)
    await push.send("x")
    console.log(String((await pull.receive())[0]))
  `)
  assertClean(result, "idle sockets")
  assert.equal(result.stdout.trim(), "x")
})

test("a pending receive keeps the process alive until close() ends it", async () => {
  const result = await runScript(`
    const zmq = require(LIB)
    const pull = new zmq.Pull()
    await pull.bind("tcp://127.0.0.1:*")
    pull.receive().catch(error => console.log("rejected", typeof error.code))
    setTimeout(() => { console.log("closing"); pull.close() }, 200)
  `)
  assertClean(result, "close ends the wait")
  assert.equal(result.stdout.trim(), "closing\nrejected string")
})

test("process.exit() while sockets wait and messages are in flight", async () => {
  const result = await runScript(`
    const zmq = require(LIB)
    const pull = new zmq.Pull()
    await pull.bind("tcp://127.0.0.1:*")
    const push = new zmq.Push({sendHighWaterMark: 10})
    push.connect("tcp://127.0.0.1:9")
    for (let i = 0; i < 50; i++) push.send(Buffer.alloc(100000)).catch(() => {})
    pull.receive().catch(() => {})
    setTimeout(() => process.exit(0), 100)
  `)
  assertClean(result, "process.exit")
})

// Workers load the CommonJS entry by path: Deno takes a file URL import of the ESM entry for
// ES module code all through (it imports the CommonJS build); as an installed package it is fine.
const workerSource = lib => `
  import {createRequire} from "node:module"
  import {parentPort, workerData} from "node:worker_threads"
  const zmq = createRequire(${JSON.stringify(lib)})(${JSON.stringify(lib)})
  const pull = new zmq.Pull({linger: 0})
  pull.connect(workerData.endpoint)
  const push = new zmq.Push({linger: 0})
  push.connect(workerData.back)
  for (let i = 0; i < workerData.count; i++) {
    const [message] = await pull.receive()
    await push.send(message)
  }
  parentPort.postMessage("done")
  // Left waiting: terminate() must end it cleanly.
  if (workerData.stay) await pull.receive()
  pull.close()
  push.close()
`

const mainSource = `
  const zmq = require(LIB)
  const {Worker} = await import("node:worker_threads")
  const source = (${workerSource.toString()})(LIB)
  const url = new URL("data:text/javascript," + encodeURIComponent(source))
  for (const stay of [false, true]) {
    // Sockets of their own per worker: a push still connected to the ended worker's pipe would
    // send it some of the next round's messages.
    const push = new zmq.Push({linger: 0})
    await push.bind("tcp://127.0.0.1:*")
    const pull = new zmq.Pull({linger: 0})
    await pull.bind("tcp://127.0.0.1:*")
    const worker = new Worker(url, {workerData: {endpoint: push.lastEndpoint, back: pull.lastEndpoint, count: 100, stay}})
    const done = new Promise((resolve, reject) => { worker.once("message", resolve); worker.once("error", reject) })
    const exited = new Promise(resolve => worker.once("exit", resolve))
    for (let i = 0; i < 100; i++) await push.send(String(i))
    for (let i = 0; i < 100; i++) {
      const [echo] = await pull.receive()
      if (String(echo) !== String(i)) throw new Error("out of order: " + echo)
    }
    await done
    if (stay) await worker.terminate()
    console.log(stay ? "terminated" : "ended", typeof (await exited))
    push.close()
    pull.close()
  }
`

test("workers: one ends by itself, one is terminated while it waits", async () => {
  const result = await runScript(mainSource, 60000)
  assertClean(result, "workers")
  assert.equal(result.stdout.trim(), "ended number\nterminated number")
}, 60000)

test("process.exit() in the main thread while a worker waits on a socket", async () => {
  const result = await runScript(`
    const {Worker} = await import("node:worker_threads")
    const source = \`
      import {createRequire} from "node:module"
      import {parentPort} from "node:worker_threads"
      const zmq = createRequire(\${JSON.stringify(LIB)})(\${JSON.stringify(LIB)})
      const pull = new zmq.Pull()
      await pull.bind("tcp://127.0.0.1:*")
      parentPort.postMessage("waiting")
      await pull.receive()
    \`
    const worker = new Worker(new URL("data:text/javascript," + encodeURIComponent(source)))
    worker.once("error", error => console.log("worker error", error))
    worker.once("message", message => {
      console.log(message)
      process.exit(0)
    })
  `)
  assertClean(result, "exit with a waiting worker")
  assert.equal(result.stdout.trim(), "waiting")
}, 30000)
