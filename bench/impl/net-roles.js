"use strict"
// Raw `node:net` baselines: frames of a 4-byte big-endian length and the payload, over tcp or a
// unix socket (the "ipc" transport). The receiver parses frames from the stream and hands each
// payload on as a Buffer (a view of the chunk, or a copy when a frame spans chunks), like a
// message library would. How the sender writes is the implementation's: net-batched.js packs
// many frames per write, net-per-message.js writes each message on its own.
const fs = require("node:fs")
const net = require("node:net")
const {once} = require("node:events")
const {Counter, SendLimit} = require("../lib/counter")
const {timeRoundTrips} = require("../lib/roundtrips")
const {END_SIZE, ipcPath, payload} = require("../lib/util")

/** Calls onFrame(payload) for every complete frame of the byte stream. */
function frameParser(onFrame) {
  const header = Buffer.alloc(4)
  let headerFill = 0
  let body = null // a frame spanning chunks, being filled
  let bodyFill = 0
  return function parse(chunk) {
    let offset = 0
    const length = chunk.length
    while (offset < length) {
      if (body !== null) {
        const n = Math.min(body.length - bodyFill, length - offset)
        chunk.copy(body, bodyFill, offset, offset + n)
        bodyFill += n
        offset += n
        if (bodyFill < body.length) return
        const frame = body
        body = null
        if (onFrame(frame)) return
        continue
      }
      let size
      if (headerFill === 0 && length - offset >= 4) {
        size = chunk.readUInt32BE(offset)
        offset += 4
      } else {
        while (headerFill < 4 && offset < length) header[headerFill++] = chunk[offset++]
        if (headerFill < 4) return
        headerFill = 0
        size = header.readUInt32BE(0)
      }
      if (length - offset >= size) {
        const frame = chunk.subarray(offset, offset + size)
        offset += size
        if (onFrame(frame)) return
      } else {
        body = Buffer.allocUnsafe(size)
        bodyFill = 0
      }
    }
  }
}

/** A 4-byte length header followed by the payload, in one new buffer. */
function frame(message) {
  const out = Buffer.allocUnsafe(4 + message.length)
  out.writeUInt32BE(message.length, 0)
  message.copy(out, 4)
  return out
}

function header(length) {
  const out = Buffer.allocUnsafe(4)
  out.writeUInt32BE(length, 0)
  return out
}

/**
 * Writes one message as one write: a framed copy below 64 KiB; from 64 KiB on, the header and
 * the payload corked into one writev (copying a large payload would only add work). Returns
 * write()'s verdict: false when the caller should wait for "drain".
 */
function writeMessageSync(socket, message) {
  if (message.length < 65536) return socket.write(frame(message))
  socket.cork()
  socket.write(header(message.length))
  const ok = socket.write(message)
  socket.uncork()
  return ok
}

/** writeMessageSync, then waits for "drain" when needed. */
async function writeMessage(socket, message) {
  if (!writeMessageSync(socket, message)) await once(socket, "drain")
}

/** Waits until every socket that asked for it has drained. */
function drained(sockets) {
  return Promise.all(sockets.filter(s => s.writableNeedDrain).map(s => once(s, "drain")))
}

function listenAddress(transport) {
  if (transport === "tcp") return {host: "127.0.0.1", port: 0}
  if (transport === "ipc") return {path: ipcPath("net")}
  throw new Error(`node:net has no ${transport} transport`)
}

function endpointOf(server, transport) {
  if (transport === "ipc") return `ipc://${server.address()}`
  return `tcp://127.0.0.1:${server.address().port}`
}

function connectOptions(endpoint) {
  if (endpoint.startsWith("ipc://")) return {path: endpoint.slice(6)}
  const match = /^tcp:\/\/(.+):(\d+)$/.exec(endpoint)
  return {host: match[1], port: Number(match[2])}
}

async function listen(transport) {
  const server = net.createServer()
  server.listen(listenAddress(transport))
  await once(server, "listening")
  return server
}

async function connect(endpoint) {
  const socket = net.connect(connectOptions(endpoint))
  await once(socket, "connect")
  socket.setNoDelay(true)
  return socket
}

function shutdown(server) {
  const address = server.address()
  server.close()
  if (typeof address === "string") fs.rmSync(address, {force: true})
}

/** Builds the roles of a node:net implementation from its send loop. */
function netRoles({sendLoop}) {
  return {
    // ---- throughput ----
    async pull({transport, size, count}, channel) {
      const server = await listen(transport)
      channel.send({type: "ready", endpoint: endpointOf(server, transport)})
      const [socket] = await once(server, "connection")
      const counter = new Counter(size, {count})
      await countFrames(socket, counter)
      socket.destroy()
      shutdown(server)
      return counter.result()
    },

    async push({endpoint, size, count, duration}, channel) {
      const socket = await connect(endpoint)
      const limit = new SendLimit({count, duration}, size)
      const sent = await sendLoop([socket], payload(size), limit)
      if (count === undefined) await writeMessage(socket, Buffer.alloc(END_SIZE))
      channel.send({type: "sent", sent})
      await channel.next("stop")
      socket.destroy()
      return {sent}
    },

    // ---- latency: one message in flight, so one write per message in both variants ----
    async rep({transport}, channel) {
      const server = await listen(transport)
      server.on("connection", socket => {
        socket.setNoDelay(true)
        const parse = frameParser(message => {
          writeMessage(socket, message)
          return false
        })
        socket.on("data", parse)
        socket.on("error", () => {})
      })
      channel.send({type: "ready", endpoint: endpointOf(server, transport)})
      await channel.next("stop")
      shutdown(server)
    },

    async req({endpoint, size, ...limits}) {
      const socket = await connect(endpoint)
      let waiting = null
      const parse = frameParser(message => {
        const wake = waiting
        waiting = null
        wake(message.length)
        return false
      })
      socket.on("data", parse)
      const message = payload(size)
      const roundTrip = () =>
        new Promise(resolve => {
          waiting = resolve
          writeMessage(socket, message)
        })
      const stats = await timeRoundTrips(roundTrip, size, limits)
      socket.destroy()
      return stats
    },

    // ---- fan-out: the publisher writes every message to every subscriber ----
    async pub({transport, size, count, duration, subscribers}, channel) {
      const server = await listen(transport)
      const sockets = []
      server.on("connection", socket => {
        socket.setNoDelay(true)
        socket.on("error", () => {})
        sockets.push(socket)
      })
      channel.send({type: "ready", endpoint: endpointOf(server, transport)})
      await channel.next("go")
      while (sockets.length < subscribers) await once(server, "connection")
      const limit = new SendLimit({count, duration}, size)
      const sent = await sendLoop(sockets, payload(size), limit)
      const end = Buffer.alloc(END_SIZE)
      await Promise.all(sockets.map(socket => writeMessage(socket, end)))
      channel.send({type: "sent", sent})
      await channel.next("stop")
      for (const socket of sockets) socket.destroy()
      shutdown(server)
      return {sent}
    },

    async sub({endpoint, size}, channel) {
      const socket = await connect(endpoint)
      channel.send({type: "ready"})
      const counter = new Counter(size, {stampEach: true})
      await countFrames(socket, counter)
      socket.destroy()
      return counter.result()
    },
  }
}

/** Resolves once `counter` has taken every length-prefixed frame it wants from `socket`. */
function countFrames(socket, counter) {
  return new Promise((resolve, reject) => {
    const parse = frameParser(message => {
      if (!counter.take(message.length)) return false
      resolve()
      return true
    })
    socket.on("data", chunk => {
      try {
        parse(chunk)
      } catch (error) {
        reject(error)
      }
    })
    socket.on("error", reject)
    socket.on("close", () => reject(new Error("connection closed early")))
  })
}

module.exports = {netRoles, frame, header, writeMessageSync, drained}
