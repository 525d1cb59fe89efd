"use strict"
// The roles (child-process sides) of the ZeroMQ implementations written in JS: zeromq-napi
// (idiomatic and batch) and zeromq v6. Each implementation module supplies its library and its
// own send loop, receive loop, echo loop and round trip (the code under test); this module does
// the set-up around them (sockets, endpoints, the runner's ready/go/stop protocol).
const {Counter, SendLimit} = require("../lib/counter")
const {timeRoundTrips} = require("../lib/roundtrips")
const {END_SIZE, WARMUP_SIZE, ipcPath, payload} = require("../lib/util")

const EMPTY = Buffer.alloc(WARMUP_SIZE)
const END = Buffer.alloc(END_SIZE, 0x45)

function bindAddress(transport, tag) {
  if (transport === "tcp") return "tcp://127.0.0.1:*"
  if (transport === "ipc") return `ipc://${ipcPath(tag)}`
  if (transport === "inproc") return `inproc://bench-${tag}`
  throw new Error(`unknown transport ${transport}`)
}

function close(socket) {
  try {
    socket.linger = 0
    socket.close()
  } catch {
    // already closed
  }
}

/** Sends warm-ups every 10 ms until the runner says "go" (pub/sub slow joiners). */
async function warmUntilGo(impl, socket, channel) {
  const send = () => impl.sendOne(socket, EMPTY).catch(() => {})
  send()
  const timer = setInterval(send, 10)
  await channel.next("go")
  clearInterval(timer)
}

/** Sends end markers every 20 ms (PUB may drop one at the high-water mark) until "stop". */
async function endUntilStop(impl, socket, channel) {
  const send = () => impl.sendOne(socket, END).catch(() => {})
  send()
  const timer = setInterval(send, 20)
  await channel.next("stop")
  clearInterval(timer)
}

/** Builds the roles of a ZeroMQ implementation from its library and loops. */
function zmqRoles(impl) {
  return {
    // ---- throughput (push/pull) ----
    async pull({transport, size, count}, channel) {
      const zmq = impl.load()
      const socket = new zmq.Pull()
      await socket.bind(bindAddress(transport, "thr"))
      channel.send({type: "ready", endpoint: socket.lastEndpoint})
      const counter = new Counter(size, {count})
      await impl.receiveLoop(socket, counter)
      close(socket)
      return counter.result()
    },

    async push({endpoint, size, count, duration}, channel) {
      const zmq = impl.load()
      const socket = new zmq.Push()
      socket.connect(endpoint)
      const sent = await impl.sendLoop(
        socket,
        payload(size),
        new SendLimit({count, duration}, size),
      )
      if (count === undefined) await impl.sendOne(socket, END)
      channel.send({type: "sent", sent})
      await channel.next("stop")
      close(socket)
      return {sent}
    },

    async inprocThroughput({size, count, duration}) {
      const zmq = impl.load()
      const pull = new zmq.Pull()
      await pull.bind(bindAddress("inproc", "thr"))
      const push = new zmq.Push()
      push.connect(bindAddress("inproc", "thr"))
      const counter = new Counter(size, {count})
      const sending = (async () => {
        await impl.sendLoop(push, payload(size), new SendLimit({count, duration}, size))
        if (count === undefined) await impl.sendOne(push, END)
      })()
      await Promise.all([impl.receiveLoop(pull, counter), sending])
      close(push)
      close(pull)
      return counter.result()
    },

    // ---- latency (req/rep) ----
    async rep({transport}, channel) {
      const zmq = impl.load()
      const socket = new zmq.Reply()
      await socket.bind(bindAddress(transport, "lat"))
      channel.send({type: "ready", endpoint: socket.lastEndpoint})
      const echoing = impl.echoLoop(socket).catch(() => {})
      await channel.next("stop")
      close(socket)
      await echoing
    },

    async req({endpoint, size, ...limits}) {
      const zmq = impl.load()
      const socket = new zmq.Request()
      socket.connect(endpoint)
      const message = payload(size)
      const stats = await timeRoundTrips(() => impl.roundTrip(socket, message), size, limits)
      close(socket)
      return stats
    },

    async inprocLatency({size, ...limits}) {
      const zmq = impl.load()
      const rep = new zmq.Reply()
      await rep.bind(bindAddress("inproc", "lat"))
      const req = new zmq.Request()
      req.connect(bindAddress("inproc", "lat"))
      const echoing = impl.echoLoop(rep).catch(() => {})
      const message = payload(size)
      const stats = await timeRoundTrips(() => impl.roundTrip(req, message), size, limits)
      close(req)
      close(rep)
      await echoing
      return stats
    },

    // ---- fan-out (pub/sub) ----
    async pub({transport, size, count, duration}, channel) {
      const zmq = impl.load()
      const socket = new zmq.Publisher()
      await socket.bind(bindAddress(transport, "pub"))
      channel.send({type: "ready", endpoint: socket.lastEndpoint})
      await warmUntilGo(impl, socket, channel)
      const sent = await impl.sendLoop(
        socket,
        payload(size),
        new SendLimit({count, duration}, size),
      )
      channel.send({type: "sent", sent})
      await endUntilStop(impl, socket, channel)
      close(socket)
      return {sent}
    },

    async sub({endpoint, size}, channel) {
      const zmq = impl.load()
      const socket = new zmq.Subscriber()
      socket.subscribe()
      socket.connect(endpoint)
      let ready = false
      const onWarmup = () => {
        if (!ready) channel.send({type: "ready"})
        ready = true
      }
      const counter = new Counter(size, {stampEach: true, onWarmup})
      await impl.receiveLoop(socket, counter)
      close(socket)
      return counter.result()
    },
  }
}

module.exports = {zmqRoles, bindAddress, close}
