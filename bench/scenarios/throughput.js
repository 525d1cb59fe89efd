"use strict"
// Throughput, push/pull: one sender and one receiver; the receiver times first to last message
// (like libzmq's local_thr) and counts. tcp and ipc run the two sides in two processes; inproc
// needs one context, so both sides share one process.
//
// JS implementations send for a time budget and then an end marker (a 1-byte message); libzmq's
// perf tools take a message count, which the runner sizes from the expected rate.
const {finishAll, forkRole, killAll} = require("../lib/proc")

/** First guesses of libzmq's rate (msg/s) per size, to size native message counts. */
const NATIVE_RATE = {
  tcp: {16: 3.2e6, 256: 1.04e6, 1024: 706e3, 65536: 29e3, 1048576: 2.9e3},
  ipc: {16: 3.2e6, 256: 1.04e6, 1024: 706e3, 65536: 29e3, 1048576: 2.9e3},
  inproc: {16: 8e6, 256: 2.8e6, 1024: 3e6, 65536: 350e3, 1048576: 270e3},
}

module.exports = {
  name: "throughput",
  title: "throughput (push/pull)",
  transports: ["tcp", "ipc", "inproc"],
  impls: [
    "native",
    "napi-idiomatic",
    "napi-batch",
    "napi-thread",
    "zeromq-v6",
    "net-batched",
    "net-per-message",
    "napi-v5-compat",
    "zeromq-v6-compat",
  ],
  metric: "rate",

  /** Why this implementation cannot run here, or undefined. */
  unsupported(implId, transport) {
    if (implId.startsWith("net-") && transport === "inproc") return "node:net has no inproc"
    return undefined
  },

  /** A first guess (msg/s) for count-based implementations. */
  expectedRate(transport, size) {
    const table = NATIVE_RATE[transport] || NATIVE_RATE.tcp
    return table[size] ?? 1e9 / (size + 300) / 1.5
  },

  /** Per-run limit: time budget plus start-up slack (ms). */
  timeout: budget => 30000 + budget * 10000,

  async runOnce({impl, transport, size, budget, count, deadline}) {
    let outcome
    if (impl.native) {
      outcome = await impl.throughput({transport, size, count}, deadline)
    } else if (transport === "inproc") {
      const proc = forkRole(impl.id, "inprocThroughput", {size, duration: budget})
      try {
        outcome = await proc.next(m => m.type === "result", deadline)
        outcome.warnings = await finishAll([proc], deadline)
      } finally {
        await killAll([proc])
      }
    } else {
      const receiver = forkRole(impl.id, "pull", {transport, size})
      let sender
      try {
        const {endpoint} = await receiver.next(m => m.type === "ready", deadline)
        sender = forkRole(impl.id, "push", {endpoint, size, duration: budget})
        outcome = await receiver.next(m => m.type === "result", deadline)
        await sender.next(m => m.type === "sent", deadline)
        sender.send({type: "stop"})
        outcome.warnings = await finishAll([receiver, sender], deadline)
      } finally {
        await killAll([receiver, sender])
      }
    }
    return summarize(outcome, size)
  },
}

function summarize({received, seconds, warnings}, size) {
  if (!(received > 1) || !(seconds > 0)) {
    throw new Error(`too few messages received (${received} in ${seconds} s)`)
  }
  const rate = (received - 1) / seconds
  return {rate, mbps: (rate * size) / 1e6, received, seconds, warnings}
}

module.exports.summarize = summarize
