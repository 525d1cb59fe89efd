/**
 * The Majordomo worker (MDP/0.1 or MDP/0.2).
 * @module
 */
import {zmqError} from "../internal"
import {Dealer, type MessageLike} from "../index"
import {checkCount, checkFunction, checkMs, checkOptions, isClosedError, warnError} from "./util"
import {
  bodyFrames,
  checkName,
  checkProtocol,
  EMPTY,
  parseWorkerCommand,
  workerCommand,
  type Dialect,
  type MajordomoBody,
  type MajordomoProtocol,
  type WorkerCommand,
} from "./majordomo-protocol"

/** Options of a {@link MajordomoWorker}. */
export interface MajordomoWorkerOptions {
  /**
   * How often the worker sends HEARTBEAT (ms), and the unit of broker expiry. Use the
   * broker's value. Default 2500.
   */
  heartbeatInterval?: number
  /**
   * When nothing arrived from the broker for `liveness` heartbeat intervals, the worker
   * takes it for dead and starts over on a new socket. Default 3.
   */
  liveness?: number
  /** How long to wait before reconnecting after the broker fell silent (ms). Default 2500. */
  reconnectInterval?: number
  /**
   * The protocol version: `"MDP/0.1"` (7/MDP, default: what the guide's brokers speak)
   * or `"MDP/0.2"` (18/MDP: needed for `reply.partial()`). {@link MajordomoBroker}
   * serves both.
   */
  protocol?: MajordomoProtocol
  /**
   * Told of errors the handler throws (or rejects with), of invalid replies, and of
   * unexpected socket errors. Default: a process warning.
   */
  onError?: (error: Error) => void
}

/** What a {@link MajordomoHandler} gets besides the request: a way to stream partial replies. */
export interface MajordomoReply {
  /**
   * Sends a PARTIAL reply now; the client receives partials in order, before the final
   * reply (the handler's return value). Resolves when the socket accepted it; rejects
   * (code `EBADF`) when the request was abandoned, and with a ZmqError `ENOTSUP` when the
   * worker speaks MDP/0.1, which has exactly one reply per request.
   * @throws TypeError (synchronously) for anything that is not a message.
   */
  partial(body: MajordomoBody): Promise<void>
  /**
   * Aborted when the request is abandoned: the worker reconnected (its broker forgot the
   * request) or was closed. A long handler may stop then; its reply would be dropped.
   */
  readonly signal: AbortSignal
}

/**
 * Serves one request: receives its body frames and returns (or resolves with) the final
 * reply, one frame or an array of frames. Call `reply.partial()` first to stream partial
 * replies. Requests are served one at a time, in order.
 */
export type MajordomoHandler = (
  request: Buffer[],
  reply: MajordomoReply,
) => MajordomoBody | Promise<MajordomoBody>

/** Counters of a {@link MajordomoWorker}, from its creation. */
export interface MajordomoWorkerStats {
  /** READY commands sent: 1, plus one per reconnection. */
  connections: number
  /** Requests received. */
  requests: number
  /** Final replies sent. */
  replies: number
  /** Messages from the broker dropped as malformed. */
  malformed: number
}

/** The linger of a closing socket: time for its DISCONNECT to leave, no more. */
const GOODBYE_LINGER = 100

interface Connection {
  socket: Dealer
  /** Aborted when this connection ends: its requests are abandoned. */
  controller: AbortController
  lastHeard: number
  /** When the connection started. */
  opened: number
  /**
   * Whether the broker spoke while a request was being served. The guide's brokers
   * heartbeat idle workers only: until a broker shows it heartbeats busy ones too, its
   * silence is not counted while a handler runs.
   */
  heardWhileBusy: boolean
}

/**
 * A Majordomo worker (the guide's chapter 4 "mdwrkapi"): registers one service with a
 * broker and answers its requests with `handler`, one at a time, in MDP/0.1 (default,
 * what the guide's brokers speak) or MDP/0.2 (`protocol` option; partial replies).
 *
 * It connects at once (a Dealer socket) and sends READY; it sends HEARTBEAT every
 * `heartbeatInterval`, also while a handler runs. When the broker sends DISCONNECT, or
 * sends nothing for `liveness` intervals (not counting the time a handler runs, unless
 * the broker heartbeats busy workers), the worker closes its socket and registers
 * again on a new one: at once after a DISCONNECT (a restarted broker sends one to workers
 * it does not know), after `reconnectInterval` when the broker fell silent or refused a
 * connection younger than one heartbeat interval. A handler error is reported to
 * `onError` and the worker re-registers at once, saying DISCONNECT first: the request
 * gets no reply, and the client's retry recovers it.
 *
 * ```ts
 * const worker = new MajordomoWorker("tcp://127.0.0.1:5555", "echo", async request => request)
 * // Streaming: partial replies, then the final one.
 * const counter = new MajordomoWorker(endpoint, "count", async ([n], reply) => {
 *   for (let i = 1; i < Number(n); i++) await reply.partial(String(i))
 *   return String(n)
 * })
 * ```
 */
export class MajordomoWorker {
  /** Closes it, for `await using` (TypeScript 5.2+, explicit resource management). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  readonly #endpoint: string
  readonly #service: string
  readonly #handler: MajordomoHandler
  readonly #heartbeatInterval: number
  readonly #liveness: number
  readonly #reconnectInterval: number
  readonly #dialect: Dialect
  readonly #onError: (error: Error) => void
  readonly #stats: MajordomoWorkerStats = {connections: 0, requests: 0, replies: 0, malformed: 0}
  #connection: Connection | undefined
  #timer: NodeJS.Timeout
  #reconnectTimer: NodeJS.Timeout | undefined
  /** The requests being served, one after another. */
  #work: Promise<void> = Promise.resolve()
  /** Whether a handler is running. */
  #busy = false
  #loops = new Set<Promise<void>>()
  #closed = false

  /**
   * @param brokerEndpoint The broker's endpoint, e.g. `tcp://127.0.0.1:5555`.
   * @param service The service name to register (not `mmi.*`: the broker keeps those).
   * @param handler Serves each request; see {@link MajordomoHandler}.
   * @throws TypeError / RangeError for an invalid argument or option (the message names
   *   it); ZmqError when the endpoint is invalid.
   */
  constructor(
    brokerEndpoint: string,
    service: string,
    handler: MajordomoHandler,
    options?: MajordomoWorkerOptions,
  ) {
    this.#endpoint = checkName("brokerEndpoint", brokerEndpoint)
    this.#service = checkName("service", service)
    if (service.startsWith("mmi.")) {
      throw new RangeError(`service must not start with "mmi." (reserved for the broker)`)
    }
    if (typeof handler !== "function") {
      throw new TypeError(`handler must be a function, got ${typeof handler}`)
    }
    this.#handler = handler
    const {
      heartbeatInterval = 2500,
      liveness = 3,
      reconnectInterval = 2500,
      protocol,
      onError,
    } = checkOptions("MajordomoWorker", options)
    this.#heartbeatInterval = checkMs("heartbeatInterval", heartbeatInterval)
    this.#liveness = checkCount("liveness", liveness)
    this.#reconnectInterval = checkMs("reconnectInterval", reconnectInterval, 0)
    this.#dialect = checkProtocol(protocol)
    this.#onError = checkFunction("onError", onError) ?? warnError
    // Connect first: an invalid endpoint throws here, before any timer exists.
    this.#connect()
    this.#timer = setInterval(() => this.#tick(), this.#heartbeatInterval)
  }

  /** The service this worker serves. */
  get service(): string {
    return this.#service
  }

  /** The protocol version this worker speaks. */
  get protocol(): MajordomoProtocol {
    return this.#dialect.protocol
  }

  /** A copy of the worker's counters. */
  get stats(): MajordomoWorkerStats {
    return {...this.#stats}
  }

  /**
   * Sends DISCONNECT (best effort, for up to 100 ms), closes the socket and stops the
   * timers. A request being served is abandoned: its `reply.signal` aborts and its reply
   * is dropped. Safe to call more than once.
   */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    clearInterval(this.#timer)
    clearTimeout(this.#reconnectTimer)
    this.#disconnect(true)
    await Promise.all(this.#loops)
  }

  #report(err: unknown): void {
    const error = err instanceof Error ? err : new Error(String(err))
    try {
      this.#onError(error)
    } catch {
      // An onError that throws must not break the worker.
    }
  }

  #connect(): void {
    if (this.#closed) return
    const socket = new Dealer({linger: 0})
    try {
      socket.connect(this.#endpoint)
    } catch (err) {
      socket.close()
      throw err
    }
    const connection: Connection = {
      socket,
      controller: new AbortController(),
      lastHeard: Date.now(),
      opened: Date.now(),
      heardWhileBusy: false,
    }
    this.#connection = connection
    this.#stats.connections++
    this.#command(connection, "READY", [this.#service])
    const loop = this.#receive(connection).finally(() => this.#loops.delete(loop))
    this.#loops.add(loop)
  }

  /** Ends the current connection (with DISCONNECT when `goodbye`): its requests are abandoned. */
  #disconnect(goodbye: boolean): void {
    const connection = this.#connection
    if (connection === undefined) return
    this.#connection = undefined
    connection.controller.abort()
    const {socket} = connection
    try {
      if (goodbye) {
        socket.linger = GOODBYE_LINGER
        this.#command(connection, "DISCONNECT")
      }
      socket.close()
    } catch (err) {
      this.#report(err)
    }
  }

  /** Starts over on a new socket, now or after `wait` ms. */
  #reconnect(wait: number, goodbye: boolean): void {
    this.#disconnect(goodbye)
    if (this.#closed || this.#reconnectTimer !== undefined) return
    if (wait === 0 && this.#tryConnect()) return
    // After a failed connect (say, out of file descriptors): try again later, not never.
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined
      if (!this.#tryConnect()) this.#reconnect(this.#reconnectInterval, false)
    }, wait || this.#reconnectInterval)
  }

  #tryConnect(): boolean {
    try {
      this.#connect()
      return true
    } catch (err) {
      this.#report(err)
      return false
    }
  }

  #command(connection: Connection, command: WorkerCommand, rest?: MessageLike[]): Promise<void> {
    return this.#send(connection, workerCommand(this.#dialect, command, rest))
  }

  #send(connection: Connection, frames: MessageLike[]): Promise<void> {
    // While the broker is away the send may wait (high-water mark): never await it in a
    // timer, and a closed socket's rejection only means the connection ended.
    const sent = connection.socket.send(frames)
    sent.catch(err => {
      if (!isClosedError(err)) this.#report(err)
    })
    return sent
  }

  async #receive(connection: Connection): Promise<void> {
    try {
      for await (const frames of connection.socket) {
        connection.lastHeard = Date.now()
        if (this.#busy) connection.heardWhileBusy = true
        this.#received(connection, frames)
        if (this.#connection !== connection) return
      }
    } catch (err) {
      if (isClosedError(err)) return
      this.#report(err)
      if (this.#connection === connection) this.#reconnect(this.#reconnectInterval, false)
    }
  }

  #received(connection: Connection, frames: Buffer[]): void {
    const parsed = parseWorkerCommand(frames)
    if (parsed === undefined || parsed.dialect !== this.#dialect) {
      this.#stats.malformed++
      return
    }
    const {command, rest} = parsed
    switch (command) {
      case "REQUEST":
        // [client, "", body…]
        if (rest.length < 3 || rest[1].length !== 0) break
        this.#stats.requests++
        this.#enqueue(connection, rest[0], rest.slice(2))
        return
      case "HEARTBEAT":
        if (rest.length !== 0) break
        return
      case "DISCONNECT":
        if (rest.length !== 0) break
        // The broker forgot us (restarted, or took us for dead): register again at once,
        // unless it refuses this worker outright (then a loop must not spin).
        this.#reconnect(
          Date.now() - connection.opened < this.#heartbeatInterval ? this.#reconnectInterval : 0,
          false,
        )
        return
    }
    this.#stats.malformed++
  }

  #enqueue(connection: Connection, client: Buffer, body: Buffer[]): void {
    this.#work = this.#work.then(() => this.#serve(connection, client, body))
  }

  async #serve(connection: Connection, client: Buffer, body: Buffer[]): Promise<void> {
    const {signal} = connection.controller
    if (signal.aborted) return
    const reply: MajordomoReply = {
      partial: partial => {
        const frames = bodyFrames(partial)
        if (!this.#dialect.partials) {
          return Promise.reject(
            zmqError(
              "ENOTSUP",
              `Partial replies need MDP/0.2; this worker speaks ${this.protocol}`,
            ),
          )
        }
        if (signal.aborted) return Promise.reject(zmqError("EBADF"))
        return this.#command(connection, "PARTIAL", [client, EMPTY, ...frames])
      },
      signal,
    }
    this.#busy = true
    try {
      const result = await this.#handler(body, reply)
      const frames = bodyFrames(result)
      if (signal.aborted) return
      await this.#command(connection, "FINAL", [client, EMPTY, ...frames])
      this.#stats.replies++
    } catch (err) {
      // A handler stopped by the end of its connection: nothing to report.
      if (signal.aborted && isClosedError(err)) return
      this.#report(err)
      // Without a FINAL the broker would take this worker for busy forever: start over.
      if (this.#connection === connection) this.#reconnect(0, true)
    } finally {
      this.#busy = false
      // A broker that does not heartbeat busy workers was silent all along: count its
      // silence from now.
      if (!connection.heardWhileBusy)
        connection.lastHeard = Math.max(connection.lastHeard, Date.now())
    }
  }

  /** Each heartbeat interval: detect a silent broker, send a heartbeat. */
  #tick(): void {
    const connection = this.#connection
    if (connection === undefined) return
    const now = Date.now()
    const counting = !this.#busy || connection.heardWhileBusy
    if (counting && now - connection.lastHeard > this.#heartbeatInterval * this.#liveness) {
      this.#reconnect(this.#reconnectInterval, false)
    } else {
      this.#command(connection, "HEARTBEAT")
    }
  }
}
