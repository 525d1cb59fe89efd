#!/usr/bin/env node
// ZMTP fuzzing: a raw TCP client sends random and mutated greetings, handshakes and frames
// to bound sockets of every type, with NULL and CURVE security. This process hosts the
// sockets: it must never crash, and afterwards a well-behaved peer must still get through
// to every one of them.
//
//   npm run fuzz -- --iterations N [--seconds S] [--seed X] [--json]
//
// Bounded in count (--iterations, default 2000 inputs) and time (--seconds, default 120).
// Exit code 0 when every socket still works; 1 otherwise. The last line is a summary.
"use strict"
const net = require("node:net")
const zmq = require("zeromq-napi")
const draft = require("zeromq-napi/draft")

function parseArgs(argv) {
  const options = {iterations: 2000, seconds: 120, seed: Date.now() % 2 ** 31, json: false}
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === "--json") options.json = true
    else if (["--iterations", "--seconds", "--seed"].includes(arg)) {
      const value = Number(argv[++i])
      if (!Number.isFinite(value) || value < 0) throw new RangeError(`${arg} needs a number`)
      options[arg.slice(2)] = value
    } else throw new TypeError(`unknown argument ${arg}`)
  }
  return options
}

/** A small seeded PRNG (mulberry32): a failing run can be repeated with --seed. */
function prng(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

// ---- ZMTP 3.x pieces (RFC 23/ZMTP, RFC 26/CurveZMQ) ---------------------------------

function greeting(mechanism, {major = 3, minor = 1, asServer = 0} = {}) {
  const g = Buffer.alloc(64)
  g[0] = 0xff
  g[9] = 0x7f
  g[10] = major
  g[11] = minor
  g.write(mechanism, 12, 20, "latin1")
  g[32] = asServer
  return g
}

/** A frame: flags (bit 0 more, bit 1 long, bit 2 command) and a body. */
function frame(body, {more = false, command = false, long = body.length > 255} = {}) {
  const flags = (more ? 1 : 0) | (long ? 2 : 0) | (command ? 4 : 0)
  const head = long ? Buffer.alloc(9) : Buffer.alloc(2)
  head[0] = flags
  if (long) head.writeBigUInt64BE(BigInt(body.length), 1)
  else head[1] = body.length
  return Buffer.concat([head, body])
}

function property(name, value) {
  const v = Buffer.from(value)
  const out = Buffer.alloc(1 + name.length + 4 + v.length)
  out[0] = name.length
  out.write(name, 1, "latin1")
  out.writeUInt32BE(v.length, 1 + name.length)
  v.copy(out, 5 + name.length)
  return out
}

function command(name, data = Buffer.alloc(0)) {
  return frame(Buffer.concat([Buffer.from([name.length]), Buffer.from(name), data]), {
    command: true,
  })
}

function ready(socketType, extra = []) {
  return command("READY", Buffer.concat([property("Socket-Type", socketType), ...extra]))
}

// ---- mutations ------------------------------------------------------------------------

function mutate(buffer, random) {
  const b = Buffer.from(buffer)
  const pick = n => Math.floor(random() * n)
  switch (pick(7)) {
    case 0: // flip bits
      for (let i = 0, n = 1 + pick(8); i < n && b.length; i++) b[pick(b.length)] ^= 1 << pick(8)
      return b
    case 1: // set bytes to boundary values
      for (let i = 0, n = 1 + pick(4); i < n && b.length; i++)
        b[pick(b.length)] = [0, 1, 0x7f, 0x80, 0xff][pick(5)]
      return b
    case 2: // truncate
      return b.subarray(0, pick(b.length + 1))
    case 3: {
      // insert random bytes
      const at = pick(b.length + 1)
      return Buffer.concat([b.subarray(0, at), randomBytes(random, 1 + pick(16)), b.subarray(at)])
    }
    case 4: {
      // duplicate a slice
      const at = pick(b.length + 1)
      const len = pick(b.length - at + 1)
      return Buffer.concat([b.subarray(0, at + len), b.subarray(at, at + len), b.subarray(at)])
    }
    case 5: // a huge length in a long frame header where one would be
      if (b.length >= 9) {
        b[0] |= 2
        b.writeBigUInt64BE(BigInt(2) ** BigInt(8 * (1 + pick(7))) - BigInt(pick(3)), 1)
      }
      return b
    default: // an odd length byte
      if (b.length >= 2) b[1] = pick(256)
      return b
  }
}

function randomBytes(random, n) {
  const b = Buffer.alloc(n)
  for (let i = 0; i < n; i++) b[i] = Math.floor(random() * 256)
  return b
}

const zmtpNames = {
  Pair: "PAIR",
  Publisher: "PUB",
  Subscriber: "SUB",
  Request: "REQ",
  Reply: "REP",
  Dealer: "DEALER",
  Router: "ROUTER",
  Pull: "PULL",
  Push: "PUSH",
  XPublisher: "XPUB",
  XSubscriber: "XSUB",
}
// Draft sockets (when libzmq has them): Peer is left out, its connect is not a plain connect.
const draftNames = {
  Server: "SERVER",
  Client: "CLIENT",
  Radio: "RADIO",
  Dish: "DISH",
  Gather: "GATHER",
  Scatter: "SCATTER",
  Channel: "CHANNEL",
}
const classes = {...zmq, ...(zmq.capability.draft ? draft : {})}
const socketNames = {...zmtpNames, ...(zmq.capability.draft ? draftNames : {})}
// The type a well-behaved peer must have to be accepted (the ZMTP pairing rules).
const partners = {
  PAIR: "PAIR",
  PUB: "SUB",
  SUB: "PUB",
  REQ: "REP",
  REP: "REQ",
  DEALER: "ROUTER",
  ROUTER: "DEALER",
  PULL: "PUSH",
  PUSH: "PULL",
  XPUB: "SUB",
  XSUB: "PUB",
  SERVER: "CLIENT",
  CLIENT: "SERVER",
  RADIO: "DISH",
  DISH: "RADIO",
  GATHER: "SCATTER",
  SCATTER: "GATHER",
  CHANNEL: "CHANNEL",
}

/** Whether a received message (possibly [message, info] on draft sockets) is "ok". */
function isOk(received) {
  const first = Array.isArray(received)
    ? received[received.length === 2 && !Buffer.isBuffer(received[1]) ? 0 : received.length - 1]
    : received
  return Buffer.isBuffer(first) && first.toString() === "ok"
}

/** Resolves with a received message, or null after `ms`. */
function within(promise, ms) {
  let timer
  return Promise.race([
    promise,
    new Promise(resolve => (timer = setTimeout(() => resolve(null), ms))),
  ]).finally(() => clearTimeout(timer))
}

/** Builds one input for a socket of ZMTP type `type`, with security `mechanism`. */
function makeInput(type, mechanism, random) {
  const pick = n => Math.floor(random() * n)
  const partner = partners[type]
  const handshake =
    mechanism === "CURVE"
      ? // A CURVE HELLO: version, padding, a client's short-term key, nonce, box (all random).
        command(
          "HELLO",
          Buffer.concat([Buffer.from([1, 0]), Buffer.alloc(72), randomBytes(random, 96)]),
        )
      : ready(partner, pick(2) ? [property("Identity", randomBytes(random, pick(300)))] : [])
  const messages = [
    frame(Buffer.from("hello"), {}),
    frame(Buffer.alloc(0), {more: true}),
    frame(randomBytes(random, pick(300))),
    frame(Buffer.from([1]), {}), // a subscription
    command("PING", Buffer.from([0, 10, 1, 2])),
    command("SUBSCRIBE", Buffer.from("x")),
    command("ERROR", Buffer.from([3, 65, 66, 67])),
  ]
  const base = [greeting(mechanism), handshake]
  for (let i = 0, n = pick(6); i < n; i++) base.push(messages[pick(messages.length)])
  switch (pick(6)) {
    case 0: // noise
      return randomBytes(random, 1 + pick(512))
    case 1: // a mutated greeting, then a valid rest
      return Buffer.concat([mutate(base[0], random), ...base.slice(1)])
    case 2: // a mutated handshake
      return Buffer.concat([base[0], mutate(Buffer.concat(base.slice(1)), random)])
    case 3: {
      // an old or odd version, a wrong mechanism name
      const g = greeting(["NULL", "PLAIN", "CURVE", "GSSAPI", "XYZZY", ""][pick(6)], {
        major: [1, 2, 3, 4, 255][pick(5)],
        minor: pick(3),
        asServer: pick(2),
      })
      return Buffer.concat([g, ...base.slice(1)])
    }
    case 4: // the whole exchange mutated several times
      return [1, 2, 3].slice(0, 1 + pick(3)).reduce(b => mutate(b, random), Buffer.concat(base))
    default: // a valid exchange with mutated frames after it
      return Buffer.concat([...base.slice(0, 2), mutate(Buffer.concat(base.slice(2)), random)])
  }
}

/** Sends one input over a fresh connection, then closes it (after a short wait or its end). */
function send(port, input, random) {
  return new Promise(resolve => {
    const socket = net.connect(port, "127.0.0.1")
    let done = false
    const finish = () => {
      if (done) return
      done = true
      clearTimeout(timer)
      socket.destroy()
      resolve()
    }
    const timer = setTimeout(finish, 20 + Math.floor(random() * 30))
    socket.on("error", finish)
    socket.on("close", finish)
    socket.on("data", () => {}) // read what libzmq answers, so it never blocks
    socket.on("connect", () => {
      // Split the input across writes sometimes: the decoder must cope with fragments.
      if (input.length > 2 && random() < 0.3) {
        const at = 1 + Math.floor(random() * (input.length - 1))
        socket.write(input.subarray(0, at))
        setImmediate(() => !done && socket.write(input.subarray(at)))
      } else socket.write(input)
    })
  })
}

/** A well-behaved peer talks to `target` (bound at `endpoint`); resolves true when it works. */
async function wellBehaved(type, target, endpoint, curve) {
  const own = curve ? zmq.curveKeyPair() : null
  const security = curve
    ? {
        curveServerKey: curve.publicKey,
        curvePublicKey: own.publicKey,
        curveSecretKey: own.secretKey,
      }
    : {}
  const ClassName = Object.keys(socketNames).find(k => socketNames[k] === partners[type])
  const peer = new classes[ClassName]({linger: 0, ...security})
  let timer
  const timeout = new Promise(resolve => (timer = setTimeout(() => resolve(false), 5000)))
  /**
   * Resolves true once `socket` receives "ok". A fuzz message libzmq decoded late may come
   * first: skip those (a Reply answers them, its state machine wants that).
   */
  const receiveOk = async socket => {
    for (let i = 0; i < 1000; i++) {
      const message = await socket.receive()
      if (isOk(message)) return true
      if (type === "REP" && socket === target) await target.send("stale")
    }
    return false
  }
  /** Sends with `send` until `received` resolves (a slow joiner may miss the first ones). */
  const repeatUntil = async (send, received) => {
    for (let i = 0; i < 200; i++) {
      await send()
      if (await within(received, 10)) return true
    }
    return false
  }
  const exchange = (async () => {
    peer.connect(endpoint)
    switch (type) {
      case "PUB":
      case "XPUB":
        peer.subscribe()
        if (type === "XPUB") await target.receive() // the subscription arrived
        return repeatUntil(() => target.send("ok"), receiveOk(peer))
      case "SUB":
      case "XSUB":
        if (type === "SUB") target.subscribe()
        else await target.send(Buffer.from([1]))
        return repeatUntil(() => peer.send("ok"), receiveOk(target))
      case "RADIO":
        peer.join("g")
        return repeatUntil(() => target.send("ok", {group: "g"}), receiveOk(peer))
      case "DISH":
        target.join("g")
        return repeatUntil(() => peer.send("ok", {group: "g"}), receiveOk(target))
      case "CLIENT": {
        // A Server answers a client by routing id, so the client speaks first.
        await target.send("hello")
        const [, {routingId}] = await peer.receive()
        await peer.send("ok", {routingId})
        return receiveOk(target)
      }
      case "PULL":
      case "PAIR":
      case "CHANNEL":
      case "REP":
      case "ROUTER":
      case "SERVER":
      case "GATHER":
        await peer.send("ok")
        return receiveOk(target)
      case "REQ":
        // A Request may send only once; it picks a live pipe (fuzz pipes that libzmq has not
        // yet seen close are skipped once their peer is gone).
        await target.send("ok")
        return receiveOk(peer)
      case "PUSH":
      case "DEALER":
      case "SCATTER":
        // Round-robin may still include a fuzz connection libzmq has not yet seen close (on
        // a loaded machine): send until the well-behaved peer gets one.
        return repeatUntil(() => target.send("ok"), receiveOk(peer))
    }
    return false
  })()
  try {
    return await Promise.race([exchange, timeout])
  } finally {
    clearTimeout(timer)
    peer.close()
  }
}

async function main() {
  const options = parseArgs(process.argv.slice(2))
  const random = prng(options.seed)
  const deadline = Date.now() + options.seconds * 1000
  const started = Date.now()
  const mechanisms = zmq.capability.curve ? ["NULL", "CURVE"] : ["NULL"]
  const targets = []
  for (const [className, type] of Object.entries(socketNames)) {
    for (const mechanism of mechanisms) {
      const curve = mechanism === "CURVE" ? zmq.curveKeyPair() : null
      const security = curve
        ? {curveServer: true, curvePublicKey: curve.publicKey, curveSecretKey: curve.secretKey}
        : {}
      const socket = new classes[className]({linger: 0, ...security})
      await socket.bind("tcp://127.0.0.1:*")
      const port = Number(socket.lastEndpoint.split(":").pop())
      // A received fuzz message is fine; keep the queue drained so nothing piles up.
      targets.push({className, type, mechanism, curve, socket, port, inputs: 0})
    }
  }
  let inputs = 0
  let bytes = 0
  // A few connections at a time: libzmq sees overlapping handshakes, as in real life.
  const parallel = 8
  while (inputs < options.iterations && Date.now() < deadline) {
    const batch = []
    for (let i = 0; i < parallel && inputs < options.iterations; i++, inputs++) {
      const target = targets[Math.floor(random() * targets.length)]
      const input = makeInput(target.type, target.mechanism, random)
      target.inputs++
      bytes += input.length
      batch.push(send(target.port, input, random))
    }
    await Promise.all(batch)
  }
  // Drain what the fuzzing delivered, so the checks below see their own messages.
  for (const t of targets) {
    if (typeof t.socket.receiveMany !== "function") continue
    const previous = t.socket.receiveTimeout
    t.socket.receiveTimeout = 0
    for (;;) {
      try {
        // A Reply must answer what it took (to a fuzz peer long gone) before it reads again.
        if (t.type === "REP") await t.socket.receive().then(() => t.socket.send("drained"))
        else await t.socket.receiveMany()
      } catch {
        break
      }
    }
    t.socket.receiveTimeout = previous
  }
  const failed = []
  for (const t of targets) {
    const ok = await wellBehaved(t.type, t.socket, t.socket.lastEndpoint, t.curve)
    if (!ok) failed.push(`${t.className}/${t.mechanism}`)
  }
  for (const t of targets) t.socket.close()
  const summary = {
    seed: options.seed,
    inputs,
    bytes,
    sockets: targets.length,
    mechanisms,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    wellBehavedPeerFailed: failed,
  }
  if (options.json) console.log(JSON.stringify(summary))
  else
    console.log(
      `zmtp fuzz: ${inputs} inputs (${bytes} bytes, seed ${options.seed}) to ${targets.length} ` +
        `sockets (${mechanisms.join(", ")}) in ${summary.seconds} s; well-behaved peer: ` +
        (failed.length === 0 ? "ok on every socket" : `FAILED on ${failed.join(", ")}`),
    )
  process.exitCode = failed.length === 0 ? 0 : 1
}

main().catch(error => {
  console.error(error)
  process.exit(1)
})
