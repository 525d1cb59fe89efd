"use strict"
// zeromq-napi through its idiomatic API: an `await socket.send(msg)` loop and
// `for await (const [msg] of socket)`; request-reply with send() then receive().
const fs = require("node:fs")
const {Counter} = require("../lib/counter")
const {zmqRoles, bindAddress, close} = require("./zmq-roles")

const impl = {
  load: () => require("zeromq-napi"),

  async sendLoop(socket, message, limit) {
    limit.start()
    let sent = 0
    let check = limit.every
    while (sent < limit.count) {
      await socket.send(message)
      sent++
      if (--check === 0) {
        check = limit.every
        if (limit.expired()) break
      }
    }
    return sent
  },

  sendOne: (socket, message) => socket.send(message),

  async receiveLoop(socket, counter) {
    for await (const [message] of socket) {
      if (counter.take(message.length)) break
    }
  },

  async echoLoop(socket) {
    for await (const [message] of socket) await socket.send(message)
  },

  async roundTrip(socket, message) {
    await socket.send(message)
    const [reply] = await socket.receive()
    return reply.length
  },
}

/** Peak resident set size so far (Linux VmHWM), in bytes, or NaN elsewhere. */
function vmHighWaterMark() {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync("/proc/self/status", "utf8"))
    return match ? Number(match[1]) * 1024 : NaN
  } catch {
    return NaN
  }
}

/**
 * The rss scenario's receiver: the idiomatic `for await` loop over `count` messages while
 * process.memoryUsage().rss is sampled every 100 ms.
 */
async function rssReceiver({transport, size, count}, channel) {
  const zmq = impl.load()
  const socket = new zmq.Pull()
  await socket.bind(bindAddress(transport, "rss"))
  const counter = new Counter(size, {count})
  const samples = []
  const sample = () => samples.push([counter.received, process.memoryUsage().rss])
  sample()
  channel.send({type: "ready", endpoint: socket.lastEndpoint})
  const timer = setInterval(sample, 100)
  await impl.receiveLoop(socket, counter)
  clearInterval(timer)
  sample()
  close(socket)
  const {received, seconds} = counter.result()
  return {received, seconds, samples, vmHWM: vmHighWaterMark()}
}

module.exports = {
  id: "napi-idiomatic",
  label: "zeromq-napi/idiomatic",
  module: "zeromq-napi",
  impl,
  roles: {...zmqRoles(impl), rssReceiver},
}
