"use strict"
// Raw node:net with batched writes: frames below 64 KiB are packed into ~64 KiB buffers (one
// write each); larger frames go as a corked group of up to ~4 MiB (one writev). Waits for
// "drain" whenever write() returns false.
const {netRoles, header, drained} = require("./net-roles")

const CHUNK = 64 * 1024

async function sendLoop(sockets, message, limit) {
  const size = message.length
  limit.start()
  let sent = 0
  if (size + 4 <= CHUNK) {
    const frameSize = size + 4
    const perChunk = Math.floor(CHUNK / frameSize)
    while (sent < limit.count) {
      const n = Math.min(perChunk, limit.count - sent)
      const chunk = Buffer.allocUnsafe(n * frameSize)
      for (let i = 0, at = 0; i < n; i++, at += frameSize) {
        chunk.writeUInt32BE(size, at)
        message.copy(chunk, at + 4)
      }
      let ok = true
      for (let i = 0; i < sockets.length; i++) ok = sockets[i].write(chunk) && ok
      sent += n
      if (!ok) await drained(sockets)
      if (limit.expired()) break
    }
  } else {
    const perBatch = Math.max(4, Math.floor((4 * 1024 * 1024) / size))
    const head = header(size)
    while (sent < limit.count) {
      const n = Math.min(perBatch, limit.count - sent)
      let ok = true
      for (let i = 0; i < sockets.length; i++) {
        const socket = sockets[i]
        socket.cork()
        for (let k = 0; k < n; k++) {
          socket.write(head)
          ok = socket.write(message) && ok
        }
        socket.uncork()
      }
      sent += n
      if (!ok) await drained(sockets)
      if (limit.expired()) break
    }
  }
  return sent
}

module.exports = {
  id: "net-batched",
  label: "net/batched",
  roles: netRoles({sendLoop}),
}
