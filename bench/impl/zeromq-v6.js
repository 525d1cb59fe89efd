"use strict"
// The `zeromq` v6 package (devDependency) with the same code shape as zeromq-napi's idiomatic
// API: an `await socket.send(msg)` loop and `for await (const [msg] of socket)`. It has no batch
// API.
const {zmqRoles} = require("./zmq-roles")

const impl = {
  load: () => require("zeromq"),

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

module.exports = {
  id: "zeromq-v6",
  label: "zeromq v6",
  module: "zeromq",
  impl,
  roles: zmqRoles(impl),
}
