"use strict"
// Fan-out, pub/sub: one publisher, 4 subscribers, each in its own process (tcp). The publisher
// sends empty warm-up messages until every subscriber has received one (ZeroMQ's slow joiner),
// then the data messages for the time budget (capped at ~1 GB per second of budget), then a
// 1-byte end marker (repeated: PUB may drop it). Each subscriber times its first to last data
// message.
//
// Reported msg/s: the mean of the subscribers' rates, i.e. messages per second that reach every
// subscriber (each message is delivered 4 times: the aggregate is 4× that). PUB drops messages
// for a subscriber whose queue is full (high-water mark 1000, the default, unchanged here): the
// rate counts what was delivered, and "loss" reports the dropped share. node:net has no drops
// (TCP back-pressure), so its publisher is limited by the slowest subscriber.
const {finishAll, forkRole, killAll} = require("../lib/proc")

const SUBSCRIBERS = 4

module.exports = {
  name: "fanout",
  title: `fan-out (pub/sub, ${SUBSCRIBERS} subscribers)`,
  transports: ["tcp"],
  impls: ["native", "napi-idiomatic", "napi-batch", "zeromq-v6", "net-batched", "net-per-message"],
  metric: "rate",
  subscribers: SUBSCRIBERS,

  unsupported(implId, transport) {
    if (implId.startsWith("net-") && transport === "inproc") return "node:net has no inproc"
    return undefined
  },

  // Every implementation, native included, publishes for the time budget.
  countBased: false,

  timeout: budget => 40000 + budget * 10000,

  async runOnce({impl, transport, size, budget, deadline}) {
    // Publish for the budget, but at most ~1 GB per second of budget: PUB queues up to 1000
    // messages per subscriber without waiting (1 GiB each at 1 MiB), which the subscribers
    // would then need seconds to drain.
    const count = Math.max(100, Math.ceil((budget * 1e9) / size))
    const params = {transport, size, duration: budget, count, subscribers: SUBSCRIBERS}
    let outcome
    if (impl.native) {
      outcome = await impl.fanout(params, deadline)
    } else {
      const pub = forkRole(impl.id, "pub", params)
      const subs = []
      try {
        const {endpoint} = await pub.next(m => m.type === "ready", deadline)
        for (let i = 0; i < SUBSCRIBERS; i++) subs.push(forkRole(impl.id, "sub", {endpoint, size}))
        await Promise.all(subs.map(sub => sub.next(m => m.type === "ready", deadline)))
        pub.send({type: "go"})
        const {sent} = await pub.next(m => m.type === "sent", deadline)
        const results = await Promise.all(
          subs.map(sub => sub.next(m => m.type === "result", deadline)),
        )
        pub.send({type: "stop"})
        const warnings = await finishAll([pub, ...subs], deadline)
        outcome = {sent, subscribers: results, warnings}
      } finally {
        await killAll([pub, ...subs])
      }
    }
    return summarize(outcome, size)
  },
}

function summarize({sent, subscribers, warnings}, size) {
  const rates = subscribers.map(({received, seconds}) => {
    if (!(received > 1) || !(seconds > 0)) {
      throw new Error(`a subscriber received too few messages (${received})`)
    }
    return (received - 1) / seconds
  })
  const rate = rates.reduce((a, b) => a + b, 0) / rates.length
  const received = subscribers.reduce((a, s) => a + s.received, 0)
  const loss = sent > 0 ? Math.max(0, 1 - received / (sent * subscribers.length)) : 0
  return {
    rate,
    mbps: (rate * size) / 1e6,
    slowest: Math.min(...rates),
    aggregate: rate * subscribers.length,
    loss,
    sent,
    warnings,
  }
}
