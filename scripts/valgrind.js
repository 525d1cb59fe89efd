#!/usr/bin/env node
// valgrind memcheck over a representative workload of the addon: every socket pattern over
// tcp and inproc, CURVE, zero-copy and tracked sends, the observer, the poller, a proxy,
// closing with pending operations, context close and garbage collection.
//
//   npm run test:valgrind [-- --keep-log] [--dry-run]
//
// --dry-run runs the workload without valgrind (a quick check of the workload itself).
// Uses the normal addon (build/Release, or ZEROMQ_NAPI_ADDON). Fails on memcheck errors
// (invalid reads/writes, uninitialised jumps) in the addon or libzmq, or on definitely lost
// blocks whose stack passes through the addon or libzmq. Node's own leaks at exit (it does
// not free everything) are listed in the log but not counted.
"use strict"
const {spawnSync} = require("node:child_process")
const fs = require("node:fs")
const os = require("node:os")
const path = require("node:path")

const root = path.resolve(__dirname, "..")
const log = path.join(os.tmpdir(), `zeromq-napi-valgrind-${process.pid}.log`)

const workload = `
import * as zmq from "zeromq-napi"
const gc = globalThis.gc
// Waiting for tracked.released does not keep the process alive (by design): this does.
const alive = setInterval(() => {}, 1000)
async function pair(A, B, transport, options = {}) {
  const a = new A(options.a ?? {}), b = new B(options.b ?? {})
  await a.bind(transport === "tcp" ? "tcp://127.0.0.1:*" : "inproc://vg-" + Math.random())
  b.connect(a.lastEndpoint)
  return [a, b]
}
for (const transport of ["tcp", "inproc"]) {
  const [pull, push] = await pair(zmq.Pull, zmq.Push, transport)
  await push.sendMany(Array.from({length: 300}, (_, i) => ["frame", String(i)]))
  let n = 0
  while (n < 300) n += (await pull.receiveMany()).length
  const big = Buffer.alloc(256 * 1024, 7)
  const tracked = push.sendTracked(big)
  await tracked.sent
  await pull.receive()
  await tracked.released
  pull.close(); push.close()

  const [rep, req] = await pair(zmq.Reply, zmq.Request, transport)
  for (let i = 0; i < 20; i++) { await req.send("q" + i); await rep.receive(); await rep.send("a"); await req.receive() }
  rep.close(); req.close()

  const [router, dealer] = await pair(zmq.Router, zmq.Dealer, transport, {b: {routingId: "d1"}})
  await dealer.send("hi"); const [id] = await router.receive(); await router.send([id, "back"]); await dealer.receive()
  const frames = await (dealer.send("meta"), router.receiveFrames())
  router.close(); dealer.close()

  const [pub, sub] = await pair(zmq.Publisher, zmq.Subscriber, transport)
  sub.subscribe("t")
  const got = sub.receive()
  for (let i = 0; i < 200; i++) { await pub.send(["t", "x"]); if (await Promise.race([got.then(() => true), new Promise(r => setTimeout(() => r(false), 5))])) break }
  pub.close(); sub.close()
}
// CURVE handshake and traffic.
{
  const server = zmq.curveKeyPair(), client = zmq.curveKeyPair()
  const [rep, req] = await pair(zmq.Reply, zmq.Request, "tcp", {
    a: {curveServer: true, curvePublicKey: server.publicKey, curveSecretKey: server.secretKey},
    b: {curveServerKey: server.publicKey, curvePublicKey: client.publicKey, curveSecretKey: client.secretKey},
  })
  await req.send("secret"); await rep.receive(); await rep.send("ok"); await req.receive()
  rep.close(); req.close()
}
// Observer and poller.
{
  const pull = new zmq.Pull()
  const events = []
  pull.events.on("accept", e => events.push(e.type))
  await pull.bind("tcp://127.0.0.1:*")
  const push = new zmq.Push(); push.connect(pull.lastEndpoint)
  const poller = new zmq.Poller(); poller.add(pull, {readable: true})
  await push.send("poll me")
  await poller.wait({timeout: 5000})
  await pull.receive()
  push.close(); pull.close()
}
// Proxy.
{
  const front = new zmq.Router(), back = new zmq.Dealer()
  await front.bind("inproc://vg-front"); await back.bind("inproc://vg-back")
  const proxy = new zmq.Proxy(front, back)
  const running = proxy.run()
  const client = new zmq.Request(); client.connect("inproc://vg-front")
  const worker = new zmq.Reply(); worker.connect("inproc://vg-back")
  await client.send("via proxy"); await worker.receive(); await worker.send("done"); await client.receive()
  await proxy.terminate(); await running
  for (const s of [front, back, client, worker]) s.close()
}
// Closing with pending operations, a context with sockets, garbage collection.
{
  const push = new zmq.Push({sendHighWaterMark: 1, linger: 0})
  push.connect("tcp://127.0.0.1:9")
  const sends = [push.send("a"), push.send("b"), push.send("c")]
  push.close()
  await Promise.allSettled(sends)
  const context = new zmq.Context()
  const pull = new zmq.Pull({context}); await pull.bind("inproc://vg-ctx")
  const pending = pull.receive().catch(() => {})
  await context.close(); await pending
  ;(() => { for (let i = 0; i < 50; i++) new zmq.Dealer().connect("tcp://127.0.0.1:9") })()
  for (let i = 0; i < 5; i++) { gc(); await new Promise(r => setTimeout(r, 20)) }
}
clearInterval(alive)
console.log("workload done")
`

function main() {
  const keepLog = process.argv.includes("--keep-log")
  if (process.argv.includes("--dry-run")) {
    const dry = spawnSync(
      process.execPath,
      ["--expose-gc", "--input-type=module", "-e", workload],
      {cwd: root, stdio: "inherit"},
    )
    process.exit(dry.status ?? 1)
  }
  const which = spawnSync("valgrind", ["--version"], {encoding: "utf8"})
  if (which.error) {
    console.error("test:valgrind: valgrind is not installed (Debian: apt-get install valgrind)")
    process.exit(1)
  }
  const started = Date.now()
  const result = spawnSync(
    "valgrind",
    [
      "--tool=memcheck",
      "--leak-check=full",
      "--show-leak-kinds=definite",
      "--errors-for-leak-kinds=definite",
      "--num-callers=30",
      `--log-file=${log}`,
      process.execPath,
      "--expose-gc",
      "--input-type=module",
      "-e",
      workload,
    ],
    {cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], timeout: 30 * 60 * 1000},
  )
  const text = fs.existsSync(log) ? fs.readFileSync(log, "utf8") : ""
  const ours = /zeromq_napi\.node|zmq::|zmqnapi::/
  // Records are separated by "==pid== " blank lines; keep those that involve our code.
  const records = text.split(/\n==\d+== \n/)
  const errors = records.filter(
    r => /Invalid (read|write|free)|uninitialised|Mismatched free|overlap/.test(r) && ours.test(r),
  )
  const leaks = records.filter(r => /definitely lost in loss record/.test(r) && ours.test(r))
  const summary = {
    workload: result.stdout.trim() === "workload done" ? "completed" : "FAILED",
    exit: result.status,
    signal: result.signal,
    seconds: Math.round((Date.now() - started) / 1000),
    errorSummary: /ERROR SUMMARY: [^\n]*/.exec(text)?.[0] ?? "none",
    definitelyLost: /definitely lost: [^\n]*/.exec(text)?.[0]?.trim() ?? "definitely lost: 0 bytes",
    errorsInAddonOrLibzmq: errors.length,
    definiteLeaksInAddonOrLibzmq: leaks.length,
  }
  for (const record of [...errors, ...leaks]) console.error(record.slice(0, 4000), "\n")
  console.log(JSON.stringify(summary, null, 2))
  if (keepLog) console.log(`log: ${log}`)
  else fs.rmSync(log, {force: true})
  const ok = summary.workload === "completed" && errors.length === 0 && leaks.length === 0
  process.exit(ok ? 0 : 1)
}

main()
