import {expect} from "chai"
import {Dealer, Request, Router, ZmqError} from "../../lib"
import {
  LazyPirateClient,
  ParanoidPirateQueue,
  ParanoidPirateWorker,
  type ParanoidPirateWorkerOptions,
} from "../../lib/patterns"
import {
  closeAll,
  closing,
  killAll,
  runExample,
  startProcess,
  until,
  type RunningProcess,
} from "../helpers"

// Wire constants written out from 6/PPP, not taken from the implementation.
const READY = "\x01"
const HEARTBEAT = "\x02"

// Short heartbeats, but a generous expiry (5 × 100 ms) for a loaded machine.
const fast = {heartbeatInterval: 100, liveness: 5}
const fastWorker: ParanoidPirateWorkerOptions = {...fast, reconnectInitial: 100, reconnectMax: 400}

/**
 * A worker in its own process, named NAME, connected to QUEUE: answers [NAME, body],
 * prints every request it takes and SIGKILLs itself, unanswered, on its CRASH_ON-th.
 */
const workerProcess = `
  import {ParanoidPirateWorker} from "zeromq-napi/patterns"
  let count = 0
  new ParanoidPirateWorker(process.env.QUEUE, ([body]) => {
    count++
    console.log("got " + body)
    if (String(count) === process.env.CRASH_ON) process.kill(process.pid, "SIGKILL")
    return [process.env.NAME, body]
  }, ${JSON.stringify(fastWorker)})
  console.log("started")
`

/** A queue in its own process, on FRONTEND and BACKEND ports (or any ports). */
const queueProcess = `
  import {ParanoidPirateQueue} from "zeromq-napi/patterns"
  const queue = new ParanoidPirateQueue({
    ...${JSON.stringify(fast)},
    frontend: "tcp://127.0.0.1:" + (process.env.FRONTEND || "*"),
    backend: "tcp://127.0.0.1:" + (process.env.BACKEND || "*"),
  })
  console.log("endpoints " + queue.frontendEndpoint + " " + queue.backendEndpoint)
`

async function startQueue(env: Record<string, string> = {}) {
  const process = startProcess(queueProcess, env)
  const [, frontend, backend] = (await process.line(/^endpoints /)).split(" ")
  return {process, frontend, backend}
}

const got = (process: RunningProcess) =>
  process.lines.filter(line => line.startsWith("got ")).map(line => line.slice(4))

const port = (endpoint: string) => endpoint.split(":").pop()!

describe("patterns: Paranoid Pirate", function () {
  this.timeout(30000)

  afterEach(async () => {
    await closeAll()
    await killAll()
  })

  it("answers every request once while a worker is killed mid-request", async () => {
    const queue = closing(new ParanoidPirateQueue(fast))
    await queue.bind("tcp://127.0.0.1:*", "tcp://127.0.0.1:*")
    const workers = ["W1", "W2", "W3"].map(name =>
      startProcess(workerProcess, {
        NAME: name,
        QUEUE: queue.backendEndpoint!,
        CRASH_ON: name === "W1" ? "3" : "",
      }),
    )
    await until("three ready workers", () => queue.workers === 3)

    let retries = 0
    const client = closing(
      new LazyPirateClient(queue.frontendEndpoint!, {
        timeout: 1000,
        retries: 5,
        onRetry: () => retries++,
      }),
    )
    const bodies = Array.from({length: 18}, (_, i) => String(i + 1))
    const replies = (await Promise.all(bodies.map(body => client.request(body)))).map(frames =>
      frames.map(String),
    )

    // Each request answered once, with its own body, in order.
    expect(replies.map(([, body]) => body)).to.deep.equal(bodies)
    expect(await workers[0].exited).to.equal("SIGKILL")
    const diedOn = got(workers[0]).slice(-1)[0]
    expect(got(workers[0])).to.have.length(3)
    // The request W1 died on was retried and answered by another worker.
    expect(replies[Number(diedOn) - 1][0]).to.be.oneOf(["W2", "W3"])
    const answeredByW1 = replies.filter(([name]) => name === "W1").map(([, body]) => body)
    expect(answeredByW1).to.deep.equal(got(workers[0]).slice(0, 2))
    expect(retries).to.be.at.least(1)
    // Nothing was answered twice: a retry reached a worker only for the lost request.
    for (const worker of workers.slice(1)) {
      const seen = got(worker)
      expect(new Set(seen).size, `${seen}`).to.equal(seen.length)
    }
  })

  it("drops the reply to a try the client gave up, so no request gets two answers", async () => {
    const queue = closing(new ParanoidPirateQueue(fast))
    await queue.bind("tcp://127.0.0.1:*", "tcp://127.0.0.1:*")
    let release!: () => void
    const released = new Promise<void>(resolve => (release = resolve))
    let held = false
    const handled: string[] = []
    const handler =
      (name: string) =>
      async ([body]: Buffer[]) => {
        // The first try of "slow" is held past the client's timeout.
        if (body.toString() === "slow" && !held) {
          held = true
          await released
        }
        handled.push(`${name}:${body.toString()}`)
        return [name, body]
      }
    closing(new ParanoidPirateWorker(queue.backendEndpoint!, handler("W1"), fastWorker))
    closing(new ParanoidPirateWorker(queue.backendEndpoint!, handler("W2"), fastWorker))
    await until("two ready workers", () => queue.workers === 2)

    const client = closing(new LazyPirateClient(queue.frontendEndpoint!, {timeout: 300}))
    const slow = await client.request("slow")
    // The held worker answers now, late: that reply must reach no one.
    release()
    const next = await client.request("next")
    expect(slow.map(String)[1]).to.equal("slow")
    expect(next.map(String)[1]).to.equal("next")
    await until("the late reply", () => handled.length === 3)
    expect(handled.filter(entry => entry.endsWith(":slow"))).to.have.length(2)
  })

  it("carries on through a queue killed and restarted: workers reconnect with backoff", async () => {
    const first = await startQueue()
    const reconnects = new Map<string, number[]>()
    for (const name of ["W1", "W2"]) {
      reconnects.set(name, [])
      closing(
        new ParanoidPirateWorker(first.backend, ([body]) => [name, body], {
          ...fastWorker,
          onReconnect: wait => reconnects.get(name)!.push(wait),
        }),
      )
    }
    const client = closing(new LazyPirateClient(first.frontend, {timeout: 1000, retries: 10}))
    const answers: string[] = []
    const ask = async (from: number, to: number) => {
      for (let i = from; i <= to; i++)
        answers.push((await client.request(String(i))).map(String)[1])
    }
    await ask(1, 4)

    await first.process.kill()
    // Both workers notice the silence and back off: 100 ms, then 200 ms, ….
    await until("two reconnects per worker", () =>
      [...reconnects.values()].every(waits => waits.length >= 2),
    )
    for (const waits of reconnects.values()) expect(waits.slice(0, 2)).to.deep.equal([100, 200])

    const second = await startQueue({FRONTEND: port(first.frontend), BACKEND: port(first.backend)})
    expect([second.frontend, second.backend]).to.deep.equal([first.frontend, first.backend])
    await ask(5, 10)
    expect(answers).to.deep.equal(["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"])
  })

  it("forgets a worker killed while idle", async () => {
    const queue = closing(new ParanoidPirateQueue(fast))
    await queue.bind("tcp://127.0.0.1:*", "tcp://127.0.0.1:*")
    const workers = ["W1", "W2"].map(name =>
      startProcess(workerProcess, {NAME: name, QUEUE: queue.backendEndpoint!}),
    )
    await until("two ready workers", () => queue.workers === 2)
    await workers[0].kill()
    await until("one ready worker", () => queue.workers === 1)
    const client = closing(new LazyPirateClient(queue.frontendEndpoint!, {timeout: 2000}))
    for (const body of ["a", "b", "c"]) {
      expect((await client.request(body)).map(String)).to.deep.equal(["W2", body])
    }
  })

  it("expires a worker that stops answering heartbeats, and takes it back when it returns", async () => {
    const queue = closing(new ParanoidPirateQueue(fast))
    await queue.bind("tcp://127.0.0.1:*", "tcp://127.0.0.1:*")
    const workers = ["W1", "W2"].map(name =>
      startProcess(workerProcess, {NAME: name, QUEUE: queue.backendEndpoint!}),
    )
    await until("two ready workers", () => queue.workers === 2)
    // Frozen: its connection stays up, only the heartbeats stop.
    workers[0].child.kill("SIGSTOP")
    await until("one ready worker", () => queue.workers === 1)
    workers[0].child.kill("SIGCONT")
    await until("two ready workers again", () => queue.workers === 2)
    const client = closing(new LazyPirateClient(queue.frontendEndpoint!, {timeout: 2000}))
    // Whether it resumed on its connection or reconnected, it serves again.
    const names: string[] = []
    for (let i = 0; i < 50 && !names.includes("W1"); i++) {
      const [name, body] = (await client.request(String(i))).map(String)
      expect(body).to.equal(String(i))
      names.push(name)
    }
    expect(names).to.include("W1")
  })

  it("speaks 6/PPP as a worker: READY, heartbeats, and the envelope kept", async () => {
    const raw = closing(new Router({linger: 0}))
    await raw.bind("tcp://127.0.0.1:*")
    closing(
      new ParanoidPirateWorker(
        raw.lastEndpoint!,
        ([body]) => `done: ${body.toString()}`,
        fastWorker,
      ),
    )
    const [id, ready] = await raw.receive()
    expect(ready.toString("latin1")).to.equal(READY)
    await raw.send([id, HEARTBEAT])
    const [, beat] = await raw.receive()
    expect(beat.toString("latin1")).to.equal(HEARTBEAT)
    await raw.send([id, "client-1", "", "job"])
    let reply: string[]
    do reply = (await raw.receive()).map(frame => frame.toString("latin1")).slice(1)
    while (reply.length === 1 && reply[0] === HEARTBEAT)
    expect(reply).to.deep.equal(["client-1", "", "done: job"])
  })

  it("speaks 6/PPP as a queue: a hand-written worker gets heartbeats and requests", async () => {
    const queue = closing(
      new ParanoidPirateQueue({
        ...fast,
        frontend: "tcp://127.0.0.1:*",
        backend: "tcp://127.0.0.1:*",
      }),
    )
    const worker = closing(new Dealer({linger: 0}))
    worker.connect(queue.backendEndpoint!)
    await worker.send(READY)
    const [beat] = await worker.receive()
    expect(beat.toString("latin1")).to.equal(HEARTBEAT)
    const client = closing(new Request({linger: 0}))
    client.connect(queue.frontendEndpoint!)
    await client.send("hi")
    let request: Buffer[]
    do request = await worker.receive()
    while (request.length === 1)
    expect(request.slice(1).map(String)).to.deep.equal(["", "hi"])
    await worker.send([...request.slice(0, 2), "ok"])
    expect((await client.receive()).map(String)).to.deep.equal(["ok"])
  })

  it("drops malformed messages from workers and queues without failing", async () => {
    const errors: Error[] = []
    const queue = closing(
      new ParanoidPirateQueue({
        ...fast,
        frontend: "tcp://127.0.0.1:*",
        backend: "tcp://127.0.0.1:*",
      }),
    )
    // A hand-written worker that sends nonsense first (an unknown command, a lone empty
    // frame, an empty envelope), then READY, and then serves.
    const odd = closing(new Dealer({linger: 0}))
    odd.connect(queue.backendEndpoint!)
    for (const nonsense of ["\x07", "", ["", ""]]) await odd.send(nonsense)
    await odd.send(READY)
    // A queue that sends its worker nonsense: an unknown command, a request without envelope.
    const rawQueue = closing(new Router({linger: 0}))
    await rawQueue.bind("tcp://127.0.0.1:*")
    closing(
      new ParanoidPirateWorker(rawQueue.lastEndpoint!, () => "ok", {
        ...fastWorker,
        onError: err => errors.push(err),
      }),
    )
    const [id] = await rawQueue.receive()
    await rawQueue.send([id, "\x09"])
    await rawQueue.send([id, "no", "envelope"])
    await rawQueue.send([id, "c", "", "real"])
    let reply: string[]
    do reply = (await rawQueue.receive()).slice(1).map(String)
    while (reply.length === 1)
    expect(reply).to.deep.equal(["c", "", "ok"])

    const client = closing(new LazyPirateClient(queue.frontendEndpoint!, {timeout: 2000}))
    const answer = client.request("x")
    let request: Buffer[]
    do request = await odd.receive()
    while (request.length === 1)
    await odd.send([...request.slice(0, 2), "fine"])
    expect((await answer).map(String)).to.deep.equal(["fine"])
    expect(errors).to.deep.equal([])
  })

  it("reports a handler's error and stays in service", async () => {
    const errors: string[] = []
    const queue = closing(new ParanoidPirateQueue(fast))
    await queue.bind("tcp://127.0.0.1:*", "tcp://127.0.0.1:*")
    closing(
      new ParanoidPirateWorker(
        queue.backendEndpoint!,
        ([body]) => {
          if (body.toString() === "bad") throw new Error("cannot do that")
          return "good"
        },
        {...fastWorker, onError: err => errors.push(err.message)},
      ),
    )
    const client = closing(
      new LazyPirateClient(queue.frontendEndpoint!, {timeout: 1000, retries: 1}),
    )
    const failed = await client.request("bad").catch((err: unknown) => err)
    expect((failed as ZmqError).code).to.equal("ETIMEDOUT")
    expect(errors).to.deep.equal(["cannot do that"])
    expect((await client.request("fine")).map(String)).to.deep.equal(["good"])
  })

  it("closes cleanly, also while a handler runs", async () => {
    const queue = closing(new ParanoidPirateQueue(fast))
    await queue.bind("tcp://127.0.0.1:*", "tcp://127.0.0.1:*")
    let started!: () => void
    const running = new Promise<void>(resolve => (started = resolve))
    const worker = new ParanoidPirateWorker(queue.backendEndpoint!, async () => {
      started()
      await new Promise(resolve => setTimeout(resolve, 200))
      return "late"
    })
    const client = closing(new LazyPirateClient(queue.frontendEndpoint!, {timeout: 5000}))
    const pending = client.request("job")
    await running
    await worker.close()
    expect(worker.closed).to.equal(true)
    await worker.close()
    await client.close()
    expect(((await pending.catch((err: unknown) => err)) as ZmqError).code).to.equal("EBADF")
    await queue.close()
    expect(queue.closed).to.equal(true)
    expect(queue.frontendEndpoint).to.equal(null)
    await queue.close()
  })

  it("refuses malformed options, endpoints and handlers, naming them", () => {
    const queue = (options: unknown) => () => new ParanoidPirateQueue(options as never)
    expect(queue(null)).to.throw(TypeError, /options/)
    expect(queue({heartbeatInterval: "1s"})).to.throw(TypeError, /heartbeatInterval/)
    expect(queue({heartbeatInterval: 0})).to.throw(RangeError, /heartbeatInterval/)
    expect(queue({liveness: 2.5})).to.throw(RangeError, /liveness/)
    expect(queue({frontend: 5})).to.throw(TypeError, /frontend/)
    expect(queue({backend: ""})).to.throw(RangeError, /backend/)
    expect(queue({onError: true})).to.throw(TypeError, /onError/)
    expect(queue({frontend: "bogus://x"})).to.throw(ZmqError)

    const endpoint = "tcp://127.0.0.1:1"
    const worker =
      (options: unknown, handler: unknown = () => "x", where: unknown = endpoint) =>
      () =>
        new ParanoidPirateWorker(where as string, handler as never, options as never)
    expect(worker({}, () => "x", 1)).to.throw(TypeError, /endpoint/)
    expect(worker({}, "handler")).to.throw(TypeError, /handler/)
    expect(worker(5)).to.throw(TypeError, /options/)
    expect(worker({liveness: 0})).to.throw(RangeError, /liveness/)
    expect(worker({reconnectInitial: -5})).to.throw(RangeError, /reconnectInitial/)
    expect(worker({reconnectMax: "32s"})).to.throw(TypeError, /reconnectMax/)
    expect(worker({reconnectInitial: 500, reconnectMax: 100})).to.throw(RangeError, /reconnectMax/)
    expect(worker({onReconnect: 1})).to.throw(TypeError, /onReconnect/)
    expect(worker({}, () => "x", "bogus://x")).to.throw(ZmqError)
  })

  it("runs the example", async () => {
    const {code, stdout, stderr} = await runExample("paranoid-pirate.ts")
    expect(stderr).to.equal("")
    expect(stdout.trim().split("\n")).to.deep.equal([
      "queue: 2 workers ready",
      "client: job 1 done",
      "client: job 2 done",
      "client: job 3 done",
      "worker A stops",
      "queue: 1 worker ready",
      "client: job 4 done by B",
      "client: job 5 done by B",
      "client: job 6 done by B",
    ])
    expect(code).to.equal(0)
  })
})
