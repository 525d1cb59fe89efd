/**
 * Paranoid Pirate: a queue between Lazy Pirate clients and workers, with heartbeats both
 * ways (zguide chapter 4; the Paranoid Pirate Protocol, 6/PPP).
 * @module
 */
import {type Context, Dealer, Router, type MessageLike} from "../index"
import {Backoff, Liveness, timedOut, within} from "./retry"
import {
  checkCount,
  checkEndpoint,
  checkFunction,
  checkMs,
  checkOptions,
  delay,
  isClosedError,
  warnError,
} from "./util"

/** PPP commands: one frame of one byte. */
const READY = Buffer.from([1])
const HEARTBEAT = Buffer.from([2])

/** Options of a {@link ParanoidPirateQueue}. */
export interface ParanoidPirateQueueOptions {
  /** How often idle workers are sent a HEARTBEAT, in ms. Default 1000. */
  heartbeatInterval?: number
  /**
   * How many heartbeat intervals a worker may stay silent before the queue forgets it.
   * Default 3 (the guide suggests 3 to 5).
   */
  liveness?: number
  /** An endpoint to bind the frontend (for clients) to at once, e.g. `tcp://*:5555`. */
  frontend?: string
  /** An endpoint to bind the backend (for workers) to at once, e.g. `tcp://*:5556`. */
  backend?: string
  /** The context of the queue's sockets (default: the shared one). */
  context?: Context
  /** Told of unexpected socket errors (closing is not one). Default: a process warning. */
  onError?: (error: Error) => void
}

interface Worker {
  readonly id: Buffer
  readonly liveness: Liveness
}

/**
 * The queue of the guide's Paranoid Pirate pattern (ppqueue): clients (Request sockets,
 * usually a {@link LazyPirateClient}) connect to the frontend Router, workers (Dealer
 * sockets, usually a {@link ParanoidPirateWorker}) to the backend Router. Each request
 * goes to the worker that has been ready longest; the frontend is read only while some
 * worker is ready, so requests wait in the clients' queues otherwise.
 *
 * ```ts
 * const queue = new ParanoidPirateQueue({frontend: "tcp://*:5555", backend: "tcp://*:5556"})
 * // … later
 * await queue.close()
 * ```
 *
 * Heartbeats (6/PPP): any message from a worker (READY, HEARTBEAT or a reply) makes it
 * ready and alive; a ready worker silent for `liveness × heartbeatInterval` ms is
 * forgotten; idle workers are sent a HEARTBEAT every `heartbeatInterval` ms so that they
 * notice when the queue is gone. A request whose worker dies is lost here: the client's
 * retry brings it to another worker. A worker that is unreachable (disconnected, or
 * with a full pipe) when the queue sends to it is forgotten at once and the request goes
 * to the next one.
 */
export class ParanoidPirateQueue {
  /** Closes it, for `await using` (TypeScript 5.2+, explicit resource management). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  readonly #ttl: number
  readonly #onError: ParanoidPirateQueueOptions["onError"]
  readonly #frontend: Router
  readonly #backend: Router
  /** Ready workers by routing id (hex), longest ready first. */
  readonly #ready = new Map<string, Worker>()
  /** Resolved when a worker becomes ready (or the queue closes). */
  #wakers: (() => void)[] = []
  readonly #heartbeat: NodeJS.Timeout
  readonly #loops: Promise<unknown>
  #closed = false

  /**
   * Binds the endpoints given in the options at once (synchronously).
   * @throws TypeError or RangeError for a malformed option (naming it), ZmqError when an
   *   endpoint cannot be bound (e.g. code `EADDRINUSE`).
   */
  constructor(options?: ParanoidPirateQueueOptions) {
    const {
      heartbeatInterval = 1000,
      liveness = 3,
      frontend,
      backend,
      context,
      onError,
    } = checkOptions("ParanoidPirateQueue", options)
    const interval = checkMs("heartbeatInterval", heartbeatInterval)
    this.#ttl = checkCount("liveness", liveness) * interval
    if (frontend !== undefined) checkEndpoint("frontend", frontend)
    if (backend !== undefined) checkEndpoint("backend", backend)
    this.#onError = checkFunction("onError", onError) ?? warnError
    const shared = {linger: 0, ...(context !== undefined && {context})}
    this.#frontend = new Router(shared)
    // mandatory + sendTimeout 0: a send to a gone or clogged worker fails at once
    // instead of vanishing (or, worse, waiting and holding up every other send).
    this.#backend = new Router({...shared, mandatory: true, sendTimeout: 0})
    try {
      if (frontend !== undefined) this.#frontend.bindSync(frontend)
      if (backend !== undefined) this.#backend.bindSync(backend)
    } catch (err) {
      this.#frontend.close()
      this.#backend.close()
      throw err
    }
    this.#heartbeat = setInterval(() => this.#beat(), interval)
    this.#loops = Promise.all([this.#serveBackend(), this.#serveFrontend()])
  }

  /**
   * Binds the frontend (for clients) and the backend (for workers).
   * @throws ZmqError (rejected) with `address` set, e.g. code `EADDRINUSE`.
   */
  async bind(frontend: string, backend: string): Promise<void> {
    checkEndpoint("frontend", frontend)
    checkEndpoint("backend", backend)
    await this.#frontend.bind(frontend)
    await this.#backend.bind(backend)
  }

  /** The frontend endpoint last bound (with the real port of a `:*` bind), or null. */
  get frontendEndpoint(): string | null {
    return this.#closed ? null : this.#frontend.lastEndpoint
  }

  /** The backend endpoint last bound (with the real port of a `:*` bind), or null. */
  get backendEndpoint(): string | null {
    return this.#closed ? null : this.#backend.lastEndpoint
  }

  /** How many workers are ready for a request now (alive, and not busy with one). */
  get workers(): number {
    const now = Date.now()
    let count = 0
    for (const worker of this.#ready.values()) if (!worker.liveness.expired(now)) count++
    return count
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this.#closed
  }

  /** Stops the heartbeats and closes both sockets; requests in flight are dropped. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    clearInterval(this.#heartbeat)
    this.#frontend.close()
    this.#backend.close()
    this.#wake()
    await this.#loops
  }

  async #serveBackend(): Promise<void> {
    for (;;) {
      const message = await this.#receive(this.#backend)
      if (message === undefined) return
      const [id, ...rest] = message
      // A worker's envelope may carry an empty delimiter (zmsg_unwrap drops it).
      if (rest.length > 0 && rest[0].length === 0) rest.shift()
      // Any sign of life means ready (ppqueue does the same).
      this.#workerReady(id)
      // One frame: READY, HEARTBEAT, or an unknown command, which is dropped.
      if (rest.length <= 1) continue
      this.#frontend.send(rest).catch(err => this.#report(err))
    }
  }

  async #serveFrontend(): Promise<void> {
    for (;;) {
      // Reading requests only while some worker is ready leaves the rest with the
      // clients, whose retries then decide what happens to them.
      while (this.#ready.size === 0) {
        await this.#workerReadied()
        if (this.#closed) return
      }
      const request = await this.#receive(this.#frontend)
      if (request === undefined) return
      await this.#forward(request)
    }
  }

  /** Sends a request to the worker ready longest, skipping the ones that are gone. */
  async #forward(request: Buffer[]): Promise<void> {
    for (;;) {
      if (this.#closed) return
      const worker = this.#nextWorker()
      if (worker === undefined) {
        await this.#workerReadied()
        continue
      }
      try {
        await this.#backend.send([worker.id, ...request])
        return
      } catch (err) {
        if (isClosedError(err)) return
        // EHOSTUNREACH (gone) or EAGAIN (clogged): try the next worker.
      }
    }
  }

  async #receive(socket: Router): Promise<Buffer[] | undefined> {
    for (;;) {
      try {
        return await socket.receive()
      } catch (err) {
        if (isClosedError(err)) return undefined
        this.#report(err)
      }
    }
  }

  #workerReady(id: Buffer): void {
    const key = id.toString("hex")
    const known = this.#ready.get(key)
    this.#ready.delete(key)
    const worker = known ?? {id, liveness: new Liveness(this.#ttl)}
    worker.liveness.heard()
    this.#ready.set(key, worker)
    this.#wake()
  }

  #nextWorker(): Worker | undefined {
    const now = Date.now()
    for (const [key, worker] of this.#ready) {
      this.#ready.delete(key)
      if (!worker.liveness.expired(now)) return worker
    }
    return undefined
  }

  #workerReadied(): Promise<void> {
    return new Promise(resolve => this.#wakers.push(resolve))
  }

  #wake(): void {
    const wakers = this.#wakers
    this.#wakers = []
    for (const wake of wakers) wake()
  }

  #beat(): void {
    const now = Date.now()
    for (const [key, worker] of this.#ready) {
      if (worker.liveness.expired(now)) {
        this.#ready.delete(key)
        continue
      }
      this.#backend.send([worker.id, HEARTBEAT]).catch((err: unknown) => {
        // Unreachable: forget it, unless it spoke again (and was re-added) meanwhile.
        if (!isClosedError(err) && this.#ready.get(key) === worker) this.#ready.delete(key)
      })
    }
  }

  #report(err: unknown): void {
    if (!isClosedError(err)) this.#onError?.(err as Error)
  }
}

/** What a {@link ParanoidPirateWorker} does with a request: the reply, or a promise of it. */
export type ParanoidPirateHandler = (
  request: Buffer[],
) => MessageLike | MessageLike[] | Promise<MessageLike | MessageLike[]>

/** Options of a {@link ParanoidPirateWorker}. */
export interface ParanoidPirateWorkerOptions {
  /** How often the worker sends a HEARTBEAT while idle, in ms. Default 1000. */
  heartbeatInterval?: number
  /**
   * How many heartbeat intervals the queue may stay silent (while the worker is idle)
   * before the worker reconnects. Default 3.
   */
  liveness?: number
  /** The wait before the first reconnect, in ms; it doubles on each one after. Default 1000. */
  reconnectInitial?: number
  /** The longest wait between reconnects, in ms. Default 32000. */
  reconnectMax?: number
  /** The context of the worker's sockets (default: the shared one). */
  context?: Context
  /** Told when the queue went silent, before waiting `delay` ms to reconnect. */
  onReconnect?: (delay: number) => void
  /**
   * Told of errors of the handler (the request then gets no reply and the client
   * retries) and of unexpected socket errors. Default: a process warning.
   */
  onError?: (error: Error) => void
}

/**
 * A worker of the guide's Paranoid Pirate pattern (ppworker): a Dealer connected to a
 * {@link ParanoidPirateQueue} (or any 6/PPP queue) that answers one request at a time
 * with what `handler` returns.
 *
 * ```ts
 * const worker = new ParanoidPirateWorker("tcp://queue:5556", async ([request]) => {
 *   return `done: ${request}`
 * })
 * // … later
 * await worker.close()
 * ```
 *
 * It announces itself with READY (`"\x01"`) and, while idle, sends a HEARTBEAT
 * (`"\x02"`) every `heartbeatInterval` ms. When the queue stays silent for
 * `liveness × heartbeatInterval` ms the worker closes its socket, waits (first
 * `reconnectInitial` ms, doubling up to `reconnectMax` while the queue stays away; back
 * to the start once it answers) and connects a new one. While the handler runs the
 * worker neither sends heartbeats nor counts the queue's silence, like the guide's
 * worker: the queue hears from it again with the reply.
 */
export class ParanoidPirateWorker {
  /** Closes it, for `await using` (TypeScript 5.2+, explicit resource management). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  /** The queue's backend endpoint. */
  readonly endpoint: string
  readonly #handler: ParanoidPirateHandler
  readonly #interval: number
  readonly #ttl: number
  readonly #backoff: Backoff
  readonly #context: Context | undefined
  readonly #onReconnect: ParanoidPirateWorkerOptions["onReconnect"]
  readonly #onError: ParanoidPirateWorkerOptions["onError"]
  readonly #stop = new AbortController()
  readonly #loop: Promise<void>
  #socket: Dealer | undefined
  #busy = false

  /**
   * Connects to the queue at once.
   * @throws TypeError or RangeError for a malformed endpoint, handler or option (naming
   *   it), ZmqError when libzmq refuses the endpoint.
   */
  constructor(
    endpoint: string,
    handler: ParanoidPirateHandler,
    options?: ParanoidPirateWorkerOptions,
  ) {
    this.endpoint = checkEndpoint("endpoint", endpoint)
    if (typeof handler !== "function") {
      throw new TypeError(`ParanoidPirateWorker handler must be a function, got ${typeof handler}`)
    }
    const {
      heartbeatInterval = 1000,
      liveness = 3,
      reconnectInitial = 1000,
      reconnectMax = 32000,
      context,
      onReconnect,
      onError,
    } = checkOptions("ParanoidPirateWorker", options)
    this.#handler = handler
    this.#interval = checkMs("heartbeatInterval", heartbeatInterval)
    this.#ttl = checkCount("liveness", liveness) * this.#interval
    const initial = checkMs("reconnectInitial", reconnectInitial)
    const max = checkMs("reconnectMax", reconnectMax)
    if (max < initial) {
      throw new RangeError(
        `reconnectMax (${max}) must not be less than reconnectInitial (${initial})`,
      )
    }
    this.#backoff = new Backoff(initial, max)
    this.#context = context
    this.#onReconnect = checkFunction("onReconnect", onReconnect)
    this.#onError = checkFunction("onError", onError) ?? warnError
    const socket = this.#open()
    this.#loop = this.#run(socket)
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this.#stop.signal.aborted
  }

  /**
   * Closes the socket and stops heartbeats and reconnects. Resolves once the worker
   * stopped, except that a handler still running is not waited for (its reply is
   * dropped).
   */
  async close(): Promise<void> {
    if (this.closed) return
    this.#stop.abort()
    this.#socket?.close()
    if (!this.#busy) await this.#loop
  }

  #open(): Dealer {
    const socket = new Dealer({
      linger: 0,
      ...(this.#context !== undefined && {context: this.#context}),
    })
    try {
      socket.connect(this.endpoint)
    } catch (err) {
      socket.close()
      throw err
    }
    this.#socket = socket
    this.#send(socket, [READY])
    return socket
  }

  async #run(socket: Dealer): Promise<void> {
    for (;;) {
      await this.#session(socket)
      socket.close()
      if (this.closed) return
      const wait = this.#backoff.next()
      this.#onReconnect?.(wait)
      try {
        await delay(wait, this.#stop.signal)
      } catch {
        return
      }
      try {
        socket = this.#open()
      } catch (err) {
        // The endpoint worked before: report and keep trying.
        this.#onError?.(err as Error)
      }
    }
  }

  /** Serves one connection; returns when the queue went silent or the worker closed. */
  async #session(socket: Dealer): Promise<void> {
    const queue = new Liveness(this.#ttl)
    let heartbeatAt = Date.now() + this.#interval
    let next = this.#nextMessage(socket)
    for (;;) {
      if (this.closed || socket.closed) return
      const now = Date.now()
      if (now >= heartbeatAt) {
        this.#send(socket, [HEARTBEAT])
        heartbeatAt = now + this.#interval
      }
      const message = await within(next, Math.min(heartbeatAt - now, queue.remaining(now)))
      if (message === timedOut) {
        // Timers run before I/O: after a stall (a busy loop, a paused process) messages
        // may wait unnoticed. Reading the events hands them to the pending receive;
        // like zmq_poll, look at them before declaring the queue silent.
        if (socket.readable) continue
        if (queue.expired()) return
        continue
      }
      if (message === undefined) return
      next = this.#nextMessage(socket)
      queue.heard()
      this.#backoff.reset()
      // One frame: HEARTBEAT (or an unknown command): a sign of life, nothing to do.
      if (message.length === 1) continue
      const delimiter = message.findIndex(frame => frame.length === 0)
      // No envelope: not a request we could answer.
      if (delimiter < 0) continue
      const reply = await this.#answer(message.slice(delimiter + 1))
      if (reply !== undefined) this.#send(socket, [...message.slice(0, delimiter + 1), ...reply])
      // The handler's time is not the queue's silence.
      queue.heard()
      heartbeatAt = Date.now() + this.#interval
    }
  }

  /** The next message, or undefined once the socket is closed (never rejects). */
  #nextMessage(socket: Dealer): Promise<Buffer[] | undefined> {
    return socket.receive().catch((err: unknown) => {
      if (!isClosedError(err)) this.#onError?.(err as Error)
      return undefined
    })
  }

  async #answer(request: Buffer[]): Promise<MessageLike[] | undefined> {
    this.#busy = true
    try {
      const reply = await this.#handler(request)
      return Array.isArray(reply) ? reply : [reply]
    } catch (err) {
      this.#onError?.(err as Error)
      return undefined
    } finally {
      this.#busy = false
    }
  }

  #send(socket: Dealer, frames: MessageLike[]): void {
    let sent: Promise<void>
    try {
      sent = socket.send(frames)
    } catch (err) {
      // A reply the handler made of something that is no message.
      this.#onError?.(err as Error)
      return
    }
    sent.catch((err: unknown) => {
      if (!isClosedError(err)) this.#onError?.(err as Error)
    })
  }
}
