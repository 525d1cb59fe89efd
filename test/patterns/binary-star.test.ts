import {expect} from "chai"
import {Dealer, Publisher, Router} from "../../lib"
import {
  BinaryStar,
  BinaryStarClient,
  BinaryStarFatalError,
  type BinaryStarOptions,
  type BinaryStarState,
} from "../../lib/patterns/binary-star"
import {RequestTimeoutError} from "../../lib/patterns/errors"
import {bindAny, killAll, runExample, startProcess, type RunningProcess} from "../helpers"

// Servers in tests beat every 250 ms: a peer is dead after 500 ms of silence, which a
// loaded machine does not reach by accident; clients wait 1500 ms for a reply, so the
// backup has given up on a dead primary by the time a client fails over.
const heartbeat = 250
const clientTimeout = 1500

/**
 * One Binary Star server as a process. It binds its frontend and state publisher to
 * FRONTEND and LOCAL_STATE (by default `tcp://127.0.0.1:*`: a port picked at bind time),
 * prints `endpoints <frontend> <state>` with the endpoints it bound and then `started`,
 * and connects to its peer's state publisher when a `peer <endpoint>` line arrives on
 * its stdin. It prints `state <s>` on every state
 * change, `handled <request>` for every request it serves (answering `<role>:<request>`),
 * and with TICKS a `tick <n> <state>` line per heartbeat. With CRASH_ON it SIGKILLs
 * itself on that request, after printing it and before answering. Lines are written
 * synchronously so none is lost to the kill.
 */
const serverSource = `
  import {writeSync} from "node:fs"
  import {createInterface} from "node:readline"
  import {BinaryStar} from "zeromq-napi/patterns"
  const env = process.env
  const say = line => writeSync(1, line + "\\n")
  const star = new BinaryStar({
    role: env.ROLE,
    frontend: env.FRONTEND || "tcp://127.0.0.1:*",
    localState: env.LOCAL_STATE || "tcp://127.0.0.1:*",
    heartbeatInterval: Number(env.HEARTBEAT),
    handler: ([request]) => {
      const body = request.toString()
      say("handled " + body)
      if (body === env.CRASH_ON) process.kill(process.pid, "SIGKILL")
      return env.ROLE + ":" + body
    },
    onStateChange: state => say("state " + state),
    onFatal: error => say("fatal " + error.message),
    onError: error => say("error " + error.message),
  })
  await star.start()
  say("endpoints " + star.frontendEndpoint + " " + star.localStateEndpoint)
  say("started")
  createInterface({input: process.stdin}).on("line", line => {
    if (line.startsWith("peer ")) star.connectPeer(line.slice("peer ".length))
  })
  let ticks = 0
  if (env.TICKS) setInterval(() => say("tick " + ++ticks + " " + star.state), Number(env.HEARTBEAT))
`

interface Pair {
  primary: RunningProcess
  backup: RunningProcess
  /**
   * Starts the primary again on the endpoints it bound the first time (after it was
   * killed) and tells it where the backup's state publisher is.
   */
  restartPrimary(): Promise<RunningProcess>
  primaryFrontend: string
  backupFrontend: string
}

/** A server process and the endpoints it printed once it had bound them. */
interface Server {
  server: RunningProcess
  frontend: string
  state: string
}

/** Starts a server process and waits for the endpoints it bound. */
async function startServer(env: NodeJS.ProcessEnv): Promise<Server> {
  const server = startProcess(serverSource, {HEARTBEAT: String(heartbeat), ...env})
  const [, frontend, state] = (await server.line(/^endpoints /)).split(" ")
  return {server, frontend, state}
}

/**
 * Starts a primary and a backup process, each on ports picked at bind time, tells each
 * where the other's state publisher is, and waits until one is active, one passive.
 */
async function startPair(
  env: {primary?: NodeJS.ProcessEnv; backup?: NodeJS.ProcessEnv} = {},
): Promise<Pair> {
  const [primary, backup] = await Promise.all([
    startServer({ROLE: "primary", ...env.primary}),
    startServer({ROLE: "backup", ...env.backup}),
  ])
  primary.server.send(`peer ${backup.state}`)
  backup.server.send(`peer ${primary.state}`)
  await primary.server.line(/^state active$/)
  await backup.server.line(/^state passive$/)
  const restartPrimary = async () => {
    const restarted = await startServer({
      ROLE: "primary",
      ...env.primary,
      FRONTEND: primary.frontend,
      LOCAL_STATE: primary.state,
      CRASH_ON: "",
    })
    restarted.server.send(`peer ${backup.state}`)
    return restarted.server
  }
  return {
    primary: primary.server,
    backup: backup.server,
    restartPrimary,
    primaryFrontend: primary.frontend,
    backupFrontend: backup.frontend,
  }
}

/** The lines of a process that start with `prefix`, without it. */
function linesOf(process: RunningProcess, prefix: string): string[] {
  return process.lines
    .filter(line => line.startsWith(prefix))
    .map(line => line.slice(prefix.length))
}

const range = (from: number, to: number) =>
  Array.from({length: to - from + 1}, (_, i) => String(from + i))

/** The tick number of the last tick line a process printed (0 if none). */
function lastTick(process: RunningProcess): number {
  const ticks = linesOf(process, "tick ")
  return ticks.length === 0 ? 0 : Number(ticks[ticks.length - 1].split(" ")[0])
}

/** Sends each request (queued in order) and sorts the outcomes into replies and failures. */
async function requestAll(client: BinaryStarClient, requests: string[]) {
  const outcomes = await Promise.allSettled(requests.map(request => client.request(request)))
  const replies = new Map<string, string>()
  const failures: string[] = []
  outcomes.forEach((outcome, i) => {
    if (outcome.status === "fulfilled") replies.set(requests[i], outcome.value.toString())
    else failures.push(`${requests[i]}: ${String(outcome.reason)}`)
  })
  return {replies, failures}
}

describe("patterns: Binary Star", function () {
  this.timeout(30000)

  const cleanups: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup()
    await killAll()
  })

  function client(options: ConstructorParameters<typeof BinaryStarClient>[0]) {
    const created = new BinaryStarClient(options)
    cleanups.push(() => created.close())
    return created
  }

  function star(options: BinaryStarOptions) {
    const created = new BinaryStar(options)
    cleanups.push(() => created.close())
    return created
  }

  /** Two endpoints bound on ports picked at bind time, where nobody ever answers. */
  async function silentServers(): Promise<[string, string]> {
    const sockets = [new Router({linger: 0}), new Router({linger: 0})]
    cleanups.push(async () => {
      for (const socket of sockets) socket.close()
    })
    return [await bindAny(sockets[0]), await bindAny(sockets[1])]
  }

  describe("a primary and a backup in their own processes", () => {
    it("fails over to the backup when the primary is killed mid-request, answering every request exactly once", async () => {
      const pair = await startPair({primary: {CRASH_ON: "8"}})
      const stars = client({
        primary: pair.primaryFrontend,
        backup: pair.backupFrontend,
        timeout: clientTimeout,
      })
      const requests = range(1, 20)
      const {replies, failures} = await requestAll(stars, requests)

      expect(failures).to.deep.equal([])
      // Each reply names its own request: 1–7 from the primary, the rest from the backup.
      for (const request of requests) {
        const server = Number(request) < 8 ? "primary" : "backup"
        expect(replies.get(request), request).to.equal(`${server}:${request}`)
      }
      expect(await pair.primary.exited).to.equal("SIGKILL")
      // A reply can overtake the server's stdout: wait for its last line before counting.
      await pair.backup.line(/^handled 20$/)
      // Request 8 reached both: the primary died before answering, so it was sent again.
      expect(linesOf(pair.primary, "handled ")).to.deep.equal(range(1, 8))
      expect(linesOf(pair.backup, "handled ")).to.deep.equal(range(8, 20))
      expect(linesOf(pair.backup, "state ")).to.deep.equal(["passive", "active"])
      expect(stars.server).to.equal(pair.backupFrontend)
    })

    it("keeps the backup passive after the primary died until a client request votes for a failover", async () => {
      const pair = await startPair({backup: {TICKS: "1"}})
      await pair.primary.kill()
      // Ten heartbeats of the backup's own clock: five times the peer expiry.
      const killedAt = lastTick(pair.backup)
      await pair.backup.line(new RegExp(`^tick ${killedAt + 10} `))
      const ticksAfter = linesOf(pair.backup, "tick ").slice(killedAt)
      expect(ticksAfter.length).to.be.at.least(10)
      for (const tick of ticksAfter) expect(tick).to.match(/ passive$/)
      expect(linesOf(pair.backup, "state ")).to.deep.equal(["passive"])

      // The client finds the primary silent, fails over, and its request is the vote.
      const stars = client({
        primary: pair.primaryFrontend,
        backup: pair.backupFrontend,
        timeout: clientTimeout,
      })
      expect((await stars.request("1")).toString()).to.equal("backup:1")
      await pair.backup.line(/^handled 1$/)
      expect(linesOf(pair.backup, "state ")).to.deep.equal(["passive", "active"])
      expect(linesOf(pair.backup, "handled ")).to.deep.equal(["1"])
    })

    it("keeps the primary serving when the backup is killed", async () => {
      const pair = await startPair({primary: {TICKS: "1"}})
      const stars = client({
        primary: pair.primaryFrontend,
        backup: pair.backupFrontend,
        timeout: clientTimeout,
      })
      const before = await requestAll(stars, range(1, 5))
      await pair.backup.kill()
      // Let the primary find its peer silent (four expiries) before asking again.
      await pair.primary.line(new RegExp(`^tick ${lastTick(pair.primary) + 8} `))
      const after = await requestAll(stars, range(6, 10))

      expect([...before.failures, ...after.failures]).to.deep.equal([])
      await pair.primary.line(/^handled 10$/)
      const replies = new Map([...before.replies, ...after.replies])
      for (const request of range(1, 10))
        expect(replies.get(request)).to.equal(`primary:${request}`)
      expect(linesOf(pair.primary, "handled ")).to.deep.equal(range(1, 10))
      expect(linesOf(pair.primary, "state ")).to.deep.equal(["active"])
      expect(linesOf(pair.primary, "fatal ")).to.deep.equal([])
      expect(linesOf(pair.backup, "handled ")).to.deep.equal([])
    })

    it("brings a primary restarted after a failover back passive while the backup stays active", async () => {
      const pair = await startPair()
      const stars = client({
        primary: pair.primaryFrontend,
        backup: pair.backupFrontend,
        timeout: clientTimeout,
      })
      const first = await requestAll(stars, range(1, 3))
      await pair.primary.kill()
      const failedOver = await requestAll(stars, range(4, 6))
      await pair.backup.line(/^handled 6$/)
      expect(linesOf(pair.backup, "state ")).to.deep.equal(["passive", "active"])

      const restarted = await pair.restartPrimary()
      await restarted.line(/^state passive$/)
      const afterRestart = await requestAll(stars, range(7, 9))

      // Asked directly, the passive primary drops the request: its peer is alive.
      const probe = client({
        primary: pair.primaryFrontend,
        backup: pair.primaryFrontend,
        timeout: 750,
        retries: 1,
      })
      const probed = await probe.request("probe").then(
        () => "answered",
        (err: unknown) => err,
      )
      expect(probed).to.be.instanceOf(RequestTimeoutError)
      expect((probed as RequestTimeoutError).attempts).to.equal(1)

      const last = await requestAll(stars, ["10"])
      const failures = [first, failedOver, afterRestart, last].flatMap(result => result.failures)
      expect(failures).to.deep.equal([])
      await pair.backup.line(/^handled 10$/)
      expect(first.replies.get("1")).to.equal("primary:1")
      for (const request of range(4, 10)) {
        const {replies} = [failedOver, afterRestart, last].find(result =>
          result.replies.has(request),
        )!
        expect(replies.get(request)).to.equal(`backup:${request}`)
      }
      expect(linesOf(restarted, "state ")).to.deep.equal(["passive"])
      expect(linesOf(restarted, "handled ")).to.deep.equal([])
      expect(linesOf(pair.backup, "state ")).to.deep.equal(["passive", "active"])
      expect(linesOf(pair.backup, "fatal ")).to.deep.equal([])
      expect(linesOf(pair.backup, "handled ")).to.deep.equal(range(4, 10))
    })
  })

  describe("impossible combinations", () => {
    /** A server on ephemeral ports that reports its fatal error through a promise. */
    function fatalStar(role: "primary" | "backup") {
      let reported!: (error: BinaryStarFatalError) => void
      const fatal = new Promise<BinaryStarFatalError>(resolve => (reported = resolve))
      const server = star({
        role,
        frontend: "tcp://127.0.0.1:*",
        localState: "tcp://127.0.0.1:*",
        heartbeatInterval: 100,
        handler: request => request,
        onFatal: reported,
      })
      return {server, fatal}
    }

    /** Makes a lone primary active: it takes a request once its peer was silent long enough. */
    async function vote(server: BinaryStar) {
      const voter = client({
        primary: server.frontendEndpoint!,
        backup: server.frontendEndpoint!,
        timeout: 300,
        retries: 20,
      })
      expect((await voter.request("vote")).toString()).to.equal("vote")
      expect(server.state).to.equal("active")
    }

    it("closes a server with a fatal error when both are active", async () => {
      const a = fatalStar("primary")
      const b = fatalStar("primary")
      await a.server.start()
      await b.server.start()
      await vote(a.server)
      await vote(b.server)
      a.server.connectPeer(b.server.localStateEndpoint!)
      b.server.connectPeer(a.server.localStateEndpoint!)

      const error = await Promise.race([a.fatal, b.fatal])
      expect(error).to.be.instanceOf(BinaryStarFatalError)
      expect(error.message).to.match(/dual actives/)
      expect([error.state, error.peerState]).to.deep.equal(["active", "active"])
      expect(a.server.closed || b.server.closed).to.equal(true)
    })

    it("closes a server with a fatal error when both are passive", async () => {
      const active = fatalStar("primary")
      const a = fatalStar("backup")
      const b = fatalStar("primary")
      for (const {server} of [active, a, b]) await server.start()
      await vote(active.server)
      const passive = (server: BinaryStar) =>
        new Promise<void>(resolve => {
          const check = setInterval(() => {
            if (server.state !== "passive") return
            clearInterval(check)
            resolve()
          }, 10)
        })
      a.server.connectPeer(active.server.localStateEndpoint!)
      b.server.connectPeer(active.server.localStateEndpoint!)
      await passive(a.server)
      await passive(b.server)
      a.server.connectPeer(b.server.localStateEndpoint!)
      b.server.connectPeer(a.server.localStateEndpoint!)

      const error = await Promise.race([a.fatal, b.fatal])
      expect(error.message).to.match(/dual passives/)
      expect([error.state, error.peerState]).to.deep.equal(["passive", "passive"])
      expect(a.server.closed || b.server.closed).to.equal(true)
      expect(active.server.closed).to.equal(false)
    })
  })

  describe("in one process", () => {
    it("counts and drops malformed state messages and requests without an envelope delimiter", async () => {
      const errors: Error[] = []
      const states: BinaryStarState[] = []
      const server = star({
        role: "backup",
        frontend: "tcp://127.0.0.1:*",
        localState: "tcp://127.0.0.1:*",
        heartbeatInterval: 100,
        handler: request => request,
        onStateChange: state => states.push(state),
        onError: error => errors.push(error),
      })
      const garbage = new Publisher({linger: 0})
      const dealer = new Dealer({linger: 0})
      cleanups.push(async () => {
        garbage.close()
        dealer.close()
      })
      await garbage.bind("tcp://127.0.0.1:*")
      server.connectPeer(garbage.lastEndpoint!)
      await server.start()
      dealer.connect(server.frontendEndpoint!)
      await dealer.send("no delimiter")
      await dealer.send(["", "well-formed"])
      // Only the frontend can have produced these counts so far: no state was published.
      while (server.statistics.dropped < 1) await new Promise(resolve => setTimeout(resolve, 10))
      // Malformed is not a vote; the well-formed request is dropped: a backup never serves.
      expect(server.statistics).to.deep.equal({handled: 0, dropped: 1, malformed: 1})
      // A subscriber misses what is published before it joined: publish until counted.
      while (server.statistics.malformed < 5) {
        await garbage.send("9")
        await garbage.send("constructor")
        await garbage.send(["3", "extra frame"])
        await new Promise(resolve => setTimeout(resolve, 20))
      }
      // A well-formed "active" from the same publisher still counts.
      while (server.state !== "passive") {
        await garbage.send("3")
        await new Promise(resolve => setTimeout(resolve, 20))
      }
      expect(states).to.deep.equal(["passive"])
      expect(server.statistics).to.include({handled: 0, dropped: 1})
      expect(errors).to.deep.equal([])
    })

    it("reports a handler that throws or returns a non-message through onError and answers nothing", async () => {
      const errors: Error[] = []
      const server = star({
        role: "primary",
        frontend: "tcp://127.0.0.1:*",
        localState: "tcp://127.0.0.1:*",
        heartbeatInterval: 100,
        handler: ([request]) => {
          if (request.toString() === "throw") throw new Error("handler failed")
          if (request.toString() === "number") return {} as unknown as string
          return request
        },
        onError: error => errors.push(error),
      })
      await server.start()
      // A lone primary serves once its peer has been silent for two heartbeats.
      const voter = client({
        primary: server.frontendEndpoint!,
        backup: server.frontendEndpoint!,
        timeout: 300,
        retries: 20,
      })
      expect((await voter.request("vote")).toString()).to.equal("vote")
      const once = client({
        primary: server.frontendEndpoint!,
        backup: server.frontendEndpoint!,
        timeout: 300,
        retries: 1,
      })
      for (const request of ["throw", "number"]) {
        const outcome = await once.request(request).then(
          () => null,
          (err: unknown) => err,
        )
        expect(outcome, request).to.be.instanceOf(RequestTimeoutError)
      }
      expect(errors.map(error => error.constructor.name)).to.deep.equal(["Error", "TypeError"])
      expect(errors[0].message).to.equal("handler failed")
      expect((await voter.request("still serving")).toString()).to.equal("still serving")
      expect(server.statistics).to.include({handled: 4, malformed: 0})
    })

    it("rejects with RequestTimeoutError after the given number of tries when no server answers", async () => {
      const [a, b] = await silentServers()
      const nobody = client({primary: a, backup: b, timeout: 200, retries: 3})
      const error = await nobody.request("hello").then(
        () => null,
        (err: unknown) => err,
      )
      expect(error).to.be.instanceOf(RequestTimeoutError)
      expect((error as RequestTimeoutError).code).to.equal("ETIMEDOUT")
      expect((error as RequestTimeoutError).attempts).to.equal(3)
      expect((error as RequestTimeoutError).address).to.equal(`${a},${b}`)
      // Three tries alternate: primary, backup, primary; the next request starts at the backup.
      expect(nobody.server).to.equal(b)
    })

    it("rejects the request in progress and the queued ones with EBADF on close", async () => {
      const [a, b] = await silentServers()
      const stars = new BinaryStarClient({primary: a, backup: b, timeout: 5000})
      const pending = [stars.request("1"), stars.request("2"), stars.request(["3", "b"])]
      await stars.close()
      const outcomes = await Promise.allSettled(pending)
      for (const outcome of outcomes) {
        expect(outcome.status).to.equal("rejected")
        expect((outcome as PromiseRejectedResult).reason).to.include({code: "EBADF"})
      }
      const late = await stars.request("4").then(
        () => null,
        (err: unknown) => err,
      )
      expect(late).to.include({code: "EBADF"})
    })

    it("refuses to start after close and rejects a message that is not one", async () => {
      const server = new BinaryStar({
        role: "primary",
        frontend: "tcp://127.0.0.1:*",
        localState: "tcp://127.0.0.1:*",
        handler: () => null,
      })
      await server.close()
      const started = await server.start().then(
        () => null,
        (err: unknown) => err,
      )
      expect(started).to.include({code: "EBADF"})
      expect(() => server.connectPeer("tcp://127.0.0.1:1")).to.throw(/closed/)

      const stars = client({primary: "tcp://127.0.0.1:1", backup: "tcp://127.0.0.1:2"})
      const refused = await stars.request({} as unknown as string).then(
        () => null,
        (err: unknown) => err,
      )
      expect(refused).to.be.instanceOf(TypeError)
    })
  })

  describe("options", () => {
    const valid: BinaryStarOptions = {
      role: "primary",
      frontend: "tcp://127.0.0.1:*",
      localState: "tcp://127.0.0.1:*",
      handler: request => request,
    }

    it("rejects bad server options with TypeError or RangeError naming the option", () => {
      const bad: Array<[Record<string, unknown>, ErrorConstructor, RegExp]> = [
        [{role: 1}, TypeError, /role/],
        [{role: "secondary"}, RangeError, /role/],
        [{frontend: undefined}, TypeError, /frontend/],
        [{localState: 5}, TypeError, /localState/],
        [{localState: ""}, RangeError, /localState/],
        [{remoteState: null}, TypeError, /remoteState/],
        [{heartbeatInterval: "1000"}, TypeError, /heartbeatInterval/],
        [{heartbeatInterval: 0}, RangeError, /heartbeatInterval/],
        [{heartbeatInterval: Infinity}, RangeError, /heartbeatInterval/],
        [{handler: undefined}, TypeError, /handler/],
        [{onFatal: "yes"}, TypeError, /onFatal/],
      ]
      for (const [change, type, message] of bad) {
        const options = {...valid, ...change} as unknown as BinaryStarOptions
        expect(() => new BinaryStar(options), JSON.stringify(change)).to.throw(type, message)
      }
      expect(() => new BinaryStar(null as unknown as BinaryStarOptions)).to.throw(TypeError)
    })

    it("rejects bad client options with TypeError or RangeError naming the option", () => {
      const ok = {primary: "tcp://127.0.0.1:1", backup: "tcp://127.0.0.1:2"}
      const bad: Array<[Record<string, unknown>, ErrorConstructor, RegExp]> = [
        [{primary: undefined}, TypeError, /primary/],
        [{backup: 7}, TypeError, /backup/],
        [{timeout: "2000"}, TypeError, /timeout/],
        [{timeout: 0}, RangeError, /timeout/],
        [{retries: 0}, RangeError, /retries/],
        [{retries: 1.5}, RangeError, /retries/],
        [{settleDelay: -1}, RangeError, /settleDelay/],
        [{settleDelay: NaN}, TypeError, /settleDelay/],
      ]
      for (const [change, type, message] of bad) {
        const options = {...ok, ...change} as unknown as ConstructorParameters<
          typeof BinaryStarClient
        >[0]
        expect(() => new BinaryStarClient(options), JSON.stringify(change)).to.throw(type, message)
      }
    })
  })

  it("runs the example: the backup answers after the primary stops", async () => {
    const {code, stdout, stderr} = await runExample("binary-star.ts")
    expect(stderr).to.equal("")
    expect(stdout.trim().split("\n")).to.deep.equal([
      "primary: active",
      "backup: passive",
      "reply: primary echoes 1",
      "reply: primary echoes 2",
      "reply: primary echoes 3",
      "primary stopped",
      "backup: active",
      "reply: backup echoes 4",
      "reply: backup echoes 5",
      "reply: backup echoes 6",
    ])
    expect(code).to.equal(0)
  })
})
