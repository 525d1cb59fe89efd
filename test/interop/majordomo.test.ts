import {expect} from "chai"
import {
  MajordomoBroker,
  MajordomoClient,
  MajordomoWorker,
  RequestTimeoutError,
  type MajordomoWorkerOptions,
} from "../../lib/patterns"
import {until} from "../helpers"
import {killPythons, requirePyzmq, startPython} from "./helpers"

// Short heartbeats on both sides, with a generous expiry (5 × 100 ms) for a loaded machine.
const beat = ["--heartbeat", "100", "--liveness", "5"]
const fastWorker: MajordomoWorkerOptions = {
  heartbeatInterval: 100,
  liveness: 5,
  reconnectInterval: 100,
}

interface Outcome {
  body: string
  reply?: string[]
  error?: unknown
}

describe("interop: Majordomo with pyzmq peers (7/MDP)", function () {
  this.timeout(30000)
  before(() => {
    requirePyzmq()
  })

  let opened: {close(): unknown}[] = []
  function open<T extends {close(): unknown}>(thing: T): T {
    opened.push(thing)
    return thing
  }

  afterEach(async () => {
    await killPythons()
    for (const thing of opened.reverse()) await thing.close()
    opened = []
  })

  function startBroker(port?: string) {
    const broker = startPython("mdp_broker.py", [...beat, ...(port ? ["--port", port] : [])])
    return {broker, endpoint: broker.line(/^bound /).then(line => line.slice(6))}
  }

  function pythonWorker(endpoint: string, name: string, dieOn = 0, service = "echo") {
    return startPython("mdp_worker.py", [
      "--broker",
      endpoint,
      "--service",
      service,
      "--name",
      name,
      "--die-on",
      String(dieOn),
      "--reconnect",
      "100",
      ...beat,
    ])
  }

  /** Sends `bodies` as requests to "echo" from one client, all at once. */
  async function askAll(client: MajordomoClient, bodies: string[]): Promise<Outcome[]> {
    return Promise.all(
      bodies.map(body =>
        client.request("echo", body).then(
          reply => ({body, reply: reply.map(frame => frame.toString())}),
          (error: unknown) => ({body, error}),
        ),
      ),
    )
  }

  it("serves our client through the Python broker, with our worker and Python workers, one SIGKILLed mid-request", async () => {
    const {broker, endpoint} = startBroker()
    const brokerEndpoint = await endpoint
    const doomed = pythonWorker(brokerEndpoint, "py1", 3)
    pythonWorker(brokerEndpoint, "py2")
    // Ours speak MDP/0.1 by default: what the guide's brokers understand.
    open(new MajordomoWorker(brokerEndpoint, "echo", ([body]) => [body, "ts"], fastWorker))
    await broker.line(/^workers echo 3$/)

    const client = open(new MajordomoClient(brokerEndpoint, {timeout: 1500, retries: 5}))
    const bodies = Array.from({length: 20}, (_, i) => `r${i}`)
    const outcomes = await askAll(client, bodies)

    expect(outcomes.filter(o => o.error !== undefined)).to.deep.equal([])
    expect(outcomes.map(o => o.reply![0])).to.deep.equal(bodies)
    const servedBy = new Set(outcomes.map(o => o.reply![1]))
    expect([...servedBy].sort()).to.deep.equal(["py1", "py2", "ts"])
    expect(await doomed.exited).to.equal("SIGKILL")
    const lost = (await doomed.line(/^dying on /)).slice(9)
    // The request the dead worker took was answered by the client's retry, elsewhere.
    const retried = outcomes.find(o => o.body === lost)!
    expect(retried.reply![1]).to.not.equal("py1")
    expect(client.stats).to.include({replies: 20, failures: 0})
    expect(client.stats.retries).to.be.at.least(1)
  })

  it("keeps our client and workers going when the Python broker is SIGKILLed and restarted on its port", async () => {
    const first = startBroker()
    const brokerEndpoint = await first.endpoint
    const errors: Error[] = []
    const workers = ["a", "b"].map(name =>
      open(
        new MajordomoWorker(brokerEndpoint, "echo", ([body]) => [body, name], {
          ...fastWorker,
          onError: error => errors.push(error),
        }),
      ),
    )
    await first.broker.line(/^workers echo 2$/)
    const client = open(new MajordomoClient(brokerEndpoint, {timeout: 1000, retries: 10}))
    const ask = async (body: string) => (await client.request("echo", body))[0].toString()
    for (let i = 0; i < 5; i++) expect(await ask(`before ${i}`)).to.equal(`before ${i}`)

    await first.broker.kill()
    const during = ask("during the outage")
    await until("a retry", () => client.stats.retries >= 1)
    const second = startBroker(brokerEndpoint.split(":").pop())
    expect(await second.endpoint).to.equal(brokerEndpoint)
    // The new broker answers their heartbeats with DISCONNECT (or they notice its
    // silence): both register again.
    await second.broker.line(/^workers echo 2$/)
    expect(await during).to.equal("during the outage")
    for (let i = 0; i < 5; i++) expect(await ask(`after ${i}`)).to.equal(`after ${i}`)
    for (const worker of workers) expect(worker.stats.connections).to.be.at.least(2)
    expect(client.stats.failures).to.equal(0)
    expect(errors).to.deep.equal([])
  })

  it("serves the Python client and Python workers through our broker, one worker SIGKILLed mid-request", async () => {
    const broker = open(new MajordomoBroker({heartbeatInterval: 100, liveness: 5}))
    await broker.bind("tcp://127.0.0.1:*")
    const endpoint = broker.endpoint!
    const doomed = pythonWorker(endpoint, "py1", 4)
    pythonWorker(endpoint, "py2")
    pythonWorker(endpoint, "py3")
    // An MDP/0.2 worker streaming a partial: a 0.1 client gets only the final reply.
    open(
      new MajordomoWorker(
        endpoint,
        "stream",
        async ([body], reply) => {
          await reply.partial("partial")
          return [body, "final"]
        },
        {...fastWorker, protocol: "MDP/0.2"},
      ),
    )
    await until("4 workers", () => broker.services.reduce((n, s) => n + s.workers, 0) === 4)

    const client = startPython("mdp_client.py", [
      "--broker",
      endpoint,
      "--timeout",
      "1000",
      "--retries",
      "5",
    ])
    await client.line(/^started$/)
    const bodies = Array.from({length: 20}, (_, i) => `r${i}`)
    for (const body of bodies) client.send(`echo ${body}`)
    client.send("stream s1")
    client.send("mmi.service echo")
    client.send("mmi.service nobody")
    client.send("mmi.workers echo")
    const isResult = (line: string) => /^(reply|failed) /.test(line)
    await until("24 results", () => client.lines.filter(isResult).length === 24, 20000)

    const results = client.lines.filter(isResult)
    expect(results.filter(line => line.startsWith("failed"))).to.deep.equal([])
    const echoes = results.slice(0, 20).map(line => line.split(" "))
    expect(echoes.map(([, body]) => body)).to.deep.equal(bodies)
    for (const [, body, frames] of echoes) expect(frames.split("|")[0]).to.equal(body)
    expect(results.slice(20)).to.deep.equal([
      "reply s1 s1|final",
      "reply echo 200",
      "reply nobody 404",
      "reply echo 501",
    ])
    expect(await doomed.exited).to.equal("SIGKILL")
    const lost = (await doomed.line(/^dying on /)).slice(9)
    const retried = echoes.find(([, body]) => body === lost)!
    expect(retried[2].split("|")[1]).to.not.equal("py1")
    // Our broker expires the dead worker by its silence, and counts the request it held.
    await until("the dead worker expired", () => broker.service("echo")?.workers === 2)
    expect(broker.stats).to.include({malformed: 0, refused: 0})
    expect(broker.stats.lostRequests).to.be.at.least(1)
  })

  it("fails our client's request cleanly when the Python broker has no worker for it", async () => {
    const {endpoint} = startBroker()
    const client = open(new MajordomoClient(await endpoint, {timeout: 300, retries: 2}))
    const error = await client.request("nobody", "x").catch((err: unknown) => err)
    expect(error).to.be.instanceOf(RequestTimeoutError)
    expect(error).to.include({attempts: 2})
    // The guide's broker answers mmi.service as ours does.
    expect((await client.request("mmi.service", "nobody")).map(String)).to.deep.equal(["404"])
  })
})
