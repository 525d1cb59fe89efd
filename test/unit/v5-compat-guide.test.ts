import {expect} from "chai"
import * as path from "node:path"
import {killAll, startProcess, until, type RunningProcess} from "../helpers"
import {socketFactory} from "./v5-compat-helpers"

// Programs in the style of the ZeroMQ guide's Node.js examples (test/fixtures/v5-guide), run
// as separate processes against this package's v5-compat, and some against zeromq v6's too.

const ours = "zeromq-napi/v5-compat"
const v6 = "zeromq/v5-compat"
const guide = path.resolve(__dirname, "..", "fixtures", "v5-guide")

/** Starts a guide program with `require("zeromq")` pointed at `module`. */
function program(name: string, env: NodeJS.ProcessEnv = {}, module = ours): RunningProcess {
  const source = `
    import {createRequire} from "node:module"
    const require = createRequire(${JSON.stringify(guide + path.sep)})
    require("./alias.js")
    require("./${name}")
  `
  return startProcess(source, {V5_MODULE: module, ...env})
}

/** The endpoint at the end of a line such as "Sink on tcp://127.0.0.1:40001". */
async function endpointOf(process: RunningProcess, pattern: RegExp): Promise<string> {
  return (await process.line(pattern)).split(" ").pop()!
}

/** Runs the ventilator, two workers and the sink; resolves with the sink once the ventilator is gone. */
async function pipeline(module: string) {
  const sink = program("tasksink.js", {}, module)
  const sinkEndpoint = await endpointOf(sink, /^Sink on /)
  const ventilator = program("taskvent.js", {SINK: sinkEndpoint}, module)
  const ventilatorEndpoint = await endpointOf(ventilator, /^Ventilator on /)
  for (let i = 0; i < 2; i++) {
    program("taskwork.js", {VENTILATOR: ventilatorEndpoint, SINK: sinkEndpoint}, module)
  }
  await until(
    "both workers connected",
    () => ventilator.lines.filter(line => line === "Worker connected").length === 2,
  )
  ventilator.send("")
  expect(await ventilator.exited).to.equal(0)
  expect(ventilator.lines).to.include("Sending tasks to workers...")
  return sink
}

const results = (sink: RunningProcess) =>
  sink.lines.filter(line => line.startsWith("Results")).length

describe("v5-compat running the guide's programs", function () {
  this.timeout(30000)
  const socket = socketFactory()
  afterEach(killAll)

  it("hello world: a client's ten requests in a row get ten replies", async () => {
    const server = program("hwserver.js")
    const endpoint = await endpointOf(server, /^Listening on /)
    const client = program("hwclient.js", {SERVER: endpoint})
    expect(await client.exited).to.equal(0)
    expect(
      client.lines.filter(line => /^Received reply \d+ : \[ World \]$/.test(line)),
    ).to.have.length(10)
    expect(server.lines.filter(line => line === "Received request: [ Hello ]")).to.have.length(10)
  })

  it("request-reply broker: three clients' requests reach two workers and come back", async () => {
    const broker = program("rrbroker.js")
    const frontend = await endpointOf(broker, /^Frontend on /)
    const backend = await endpointOf(broker, /^Backend on /)
    for (let i = 0; i < 2; i++) program("rrworker.js", {BACKEND: backend})
    const clients = [1, 2, 3].map(() => program("rrclient.js", {FRONTEND: frontend}))
    for (const client of clients) {
      expect(await client.exited).to.equal(0)
      const replies = client.lines.filter(line => /^got reply \d+ World from \d+$/.test(line))
      expect(replies).to.have.length(10)
    }
  })

  // zeromq v6's v5-compat runs this one too (its REQ clients stall at times on requests sent
  // in a row, so the two programs above run on this package only).
  for (const module of [ours, v6]) {
    it(`multiple-socket poller (${module}): handles tasks and weather updates as they come`, async () => {
      const ventilator = socket("push")
      ventilator.bindSync("tcp://127.0.0.1:*")
      const weather = socket("pub")
      weather.bindSync("tcp://127.0.0.1:*")
      const poller = program(
        "mspoller.js",
        {VENTILATOR: ventilator.last_endpoint as string, WEATHER: weather.last_endpoint as string},
        module,
      )
      await poller.line(/^Polling$/)
      for (let i = 0; i < 20; i++) ventilator.send(`task ${i}`)
      // Published until the poller has had enough: a subscriber joins late.
      const timer = setInterval(() => {
        weather.send("10001 21 50")
        weather.send("10002 17 60")
      }, 5)
      try {
        expect(await poller.exited).to.equal(0)
      } finally {
        clearInterval(timer)
      }
      expect(poller.lines.filter(line => line.startsWith("task "))).to.have.length(20)
      expect(poller.lines).to.satisfy((lines: string[]) =>
        lines.some(line => /^Processed 20 tasks and \d+ weather updates$/.test(line)),
      )
    })
  }

  it("ventilator: all 100 tasks sent right before process.exit() reach the sink through two workers", async () => {
    const sink = await pipeline(ours)
    await sink.line(/^Total elapsed time:/)
    expect(results(sink)).to.equal(100)
    expect(await sink.exited).to.equal(0)
  })

  it("ventilator on zeromq v6's v5-compat: the tasks it had only queued die with the process", async () => {
    const sink = await pipeline(v6)
    await sink.line(/^Batch started$/)
    // Nothing announces that no more results come: workers finish a task within 10 ms.
    await new Promise(resolve => setTimeout(resolve, 1000))
    expect(results(sink)).to.be.below(100)
  })

  it("weather server: a send loop that never yields publishes, in bounded memory", async () => {
    const server = program("wuserver.js", {UPDATES: "50000000"})
    const endpoint = await endpointOf(server, /^Publishing on /)
    const client = program("wuclient.js", {SERVER: endpoint})
    await client.line(/^Average temperature for zipcode '10001' was -?\d+$/)
    expect(await client.exited).to.equal(0)
    // The loop is still running: it has not yielded once, and yet the client got its updates.
    await until("a million updates", () => server.lines.length >= 6)
    expect(server.child.exitCode).to.equal(null)
    const rss = server.lines
      .map(line => /^Sent \d+ updates, rss (\d+) MiB$/.exec(line))
      .filter(match => match !== null)
      .map(match => Number(match![1]))
    expect(rss).to.have.length.of.at.least(5)
    expect(Math.max(...rss)).to.be.below(200)
  })
})
