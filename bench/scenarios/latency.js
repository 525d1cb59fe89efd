"use strict"
// Latency, req/rep: a client sends a message and waits for the echo, one round trip at a time,
// timing each round trip (process.hrtime in JS, a steady clock in the native client). Reported:
// the round-trip time (RTT), p50 and p99, in µs. Not halved: libzmq's remote_lat prints half the
// average round trip as "latency"; here every implementation, native included, reports the
// full round trip. tcp/ipc: server and client in two processes; inproc: one process.
//
// The first round trips are a warm-up (connection, JIT) and are not timed: 500 (50 from 64 KiB
// on), and in JS for at least 30% of the budget (75-300 ms).
const {finishAll, forkRole, killAll} = require("../lib/proc")

/** First guesses of libzmq's round trip (µs) per size, to size native round-trip counts. */
const NATIVE_RTT = {
  tcp: {16: 40, 256: 40, 1024: 45, 65536: 60, 1048576: 450},
  ipc: {16: 35, 256: 35, 1024: 40, 65536: 55, 1048576: 450},
  inproc: {16: 15, 256: 15, 1024: 15, 65536: 15, 1048576: 15},
}

/** Untimed round trips first: at least this many, and (JS) for at least this long. */
function warmupFor(size, budget) {
  return {
    warmup: size >= 65536 ? 50 : 500,
    warmupSeconds: Math.min(0.3, Math.max(0.075, budget * 0.3)),
  }
}

module.exports = {
  name: "latency",
  title: "latency (req/rep round trip)",
  transports: ["tcp", "ipc", "inproc"],
  // One message in flight: zeromq-napi's batch API and node:net's batched writes do not apply.
  impls: ["native", "napi-idiomatic", "napi-thread", "zeromq-v6", "net-per-message"],
  metric: "latency",

  unsupported(implId, transport) {
    if (implId.startsWith("net-") && transport === "inproc") return "node:net has no inproc"
    return undefined
  },

  /** A first guess in round trips per second, for count-based implementations. */
  expectedRate(transport, size) {
    const table = NATIVE_RTT[transport] || NATIVE_RTT.tcp
    return 1e6 / (table[size] ?? 40 + size / 2000)
  },

  timeout: budget => 30000 + budget * 10000,

  async runOnce({impl, transport, size, budget, count, deadline}) {
    const {warmup, warmupSeconds} = warmupFor(size, budget)
    let stats
    if (impl.native) {
      stats = await impl.latency({transport, size, count, warmup}, deadline)
    } else if (transport === "inproc") {
      const proc = forkRole(impl.id, "inprocLatency", {
        size,
        duration: budget,
        warmup,
        warmupSeconds,
      })
      try {
        stats = await proc.next(m => m.type === "result", deadline)
        stats.warnings = await finishAll([proc], deadline)
      } finally {
        await killAll([proc])
      }
    } else {
      const server = forkRole(impl.id, "rep", {transport, size})
      let client
      try {
        const {endpoint} = await server.next(m => m.type === "ready", deadline)
        client = forkRole(impl.id, "req", {
          endpoint,
          size,
          duration: budget,
          warmup,
          warmupSeconds,
        })
        stats = await client.next(m => m.type === "result", deadline)
        server.send({type: "stop"})
        stats.warnings = await finishAll([client, server], deadline)
      } finally {
        await killAll([server, client])
      }
    }
    if (!(stats.roundTrips > 0) || !Number.isFinite(stats.p50)) {
      throw new Error("no round trips measured")
    }
    const {roundTrips, p50, p99, avg, averageOnly, warnings} = stats
    // Round trips per second, for sizing the next native run.
    const rate = 1e6 / avg
    return {p50, p99, avg, roundTrips, rate, warnings, ...(averageOnly ? {averageOnly} : {})}
  },
}
