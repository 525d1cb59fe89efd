import {expect} from "chai"
import * as os from "node:os"
import * as path from "node:path"
import {Dealer, Router, ZmqError} from "../../lib"
import {FreelanceClient, FreelanceServer, RequestTimeoutError} from "../../lib/patterns"
import {
  closeAll,
  closing,
  killAll,
  runExample,
  startProcess,
  until,
  type RunningProcess,
} from "../helpers"

/** The rejection of a promise-returning call, which must not throw synchronously. */
async function rejection(call: () => Promise<unknown>): Promise<Error> {
  return call().then(
    () => {
      throw new Error("resolved")
    },
    (err: Error) => err,
  )
}

// Short heartbeats, but a generous time to live (5 × 100 ms) for a loaded machine.
const fast = {heartbeatInterval: 100, liveness: 5}

/**
 * A FreelanceServer in its own process, named NAME, on PORT (or any port): answers
 * [NAME, body], prints every request it takes and SIGKILLs itself, unanswered, on its
 * CRASH_ON-th request.
 */
const serverProcess = `
  import {FreelanceServer} from "zeromq-napi/patterns"
  let count = 0
  const server = new FreelanceServer(([body]) => {
    count++
    console.log("got " + body)
    if (String(count) === process.env.CRASH_ON) process.kill(process.pid, "SIGKILL")
    return [process.env.NAME, body]
  })
  await server.bind("tcp://127.0.0.1:" + (process.env.PORT || "*"))
  console.log("endpoint " + server.endpoint)
`

async function startServer(name: string, env: Record<string, string> = {}) {
  const process = startProcess(serverProcess, {NAME: name, ...env})
  const endpoint = (await process.line(/^endpoint /)).split(" ")[1]
  return {process, endpoint, port: endpoint.split(":").pop()!}
}

const got = (process: RunningProcess) =>
  process.lines.filter(line => line.startsWith("got ")).map(line => line.slice(4))

const alive = (client: FreelanceClient, endpoint: string) =>
  client.servers.find(server => server.endpoint === endpoint)?.alive === true

describe("patterns: Freelance", function () {
  this.timeout(30000)

  afterEach(async () => {
    await closeAll()
    await killAll()
  })

  it("answers every request once while a server is killed mid-request, and skips it after", async () => {
    const a = await startServer("A", {CRASH_ON: "4"})
    const b = await startServer("B")
    const c = await startServer("C")
    const changes: string[] = []
    const client = closing(
      new FreelanceClient({
        ...fast,
        tryTimeout: 500,
        timeout: 5000,
        onServerStatus: (endpoint, up) => changes.push(`${endpoint} ${up}`),
      }),
    )
    for (const server of [a, b, c]) client.connect(server.endpoint)
    await until("three live servers", () => client.servers.every(server => server.alive))

    // One at a time: A, first in connect order, takes them until it dies on its 4th.
    const answers: string[][] = []
    for (let i = 1; i <= 8; i++) answers.push((await client.request(String(i))).map(String))
    // And a burst, all in flight at once.
    const burst = Array.from({length: 12}, (_, i) => String(i + 9))
    answers.push(
      ...(await Promise.all(burst.map(body => client.request(body)))).map(f => f.map(String)),
    )
    await client.close()

    // Each request answered once, with its own body.
    expect(answers.map(([, body]) => body)).to.deep.equal(
      Array.from({length: 20}, (_, i) => String(i + 1)),
    )
    expect(await a.process.exited).to.equal("SIGKILL")
    expect(got(a.process).slice(-1)).to.deep.equal(["4"])
    const diedOn = Number(got(a.process).slice(-1)[0])
    // Request 4 failed over; after the crash A answered nothing.
    answers.forEach(([name, body]) => {
      if (Number(body) >= diedOn) expect(name, `request ${body}`).to.be.oneOf(["B", "C"])
    })
    expect(answers.slice(0, 3).map(([name]) => name)).to.deep.equal(["A", "A", "A"])
    expect(changes).to.include(`${a.endpoint} false`)
    expect(alive(client, a.endpoint)).to.equal(false)
  })

  it("rejects with a RequestTimeoutError when every server is dead", async () => {
    const a = await startServer("A")
    const b = await startServer("B")
    const client = closing(new FreelanceClient({...fast, tryTimeout: 300, timeout: 1500}))
    client.connect(a.endpoint)
    client.connect(b.endpoint)
    await until("two live servers", () => client.servers.every(server => server.alive))
    expect((await client.request("hello")).map(String)).to.deep.equal(["A", "hello"])
    await a.process.kill()
    await b.process.kill()
    const error = await client.request("anyone?").catch((err: unknown) => err)
    expect(error).to.be.instanceOf(RequestTimeoutError)
    const timeout = error as RequestTimeoutError
    expect(timeout.code).to.equal("ETIMEDOUT")
    expect(timeout.attempts).to.be.at.most(2)
    for (const address of timeout.address!.split(",")) {
      expect(address).to.be.oneOf([a.endpoint, b.endpoint])
    }
    await until("both servers dead", () => client.servers.every(server => !server.alive))
    await client.close()
  })

  it("uses a server restarted on its port again once its heartbeat comes back", async () => {
    const a = await startServer("A")
    const b = await startServer("B")
    const client = closing(new FreelanceClient({...fast, tryTimeout: 500, timeout: 5000}))
    client.connect(a.endpoint)
    client.connect(b.endpoint)
    await until("two live servers", () => client.servers.every(server => server.alive))
    expect((await client.request("1")).map(String)).to.deep.equal(["A", "1"])

    await a.process.kill()
    await until("A dead", () => !alive(client, a.endpoint))
    expect((await client.request("2")).map(String)).to.deep.equal(["B", "2"])

    const again = await startServer("A again", {PORT: a.port})
    expect(again.endpoint).to.equal(a.endpoint)
    await until("A alive again", () => alive(client, a.endpoint))
    expect((await client.request("3")).map(String)).to.deep.equal(["A again", "3"])
    await client.close()
  })

  it("drops a slow server's late reply instead of giving it to the next request", async () => {
    let release!: () => void
    const released = new Promise<void>(resolve => (release = resolve))
    const handled: string[] = []
    const slow = closing(
      new FreelanceServer(async ([body]) => {
        if (body.toString() === "slow") await released
        handled.push(body.toString())
        return ["A", body]
      }),
    )
    const quick = closing(new FreelanceServer(([body]) => ["B", body]))
    await slow.bind("tcp://127.0.0.1:*")
    await quick.bind("tcp://127.0.0.1:*")
    const changes: string[] = []
    const client = closing(
      new FreelanceClient({
        ...fast,
        tryTimeout: 200,
        timeout: 5000,
        onServerStatus: (endpoint, up) =>
          changes.push(`${endpoint === slow.endpoint ? "A" : "B"} ${up}`),
      }),
    )
    client.connect(slow.endpoint!)
    client.connect(quick.endpoint!)
    await until("two live servers", () => client.servers.every(server => server.alive))

    // A sits on it past tryTimeout: the request fails over to B.
    expect((await client.request("slow")).map(String)).to.deep.equal(["B", "slow"])
    expect(changes).to.include("A false")
    // A still answers PINGs, so it comes back, and gets the next request; its reply to
    // "slow" (an old sequence number) arrives first and must be dropped.
    await until("A alive again", () => alive(client, slow.endpoint!))
    const next = client.request("next")
    release()
    expect((await next).map(String)).to.deep.equal(["A", "next"])
    expect(handled).to.deep.equal(["slow", "next"])
    await client.close()
    await slow.close()
    await quick.close()
  })

  it("speaks the guide's wire format with a hand-written flserver3-style server", async () => {
    // [client, "PING"] → [client, "PONG"]; [client, sequence, body…] → [client, sequence, "OK"]
    const raw = closing(new Router({linger: 0}))
    await raw.bind("tcp://127.0.0.1:*")
    const seen: string[][] = []
    const serving = (async () => {
      for await (const [identity, control, ...body] of raw) {
        seen.push([control, ...body].map(String))
        if (control.toString() === "PING") await raw.send([identity, "PONG"])
        else await raw.send([identity, control, "OK"])
      }
    })()
    const client = closing(new FreelanceClient(fast))
    client.connect(raw.lastEndpoint!)
    expect((await client.request(["two", "frames"])).map(String)).to.deep.equal(["OK"])
    expect(seen[0]).to.deep.equal(["PING"])
    const request = seen.find(frames => frames[0] !== "PING")!
    expect(request[0]).to.match(/^\d+$/)
    expect(request.slice(1)).to.deep.equal(["two", "frames"])
    await client.close()
    raw.close()
    await serving
  })

  it("speaks the guide's wire format with a hand-written flcliapi-style client", async () => {
    // A concrete endpoint (ipc here) becomes the routing id the C client addresses.
    const endpoint = `ipc://${path.join(os.tmpdir(), `zmq-napi-freelance-${process.pid}.sock`)}`
    const server = closing(new FreelanceServer(([body]) => `re: ${body.toString()}`))
    await server.bind(endpoint)
    const raw = closing(new Router({linger: 0}))
    raw.connect(endpoint)
    // The Router learns the server's id in the handshake: ping until it answers.
    let pong: string[] | undefined
    const receiving = raw.receive().then(frames => (pong = frames.map(String)))
    while (pong === undefined) {
      await raw.send([endpoint, "PING"])
      await Promise.race([receiving, new Promise(resolve => setTimeout(resolve, 50))])
    }
    expect(pong).to.deep.equal([endpoint, "PONG"])
    // Replies to PINGs sent before the first PONG may still come: skip them.
    await raw.send([endpoint, "17", "hello"])
    let reply: string[]
    do reply = (await raw.receive()).map(String)
    while (reply[1] === "PONG")
    expect(reply).to.deep.equal([endpoint, "17", "re: hello"])
    raw.close()
    await server.close()
  })

  it("drops malformed and stray messages without failing", async () => {
    const errors: Error[] = []
    const server = closing(
      new FreelanceServer(([body]) => ["S", body], {onError: err => errors.push(err)}),
    )
    await server.bind("tcp://127.0.0.1:*")
    const client = closing(new FreelanceClient({...fast, onError: err => errors.push(err)}))
    client.connect(server.endpoint!)
    // A Router peer of the client that is none of its servers, sending garbage.
    const stranger = closing(new Router({linger: 0, routingId: "stranger"}))
    await stranger.bind("tcp://127.0.0.1:*")
    client.connect(stranger.lastEndpoint!)
    const [clientId] = await stranger.receive() // the client's first PING
    await stranger.send([clientId, "99999"]) // a reply to nothing
    await stranger.send([clientId, "x".repeat(100), "long"])
    // To the server: messages with an empty control frame, then a PING that still works.
    const dealer = closing(new Dealer({linger: 0}))
    dealer.connect(server.endpoint!)
    await dealer.send("")
    await dealer.send(["", "body"])
    await dealer.send("PING")
    expect((await dealer.receive()).map(String)).to.deep.equal(["PONG"])
    expect((await client.request("still fine")).map(String)).to.deep.equal(["S", "still fine"])
    expect(errors).to.deep.equal([])
    await client.close()
    await server.close()
    stranger.close()
    dealer.close()
  })

  it("rejects an aborted request with the signal's reason", async () => {
    const server = closing(new FreelanceServer(() => new Promise<string>(() => {})))
    await server.bind("tcp://127.0.0.1:*")
    const client = closing(new FreelanceClient({...fast, timeout: 20000, tryTimeout: 10000}))
    client.connect(server.endpoint!)
    const controller = new AbortController()
    const pending = client.request("hang", {signal: controller.signal})
    setTimeout(() => controller.abort(), 100)
    expect(await pending.catch((err: unknown) => err)).to.equal(controller.signal.reason)
    expect(
      await client.request("x", {signal: controller.signal}).catch((err: unknown) => err),
    ).to.equal(controller.signal.reason)
    await client.close()
    await server.close()
  })

  it("rejects pending requests with EBADF on close() and refuses use after it", async () => {
    const client = closing(new FreelanceClient(fast))
    // No server yet: the request waits for one to come alive.
    const pending = client.request("waiting")
    await client.close()
    const error = await pending.catch((err: unknown) => err)
    expect(error).to.be.instanceOf(ZmqError)
    expect((error as ZmqError).code).to.equal("EBADF")
    const late = await client.request("late").catch((err: unknown) => err)
    expect((late as ZmqError).code).to.equal("EBADF")
    expect(() => client.connect("tcp://127.0.0.1:1")).to.throw(ZmqError)
    await client.close()

    const server = closing(new FreelanceServer(() => "x"))
    await server.close()
    expect(server.endpoint).to.equal(null)
    const refused = await server.bind("tcp://127.0.0.1:*").catch((err: unknown) => err)
    expect((refused as ZmqError).code).to.equal("EBADF")
  })

  it("times out with no server connected, naming no address", async () => {
    const client = closing(new FreelanceClient({...fast, timeout: 200}))
    const error = (await client
      .request("hello")
      .catch((err: unknown) => err)) as RequestTimeoutError
    expect(error).to.be.instanceOf(RequestTimeoutError)
    expect(error.attempts).to.equal(0)
    expect(error.address).to.equal(undefined)
    await client.close()
  })

  it("refuses malformed options, endpoints and messages, naming them", async () => {
    const make = (options: unknown) => () => new FreelanceClient(options as never)
    expect(make(null)).to.throw(TypeError, /options/)
    expect(make({timeout: "3s"})).to.throw(TypeError, /timeout/)
    expect(make({timeout: -1})).to.throw(RangeError, /timeout/)
    expect(make({tryTimeout: 0})).to.throw(RangeError, /tryTimeout/)
    expect(make({heartbeatInterval: NaN})).to.throw(TypeError, /heartbeatInterval/)
    expect(make({liveness: 0})).to.throw(RangeError, /liveness/)
    expect(make({onServerStatus: 1})).to.throw(TypeError, /onServerStatus/)
    expect(make({onError: "log"})).to.throw(TypeError, /onError/)
    expect(() => new FreelanceServer("handler" as never)).to.throw(TypeError, /handler/)
    expect(() => new FreelanceServer(() => "x", {routingId: 1} as never)).to.throw(
      TypeError,
      /routingId/,
    )

    const client = closing(new FreelanceClient(fast))
    expect(() => client.connect(1 as never)).to.throw(TypeError, /endpoint/)
    client.connect("tcp://127.0.0.1:1")
    // A second pipe with the same routing id would abort inside libzmq.
    expect(() => client.connect("tcp://127.0.0.1:1")).to.throw(Error, /Already connected/)
    expect(await rejection(() => client.request({} as never))).to.be.instanceOf(TypeError)
    expect(await rejection(() => client.request("x", {signal: "stop" as never})))
      .to.be.instanceOf(TypeError)
      .with.property("message")
      .match(/signal/)
    await client.close()
  })

  it("runs the example", async () => {
    const {code, stdout, stderr} = await runExample("freelance.ts")
    expect(stderr).to.equal("")
    expect(stdout.trim().split("\n")).to.deep.equal([
      "request 1: answered by A",
      "request 2: answered by A",
      "server A stops",
      "request 3: answered by B",
      "request 4: answered by B",
      "server B stops",
      "request 5: answered by C",
      "server C stops",
      "request 6: failed (ETIMEDOUT)",
    ])
    expect(code).to.equal(0)
  })
})
