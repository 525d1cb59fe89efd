#!/usr/bin/env node
// Soak: sustained traffic for N minutes with random connects, disconnects and peer restarts.
//
//   npm run soak -- --minutes N [--json]
//
// Runs, all on loopback:
// - reliable request-reply: lazy-pirate Request clients against a Reply server in a child
//   process that is killed (SIGKILL) and restarted on the same port at random. Every
//   request is retried on a fresh socket until answered: none may be lost.
// - reliable pipeline: a Push sends numbered messages to a Pull in this process, while
//   short-lived Push sockets connect, send a few numbered messages and close (with the
//   default linger): every message must arrive, each stream in order.
// - churn without delivery guarantees: a Subscriber connects and disconnects at random to
//   a Publisher (counted, loss allowed: pub-sub drops by design).
// Then prints a summary: messages sent/received/lost per pattern, peer restarts, and RSS at
// the start, after warm-up and at the end. Fails (exit 1) on any loss in the reliable
// patterns, or when RSS after warm-up grew by more than max(32 MiB, 25 %).
"use strict"
const {spawn} = require("node:child_process")
const zmq = require("zeromq-napi")

function parseArgs(argv) {
  const options = {minutes: 1, json: false}
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--json") options.json = true
    else if (argv[i] === "--minutes") {
      options.minutes = Number(argv[++i])
      if (!(options.minutes > 0)) throw new RangeError("--minutes needs a positive number")
    } else throw new TypeError(`unknown argument ${argv[i]}`)
  }
  return options
}

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))
const rssMiB = () => Math.round((process.memoryUsage().rss / 1048576) * 10) / 10

const serverSource = `
  import * as zmq from "zeromq-napi"
  const reply = new zmq.Reply()
  await reply.bind("tcp://127.0.0.1:" + (process.env.PORT || "*"))
  console.log(reply.lastEndpoint)
  for await (const [request] of reply) await reply.send(request)
`

function startServer(port) {
  const child = spawn(process.execPath, ["--input-type=module", "-e", serverSource], {
    stdio: ["ignore", "pipe", "inherit"],
    env: {...process.env, PORT: port ? String(port) : ""},
  })
  const exited = new Promise(resolve => child.once("exit", resolve))
  const endpoint = new Promise((resolve, reject) => {
    child.stdout.once("data", data => resolve(data.toString().trim()))
    exited.then(() => reject(new Error("server ended before binding")))
  })
  return {child, exited, endpoint}
}

async function main() {
  const options = parseArgs(process.argv.slice(2))
  const started = Date.now()
  const end = started + options.minutes * 60000
  const warmUpAt = started + Math.min(10000, options.minutes * 60000 * 0.2)
  const stats = {
    requestReply: {sent: 0, received: 0, lost: 0, retries: 0, serverRestarts: 0},
    pipeline: {sent: 0, received: 0, lost: 0, outOfOrder: 0, churnSockets: 0},
    pubSub: {sent: 0, received: 0, connects: 0, disconnects: 0},
    rssMiB: {start: rssMiB(), afterWarmUp: 0, end: 0, peak: 0},
  }
  let running = true
  const sampler = setInterval(() => {
    const rss = rssMiB()
    stats.rssMiB.peak = Math.max(stats.rssMiB.peak, rss)
    if (!stats.rssMiB.afterWarmUp && Date.now() >= warmUpAt) stats.rssMiB.afterWarmUp = rss
  }, 250)

  // ---- reliable request-reply with server restarts -------------------------------------
  let server = startServer()
  const endpoint = await server.endpoint
  const port = Number(endpoint.split(":").pop())
  const killer = (async () => {
    while (running) {
      await sleep(1000 + Math.random() * 3000)
      if (!running) break
      server.child.kill("SIGKILL")
      await server.exited
      server = startServer(port)
      try {
        await server.endpoint
        stats.requestReply.serverRestarts++
      } catch {
        // The port was not free yet: try again on the next round.
        await sleep(100)
        server = startServer(port)
        await server.endpoint
        stats.requestReply.serverRestarts++
      }
    }
  })()
  const client = async id => {
    let socket
    const fresh = () => {
      socket?.close()
      socket = new zmq.Request({receiveTimeout: 500, linger: 0, reconnectInterval: 20})
      socket.connect(endpoint)
    }
    fresh()
    for (let n = 0; running; n++) {
      const body = `${id}:${n}`
      stats.requestReply.sent++
      let answered = false
      for (let attempt = 0; attempt < 40 && !answered; attempt++) {
        await socket.send(body)
        try {
          const [reply] = await socket.receive()
          if (reply.toString() !== body) throw new Error(`wrong reply ${reply} to ${body}`)
          answered = true
        } catch (error) {
          if (error.code !== "EAGAIN") throw error
          stats.requestReply.retries++
          fresh()
        }
      }
      if (answered) stats.requestReply.received++
      else stats.requestReply.lost++
    }
    socket.close()
  }
  const clients = [1, 2, 3].map(client)

  // ---- reliable pipeline with churning senders -----------------------------------------
  const pull = new zmq.Pull()
  await pull.bind("tcp://127.0.0.1:*")
  const expected = new Map() // stream -> next number
  const receiving = (async () => {
    for await (const [stream, number] of pull) {
      const key = stream.toString()
      const n = Number(number.toString())
      const next = expected.get(key) ?? 0
      if (n !== next) stats.pipeline.outOfOrder++
      expected.set(key, n + 1)
      stats.pipeline.received++
    }
  })()
  const streamsSent = new Map()
  const stable = (async () => {
    const push = new zmq.Push()
    push.connect(pull.lastEndpoint)
    for (let n = 0; running; n++) {
      await push.send(["stable", String(n)])
      stats.pipeline.sent++
      streamsSent.set("stable", n + 1)
      if (n % 100 === 0) await sleep(1)
    }
    push.close()
  })()
  const churn = (async () => {
    for (let s = 0; running; s++) {
      const push = new zmq.Push() // default linger: what it accepted is delivered
      push.connect(pull.lastEndpoint)
      const count = 1 + Math.floor(Math.random() * 50)
      for (let n = 0; n < count; n++) await push.send([`churn-${s}`, String(n)])
      stats.pipeline.sent += count
      streamsSent.set(`churn-${s}`, count)
      push.close()
      stats.pipeline.churnSockets++
      await sleep(Math.random() * 400)
    }
  })()

  // ---- pub-sub with random connects and disconnects ------------------------------------
  const pub = new zmq.Publisher()
  await pub.bind("tcp://127.0.0.1:*")
  const sub = new zmq.Subscriber()
  sub.subscribe()
  const subReading = (async () => {
    for await (const _ of sub) stats.pubSub.received++
  })()
  let connected = false
  const pubSub = (async () => {
    while (running) {
      for (let i = 0; i < 100; i++) await pub.send("tick")
      stats.pubSub.sent += 100
      if (Math.random() < 0.1) {
        if (connected) {
          sub.disconnect(pub.lastEndpoint)
          stats.pubSub.disconnects++
        } else {
          sub.connect(pub.lastEndpoint)
          stats.pubSub.connects++
        }
        connected = !connected
      }
      await sleep(10)
    }
  })()

  // ---- run, then stop and account -------------------------------------------------------
  let lastReport = Date.now()
  while (Date.now() < end) {
    await sleep(Math.min(1000, end - Date.now()))
    if (!options.json && Date.now() - lastReport >= 10000) {
      lastReport = Date.now()
      const t = Math.round((Date.now() - started) / 1000)
      console.log(
        `${t}s: req/rep ${stats.requestReply.received}/${stats.requestReply.sent}, ` +
          `pipeline ${stats.pipeline.received}/${stats.pipeline.sent}, restarts ` +
          `${stats.requestReply.serverRestarts}, rss ${rssMiB()} MiB`,
      )
    }
  }
  running = false
  await Promise.all([killer, stable, churn, pubSub, ...clients])
  // Everything sent on the pipeline must arrive: wait for it (bounded).
  for (let i = 0; i < 500 && stats.pipeline.received < stats.pipeline.sent; i++) await sleep(20)
  stats.pipeline.lost = stats.pipeline.sent - stats.pipeline.received
  for (const [stream, count] of streamsSent)
    if ((expected.get(stream) ?? 0) !== count) stats.pipeline.outOfOrder++
  clearInterval(sampler)
  stats.rssMiB.end = rssMiB()
  if (!stats.rssMiB.afterWarmUp) stats.rssMiB.afterWarmUp = stats.rssMiB.end
  pull.close()
  sub.close()
  pub.close()
  await Promise.all([receiving, subReading])
  server.child.kill("SIGKILL")
  await server.exited

  const growth = stats.rssMiB.end - stats.rssMiB.afterWarmUp
  const allowed = Math.max(32, stats.rssMiB.afterWarmUp * 0.25)
  const problems = []
  if (stats.requestReply.lost > 0) problems.push(`${stats.requestReply.lost} requests lost`)
  if (stats.pipeline.lost !== 0) problems.push(`${stats.pipeline.lost} pipeline messages lost`)
  if (stats.pipeline.outOfOrder > 0) problems.push(`${stats.pipeline.outOfOrder} out of order`)
  if (growth > allowed) problems.push(`RSS grew ${growth.toFixed(1)} MiB after warm-up`)
  const summary = {minutes: options.minutes, ...stats, problems}
  if (options.json) console.log(JSON.stringify(summary))
  else {
    const rr = stats.requestReply
    const pl = stats.pipeline
    const ps = stats.pubSub
    console.log(
      [
        `soak: ${options.minutes} min`,
        `  request-reply (lazy pirate): sent ${rr.sent}, received ${rr.received}, lost ${rr.lost}` +
          ` (${rr.retries} retries, ${rr.serverRestarts} server restarts)`,
        `  pipeline: sent ${pl.sent}, received ${pl.received}, lost ${pl.lost}, out of order ` +
          `${pl.outOfOrder} (${pl.churnSockets} short-lived senders)`,
        `  pub-sub (lossy by design): sent ${ps.sent}, received ${ps.received}, ` +
          `${ps.connects} connects, ${ps.disconnects} disconnects`,
        `  RSS: start ${stats.rssMiB.start} MiB, after warm-up ${stats.rssMiB.afterWarmUp} MiB, ` +
          `end ${stats.rssMiB.end} MiB, peak ${stats.rssMiB.peak} MiB`,
        problems.length === 0 ? "  result: ok" : `  result: FAILED: ${problems.join("; ")}`,
      ].join("\n"),
    )
  }
  process.exit(problems.length === 0 ? 0 : 1)
}

main().catch(error => {
  console.error(error)
  process.exit(1)
})
