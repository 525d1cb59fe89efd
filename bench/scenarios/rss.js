"use strict"
// Memory of a long run: N messages (10 million unless --messages) over tcp into zeromq-napi's
// idiomatic receiver (`for await`), sent by zeromq-napi's batch sender, each in its own process.
// The receiver samples process.memoryUsage().rss every 100 ms; reported: RSS at the start
// (socket bound, nothing received), the peak during the first 10% of the messages, the peak
// over the whole run, and the kernel's peak (VmHWM). "Flat" means the peak over the whole run
// is at most max(1.1 × the 10% peak, the 10% peak + 16 MiB).
//
// The receiver starts with V8's young generation at the size V8 grows it to anyway (16 MiB
// semi-spaces, Node's default maximum on 64-bit): V8 grows it once, when allocation is fast,
// a step of up to 32 MiB that comes earlier or later depending on the receive rate (seen at
// 97% of the messages at 2.4 M msg/s: 70 -> 87 MiB, with the heap after each scavenge still at
// 6 MiB). That step is no leak, and it would hide one, or fail a run, depending on timing.
const {finishAll, forkRole, killAll} = require("../lib/proc")

const MiB = 1024 * 1024
const RECEIVER_ARGV = ["--min-semi-space-size=16", "--max-semi-space-size=16"]

module.exports = {
  name: "rss",
  title: "receiver memory (rss)",
  transports: ["tcp"],
  impls: ["napi-idiomatic"],
  metric: "rss",
  defaultMessages: 10e6,
  defaultSize: 16,

  unsupported: () => undefined,

  // Minutes, not seconds: 10 M messages take a while.
  timeout: () => 15 * 60 * 1000,

  async runOnce({transport, size, count, deadline}) {
    const receiver = forkRole(
      "napi-idiomatic",
      "rssReceiver",
      {transport, size, count},
      RECEIVER_ARGV,
    )
    let sender
    try {
      const {endpoint} = await receiver.next(m => m.type === "ready", deadline)
      sender = forkRole("napi-batch", "push", {endpoint, size, count})
      const outcome = await receiver.next(m => m.type === "result", deadline)
      await sender.next(m => m.type === "sent", deadline)
      sender.send({type: "stop"})
      const warnings = await finishAll([receiver, sender], deadline)
      return {...analyse(outcome, count), warnings}
    } finally {
      await killAll([receiver, sender])
    }
  },
}

function analyse({received, seconds, samples, vmHWM}, count) {
  const tenth = count / 10
  const start = samples[0][1]
  let peak10 = start
  let peak = start
  for (const [done, rss] of samples) {
    if (done <= tenth) peak10 = Math.max(peak10, rss)
    peak = Math.max(peak, rss)
  }
  const limit = Math.max(1.1 * peak10, peak10 + 16 * MiB)
  // Thin the samples out for the JSON file (at most ~200).
  const step = Math.max(1, Math.ceil(samples.length / 200))
  return {
    messages: received,
    seconds,
    rate: (received - 1) / seconds,
    start,
    peak10,
    peak,
    end: samples[samples.length - 1][1],
    vmHWM,
    growth: peak / peak10,
    flat: peak <= limit,
    samples: samples.filter((_, i) => i % step === 0 || i === samples.length - 1),
  }
}
