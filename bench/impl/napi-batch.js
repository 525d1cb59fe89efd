"use strict"
// zeromq-napi through its batch API: `await socket.sendMany(batch)` and
// `await socket.receiveBatch()` (sizes read from the batch: no object per message). Request-reply has one message in flight, so there is no batch
// variant of the latency scenario.
const {zmqRoles} = require("./zmq-roles")
const {impl: idiomatic} = require("./napi-idiomatic")

/** Messages per sendMany(): up to 1024, and about 4 MiB per batch for large messages. */
function batchLength(size) {
  return Math.max(4, Math.min(1024, Math.floor((4 * 1024 * 1024) / size)))
}

const impl = {
  load: () => require("zeromq-napi"),

  async sendLoop(socket, message, limit) {
    const batch = new Array(batchLength(message.length)).fill(message)
    limit.start()
    let sent = 0
    while (sent < limit.count) {
      const n = Math.min(batch.length, limit.count - sent)
      await socket.sendMany(n === batch.length ? batch : batch.slice(0, n))
      sent += n
      if (limit.expired()) break
    }
    return sent
  },

  sendOne: (socket, message) => socket.send(message),

  async receiveLoop(socket, counter) {
    for (;;) {
      const batch = await socket.receiveBatch()
      for (let i = 0; i < batch.length; i++) {
        if (counter.take(batch.frameSize(i))) return
      }
    }
  },

  // One message in flight: nothing to batch, so the idiomatic roles serve.
  echoLoop: idiomatic.echoLoop,
  roundTrip: idiomatic.roundTrip,
}

module.exports = {
  id: "napi-batch",
  label: "zeromq-napi/batch",
  module: "zeromq-napi",
  impl,
  roles: zmqRoles(impl),
}
