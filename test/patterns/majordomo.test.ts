import {expect} from "chai"
import {Dealer, Request, Router} from "../../lib"
import {
  MajordomoBroker,
  MajordomoClient,
  MajordomoWorker,
  RequestTimeoutError,
  type MajordomoWorkerOptions,
} from "../../lib/patterns"
import {killAll, runExample, startProcess, within} from "../helpers"

/** The rejection of a promise-returning call, which must not throw synchronously. */
async function rejection(call: () => Promise<unknown>): Promise<Error> {
  return call().then(
    () => {
      throw new Error("resolved")
    },
    (err: Error) => err,
  )
}

// Wire constants written out from the specs (rfc.zeromq.org 18/MDP, 7/MDP), not taken from
// the implementation, so these tests check the frames themselves.
const MDPC02 = "MDPC02"
const MDPW02 = "MDPW02"
const C = {REQUEST: "\x01", PARTIAL: "\x02", FINAL: "\x03"}
const W = {READY: "\x01", REQUEST: "\x02", PARTIAL: "\x03", FINAL: "\x04"}
const HEARTBEAT = "\x05"
const DISCONNECT = "\x06"

// Short heartbeats, but a generous expiry (5 × 100 ms) for a loaded machine.
const fast = {heartbeatInterval: 100, liveness: 5}
const fastWorker: MajordomoWorkerOptions = {...fast, reconnectInterval: 100}
// MDP/0.2, for what only 0.2 has (partial replies) and its own frames.
const v2 = {protocol: "MDP/0.2"} as const
const fastWorkerV2: MajordomoWorkerOptions = {...fastWorker, ...v2}

/** Frames as strings, for comparisons. */
const text = (frames: Buffer[]) => frames.map(frame => frame.toString("latin1"))

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms))
}

/** Polls `check` until it holds: waits for a state change rather than for a fixed time. */
async function waitFor(what: string, check: () => boolean, ms = 8000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(10)
  }
}

/** Receives one message, failing the test when none comes within `ms`. */
async function receiveWithin(socket: Dealer | Router | Request, ms = 5000): Promise<Buffer[]> {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), ms)
  try {
    return await socket.receive({signal: controller.signal})
  } catch (err) {
    if (controller.signal.aborted) throw new Error(`nothing received within ${ms} ms`)
    throw err
  } finally {
    clearTimeout(timer)
  }
}

/** The next message whose command (frame `at`) is not a heartbeat (0x05; 0x04 in MDP/0.1). */
async function nextCommand(
  socket: Dealer | Router,
  at: number,
  heartbeat = HEARTBEAT,
  ms = 5000,
): Promise<Buffer[]> {
  const end = Date.now() + ms
  for (;;) {
    const message = await receiveWithin(socket, Math.max(1, end - Date.now()))
    if (message[at]?.toString("latin1") !== heartbeat) return message
  }
}

/** A worker process: echoes [request, NAME]; SIGKILLs itself on request number DIE_ON. */
const workerSource = `
  import {MajordomoWorker} from "zeromq-napi/patterns"
  const dieOn = Number(process.env.DIE_ON || 0)
  let served = 0
  new MajordomoWorker(process.env.BROKER, "echo", request => {
    served++
    if (served === dieOn) {
      console.log("dying on " + request[0])
      process.kill(process.pid, "SIGKILL")
    }
    return [request[0], process.env.NAME]
  }, {heartbeatInterval: 100, liveness: 5, reconnectInterval: 100})
  console.log("started")
`

/**
 * A broker process on PORT (or any port): prints its endpoint, then "workers N" once at
 * least 2 echo workers registered (N may be 3 for a moment: a worker that re-registered
 * while the broker still had its previous socket).
 */
const brokerSource = `
  import {MajordomoBroker} from "zeromq-napi/patterns"
  const broker = new MajordomoBroker({heartbeatInterval: 100, liveness: 5})
  await broker.bind("tcp://127.0.0.1:" + (process.env.PORT || "*"))
  console.log("bound " + broker.endpoint)
  const timer = setInterval(() => {
    const workers = broker.service("echo")?.workers ?? 0
    if (workers >= 2) {
      console.log("workers " + workers)
      clearInterval(timer)
    }
  }, 10)
`

interface Outcome {
  body: string
  reply?: Buffer[]
  error?: unknown
}

describe("patterns: Majordomo", function () {
  this.timeout(20000)

  let opened: {close(): unknown}[] = []
  function open<T extends {close(): unknown}>(thing: T): T {
    opened.push(thing)
    return thing
  }

  async function startBroker(options: ConstructorParameters<typeof MajordomoBroker>[0] = fast) {
    const broker = open(new MajordomoBroker(options))
    await broker.bind("tcp://127.0.0.1:*")
    return {broker, endpoint: broker.endpoint!}
  }

  function echoWorker(endpoint: string, service = "echo", options = fastWorker) {
    return open(new MajordomoWorker(endpoint, service, request => request, options))
  }

  function rawDealer(endpoint: string): Dealer {
    const socket = open(new Dealer({linger: 0}))
    socket.connect(endpoint)
    return socket
  }

  afterEach(async () => {
    await killAll()
    for (const thing of opened.reverse()) await thing.close()
    opened = []
  })

  it("answers every request exactly once while workers are SIGKILLed mid-request", async () => {
    const {broker, endpoint} = await startBroker()
    const env = {BROKER: endpoint}
    const doomed = [
      startProcess(workerSource, {...env, NAME: "w1", DIE_ON: "3"}),
      startProcess(workerSource, {...env, NAME: "w2", DIE_ON: "6"}),
    ]
    const survivor = startProcess(workerSource, {...env, NAME: "w3"})
    for (const worker of [...doomed, survivor]) await worker.line(/^started$/)
    await waitFor("3 workers", () => broker.service("echo")?.workers === 3)

    const clients = [0, 1].map(() =>
      open(new MajordomoClient(endpoint, {timeout: 1500, retries: 5})),
    )
    // Each client's requests are issued at once: the client queues them in call order.
    const outcomes = await Promise.all(
      clients.flatMap((client, c) =>
        Array.from({length: 20}, (_, i): Promise<Outcome> => {
          const body = `c${c}-r${i}`
          return client.request("echo", body).then(
            reply => ({body, reply}),
            error => ({body, error}),
          )
        }),
      ),
    )

    const answered = outcomes.filter(o => o.reply !== undefined && o.reply[0].toString() === o.body)
    const wrong = outcomes.filter(o => o.reply !== undefined && o.reply[0].toString() !== o.body)
    const failed = outcomes.filter(o => o.error instanceof RequestTimeoutError)
    const other = outcomes.filter(
      o => o.error !== undefined && !(o.error instanceof RequestTimeoutError),
    )
    expect(wrong, "replies to another request").to.deep.equal([])
    expect(other, "unexpected errors").to.deep.equal([])
    expect(answered.length + failed.length).to.equal(40)
    // Five tries each, two workers that die once each: every request gets its answer.
    expect(failed).to.have.length(0)

    for (const worker of doomed) {
      expect(await within(worker.exited, 5000, "the worker's death")).to.equal("SIGKILL")
    }
    const lost = doomed.map(worker => worker.lines.find(l => l.startsWith("dying on "))!.slice(9))
    // The requests the dying workers took were answered by a retry.
    for (const body of lost) expect(answered.map(o => o.body)).to.include(body)
    const retries = clients.reduce((sum, client) => sum + client.stats.retries, 0)
    expect(retries).to.be.at.least(2)

    // The broker notices the dead workers by their silence, and the request each held.
    await waitFor("dead workers expired", () => broker.service("echo")?.workers === 1)
    const {expiredWorkers, lostRequests, malformed} = broker.stats
    // At least: a live worker held up too long on a loaded machine may be expired too.
    expect(expiredWorkers).to.be.at.least(2)
    expect(lostRequests).to.be.at.least(2)
    expect(malformed).to.equal(0)
  })

  it("carries on after the broker is SIGKILLed and restarted on the same port", async () => {
    const first = startProcess(brokerSource)
    const endpoint = (await first.line(/^bound /)).slice(6)
    const port = endpoint.split(":").pop()!
    const errors: Error[] = []
    const workers = ["a", "b"].map(name =>
      open(
        new MajordomoWorker(endpoint, "echo", request => [request[0], name], {
          ...fastWorker,
          onError: error => errors.push(error),
        }),
      ),
    )
    await first.line(/^workers \d+$/)
    const client = open(new MajordomoClient(endpoint, {timeout: 1000, retries: 10}))
    const ask = async (body: string) => (await client.request("echo", body))[0].toString()
    for (let i = 0; i < 5; i++) expect(await ask(`before ${i}`)).to.equal(`before ${i}`)

    await first.kill()
    const during = ask("during the outage")
    // Restart only once a try has timed out: the request must survive by retrying.
    await waitFor("a retry", () => client.stats.retries >= 1)
    const second = startProcess(brokerSource, {PORT: port})
    expect((await second.line(/^bound /)).slice(6)).to.equal(endpoint)
    // The workers notice the silence (or the new broker's DISCONNECT) and register again.
    await second.line(/^workers \d+$/)

    expect(await during).to.equal("during the outage")
    for (let i = 0; i < 5; i++) expect(await ask(`after ${i}`)).to.equal(`after ${i}`)
    for (const worker of workers) expect(worker.stats.connections).to.be.at.least(2)
    expect(client.stats.failures).to.equal(0)
    expect(errors).to.deep.equal([])
  })

  it("answers mmi.service with 200 or 404, and other mmi services with 501", async () => {
    const {broker, endpoint} = await startBroker()
    const client = open(new MajordomoClient(endpoint, {timeout: 2000, retries: 1}))
    expect(text(await client.request("mmi.service", "echo"))).to.deep.equal(["404"])
    echoWorker(endpoint, "echo")
    await waitFor("the echo worker", () => broker.service("echo")?.workers === 1)
    expect(text(await client.request("mmi.service", "echo"))).to.deep.equal(["200"])
    expect(text(await client.request("mmi.service", "nobody"))).to.deep.equal(["404"])
    expect(text(await client.request("mmi.workers", "echo"))).to.deep.equal(["501"])
    // The service name is the request's last frame (as in the guide's broker).
    expect(text(await client.request("mmi.service", ["x", "echo"]))).to.deep.equal(["200"])
    expect(text(await client.request("echo", ["still", "served"]))).to.deep.equal([
      "still",
      "served",
    ])
  })

  it("rejects a request for a service nobody offers with RequestTimeoutError, then drops it", async () => {
    const {broker, endpoint} = await startBroker({...fast, requestExpiry: 300})
    const client = open(new MajordomoClient(endpoint, {timeout: 300, retries: 2}))
    let error: unknown
    await client.request("nobody", "hello?").catch(err => (error = err))
    expect(error).to.be.instanceOf(RequestTimeoutError)
    expect(error).to.include({code: "ETIMEDOUT", attempts: 2, address: endpoint})
    expect(client.stats).to.include({failures: 1, retries: 1})
    // Both tries waited in the service's queue; the broker drops them when they expire.
    await waitFor("the queue to expire", () => broker.service("nobody") === undefined)
    expect(broker.stats).to.include({requests: 2, expiredRequests: 2, replies: 0})
  })

  it("expires a worker that stops heartbeating, and sends it DISCONNECT", async () => {
    const {broker, endpoint} = await startBroker()
    const silent = rawDealer(endpoint)
    await silent.send([MDPW02, W.READY, "quiet"])
    await waitFor("the registration", () => broker.service("quiet")?.workers === 1)
    // The broker heartbeats the worker, then gives up on it after 5 silent intervals.
    const heard: string[] = []
    for (;;) {
      const message = text(await receiveWithin(silent))
      expect(message.slice(0, 1)).to.deep.equal([MDPW02])
      heard.push(message[1])
      if (message[1] === DISCONNECT) break
    }
    expect(heard.slice(0, -1)).to.not.be.empty
    expect(new Set(heard.slice(0, -1))).to.deep.equal(new Set([HEARTBEAT]))
    expect(broker.service("quiet")).to.equal(undefined)
    expect(broker.stats).to.include({expiredWorkers: 1, lostRequests: 0})
  })

  it("drops malformed messages, refuses unexpected worker commands, and keeps serving", async () => {
    const {broker, endpoint} = await startBroker()
    echoWorker(endpoint, "echo")
    await waitFor("the echo worker", () => broker.service("echo")?.workers === 1)

    const garbage = rawDealer(endpoint)
    const malformed: (string | Buffer)[][] = [
      ["hello"],
      [""],
      [MDPC02],
      [MDPC02, C.REQUEST, "echo"], // no body
      [MDPC02, C.PARTIAL, "echo", "x"], // not a client command
      [MDPC02, "\x01\x01", "echo", "x"], // two-byte command
      [MDPC02, C.REQUEST, "", "x"], // empty service name
      [MDPW02],
      [MDPW02, "\x09"], // unknown command
      [MDPW02, HEARTBEAT, "extra"],
      [MDPW02, W.READY], // no service
      [MDPW02, W.FINAL, "client", "not empty", "body"], // no delimiter
      [MDPW02, W.FINAL, "client", ""], // no body
      ["", "MDPC01"], // 0.1 client without service
      ["", "MDPW01", "\x07"],
      [Buffer.alloc(70000, 0xff), Buffer.of(0, 1, 2)],
    ]
    for (const message of malformed) await garbage.send(message)
    await waitFor("every malformed message", () => broker.stats.malformed === malformed.length)

    // Valid commands out of place: each answered with DISCONNECT.
    const refusals: [string, (string | Buffer)[][]][] = [
      ["a reply from an unknown worker", [[MDPW02, W.FINAL, "client", "", "body"]]],
      ["a heartbeat from an unknown worker", [[MDPW02, HEARTBEAT]]],
      ["a READY for the broker's own namespace", [[MDPW02, W.READY, "mmi.service"]]],
      ["a REQUEST sent by a worker", [[MDPW02, W.REQUEST, "client", "", "body"]]],
      [
        "a second READY",
        [
          [MDPW02, W.READY, "twice"],
          [MDPW02, W.READY, "twice"],
        ],
      ],
    ]
    for (const [what, messages] of refusals) {
      const peer = rawDealer(endpoint)
      for (const message of messages) await peer.send(message)
      expect(text(await nextCommand(peer, 1)), what).to.deep.equal([MDPW02, DISCONNECT])
    }
    expect(broker.stats.refused).to.equal(refusals.length)
    expect(broker.service("twice")).to.equal(undefined)
    expect(broker.service("mmi.service")).to.equal(undefined)

    // A registered worker that sends garbage is treated as invalid: forgotten, disconnected.
    const invalid = rawDealer(endpoint)
    await invalid.send([MDPW02, W.READY, "flaky"])
    await waitFor("the flaky worker", () => broker.service("flaky")?.workers === 1)
    await invalid.send([MDPW02, "\x09"])
    expect(text(await nextCommand(invalid, 1))).to.deep.equal([MDPW02, DISCONNECT])
    expect(broker.service("flaky")).to.equal(undefined)
    expect(broker.stats.malformed).to.equal(malformed.length + 1)

    // Random frames (seeded): nothing they contain may break the broker.
    let seed = 0x5eed
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff
      return seed % n
    }
    const heads = [MDPC02, MDPW02, "", "MDPC01", "MDPW01", "junk"]
    const fuzz = rawDealer(endpoint)
    for (let i = 0; i < 300; i++) {
      const frames: (string | Buffer)[] = [heads[random(heads.length)]]
      const more = random(6)
      for (let f = 0; f < more; f++) {
        frames.push(Buffer.from(Array.from({length: random(4)}, () => random(8))))
      }
      await fuzz.send(frames)
    }

    const client = open(new MajordomoClient(endpoint, {timeout: 2000, retries: 2}))
    expect(text(await client.request("echo", "still here"))).to.deep.equal(["still here"])
    expect(broker.service("echo")?.workers).to.equal(1)
    // The clean peers got nothing back for their garbage.
    expect(garbage.readable).to.equal(false)
  })

  it("delivers partial replies in order before the final one", async () => {
    const {endpoint} = await startBroker()
    open(
      new MajordomoWorker(
        endpoint,
        "count",
        async ([n], reply) => {
          for (let i = 1; i < Number(n); i++) {
            await reply.partial([`part ${i}`, "of " + n.toString()])
            // Let the broker and client run between partials.
            await sleep(5)
          }
          return `final ${n}`
        },
        fastWorkerV2,
      ),
    )
    const client = open(new MajordomoClient(endpoint, {timeout: 3000, retries: 2, ...v2}))
    for (const n of [1, 6]) {
      const events: string[] = []
      const final = await client.request("count", String(n), {
        onPartial: (body, attempt) => events.push(`${text(body).join(" ")} (try ${attempt})`),
      })
      events.push(text(final).join(" "))
      expect(events).to.deep.equal([
        ...Array.from({length: n - 1}, (_, i) => `part ${i + 1} of ${n} (try 1)`),
        `final ${n}`,
      ])
    }
  })

  it("serves MDP/0.1 clients and workers (the guide's mdcliapi and mdwrkapi)", async () => {
    const {broker, endpoint} = await startBroker()
    open(
      new MajordomoWorker(
        endpoint,
        "stream",
        async (request, reply) => {
          await reply.partial("a partial")
          return ["final", ...request]
        },
        fastWorkerV2,
      ),
    )
    await waitFor("the stream worker", () => broker.service("stream")?.workers === 1)
    // A 0.1 client on a Request socket: [MDPC01, service, body…] each way; no partials.
    const old = open(new Request({linger: 0}))
    old.connect(endpoint)
    await old.send(["MDPC01", "stream", "from 0.1"])
    expect(text(await receiveWithin(old))).to.deep.equal(["MDPC01", "stream", "final", "from 0.1"])

    // A 0.1 worker: ["", MDPW01, command, …]; REPLY (0x03) answers a 0.2 client.
    const oldWorker = rawDealer(endpoint)
    await oldWorker.send(["", "MDPW01", "\x01", "legacy"])
    await waitFor("the 0.1 worker", () => broker.service("legacy")?.workers === 1)
    const client = open(new MajordomoClient(endpoint, {timeout: 3000, retries: 1, ...v2}))
    const reply = client.request("legacy", "from 0.2")
    const request = await nextCommand(oldWorker, 2, "\x04")
    const [empty, header, command, address, delimiter, body] = text(request)
    expect([empty, header, command, delimiter, body]).to.deep.equal([
      "",
      "MDPW01",
      "\x02",
      "",
      "from 0.2",
    ])
    await oldWorker.send(["", "MDPW01", "\x03", request[3], "", `re: ${body}`])
    expect(text(await reply)).to.deep.equal(["re: from 0.2"])
    expect(address).to.not.equal("")
  })

  it("speaks MDPW02 to its broker: READY, replies, reconnection on silence and DISCONNECT", async () => {
    const fake = open(new Router({linger: 0}))
    await fake.bind("tcp://127.0.0.1:*")
    const worker = open(
      new MajordomoWorker(
        fake.lastEndpoint!,
        "echo",
        async (request, reply) => {
          await reply.partial(["partial", ...request])
          return ["final", ...request]
        },
        fastWorkerV2,
      ),
    )
    expect(worker.protocol).to.equal("MDP/0.2")
    const ready = await nextCommand(fake, 2)
    expect(text(ready.slice(1))).to.deep.equal([MDPW02, W.READY, "echo"])
    // A broker that stays silent is taken for dead: READY again, from a new socket.
    const again = await nextCommand(fake, 2)
    expect(text(again.slice(1))).to.deep.equal([MDPW02, W.READY, "echo"])
    expect(again[0].equals(ready[0])).to.equal(false)
    // DISCONNECT: register again at once on a new socket.
    await fake.send([again[0], MDPW02, DISCONNECT])
    const third = await nextCommand(fake, 2)
    expect(text(third.slice(1))).to.deep.equal([MDPW02, W.READY, "echo"])
    expect(third[0].equals(again[0])).to.equal(false)
    // From now on the fake broker heartbeats, so that this connection stays.
    const heartbeats = setInterval(
      () => fake.send([third[0], MDPW02, HEARTBEAT]).catch(() => {}),
      100,
    )
    opened.push({close: () => clearInterval(heartbeats)})

    await fake.send([third[0], MDPW02, W.REQUEST, "client-7", "", "ping", "pong"])
    expect(text(await nextCommand(fake, 2))).to.deep.equal([
      third[0].toString("latin1"),
      MDPW02,
      W.PARTIAL,
      "client-7",
      "",
      "partial",
      "ping",
      "pong",
    ])
    expect(text((await nextCommand(fake, 2)).slice(1))).to.deep.equal([
      MDPW02,
      W.FINAL,
      "client-7",
      "",
      "final",
      "ping",
      "pong",
    ])
    // Garbage from the broker is counted and ignored.
    await fake.send([third[0], "MDPW99", "\x02"])
    await fake.send([third[0], MDPW02, W.REQUEST, "no delimiter"])
    await waitFor("the malformed count", () => worker.stats.malformed === 2)
    await worker.close()
    expect(text((await nextCommand(fake, 2)).slice(1))).to.deep.equal([MDPW02, DISCONNECT])
    expect(worker.stats).to.include({connections: 3, requests: 1, replies: 1})
  })

  it("speaks MDPC02 to its broker and never reads a late reply of an abandoned try", async () => {
    const fake = open(new Router({linger: 0}))
    await fake.bind("tcp://127.0.0.1:*")
    const client = open(
      new MajordomoClient(fake.lastEndpoint!, {timeout: 800, retries: 3, protocol: "MDP/0.2"}),
    )
    const partials: string[] = []
    const reply = client.request("svc", ["a", "b"], {
      onPartial: (body, attempt) => partials.push(`${text(body).join(",")}@${attempt}`),
    })
    const first = await receiveWithin(fake)
    expect(text(first.slice(1))).to.deep.equal([MDPC02, C.REQUEST, "svc", "a", "b"])
    // A partial restarts the timeout; then the first try times out anyway.
    await fake.send([first[0], MDPC02, C.PARTIAL, "svc", "p1"])
    const second = await receiveWithin(fake)
    expect(text(second.slice(1))).to.deep.equal([MDPC02, C.REQUEST, "svc", "a", "b"])
    expect(second[0].equals(first[0]), "a new socket for the retry").to.equal(false)
    // The late final of try 1 goes to the old socket: never read as this request's answer.
    await fake.send([first[0], MDPC02, C.FINAL, "svc", "stale"])
    // Malformed, and a reply naming another service: counted and ignored.
    await fake.send([second[0], MDPC02, C.FINAL, "other", "wrong"])
    await fake.send([second[0], "MDPC99", C.FINAL, "svc", "wrong"])
    await fake.send([second[0], MDPC02, C.PARTIAL, "svc", "p2"])
    await fake.send([second[0], MDPC02, C.FINAL, "svc", "fresh", "answer"])
    expect(text(await reply)).to.deep.equal(["fresh", "answer"])
    expect(partials).to.deep.equal(["p1@1", "p2@2"])
    expect(client.stats).to.include({replies: 1, retries: 1, malformed: 2, failures: 0})

    // The next request goes out on the same socket (no timeout since): one reply each.
    const next = client.request("svc", "next")
    const third = await receiveWithin(fake)
    expect(third[0].equals(second[0])).to.equal(true)
    await fake.send([third[0], MDPC02, C.FINAL, "svc", "next reply"])
    expect(text(await next)).to.deep.equal(["next reply"])
  })

  it("speaks MDPW01 by default: READY, REQUEST and REPLY envelopes, HEARTBEAT and DISCONNECT (7/MDP)", async () => {
    const fake = open(new Router({linger: 0}))
    await fake.bind("tcp://127.0.0.1:*")
    const partialErrors: unknown[] = []
    const worker = open(
      new MajordomoWorker(
        fake.lastEndpoint!,
        "echo",
        async (request, reply) => {
          // 7/MDP has one REPLY per request: a partial is refused, the request goes on.
          await reply.partial("not in 0.1").catch(err => partialErrors.push(err))
          return ["re", ...request]
        },
        fastWorker,
      ),
    )
    expect(worker.protocol).to.equal("MDP/0.1")
    const ready = await nextCommand(fake, 3, "\x04")
    expect(text(ready.slice(1))).to.deep.equal(["", "MDPW01", "\x01", "echo"])
    const id = ready[0]
    // Heartbeats are ["", MDPW01, 0x04]; keep this connection alive with them.
    const beat = await receiveWithin(fake)
    expect(text(beat.slice(1))).to.deep.equal(["", "MDPW01", "\x04"])
    const heartbeats = setInterval(() => fake.send([id, "", "MDPW01", "\x04"]).catch(() => {}), 100)
    opened.push({close: () => clearInterval(heartbeats)})

    await fake.send([id, "", "MDPW01", "\x02", "client-7", "", "ping", "pong"])
    expect(text((await nextCommand(fake, 3, "\x04")).slice(1))).to.deep.equal([
      "",
      "MDPW01",
      "\x03",
      "client-7",
      "",
      "re",
      "ping",
      "pong",
    ])
    expect(partialErrors).to.have.length(1)
    expect(partialErrors[0]).to.include({code: "ENOTSUP"})
    expect((partialErrors[0] as Error).message).to.match(/MDP\/0\.2/)
    // 0.2 commands and a REQUEST without its delimiter are not for a 0.1 worker.
    await fake.send([id, MDPW02, W.REQUEST, "client-8", "", "x"])
    await fake.send([id, "", "MDPW01", "\x02", "client-9", "no delimiter"])
    await waitFor("the malformed count", () => worker.stats.malformed === 2)

    // DISCONNECT ["", MDPW01, 0x05]: READY again, from a new socket.
    await fake.send([id, "", "MDPW01", "\x05"])
    const again = await nextCommand(fake, 3, "\x04")
    expect(text(again.slice(1))).to.deep.equal(["", "MDPW01", "\x01", "echo"])
    expect(again[0].equals(id)).to.equal(false)
    await worker.close()
    expect(text((await nextCommand(fake, 3, "\x04")).slice(1))).to.deep.equal([
      "",
      "MDPW01",
      "\x05",
    ])
    expect(worker.stats).to.include({connections: 2, requests: 1, replies: 1})
  })

  it("keeps serving a long request for a broker that heartbeats only idle workers (the guide's)", async () => {
    const fake = open(new Router({linger: 0}))
    await fake.bind("tcp://127.0.0.1:*")
    // The handler runs four times the worker's liveness window (5 × 100 ms).
    const worker = open(
      new MajordomoWorker(
        fake.lastEndpoint!,
        "slow",
        async request => {
          await sleep(2000)
          return request
        },
        fastWorker,
      ),
    )
    const ready = await nextCommand(fake, 3, "\x04")
    const id = ready[0]
    let busy = false
    const heartbeats = setInterval(() => {
      if (!busy) fake.send([id, "", "MDPW01", "\x04"]).catch(() => {})
    }, 100)
    opened.push({close: () => clearInterval(heartbeats)})
    await sleep(300)
    busy = true
    await fake.send([id, "", "MDPW01", "\x02", "client", "", "long job"])
    const reply = await nextCommand(fake, 3, "\x04", 10000)
    expect(text(reply)).to.deep.equal([
      id.toString("latin1"),
      "",
      "MDPW01",
      "\x03",
      "client",
      "",
      "long job",
    ])
    expect(worker.stats.connections).to.equal(1)
    // Idle again and still unheard: now the silence counts, and the worker starts over.
    clearInterval(heartbeats)
    const again = await nextCommand(fake, 3, "\x04", 5000)
    expect(text(again.slice(1))).to.deep.equal(["", "MDPW01", "\x01", "slow"])
    expect(worker.stats.connections).to.equal(2)
  })

  it("speaks MDPC01 by default: an empty frame, the header, the service, the body (7/MDP)", async () => {
    const fake = open(new Router({linger: 0}))
    await fake.bind("tcp://127.0.0.1:*")
    const client = open(new MajordomoClient(fake.lastEndpoint!, {timeout: 2000, retries: 1}))
    expect(client.protocol).to.equal("MDP/0.1")
    const partials: Buffer[][] = []
    const reply = client.request("svc", ["a", "b"], {onPartial: body => partials.push(body)})
    const request = await receiveWithin(fake)
    expect(text(request.slice(1))).to.deep.equal(["", "MDPC01", "svc", "a", "b"])
    // A 0.2 reply, one without the empty frame and one naming another service: dropped.
    await fake.send([request[0], MDPC02, C.FINAL, "svc", "wrong"])
    await fake.send([request[0], "MDPC01", "svc", "wrong"])
    await fake.send([request[0], "", "MDPC01", "other", "wrong"])
    await fake.send([request[0], "", "MDPC01", "svc", "right", "answer"])
    expect(text(await reply)).to.deep.equal(["right", "answer"])
    expect(partials).to.deep.equal([])
    expect(client.stats).to.include({replies: 1, malformed: 3})
  })

  it("serves 0.1 and 0.2 clients and workers at once, each in its own version", async () => {
    const {broker, endpoint} = await startBroker()
    open(new MajordomoWorker(endpoint, "old", request => ["old", ...request], fastWorker))
    open(
      new MajordomoWorker(
        endpoint,
        "new",
        async (request, reply) => {
          await reply.partial("partial")
          return ["new", ...request]
        },
        fastWorkerV2,
      ),
    )
    await waitFor("both workers", () => broker.services.length === 2)
    const clients = [open(new MajordomoClient(endpoint)), open(new MajordomoClient(endpoint, v2))]
    for (const client of clients) {
      const partials: string[] = []
      const onPartial = (body: Buffer[]) => partials.push(text(body).join())
      expect(text(await client.request("old", client.protocol, {onPartial}))).to.deep.equal([
        "old",
        client.protocol,
      ])
      expect(text(await client.request("new", client.protocol, {onPartial}))).to.deep.equal([
        "new",
        client.protocol,
      ])
      // Partials exist in 0.2 only: the broker drops them for a 0.1 client.
      expect(partials).to.deep.equal(client.protocol === "MDP/0.2" ? ["partial"] : [])
    }
  })

  it("re-registers after a handler error; the client's retry gets the answer", async () => {
    const {broker, endpoint} = await startBroker()
    const errors: string[] = []
    let calls = 0
    const worker = open(
      new MajordomoWorker(
        endpoint,
        "fragile",
        request => {
          if (++calls === 1) throw new Error("first call fails")
          return request
        },
        {...fastWorker, onError: error => errors.push(error.message)},
      ),
    )
    await waitFor("the worker", () => broker.service("fragile")?.workers === 1)
    const client = open(new MajordomoClient(endpoint, {timeout: 700, retries: 3}))
    expect(text(await client.request("fragile", "again"))).to.deep.equal(["again"])
    expect(errors).to.deep.equal(["first call fails"])
    expect(worker.stats.connections).to.be.at.least(2)
    expect(client.stats.retries).to.be.at.least(1)
    // The worker said DISCONNECT before registering again: the broker knows one worker.
    await waitFor("one worker", () => broker.service("fragile")?.workers === 1)
    expect(broker.stats.lostRequests).to.be.at.least(1)
  })

  it("runs requests in call order and rejects them with EBADF once closed", async () => {
    const {endpoint} = await startBroker()
    const order: string[] = []
    open(
      new MajordomoWorker(
        endpoint,
        "slow",
        async ([body]) => {
          order.push(body.toString())
          await sleep(body.toString() === "1" ? 100 : 0)
          return body
        },
        fastWorker,
      ),
    )
    const client = new MajordomoClient(endpoint, {timeout: 3000, retries: 1})
    const replies = await Promise.all(["1", "2", "3"].map(n => client.request("slow", n)))
    expect(replies.map(text)).to.deep.equal([["1"], ["2"], ["3"]])
    expect(order).to.deep.equal(["1", "2", "3"])

    const pending = client.request("nobody", "waits")
    const queued = client.request("nobody", "queued")
    await client.close()
    for (const request of [pending, queued, client.request("slow", "after")]) {
      let error: unknown
      await request.catch(err => (error = err))
      expect(error).to.include({code: "EBADF"})
    }
  })

  it("validates arguments and options", async () => {
    const endpoint = "tcp://127.0.0.1:5555"
    const handler = (request: Buffer[]) => request
    expect(() => new MajordomoBroker({heartbeatInterval: 0})).to.throw(
      RangeError,
      /heartbeatInterval/,
    )
    expect(() => new MajordomoBroker({liveness: 1.5})).to.throw(RangeError, /liveness/)
    expect(() => new MajordomoBroker({requestExpiry: "1" as never})).to.throw(
      TypeError,
      /requestExpiry/,
    )
    expect(() => new MajordomoWorker(endpoint, "", handler)).to.throw(RangeError, /service/)
    expect(() => new MajordomoWorker(endpoint, "mmi.x", handler)).to.throw(RangeError, /mmi/)
    expect(() => new MajordomoWorker(endpoint, "s", null as never)).to.throw(TypeError, /handler/)
    expect(() => new MajordomoWorker(endpoint, "s", handler, {liveness: 0})).to.throw(
      RangeError,
      /liveness/,
    )
    expect(() => new MajordomoWorker("nowhere", "s", handler))
      .to.throw("Invalid argument")
      .with.property("address", "nowhere")
    expect(() => new MajordomoClient(endpoint, {timeout: -1})).to.throw(RangeError, /timeout/)
    expect(() => new MajordomoClient(endpoint, {retries: 0})).to.throw(RangeError, /retries/)
    expect(() => new MajordomoClient(42 as never)).to.throw(TypeError, /brokerEndpoint/)
    const client = open(new MajordomoClient(endpoint))
    expect(await rejection(() => client.request("", "x")))
      .to.be.instanceOf(RangeError)
      .with.property("message")
      .match(/service/)
    expect(await rejection(() => client.request("s", {} as never))).to.be.instanceOf(TypeError)
    expect(await rejection(() => client.request("s", []))).to.be.instanceOf(TypeError)
    expect(await rejection(() => client.request("s", "x", {onPartial: 1 as never})))
      .to.be.instanceOf(TypeError)
      .with.property("message")
      .match(/onPartial/)
    for (const make of [
      (protocol: never) => new MajordomoClient(endpoint, {protocol}),
      (protocol: never) => new MajordomoWorker(endpoint, "s", handler, {protocol}),
    ]) {
      expect(() => make("MDP/0.3" as never)).to.throw(RangeError, /MDP\/0\.1/)
      expect(() => make(2 as never)).to.throw(TypeError, /protocol/)
    }
  })

  it("runs the majordomo example", async () => {
    const {code, stdout, stderr} = await runExample("majordomo.ts")
    expect(stderr).to.equal("")
    expect(stdout.trim().split("\n")).to.deep.equal([
      "mmi.service echo: 200",
      "mmi.service weather: 404",
      "echo: hello 1",
      "echo: hello 2",
      "echo: hello 3",
      "count: 1 (partial)",
      "count: 2 (partial)",
      "count: 3 (final)",
      "weather: no reply after 2 tries (ETIMEDOUT)",
    ])
    expect(code).to.equal(0)
  })
})
