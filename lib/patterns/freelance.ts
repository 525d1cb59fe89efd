/**
 * Freelance: brokerless reliability, a client that fails over between servers
 * (zguide chapter 4, "Model Three"; the wire format of flserver3 and flcliapi).
 * @module
 */
import {type Context, Router, type MessageLike} from "../index"
import {zmqError, checkMessage, rejectInsteadOfThrowing} from "../internal"
import {RequestTimeoutError} from "./errors"
import {ignore, Liveness} from "./retry"
import {
  checkCount,
  checkEndpoint,
  checkFunction,
  checkMs,
  checkOptions,
  checkSignal,
  isClosedError,
  warnError,
} from "./util"

const PING = Buffer.from("PING")
const PONG = Buffer.from("PONG")
/** Sequence numbers are decimal: longer control frames cannot be one of ours. */
const MAX_SEQUENCE_LENGTH = 16

/** Options of a {@link FreelanceClient}. */
export interface FreelanceClientOptions {
  /** How long a request may take in all, over every server tried, in ms. Default 3000. */
  timeout?: number
  /**
   * How long one server has to answer before the request goes to the next one, in ms
   * (the server then counts as dead until it answers a heartbeat). Default 1000.
   */
  tryTimeout?: number
  /** How often every server is sent a PING, in ms. Default 1000. */
  heartbeatInterval?: number
  /**
   * How many heartbeat intervals a server may stay silent (no PONG, no reply) before it
   * counts as dead. Default 3.
   */
  liveness?: number
  /** The context of the client's socket (default: the shared one). */
  context?: Context
  /** Told whenever a server starts or stops counting as alive. */
  onServerStatus?: (endpoint: string, alive: boolean) => void
  /** Told of unexpected socket errors (closing is not one). Default: a process warning. */
  onError?: (error: Error) => void
}

/** Options of {@link FreelanceClient.request}. */
export interface FreelanceRequestOptions {
  /** Gives the request up: it rejects with the signal's reason. */
  signal?: AbortSignal
}

/** What the client knows of one server (see {@link FreelanceClient.servers}). */
export interface FreelanceServerState {
  /** The endpoint given to `connect()`, also the server's name on the wire. */
  readonly endpoint: string
  /** Whether the server answered within the last `liveness` heartbeat intervals. */
  readonly alive: boolean
}

interface Server {
  readonly endpoint: string
  alive: boolean
  readonly liveness: Liveness
}

/** One pending request. */
interface Call {
  readonly sequence: string
  readonly frames: MessageLike[]
  readonly deadline: number
  /** Servers sent this request, in order. */
  readonly tried: Set<Server>
  attempts: number
  /** The server the latest try went to, unless the call waits for a live server. */
  server?: Server
  tryTimer?: NodeJS.Timeout
  totalTimer?: NodeJS.Timeout
  signal?: AbortSignal
  onAbort?: () => void
  resolve(frames: Buffer[]): void
  reject(error: unknown): void
}

/**
 * The client of the guide's Freelance pattern ("Model Three — Complex and Nasty"):
 * reliability without a broker. It talks to any number of servers over one Router
 * socket, pings every one of them each `heartbeatInterval`, and sends each request to
 * the first server (in `connect()` order) that is alive. When that server does not
 * answer within `tryTimeout` it counts as dead and the request goes to the next live
 * one, until a reply comes or `timeout` ran out.
 *
 * ```ts
 * const client = new FreelanceClient({timeout: 3000})
 * client.connect("tcp://10.0.0.1:5555")
 * client.connect("tcp://10.0.0.2:5555")
 * const [answer] = await client.request("lookup example.com")
 * await client.close()
 * ```
 *
 * Every request carries a sequence number and the first reply to any of its tries
 * resolves it; replies that come later (from a slow server the request failed over
 * from) are dropped, never given to another request. Requests may overlap freely. A
 * request may reach more than one server (and a server that comes back may still get
 * one sent while it was down), so the service should be safe to repeat: the guide's
 * example is name resolution.
 *
 * Wire format (guide's flserver3/flcliapi): requests `[sequence, body…]` and replies
 * `[sequence, body…]` with a decimal sequence number; heartbeats `["PING"]` answered by
 * `["PONG"]`. The client names each server by the endpoint it connected to, whatever
 * routing id the server announces.
 */
export class FreelanceClient {
  /** Closes it, for `await using` (TypeScript 5.2+, explicit resource management). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  readonly #timeout: number
  readonly #tryTimeout: number
  readonly #ttl: number
  readonly #onServerStatus: FreelanceClientOptions["onServerStatus"]
  readonly #onError: FreelanceClientOptions["onError"]
  readonly #socket: Router
  /** In connect() order: the order of preference. */
  readonly #servers = new Map<string, Server>()
  readonly #calls = new Map<string, Call>()
  /** Calls that wait for some server to come alive. */
  readonly #waiting = new Set<Call>()
  readonly #heartbeat: NodeJS.Timeout
  readonly #loop: Promise<void>
  #sequence = 0
  #closed = false

  /**
   * @throws TypeError or RangeError for a malformed option (naming it).
   */
  constructor(options?: FreelanceClientOptions) {
    const {
      timeout = 3000,
      tryTimeout = 1000,
      heartbeatInterval = 1000,
      liveness = 3,
      context,
      onServerStatus,
      onError,
    } = checkOptions("FreelanceClient", options)
    this.#timeout = checkMs("timeout", timeout)
    this.#tryTimeout = checkMs("tryTimeout", tryTimeout)
    const interval = checkMs("heartbeatInterval", heartbeatInterval)
    this.#ttl = checkCount("liveness", liveness) * interval
    this.#onServerStatus = checkFunction("onServerStatus", onServerStatus)
    this.#onError = checkFunction("onError", onError) ?? warnError
    this.#socket = new Router({linger: 0, ...(context !== undefined && {context})})
    this.#heartbeat = setInterval(() => this.#beat(), interval)
    this.#loop = this.#receive()
  }

  /** The servers connected to, in `connect()` order, and whether each counts as alive. */
  get servers(): FreelanceServerState[] {
    return [...this.#servers.values()].map(({endpoint, alive}) => ({endpoint, alive}))
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this.#closed
  }

  /**
   * Adds a server. It counts as alive once it answered a PING (sent at once), so a
   * request made right after connecting waits for the first PONG.
   * @throws TypeError for an endpoint that is not a string, Error when already connected
   *   to it, ZmqError when libzmq refuses it (code `"EBADF"` after close).
   */
  connect(endpoint: string): void {
    checkEndpoint("endpoint", endpoint)
    if (this.#closed) throw closedError()
    // A second pipe with the same routing id would abort libzmq (router.cpp asserts).
    if (this.#servers.has(endpoint)) throw new Error(`Already connected to ${endpoint}`)
    this.#socket.connect(endpoint, {routingId: endpoint})
    const server: Server = {endpoint, alive: false, liveness: new Liveness(this.#ttl)}
    this.#servers.set(endpoint, server)
    this.#send([endpoint, PING])
  }

  /**
   * Sends a request to the first live server, failing over to the next on `tryTimeout`,
   * and resolves with the frames of the first reply.
   * @throws TypeError (synchronously) for anything that is not a message.
   * @returns Rejects with a {@link RequestTimeoutError} (code `"ETIMEDOUT"`, the servers
   *   tried in `address`) when no reply came within `timeout`, with the signal's reason
   *   when aborted, and with a ZmqError with code `"EBADF"` when the client is (or gets)
   *   closed.
   */
  request(
    message: MessageLike | MessageLike[],
    options?: FreelanceRequestOptions,
  ): Promise<Buffer[]> {
    checkMessage(message)
    const signal = checkSignal(options)
    if (this.#closed) return Promise.reject(closedError())
    if (signal?.aborted) return Promise.reject(signal.reason)
    const sequence = String(++this.#sequence)
    return new Promise<Buffer[]>((resolve, reject) => {
      const call: Call = {
        sequence,
        frames: Array.isArray(message) ? [...message] : [message],
        deadline: Date.now() + this.#timeout,
        tried: new Set(),
        attempts: 0,
        resolve,
        reject,
      }
      call.totalTimer = setTimeout(() => this.#expire(call), this.#timeout)
      if (signal !== undefined) {
        call.signal = signal
        call.onAbort = () => {
          this.#finish(call)
          reject(signal.reason)
        }
        signal.addEventListener("abort", call.onAbort, {once: true})
      }
      this.#calls.set(sequence, call)
      this.#dispatch(call)
    })
  }

  /**
   * Stops the heartbeats, closes the socket and rejects the pending requests with a
   * ZmqError with code `"EBADF"`.
   */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    clearInterval(this.#heartbeat)
    for (const call of [...this.#calls.values()]) {
      this.#finish(call)
      call.reject(closedError())
    }
    this.#socket.close()
    await this.#loop
  }

  /** Sends the call to the best server there is, or parks it until one comes alive. */
  #dispatch(call: Call): void {
    clearTimeout(call.tryTimer)
    call.tryTimer = undefined
    const server = this.#choose(call)
    call.server = server
    if (server === undefined) {
      this.#waiting.add(call)
      return
    }
    this.#waiting.delete(call)
    call.attempts++
    call.tried.add(server)
    this.#send([server.endpoint, call.sequence, ...call.frames])
    // A try cut short by the deadline is no evidence against the server: the total
    // timer ends the call then.
    if (call.deadline - Date.now() > this.#tryTimeout) {
      call.tryTimer = setTimeout(() => this.#tryTimedOut(call, server), this.#tryTimeout)
    }
  }

  /** The first live server this call has not tried yet, else the first live one. */
  #choose(call: Call): Server | undefined {
    let fallback: Server | undefined
    for (const server of this.#servers.values()) {
      if (!server.alive) continue
      if (!call.tried.has(server)) return server
      fallback ??= server
    }
    return fallback
  }

  #tryTimedOut(call: Call, server: Server): void {
    call.tryTimer = undefined
    if (!this.#calls.has(call.sequence)) return
    // A server that leaves a request unanswered is presumed dead until it answers a
    // PING: the requests still waiting on it move on now (this one included).
    if (server.alive) this.#markDead(server)
    else if (call.server === server) this.#dispatch(call)
  }

  #expire(call: Call): void {
    this.#finish(call)
    const tried = [...call.tried].map(server => server.endpoint)
    const address = (tried.length > 0 ? tried : [...this.#servers.keys()]).join(",")
    const what = tried.length > 0 ? `from ${tried.join(", ")}` : "(no server was alive)"
    call.reject(
      new RequestTimeoutError(
        `No reply within ${this.#timeout} ms ${what}`,
        call.attempts,
        address === "" ? undefined : address,
      ),
    )
  }

  #finish(call: Call): void {
    this.#calls.delete(call.sequence)
    this.#waiting.delete(call)
    clearTimeout(call.tryTimer)
    clearTimeout(call.totalTimer)
    if (call.onAbort !== undefined) call.signal!.removeEventListener("abort", call.onAbort)
  }

  #markDead(server: Server): void {
    server.alive = false
    this.#onServerStatus?.(server.endpoint, false)
    for (const call of [...this.#calls.values()]) {
      if (call.server === server) this.#dispatch(call)
    }
  }

  #heard(server: Server): void {
    server.liveness.heard()
    if (server.alive) return
    server.alive = true
    this.#onServerStatus?.(server.endpoint, true)
    for (const call of [...this.#waiting]) this.#dispatch(call)
  }

  #beat(): void {
    const now = Date.now()
    for (const server of this.#servers.values()) {
      if (server.alive && server.liveness.expired(now)) this.#markDead(server)
      // Dead servers too: their PONG is how they come back.
      this.#send([server.endpoint, PING])
    }
  }

  async #receive(): Promise<void> {
    for (;;) {
      let message: Buffer[]
      try {
        message = await this.#socket.receive()
      } catch (err) {
        if (isClosedError(err)) return
        this.#onError?.(err as Error)
        continue
      }
      this.#handle(message)
    }
  }

  #handle([name, control, ...body]: Buffer[]): void {
    const server = this.#servers.get(name.toString())
    // Malformed (no control frame) or from no server of ours: dropped.
    if (server === undefined || control === undefined) return
    this.#heard(server)
    if (control.equals(PONG) || control.length > MAX_SEQUENCE_LENGTH) return
    const call = this.#calls.get(control.toString("latin1"))
    // No call: a late reply to a request answered, failed or aborted already.
    if (call === undefined) return
    this.#finish(call)
    call.resolve(body)
  }

  #send(frames: MessageLike[]): void {
    // Without `mandatory` a Router never waits: a server's pipe exists from connect()
    // and holds messages (up to the high-water mark) until it is reachable.
    this.#socket.send(frames).catch((err: unknown) => {
      if (!isClosedError(err)) this.#onError?.(err as Error)
    })
  }
}

/** What a {@link FreelanceServer} does with a request: the reply frames, or a promise of them. */
export type FreelanceHandler = (
  request: Buffer[],
) => MessageLike | MessageLike[] | Promise<MessageLike | MessageLike[]>

/** Options of a {@link FreelanceServer}. */
export interface FreelanceServerOptions {
  /**
   * The routing id the server announces: the endpoint clients of the guide's C API
   * (flcliapi) connect to, as they address a server by it. By default the first
   * endpoint given to `bind()`, when it has no wildcard (`*` or port 0).
   * {@link FreelanceClient} names servers itself and does not need it.
   */
  routingId?: string
  /** The context of the server's socket (default: the shared one). */
  context?: Context
  /**
   * Told of errors of the handler (the request then gets no reply, so the client fails
   * over) and of unexpected socket errors. Default: a process warning.
   */
  onError?: (error: Error) => void
}

/**
 * A server of the Freelance pattern: answers PING with PONG and every request with what
 * `handler` returns, over a Router socket. Requests are handled concurrently; each
 * reply carries its request's sequence number.
 *
 * ```ts
 * const server = new FreelanceServer(async ([name]) => resolve(name.toString()))
 * await server.bind("tcp://10.0.0.1:5555")
 * ```
 */
export class FreelanceServer {
  /** Closes it, for `await using` (TypeScript 5.2+, explicit resource management). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  readonly #handler: FreelanceHandler
  readonly #onError: FreelanceServerOptions["onError"]
  readonly #socket: Router
  readonly #loop: Promise<void>
  #named: boolean
  #closed = false

  /**
   * @throws TypeError for a handler that is not a function or a malformed option.
   */
  constructor(handler: FreelanceHandler, options?: FreelanceServerOptions) {
    if (typeof handler !== "function") {
      throw new TypeError(`FreelanceServer handler must be a function, got ${typeof handler}`)
    }
    const {routingId, context, onError} = checkOptions("FreelanceServer", options)
    if (routingId !== undefined && typeof routingId !== "string") {
      throw new TypeError(`routingId must be a string, got ${typeof routingId}`)
    }
    this.#handler = handler
    this.#onError = checkFunction("onError", onError) ?? warnError
    this.#socket = new Router({
      linger: 0,
      ...(context !== undefined && {context}),
      ...(routingId !== undefined && {routingId}),
    })
    this.#named = routingId !== undefined
    this.#loop = this.#serve()
  }

  /** The endpoint last bound (with the real port of a `:*` bind), or null. */
  get endpoint(): string | null {
    return this.#closed ? null : this.#socket.lastEndpoint
  }

  /**
   * Starts listening on `endpoint`. The first concrete endpoint (no `*`, no port 0)
   * becomes the routing id, unless the `routingId` option set one.
   * @throws ZmqError (rejected) with `address` set, e.g. code `EADDRINUSE`.
   */
  async bind(endpoint: string): Promise<void> {
    checkEndpoint("endpoint", endpoint)
    if (this.#closed) throw closedError("server")
    if (!this.#named && !endpoint.includes("*") && !/:0$/.test(endpoint)) {
      // libzmq copies the options at bind time: the id must be set first.
      this.#socket.routingId = endpoint
      this.#named = true
    }
    await this.#socket.bind(endpoint)
  }

  /** Stops serving and closes the socket; replies still being computed are dropped. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#socket.close()
    await this.#loop
  }

  async #serve(): Promise<void> {
    for (;;) {
      let message: Buffer[]
      try {
        message = await this.#socket.receive()
      } catch (err) {
        if (isClosedError(err)) return
        this.#onError?.(err as Error)
        continue
      }
      const [client, control, ...body] = message
      // Malformed (no control frame, or an empty one): dropped.
      if (control === undefined || control.length === 0) continue
      if (control.equals(PING)) {
        this.#socket.send([client, PONG]).catch(ignore)
      } else {
        void this.#answer(client, control, body)
      }
    }
  }

  async #answer(client: Buffer, sequence: Buffer, request: Buffer[]): Promise<void> {
    try {
      const reply = await this.#handler(request)
      await this.#socket.send([client, sequence, ...(Array.isArray(reply) ? reply : [reply])])
    } catch (err) {
      if (!(this.#closed && isClosedError(err))) this.#onError?.(err as Error)
    }
  }
}

function closedError(what = "client") {
  return zmqError("EBADF", `The Freelance ${what} is closed`)
}

// Argument errors reject (the promise-returning API never throws).
rejectInsteadOfThrowing(FreelanceClient.prototype, "request")
