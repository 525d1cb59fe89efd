import {expect} from "chai"
import {Router, ZmqError} from "../../lib"
import {LazyPirateClient, RequestTimeoutError} from "../../lib/patterns"
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

/**
 * A Reply server in its own process, on PORT (or any port). It prints every request it
 * takes and SIGKILLs itself, unanswered, on the request named by CRASH_ON.
 */
const replyServer = `
  import {Reply} from "zeromq-napi"
  const socket = new Reply({linger: 0})
  await socket.bind("tcp://127.0.0.1:" + (process.env.PORT || "*"))
  console.log("endpoint " + socket.lastEndpoint)
  for await (const [request] of socket) {
    const body = request.toString()
    console.log("got " + body)
    if (body === process.env.CRASH_ON) process.kill(process.pid, "SIGKILL")
    await socket.send("reply " + body)
  }
`

/**
 * An in-process server on a Router (it keeps the Request envelope): answers "re: body",
 * except for the bodies `answer` says to keep waiting (it resolves when to answer them).
 */
async function routerServer(answer: (body: string) => Promise<void> | undefined = () => undefined) {
  const socket = closing(new Router({linger: 0}))
  await socket.bind("tcp://127.0.0.1:*")
  const seen: string[] = []
  const serving = (async () => {
    for await (const [client, empty, request] of socket) {
      const body = request.toString()
      seen.push(body)
      const wait = answer(body)
      if (wait === undefined) await socket.send([client, empty, `re: ${body}`])
      else void wait.then(() => socket.send([client, empty, `re: ${body}`]).catch(() => {}))
    }
  })()
  return {
    endpoint: socket.lastEndpoint!,
    seen,
    async close() {
      socket.close()
      await serving
    },
  }
}

const never = () => new Promise<void>(() => {})

describe("patterns: Lazy Pirate", function () {
  this.timeout(30000)

  afterEach(async () => {
    await closeAll()
    await killAll()
  })

  it("answers every request once and in order while the server is killed mid-request and restarted", async () => {
    // The first server dies on request 4 (taken, never answered), the second on 9.
    const crashes = ["9", ""]
    let server = startProcess(replyServer, {CRASH_ON: "4"})
    const servers: RunningProcess[] = [server]
    const endpoint = (await server.line(/^endpoint /)).split(" ")[1]
    const port = endpoint.split(":").pop()!
    let running = true
    const restarting = (async () => {
      while (crashes.length > 0) {
        await server.exited
        if (!running) return
        server = startProcess(replyServer, {PORT: port, CRASH_ON: crashes.shift()!})
        servers.push(server)
        await server.line(/^endpoint /)
      }
    })()

    const retries: number[] = []
    const client = closing(
      new LazyPirateClient(endpoint, {
        timeout: 1000,
        retries: 10,
        onRetry: attempt => retries.push(attempt),
      }),
    )
    // All at once: the client sends them one after another, in call order.
    const bodies = Array.from({length: 12}, (_, i) => String(i + 1))
    const replies = await Promise.all(bodies.map(body => client.request(body)))
    running = false
    await client.close()
    await restarting

    expect(replies.map(frames => frames.map(String))).to.deep.equal(
      bodies.map(body => [`reply ${body}`]),
    )
    expect(servers).to.have.length(3)
    await servers[2].line(/^got 12$/)
    expect(await servers[0].exited).to.equal("SIGKILL")
    expect(await servers[1].exited).to.equal("SIGKILL")
    // Each server took the requests from where the last one died, in order.
    const got = (process: RunningProcess) =>
      process.lines.filter(line => line.startsWith("got ")).map(line => line.slice(4))
    expect(got(servers[0])).to.deep.equal(["1", "2", "3", "4"])
    expect(got(servers[1])[0]).to.equal("4")
    expect(got(servers[1]).slice(-1)).to.deep.equal(["9"])
    expect(got(servers[2])[0]).to.equal("9")
    expect(got(servers[2]).slice(-1)).to.deep.equal(["12"])
    // At least one retry per crash.
    expect(retries.filter(attempt => attempt === 2)).to.have.length.at.least(2)
  })

  it("gives up after exactly `retries` tries with a RequestTimeoutError", async () => {
    const server = await routerServer(never)
    const retried: [number, string][] = []
    const client = closing(
      new LazyPirateClient(server.endpoint, {
        timeout: 200,
        retries: 3,
        onRetry: (attempt, error) => retried.push([attempt, (error as ZmqError).code]),
      }),
    )
    const error = await client.request("anyone?").catch((err: unknown) => err)
    expect(error).to.be.instanceOf(RequestTimeoutError)
    expect(error).to.be.instanceOf(ZmqError)
    const timeout = error as RequestTimeoutError
    expect(timeout.code).to.equal("ETIMEDOUT")
    expect(timeout.attempts).to.equal(3)
    expect(timeout.address).to.equal(server.endpoint)
    expect(timeout.message).to.contain("3 tries")
    expect(retried).to.deep.equal([
      [2, "ETIMEDOUT"],
      [3, "ETIMEDOUT"],
    ])
    // Every try reached the server (each on a fresh socket), and no more than that.
    await until("the third try", () => server.seen.length >= 3)
    expect(server.seen).to.deep.equal(["anyone?", "anyone?", "anyone?"])
    await client.close()
    await server.close()
  })

  it("sends concurrent requests one after another, in call order", async () => {
    const server = await routerServer()
    const client = closing(new LazyPirateClient(server.endpoint))
    const bodies = ["a", "b", "c", "d", "e"]
    const replies = await Promise.all(bodies.map(body => client.request(body)))
    expect(replies.map(frames => frames.map(String))).to.deep.equal(
      bodies.map(body => [`re: ${body}`]),
    )
    expect(server.seen).to.deep.equal(bodies)
    await client.close()
    await server.close()
  })

  it("rejects an aborted request with the signal's reason and resets the socket for the next", async () => {
    const server = await routerServer(body => (body === "hang" ? never() : undefined))
    const client = closing(new LazyPirateClient(server.endpoint, {timeout: 20000}))
    const controller = new AbortController()
    const hanging = client.request("hang", {signal: controller.signal})
    const after = client.request("after")
    await until("the server to get the request", () => server.seen.length === 1)
    controller.abort()
    expect(await hanging.catch((err: unknown) => err)).to.equal(controller.signal.reason)
    // A Request socket still waiting for its reply could not send this one.
    expect((await after).map(String)).to.deep.equal(["re: after"])
    await client.close()
    await server.close()
  })

  it("never sends a request aborted while it waits its turn", async () => {
    let release!: () => void
    const released = new Promise<void>(resolve => (release = resolve))
    const server = await routerServer(body => (body === "first" ? released : undefined))
    const client = closing(new LazyPirateClient(server.endpoint, {timeout: 20000}))
    const controller = new AbortController()
    const first = client.request("first")
    const skipped = client.request("skipped", {signal: controller.signal})
    const third = client.request("third")
    controller.abort()
    expect(await skipped.catch((err: unknown) => err)).to.equal(controller.signal.reason)
    release()
    expect((await first).map(String)).to.deep.equal(["re: first"])
    expect((await third).map(String)).to.deep.equal(["re: third"])
    expect(server.seen).to.deep.equal(["first", "third"])
    // Aborted before the call: rejected at once.
    expect(
      await client.request("x", {signal: controller.signal}).catch((err: unknown) => err),
    ).to.equal(controller.signal.reason)
    await client.close()
    await server.close()
  })

  it("rejects the pending and the queued requests with EBADF on close()", async () => {
    const server = await routerServer(never)
    const client = closing(new LazyPirateClient(server.endpoint, {timeout: 20000}))
    const pending = client.request("pending")
    const queued = client.request("queued")
    await until("the server to get the request", () => server.seen.length === 1)
    await client.close()
    for (const request of [pending, queued, client.request("late")]) {
      const error = await request.catch((err: unknown) => err)
      expect(error).to.be.instanceOf(ZmqError)
      expect((error as ZmqError).code).to.equal("EBADF")
    }
    expect(client.closed).to.equal(true)
    await client.close()
    expect(server.seen).to.deep.equal(["pending"])
    await server.close()
  })

  it("refuses malformed endpoints, options and messages, naming them", async () => {
    const endpoint = "tcp://127.0.0.1:1"
    const make =
      (options: unknown, where: unknown = endpoint) =>
      () =>
        new LazyPirateClient(where as string, options as never)
    expect(make({}, 5555)).to.throw(TypeError, /endpoint/)
    expect(make({}, "")).to.throw(RangeError, /endpoint/)
    expect(make(null)).to.throw(TypeError, /options/)
    expect(make({timeout: "1s"})).to.throw(TypeError, /timeout/)
    expect(make({timeout: 0})).to.throw(RangeError, /timeout/)
    expect(make({timeout: Infinity})).to.throw(RangeError, /timeout/)
    // Beyond what a timer holds (2^31 - 1 ms), Node would wait 1 ms instead.
    expect(make({timeout: 2 ** 31})).to.throw(RangeError, /timeout/)
    expect(make({retries: 0})).to.throw(RangeError, /retries/)
    expect(make({retries: 1.5})).to.throw(RangeError, /retries/)
    expect(make({retries: "3"})).to.throw(TypeError, /retries/)
    expect(make({onRetry: "log"})).to.throw(TypeError, /onRetry/)
    expect(make({socketOptions: 1})).to.throw(TypeError, /socketOptions/)
    expect(make({socketOptions: {lingr: 0}})).to.throw(TypeError, /lingr/)
    expect(make({}, "nonsense://x")).to.throw(ZmqError)

    const client = closing(new LazyPirateClient(endpoint))
    expect(await rejection(() => client.request({} as never))).to.be.instanceOf(TypeError)
    expect(await rejection(() => client.request([]))).to.be.instanceOf(TypeError)
    expect(await rejection(() => client.request("x", {signal: {} as AbortSignal})))
      .to.be.instanceOf(TypeError)
      .with.property("message")
      .match(/signal/)
    void client.close()
  })

  it("runs the example", async () => {
    const {code, stdout, stderr} = await runExample("lazy-pirate.ts")
    expect(stderr).to.equal("")
    expect(stdout.trim().split("\n")).to.deep.equal([
      "client: re: request 1",
      "server: loses request 2",
      "client: no reply, try 2",
      "client: re: request 2",
      "client: re: request 3",
      "server: loses request 4",
      "client: no reply, try 2",
      "client: request 4 failed after 2 tries (ETIMEDOUT)",
    ])
    expect(code).to.equal(0)
  })
})
