"use strict"
// libzmq itself, no JavaScript: the perf tools compiled from the vendored source by
// scripts/build-perf-tools.js into bench/.bin/, spawned by the runner, their output parsed.
//
// - throughput: perf/local_thr (PULL, binds, times first to last message) and perf/remote_thr
//   (PUSH) in two processes; perf/inproc_thr (both in one process, two threads) for inproc.
// - latency: perf/local_lat (REP echo) with bench/native/lat_percentiles.cpp as the client:
//   remote_lat's loop (REQ, one message sent and received back) timing every round trip, so
//   p50/p99 are real percentiles. libzmq's remote_lat/inproc_lat only print an average (and
//   halve it: their "latency" is half a round trip); they are used only when
//   lat_percentiles is missing, and then p50 is reported as the average round trip.
// - fan-out: bench/native/pubsub_thr.cpp (libzmq has no pub/sub perf tool); it publishes for a
//   duration, like the JS publishers.
//
// libzmq's perf tools take a message count, not a duration: the runner sizes it from the last
// measured rate (or a first guess) to fill the time budget.
const fs = require("node:fs")
const path = require("node:path")
const {binDir} = require("../../scripts/build-perf-tools")
const {finishAll, freePort, killAll, spawnTool} = require("../lib/proc")
const {ipcPath} = require("../lib/util")

function tool(name) {
  const file = path.join(binDir, name)
  return fs.existsSync(file) ? file : undefined
}

function requireTool(name) {
  const file = tool(name)
  if (!file) throw new Error(`bench/.bin/${name} is missing (npm run bench:tools)`)
  return file
}

async function endpoint(transport) {
  if (transport === "tcp") return `tcp://127.0.0.1:${await freePort()}`
  if (transport === "ipc") return `ipc://${ipcPath("native")}`
  throw new Error(`unknown transport ${transport}`)
}

/** Whether something listens on a local TCP port (Linux: /proc/net/tcp{,6}); undefined if unknown. */
function tcpListening(port) {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, "0")} `
  let known = false
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text
    try {
      text = fs.readFileSync(table, "utf8")
    } catch {
      continue
    }
    known = true
    // Columns: sl local_address rem_address st …; st 0A = LISTEN.
    for (const line of text.split("\n")) {
      const columns = line.trim().split(/\s+/)
      if (columns[1] && columns[1].endsWith(hex.trim()) && columns[3] === "0A") return true
    }
  }
  return known ? false : undefined
}

/**
 * Waits until the binding tool listens, so the connecting one starts after it: remote_thr that
 * connects to an ipc path before it exists exits as if it had sent everything, and a tcp
 * connect that comes too early waits for libzmq's 100 ms reconnect interval.
 */
async function waitForBind(address, proc, deadline) {
  const ready = () => {
    if (address.startsWith("ipc://")) return fs.existsSync(address.slice(6))
    const listening = tcpListening(Number(address.slice(address.lastIndexOf(":") + 1)))
    return listening === undefined ? true : listening
  }
  while (!ready()) {
    if (proc.exitInfo) throw new Error(`${proc.name} exited before binding`)
    if (Date.now() > deadline) throw new Error(`${proc.name} did not bind ${address}`)
    await new Promise(resolve => setTimeout(resolve, 2))
  }
}

function removeIpc(address) {
  if (address.startsWith("ipc://")) fs.rmSync(address.slice(6), {force: true})
}

/** Parses "name: 12.5 [unit]" from a tool's output lines. */
function field(lines, name) {
  for (const line of lines) {
    const match = new RegExp(`^${name}:\\s*([0-9.]+)`).exec(line)
    if (match) return Number(match[1])
  }
  return NaN
}

/** Waits for a line matching `pattern`; returns every line printed up to it, in order. */
async function linesUntil(proc, pattern, deadline) {
  await proc.next(line => typeof line === "string" && pattern.test(line), deadline)
  return proc.lines.slice(0, proc.lines.findIndex(line => pattern.test(line)) + 1)
}

async function throughput({transport, size, count}, deadline) {
  const rateLine = /^mean throughput: .*msg\/s/
  if (transport === "inproc") {
    const proc = spawnTool(requireTool("inproc_thr"), [String(size), String(count)])
    try {
      const rate = field(await linesUntil(proc, rateLine, deadline), "mean throughput")
      const warnings = await finishAll([proc], deadline)
      return {received: count, seconds: count / rate, warnings}
    } finally {
      await killAll([proc])
    }
  }
  const address = await endpoint(transport)
  const local = spawnTool(requireTool("local_thr"), [address, String(size), String(count)])
  let remote
  try {
    await waitForBind(address, local, deadline)
    // Over ipc, remote_thr's last messages (a thousand or two) are lost when it closes right
    // after sending (seen with libzmq 4.3.4 here), and local_thr would wait for them forever:
    // the sender gets some to spare and is killed once local_thr has its count.
    const ipc = transport === "ipc"
    const sent = ipc ? count + 3000 + Math.ceil((1024 * 1024) / size) : count
    remote = spawnTool(requireTool("remote_thr"), [address, String(size), String(sent)])
    const rate = field(await linesUntil(local, rateLine, deadline), "mean throughput")
    const warnings = await finishAll(ipc ? [local] : [local, remote], deadline)
    return {received: count, seconds: count / rate, warnings}
  } finally {
    await killAll([local, remote])
    removeIpc(address)
  }
}

/** Round-trip statistics in µs; `averageOnly` when only libzmq's average was available. */
async function latency({transport, size, count, warmup = 0}, deadline) {
  const percentiles = tool("lat_percentiles")
  const done = /^average latency:/
  if (transport === "inproc") {
    const proc = percentiles
      ? spawnTool(percentiles, ["inproc", String(size), String(count), String(warmup)])
      : spawnTool(requireTool("inproc_lat"), [String(size), String(count)])
    try {
      const stats = parseLatency(await linesUntil(proc, done, deadline), count, !percentiles)
      return {...stats, warnings: await finishAll([proc], deadline)}
    } finally {
      await killAll([proc])
    }
  }
  const address = await endpoint(transport)
  const total = percentiles ? count + warmup : count
  const local = spawnTool(requireTool("local_lat"), [address, String(size), String(total)])
  let remote
  try {
    await waitForBind(address, local, deadline)
    remote = percentiles
      ? spawnTool(percentiles, [address, String(size), String(count), String(warmup)])
      : spawnTool(requireTool("remote_lat"), [address, String(size), String(count)])
    const stats = parseLatency(await linesUntil(remote, done, deadline), count, !percentiles)
    // local_lat sleeps a second before it exits (to flush its last reply): not waited for.
    return {...stats, warnings: await finishAll([remote], deadline)}
  } finally {
    await killAll([local, remote])
    removeIpc(address)
  }
}

function parseLatency(lines, count, averageOnly) {
  // libzmq's "average latency" is half the average round trip.
  const oneWay = field(lines, "average latency")
  if (averageOnly) {
    return {roundTrips: count, p50: 2 * oneWay, p99: NaN, avg: 2 * oneWay, averageOnly: true}
  }
  const stats = {
    roundTrips: count,
    p50: field(lines, "rtt p50"),
    p99: field(lines, "rtt p99"),
    avg: field(lines, "rtt avg"),
    min: field(lines, "rtt min"),
  }
  if (!Number.isFinite(stats.p50)) throw new Error(`lat_percentiles printed: ${lines.join(" | ")}`)
  return stats
}

/** One publisher and `subscribers` subscriber processes; one result per subscriber. */
async function fanout({transport, size, duration, count, subscribers}, deadline) {
  const file = requireTool("pubsub_thr")
  const bindTo = transport === "ipc" ? `ipc://${ipcPath("native")}` : "tcp://127.0.0.1:*"
  const args = ["pub", bindTo, String(size), String(Math.round(duration * 1000))]
  if (count !== undefined) args.push(String(count))
  const pub = spawnTool(file, args, {stdin: true})
  const subs = []
  try {
    const ready = await pub.next(
      line => typeof line === "string" && line.startsWith("ready"),
      deadline,
    )
    const address = ready.split(" ")[1]
    for (let i = 0; i < subscribers; i++) {
      subs.push(spawnTool(file, ["sub", address, String(size)]))
    }
    await Promise.all(subs.map(sub => sub.next(line => line === "ready", deadline)))
    pub.send("go")
    const sentLine = await pub.next(l => typeof l === "string" && l.startsWith("sent"), deadline)
    const results = await Promise.all(
      subs.map(async sub => {
        const line = await sub.next(
          l => typeof l === "string" && l.startsWith("received"),
          deadline,
        )
        const [, received, , elapsed] = line.split(" ")
        return {received: Number(received), seconds: Number(elapsed) / 1e6}
      }),
    )
    pub.send("stop")
    pub.closeInput()
    const warnings = await finishAll([pub, ...subs], deadline)
    return {sent: Number(sentLine.split(" ")[1]), subscribers: results, warnings}
  } finally {
    await killAll([pub, ...subs])
    removeIpc(bindTo)
  }
}

module.exports = {
  id: "native",
  label: "libzmq native",
  native: true,
  tool,
  throughput,
  latency,
  fanout,
}
