import {expect} from "chai"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as zmq from "../../lib"
import * as draft from "../../lib/draft"
import * as patterns from "../../lib/patterns"
import {runNode} from "../helpers"

// API fuzzing: every public constructor, method and option setter called with wrong types
// and values. Allowed outcomes: it works, or it throws (or rejects with) a TypeError, a
// RangeError or a typed error (a ZmqError, or a Node error with a `code`, e.g. ENOENT from
// a certificate path). Never a crash, never a plain Error, and every promise settles once
// its socket is closed. The fuzzing runs in a child process (this file, run with
// API_FUZZ_CHILD=1), so a crash fails the case instead of the test run.

/** Wrong values of every kind, plus a few right ones so that valid paths run too. */
function values(): unknown[] {
  return [
    undefined,
    null,
    true,
    false,
    0,
    -1,
    1.5,
    NaN,
    Infinity,
    -Infinity,
    2 ** 31,
    2 ** 53,
    -(2 ** 63),
    10n,
    "",
    "x",
    "tcp://",
    "tcp://127.0.0.1:notaport",
    "inproc://",
    "\u0000",
    "é".repeat(300),
    Symbol("s"),
    {},
    [],
    [1, "x"],
    [[[]]],
    {length: 5},
    () => 1,
    new Date(0),
    /re/,
    Buffer.alloc(0),
    Buffer.alloc(40, 1),
    new Uint16Array(3),
    new ArrayBuffer(32),
    new DataView(new ArrayBuffer(4)),
    Promise.resolve(1),
    new Map([["a", 1]]),
    new AbortController().signal,
    Object.create(null),
  ]
}

interface Tally {
  calls: number
  returned: number
  typeError: number
  rangeError: number
  typed: number
  pendingSettled: number
  violations: string[]
}

function describeValue(value: unknown): string {
  if (typeof value === "symbol") return value.toString()
  if (typeof value === "bigint") return `${value}n`
  if (typeof value === "function") return "function"
  if (Buffer.isBuffer(value)) return `Buffer(${value.length})`
  try {
    const text = JSON.stringify(value)
    return text === undefined ? String(value) : text.slice(0, 40)
  } catch {
    return Object.prototype.toString.call(value)
  }
}

async function fuzz(): Promise<Tally> {
  // Certificate.save("x") and friends write files: into a scratch directory, not the repo.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "zeromq-napi-api-fuzz-"))
  process.chdir(scratch)
  try {
    return await fuzzIn()
  } finally {
    process.chdir(os.tmpdir())
    fs.rmSync(scratch, {recursive: true, force: true})
  }
}

async function fuzzIn(): Promise<Tally> {
  // Thousands of sockets are made here, many kept open until the end (before the first
  // socket exists, the default context still takes a new limit).
  zmq.context.maxSockets = 8192
  const tally: Tally = {
    calls: 0,
    returned: 0,
    typeError: 0,
    rangeError: 0,
    typed: 0,
    pendingSettled: 0,
    violations: [],
  }
  const pending: {promise: Promise<unknown>; what: string}[] = []

  const judge = (error: unknown, what: string) => {
    if (error instanceof TypeError) tally.typeError++
    else if (error instanceof RangeError) tally.rangeError++
    else if (error instanceof zmq.ZmqError) tally.typed++
    else if (error instanceof Error && typeof (error as {code?: unknown}).code === "string")
      tally.typed++
    else {
      const name = error instanceof Error ? `${error.constructor.name}: ${error.message}` : error
      tally.violations.push(`${what} threw ${String(name)}`)
    }
  }

  const call = (what: string, fn: () => unknown) => {
    tally.calls++
    let result: unknown
    try {
      result = fn()
    } catch (error) {
      judge(error, what)
      return
    }
    tally.returned++
    if (result instanceof Promise) {
      pending.push({promise: result.catch(error => judge(error, what)), what})
    } else if (result && typeof (result as TrackedLike).sent?.then === "function") {
      const tracked = result as TrackedLike
      pending.push({promise: tracked.sent.catch(error => judge(error, what)), what})
    }
  }
  type TrackedLike = {sent: Promise<unknown>}

  const all = values()
  const socketClasses: [string, new (options?: object) => zmq.Socket][] = Object.entries(zmq)
    .filter(([, v]) => typeof v === "function" && v.prototype instanceof zmq.Socket)
    .map(([k, v]) => [k, v as new (options?: object) => zmq.Socket])
  if (zmq.capability.draft) {
    for (const [k, v] of Object.entries(draft))
      if (typeof v === "function" && v.prototype instanceof zmq.Socket)
        socketClasses.push([k, v as new (options?: object) => zmq.Socket])
  }

  const sockets: zmq.Socket[] = []
  const methods = [
    "bind",
    "unbind",
    "bindSync",
    "unbindSync",
    "connect",
    "disconnect",
    "send",
    "sendMany",
    "sendTracked",
    "receive",
    "receiveMany",
    "receiveBatch",
    "receiveFrames",
    "subscribe",
    "unsubscribe",
    "join",
    "leave",
  ]
  for (const [name, Class] of socketClasses) {
    // Constructors: the options argument, then each option with each value.
    for (const value of all) {
      call(`new ${name}(${describeValue(value)})`, () => {
        const socket = new Class(value as object)
        sockets.push(socket)
      })
    }
    const socket = new Class({linger: 0})
    sockets.push(socket)
    const proto = Object.getPrototypeOf(socket) as object
    const setters = Object.entries(Object.getOwnPropertyDescriptors(proto))
      .filter(([, d]) => d.set !== undefined)
      .map(([k]) => k)
    for (const option of setters) {
      for (const value of all) {
        call(`${name}.${option} = ${describeValue(value)}`, () => {
          ;(socket as unknown as Record<string, unknown>)[option] = value
        })
      }
      // The same through the constructor, for a few values (each creates a socket).
      for (const value of [null, "x", -1, NaN, {}]) {
        call(`new ${name}({${option}: ${describeValue(value)}})`, () => {
          sockets.push(new Class({[option]: value, linger: 0}))
        })
      }
    }
    // Options may have made it unusable (e.g. a huge routing id): a fresh one for methods.
    const target = new Class({linger: 0}) as unknown as Record<string, unknown>
    sockets.push(target as unknown as zmq.Socket)
    for (const method of methods) {
      const fn = target[method]
      if (typeof fn !== "function") continue
      for (const value of all) {
        call(`${name}.${method}(${describeValue(value)})`, () => fn.call(target, value))
        call(`${name}.${method}("x", ${describeValue(value)})`, () => fn.call(target, "x", value))
      }
    }
    // Getters and the iterator, on an open socket and a closed one.
    for (const s of [target, new Class({linger: 0})] as Record<string, unknown>[]) {
      sockets.push(s as unknown as zmq.Socket)
      if (s !== target) (s as unknown as zmq.Socket).close()
      for (const option of Object.keys(Object.getOwnPropertyDescriptors(proto))) {
        if (option === "constructor") continue
        call(`${name}.${option} (read)`, () => s[option])
      }
      call(`${name}.events.receive()`, () => (s as unknown as zmq.Socket).events.receive())
      for (const value of all)
        call(`${name}.events.on(${describeValue(value)})`, () =>
          (s as unknown as zmq.Socket).events.on(value as "connect", value as () => void),
        )
    }
  }

  // Contexts: constructor and option setters.
  const contexts: zmq.Context[] = []
  for (const value of all)
    call(`new Context(${describeValue(value)})`, () =>
      contexts.push(new zmq.Context(value as zmq.ContextOptions)),
    )
  const context = new zmq.Context()
  contexts.push(context)
  for (const [option, d] of Object.entries(
    Object.getOwnPropertyDescriptors(zmq.Context.prototype),
  )) {
    if (d.set === undefined) continue
    for (const value of all)
      call(`Context.${option} = ${describeValue(value)}`, () => {
        ;(context as unknown as Record<string, unknown>)[option] = value
      })
  }
  for (const value of all)
    call(`new Dealer({context: ${describeValue(value)}})`, () =>
      sockets.push(new zmq.Dealer({context: value as zmq.Context})),
    )

  // Observer, Poller, Proxy.
  for (const value of all) {
    call(`new Observer(${describeValue(value)})`, () => new zmq.Observer(value as zmq.Socket))
    call(
      `new Poller(${describeValue(value)})`,
      () => new (zmq.Poller as unknown as new (v: unknown) => unknown)(value),
    )
  }
  const poller = new zmq.Poller()
  const pollSocket = new zmq.Dealer({linger: 0})
  sockets.push(pollSocket)
  for (const value of all) {
    for (const method of ["add", "remove", "has"] as const)
      call(`Poller.${method}(${describeValue(value)})`, () =>
        (poller[method] as (a: unknown, b?: unknown) => unknown)(value, value),
      )
    call(`Poller.add(socket, ${describeValue(value)})`, () =>
      poller.add(pollSocket, value as never),
    )
    // A wait with a bad timeout must throw; a valid one must end by itself.
    call(`Poller.wait(${describeValue(value)})`, () =>
      poller.wait({timeout: typeof value === "number" ? Math.min(value, 10) : value} as object),
    )
  }
  for (const a of all)
    for (const b of [undefined, new zmq.Pull(), "x"])
      call(`new Proxy(${describeValue(a)}, …)`, () => new zmq.Proxy(a as zmq.Pull, b as never))
  const proxy = new zmq.Proxy(new zmq.Router({linger: 0}), new zmq.Dealer({linger: 0}))
  sockets.push(proxy.frontEnd as zmq.Socket, proxy.backEnd as zmq.Socket)
  for (const method of ["pause", "resume", "terminate", "statistics"] as const)
    call(`Proxy.${method}() before run`, () => proxy[method]())

  // Keys, Z85, certificates, the authenticator.
  for (const value of all) {
    call(`z85.encode(${describeValue(value)})`, () => zmq.z85.encode(value as Buffer))
    call(`z85.decode(${describeValue(value)})`, () => zmq.z85.decode(value as string))
    call(`curvePublicKey(${describeValue(value)})`, () => zmq.curvePublicKey(value as string))
    call(`curveKeyPair(${describeValue(value)})`, () =>
      (zmq.curveKeyPair as (v: unknown) => unknown)(value),
    )
    call(`Certificate.create(${describeValue(value)})`, () =>
      zmq.Certificate.create(value as never),
    )
    call(`Certificate.parse(${describeValue(value)})`, () => zmq.Certificate.parse(value as string))
    call(`Certificate.load(${describeValue(value)})`, () => zmq.Certificate.load(value as string))
    call(`new Certificate(${describeValue(value)})`, () => new zmq.Certificate(value as never))
    call(`new CertificateStore(${describeValue(value)})`, () => {
      const store = new zmq.CertificateStore(value as string)
      store.close()
    })
    call(`new Authenticator(${describeValue(value)})`, () => new zmq.Authenticator(value as object))
  }
  const certificate = zmq.Certificate.create()
  for (const method of ["apply", "save", "savePublic", "saveSecret", "format"] as const)
    for (const value of all)
      call(`Certificate.${method}(${describeValue(value)})`, () =>
        (certificate[method] as (v: unknown) => unknown).call(certificate, value),
      )
  const auth = new zmq.Authenticator({context: new zmq.Context()})
  for (const method of ["allow", "deny", "configurePlain", "configureCurve", "on", "off"] as const)
    for (const value of all)
      call(`Authenticator.${method}(${describeValue(value)})`, () =>
        (auth[method] as (a: unknown, b?: unknown) => unknown).call(auth, value, value),
      )

  // The patterns: constructors with every value as each argument and each option, then
  // their methods. A peer that never answers stands in for a server.
  const silent = new zmq.Router({linger: 0})
  sockets.push(silent)
  await silent.bind("tcp://127.0.0.1:*")
  const peer = silent.lastEndpoint!
  const made: {close(): unknown}[] = []
  const make = (what: string, create: () => {close(): unknown}) =>
    call(what, () => {
      made.push(create())
    })
  const handler = () => "reply"
  const optionsOf: Record<string, string[]> = {
    LazyPirateClient: ["timeout", "retries", "socketOptions", "onRetry"],
    FreelanceClient: ["timeout", "tryTimeout", "heartbeatInterval", "liveness", "onError"],
    FreelanceServer: ["routingId", "onError"],
    ParanoidPirateQueue: ["heartbeatInterval", "liveness", "frontend", "backend", "onError"],
    ParanoidPirateWorker: ["heartbeatInterval", "liveness", "reconnectInitial", "reconnectMax"],
    MajordomoBroker: ["heartbeatInterval", "liveness", "requestExpiry", "onError"],
    MajordomoWorker: ["heartbeatInterval", "liveness", "reconnectInterval", "onError"],
    MajordomoClient: ["timeout", "retries"],
    BinaryStar: ["role", "frontend", "localState", "heartbeatInterval", "handler", "onFatal"],
    BinaryStarClient: ["primary", "backup", "timeout", "retries", "settleDelay"],
    CloneServer: ["heartbeatInterval", "sendHighWaterMark", "onError"],
    CloneClient: ["subtree", "timeout", "onChange", "onSilent"],
  }
  const base: Record<string, () => Record<string, unknown>> = {
    BinaryStar: () => ({
      role: "backup",
      frontend: "tcp://127.0.0.1:*",
      localState: "tcp://127.0.0.1:*",
      handler,
    }),
    BinaryStarClient: () => ({primary: peer, backup: peer}),
  }
  const create: Record<string, (first: unknown, options: unknown) => {close(): unknown}> = {
    LazyPirateClient: (a, o) => new patterns.LazyPirateClient(a as string, o as object),
    FreelanceClient: (_, o) => new patterns.FreelanceClient(o as object),
    FreelanceServer: (a, o) => new patterns.FreelanceServer(a as never, o as object),
    ParanoidPirateQueue: (_, o) => new patterns.ParanoidPirateQueue(o as object),
    ParanoidPirateWorker: (a, o) =>
      new patterns.ParanoidPirateWorker(a as string, handler, o as object),
    MajordomoBroker: (_, o) => new patterns.MajordomoBroker(o as object),
    MajordomoWorker: (a, o) =>
      new patterns.MajordomoWorker(peer, a as string, handler, o as object),
    MajordomoClient: (a, o) => new patterns.MajordomoClient(a as string, o as object),
    BinaryStar: (_, o) => new patterns.BinaryStar(o as never),
    BinaryStarClient: (_, o) => new patterns.BinaryStarClient(o as never),
    CloneServer: (_, o) => new patterns.CloneServer(o as object),
    CloneClient: (_, o) => new patterns.CloneClient(o as object),
  }
  const validFirst: Record<string, unknown> = {
    LazyPirateClient: peer,
    FreelanceServer: handler,
    ParanoidPirateWorker: peer,
    MajordomoWorker: "echo",
    MajordomoClient: peer,
  }
  for (const [name, construct] of Object.entries(create)) {
    for (const value of all) {
      const v = describeValue(value)
      make(`new ${name}(${v})`, () => construct(value, base[name]?.()))
      for (const option of optionsOf[name]) {
        make(`new ${name}({${option}: ${v}})`, () =>
          construct(validFirst[name], {...base[name]?.(), [option]: value}),
        )
      }
      // Closed sockets count against the context's limit until libzmq reaps them.
      await Promise.all(made.splice(0).map(thing => thing.close()))
      await new Promise(resolve => setImmediate(resolve))
    }
  }
  const lazy = new patterns.LazyPirateClient(peer, {timeout: 50, retries: 1})
  const freelance = new patterns.FreelanceClient()
  const majordomo = new patterns.MajordomoClient(peer, {timeout: 50, retries: 1})
  const star = new patterns.BinaryStarClient({primary: peer, backup: peer, timeout: 50, retries: 1})
  const cloneServer = new patterns.CloneServer()
  const cloneClient = new patterns.CloneClient({timeout: 50})
  made.push(lazy, freelance, majordomo, star, cloneServer, cloneClient)
  for (const value of all) {
    const v = describeValue(value)
    call(`LazyPirateClient.request(${v})`, () => lazy.request(value as string))
    call(`FreelanceClient.connect(${v})`, () => freelance.connect(value as string))
    call(`FreelanceClient.request(${v})`, () => freelance.request(value as string))
    call(`MajordomoClient.request(${v}, ${v})`, () =>
      majordomo.request(value as string, value as string),
    )
    call(`BinaryStarClient.request(${v})`, () => star.request(value as string))
    call(`CloneServer.bind(${v})`, () => cloneServer.bind(value as string))
    call(`CloneServer.set(${v}, ${v})`, () => cloneServer.set(value as string, value as string))
    call(`CloneServer.delete(${v})`, () => cloneServer.delete(value as string))
    call(`CloneClient.connect(${v})`, () => cloneClient.connect(value as string))
    call(`CloneClient.set(${v}, ${v})`, () => cloneClient.set(value as string, value as string))
  }
  await Promise.all(made.map(thing => thing.close()))

  // Closing everything settles every pending operation; a promise still pending then hangs.
  for (const socket of sockets) socket.close()
  for (const ctx of contexts) call("Context.close()", () => ctx.close())
  const hung: string[] = []
  await Promise.all(
    pending.map(async ({promise, what}) => {
      let timer: NodeJS.Timeout | undefined
      const timeout = new Promise(
        resolve => (timer = setTimeout(() => resolve(hung.push(what)), 5000)),
      )
      await Promise.race([promise.then(() => tally.pendingSettled++), timeout])
      clearTimeout(timer)
    }),
  )
  for (const what of hung) tally.violations.push(`${what} never settled`)
  return tally
}

if (process.env.API_FUZZ_CHILD) {
  fuzz().then(
    tally => {
      console.log(JSON.stringify(tally))
      process.exit(0)
    },
    error => {
      console.error(error)
      process.exit(1)
    },
  )
} else {
  describe("API fuzzing", function () {
    this.timeout(60000)

    it("answers every wrong argument with a TypeError, a RangeError or a typed error", async () => {
      const {code, signal, stdout, stderr} = await runNode(
        ["--require", "tsx/cjs", __filename],
        55000,
        {API_FUZZ_CHILD: "1"},
      )
      expect({code, signal, stderr: stderr.slice(0, 2000)}).to.deep.equal({
        code: 0,
        signal: null,
        stderr: "",
      })
      const tally = JSON.parse(stdout) as Tally
      expect(tally.violations.slice(0, 20)).to.deep.equal([])
      // It really ran: thousands of calls, most of them refused.
      expect(tally.calls).to.be.above(10000)
      expect(tally.typeError + tally.rangeError).to.be.above(tally.calls / 4)
    })
  })
}
