"use strict"
// The roles of the implementations of zeromq 5.x's callback API: zeromq-napi's v5-compat and
// zeromq v6's v5-compat. Both run this same code (the v5 idiom: `send()` calls, with the
// callback of the last one of a burst for flow control, and an `on("message")` listener);
// only the module they load differs.
const {Counter, SendLimit} = require("../lib/counter")
const {END_SIZE, payload} = require("../lib/util")
const {bindAddress} = require("./zmq-roles")

const END = Buffer.alloc(END_SIZE, 0x45)

/**
 * Sends bursts of `limit.every` messages (about 256 KiB): each one `send()` calls, the last
 * with a callback; when it is called the next burst follows on the next turn of the event
 * loop, so no more than a burst waits in JavaScript.
 */
function sendLoop(socket, message, limit) {
  return new Promise((resolve, reject) => {
    limit.start()
    let sent = 0
    const burst = () => {
      const n = Math.min(limit.every, limit.count - sent)
      for (let i = 1; i < n; i++) socket.send(message)
      socket.send(message, 0, err => {
        if (err) return reject(err)
        sent += n
        if (sent >= limit.count || limit.expired()) resolve(sent)
        else setImmediate(burst)
      })
    }
    burst()
  })
}

function sendOne(socket, message) {
  return new Promise((resolve, reject) => {
    socket.send(message, 0, err => (err ? reject(err) : resolve()))
  })
}

/** Counts the `message` events until the counter says stop. */
function receiveLoop(socket, counter) {
  return new Promise(resolve => {
    const onMessage = message => {
      if (counter.take(message.length)) {
        socket.removeListener("message", onMessage)
        resolve()
      }
    }
    socket.on("message", onMessage)
  })
}

function bind(socket, address) {
  return new Promise((resolve, reject) => {
    socket.bind(address, err => (err ? reject(err) : resolve()))
  })
}

function close(socket) {
  try {
    socket.linger = 0
    socket.close()
  } catch {
    // already closed
  }
}

/** The throughput roles of a v5 API implementation loaded by `load()`. */
function v5Roles(load) {
  return {
    async pull({transport, size, count}, channel) {
      const zmq = load()
      const socket = zmq.socket("pull")
      await bind(socket, bindAddress(transport, "thr"))
      channel.send({type: "ready", endpoint: socket.last_endpoint})
      const counter = new Counter(size, {count})
      await receiveLoop(socket, counter)
      close(socket)
      return counter.result()
    },

    async push({endpoint, size, count, duration}, channel) {
      const zmq = load()
      const socket = zmq.socket("push")
      socket.connect(endpoint)
      const sent = await sendLoop(socket, payload(size), new SendLimit({count, duration}, size))
      if (count === undefined) await sendOne(socket, END)
      channel.send({type: "sent", sent})
      await channel.next("stop")
      close(socket)
      return {sent}
    },

    async inprocThroughput({size, count, duration}) {
      const zmq = load()
      const pull = zmq.socket("pull")
      await bind(pull, bindAddress("inproc", "thr"))
      const push = zmq.socket("push")
      push.connect(bindAddress("inproc", "thr"))
      const counter = new Counter(size, {count})
      const sending = (async () => {
        await sendLoop(push, payload(size), new SendLimit({count, duration}, size))
        if (count === undefined) await sendOne(push, END)
      })()
      await Promise.all([receiveLoop(pull, counter), sending])
      close(push)
      close(pull)
      return counter.result()
    },
  }
}

module.exports = {v5Roles}
