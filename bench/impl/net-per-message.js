"use strict"
// Raw node:net, one write per message: `socket.write(frame)` for every message (to every
// subscriber in the fan-out), waiting for "drain" whenever write() returns false.
const {netRoles, writeMessageSync, drained} = require("./net-roles")

async function sendLoop(sockets, message, limit) {
  limit.start()
  let sent = 0
  let check = limit.every
  while (sent < limit.count) {
    let ok = true
    for (let i = 0; i < sockets.length; i++) ok = writeMessageSync(sockets[i], message) && ok
    sent++
    if (!ok) await drained(sockets)
    if (--check === 0) {
      check = limit.every
      if (limit.expired()) break
    }
  }
  return sent
}

module.exports = {
  id: "net-per-message",
  label: "net/per-message",
  roles: netRoles({sendLoop}),
}
