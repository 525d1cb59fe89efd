import {expect} from "chai"
import {LazyPirateClient, ParanoidPirateQueue, ParanoidPirateWorker} from "../../lib/patterns"
import {until} from "../helpers"
import {field, killPythons, requirePyzmq, startPython} from "./helpers"

// Short heartbeats on both sides, with a generous expiry (5 × 100 ms) for a loaded machine.
const beat = ["--heartbeat", "100", "--liveness", "5"]

describe("interop: Paranoid Pirate with pyzmq peers (6/PPP)", function () {
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

  it("serves our Lazy Pirate client with our workers through the Python queue, SIGKILLed and restarted on its ports", async () => {
    const first = startPython("pp_queue.py", beat)
    const bound = await first.line(/^bound /)
    const [frontend, backend] = [field(bound, "frontend"), field(bound, "backend")]
    const reconnects: number[] = []
    const errors: Error[] = []
    for (const name of ["a", "b"]) {
      open(
        new ParanoidPirateWorker(backend, ([body]) => [body, name], {
          heartbeatInterval: 100,
          liveness: 5,
          reconnectInitial: 100,
          reconnectMax: 400,
          onReconnect: delay => reconnects.push(delay),
          onError: error => errors.push(error),
        }),
      )
    }
    await first.line(/^workers 2$/)
    const client = open(new LazyPirateClient(frontend, {timeout: 1000, retries: 10}))
    const ask = async (body: string) => (await client.request(body)).map(String)
    for (let i = 0; i < 5; i++) expect((await ask(`before ${i}`))[0]).to.equal(`before ${i}`)

    await first.kill()
    const during = ask("during the outage")
    // Both workers give the silent queue up (and back off) before it comes back.
    await until("both workers reconnecting", () => reconnects.length >= 2)
    const second = startPython("pp_queue.py", [
      ...beat,
      "--frontend-port",
      frontend.split(":").pop()!,
      "--backend-port",
      backend.split(":").pop()!,
    ])
    expect(field(await second.line(/^bound /), "frontend")).to.equal(frontend)
    await second.line(/^workers 2$/)
    expect((await during)[0]).to.equal("during the outage")
    for (let i = 0; i < 5; i++) expect((await ask(`after ${i}`))[0]).to.equal(`after ${i}`)
    expect(reconnects[0]).to.equal(100)
    expect(errors).to.deep.equal([])
  })

  it("serves the Python Lazy Pirate client with Python workers through our queue, one worker SIGKILLed mid-request", async () => {
    const queue = open(new ParanoidPirateQueue({heartbeatInterval: 100, liveness: 5}))
    await queue.bind("tcp://127.0.0.1:*", "tcp://127.0.0.1:*")
    const workerArgs = ["--queue", queue.backendEndpoint!, "--reconnect", "100", ...beat]
    const doomed = startPython("pp_worker.py", [...workerArgs, "--name", "py1", "--die-on", "3"])
    startPython("pp_worker.py", [...workerArgs, "--name", "py2"])
    startPython("pp_worker.py", [...workerArgs, "--name", "py3"])
    await until("3 ready workers", () => queue.workers === 3)

    const client = startPython("lp_client.py", [
      "--server",
      queue.frontendEndpoint!,
      "--count",
      "18",
      "--timeout",
      "1000",
      "--retries",
      "5",
    ])
    await client.line(/^done$/, 25000)
    const results = client.lines.filter(line => /^(reply|failed) /.test(line))
    expect(results.filter(line => line.startsWith("failed"))).to.deep.equal([])
    const replies = results.map(line => line.split(" "))
    expect(replies.map(([, body]) => body)).to.deep.equal(
      Array.from({length: 18}, (_, i) => `r${i}`),
    )
    for (const [, body, frames] of replies) expect(frames.split("|")[0]).to.equal(body)
    expect(await doomed.exited).to.equal("SIGKILL")
    const lost = (await doomed.line(/^dying on /)).slice(9)
    const retried = replies.find(([, body]) => body === lost)!
    expect(retried[2].split("|")[1]).to.not.equal("py1")
    expect(new Set(replies.map(([, , frames]) => frames.split("|")[1]))).to.have.property("size", 3)
    // The dead worker drops out of the queue's ready list by its silence.
    await until("2 ready workers", () => queue.workers === 2)
  })
})
