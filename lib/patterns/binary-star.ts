/**
 * Binary Star: a primary/backup server pair with automatic failover (ZeroMQ guide,
 * chapter 4, "High-Availability Pair"), and its client.
 * @module
 */
import {ZmqError, type MessageLike, Publisher, Request, Router, Subscriber} from "../index"
import {zmqError, checkMessage} from "../internal"
import {RequestTimeoutError} from "./errors"
import {checkCount, checkEndpoint, checkMs, delay, isClosedError, warnError} from "./util"

/**
 * The state of a {@link BinaryStar} server, as in the guide's state machine:
 * - `"primary"`, `"backup"`: just started, waiting to hear from the peer;
 * - `"active"`: serving clients;
 * - `"passive"`: standing by; takes over when the peer has been silent for two
 *   heartbeats and a client request arrives (the client's vote).
 */
export type BinaryStarState = "primary" | "backup" | "active" | "passive"

/** Which server of the pair this is: the primary is preferred when both start together. */
export type BinaryStarRole = "primary" | "backup"

/**
 * What a {@link BinaryStarHandler} answers: one frame or an array of frames, or
 * `null`/`undefined` for no reply at all (the client then times out and retries).
 */
export type BinaryStarReply = MessageLike | MessageLike[] | null | undefined

/**
 * Serves one client request, given its frames without the routing envelope. Called
 * only while the server is active. May be async; requests are not serialized, so
 * several may be in progress at once.
 */
export type BinaryStarHandler = (request: Buffer[]) => BinaryStarReply | Promise<BinaryStarReply>

/** Options of a {@link BinaryStar} server. */
export interface BinaryStarOptions {
  /** `"primary"` or `"backup"`. Required. */
  role: BinaryStarRole
  /**
   * Endpoint the client-facing Router binds to (`"tcp://127.0.0.1:*"` picks a port;
   * read it back from {@link BinaryStar.frontendEndpoint}). Required.
   */
  frontend: string
  /**
   * Endpoint the state Publisher binds to; the peer's Subscriber connects here.
   * Required.
   */
  localState: string
  /**
   * Endpoint of the peer's state Publisher, connected at {@link BinaryStar.start}.
   * Optional: leave it out and call {@link BinaryStar.connectPeer} once it is known.
   */
  remoteState?: string
  /**
   * How often the state is published, in ms (default 1000). The peer is considered
   * dead after two heartbeats without hearing from it. Both servers must use the same
   * value.
   */
  heartbeatInterval?: number
  /** Answers client requests while this server is active. Required. */
  handler: BinaryStarHandler
  /** Called after every state change, with the new and the previous state. */
  onStateChange?: (state: BinaryStarState, previous: BinaryStarState) => void
  /**
   * Called once when the pair is in an impossible combination (both active or both
   * passive); the server has already closed itself, as the guide's server aborts.
   * Without it the error is emitted as a process warning.
   */
  onFatal?: (error: BinaryStarFatalError) => void
  /**
   * Called with errors that do not stop the server: a handler that threw or returned
   * something that is not a message, or an unexpected socket error. Without it they
   * are emitted as process warnings.
   */
  onError?: (error: Error) => void
}

/** Counters of a {@link BinaryStar} server since it started. */
export interface BinaryStarStatistics {
  /** Client requests passed to the handler. */
  readonly handled: number
  /** Client requests dropped because this server was not active and could not become so. */
  readonly dropped: number
  /**
   * Messages dropped as malformed: state messages other than a single frame `"1"` to
   * `"4"`, and requests without the empty delimiter frame that ends the envelope.
   */
  readonly malformed: number
}

/**
 * The pair is in a state the protocol does not allow: both servers active (split
 * brain) or both passive (nobody serves). The server that notices closes itself.
 */
export class BinaryStarFatalError extends Error {
  /** This server's state when the peer's state arrived. */
  readonly state: BinaryStarState
  /** The state the peer announced. */
  readonly peerState: BinaryStarState

  /** The error of a pair found in an impossible state (`state` here, `peerState` there). */
  constructor(message: string, state: BinaryStarState, peerState: BinaryStarState) {
    super(message)
    this.name = "BinaryStarFatalError"
    this.state = state
    this.peerState = peerState
  }
}

// On the wire a state is one frame with its number in ASCII, as in the guide's bstar.
const wireNumber: Record<BinaryStarState, string> = {
  primary: "1",
  backup: "2",
  active: "3",
  passive: "4",
}
const fromWire = new Map<string, BinaryStarState>(
  Object.entries(wireNumber).map(([state, wire]) => [wire, state as BinaryStarState]),
)

/** A state announced by the peer, or a client request (the guide's events). */
type Event = BinaryStarState | "request"

/**
 * One server of a Binary Star pair. Both servers bind a Router for clients and a
 * Publisher that announces their state every heartbeat, and subscribe to each
 * other's state. A finite-state machine (the guide's, event by event) decides which
 * one serves: requests reach the handler only while this server is active; others are
 * dropped, and the client fails over to the other server.
 *
 * A passive server takes over only when the peer has been silent for two heartbeats
 * *and* a client request arrives: a client that cannot reach the active server is the
 * second vote, so a broken link between the two servers alone does not make both
 * active. A primary restarted after a failover comes back passive.
 *
 * ```ts
 * const star = new BinaryStar({
 *   role: "primary",
 *   frontend: "tcp://*:5001",
 *   localState: "tcp://*:5003",
 *   remoteState: "tcp://backup-host:5004",
 *   handler: request => request, // echo
 * })
 * await star.start()
 * ```
 *
 * When ports are picked at bind time (`tcp://127.0.0.1:*`), leave out `remoteState`,
 * start both servers, then give each the other's
 * {@link BinaryStar.localStateEndpoint} with {@link BinaryStar.connectPeer}.
 */
export class BinaryStar {
  readonly #role: BinaryStarRole
  readonly #heartbeat: number
  readonly #options: BinaryStarOptions
  readonly #frontend: Router
  readonly #statePub: Publisher
  readonly #stateSub: Subscriber
  readonly #peers: string[] = []
  #state: BinaryStarState
  #peerExpiry = 0
  #timer: NodeJS.Timeout | undefined
  #loops: Promise<void>[] = []
  #started = false
  #closed = false
  #stats = {handled: 0, dropped: 0, malformed: 0}

  /**
   * Checks the options and creates the sockets; {@link start} binds them.
   * @throws TypeError for an option of the wrong type, RangeError for an option out of
   * range (each naming the option).
   */
  constructor(options: BinaryStarOptions) {
    if (typeof options !== "object" || options === null) {
      throw new TypeError("BinaryStar options must be an object")
    }
    const role: unknown = options.role
    if (typeof role !== "string") throw new TypeError(`role must be a string, got ${typeof role}`)
    if (role !== "primary" && role !== "backup") {
      throw new RangeError(`role must be "primary" or "backup", got ${JSON.stringify(role)}`)
    }
    checkEndpoint("frontend", options.frontend)
    checkEndpoint("localState", options.localState)
    if (options.remoteState !== undefined) checkEndpoint("remoteState", options.remoteState)
    this.#heartbeat = checkMs("heartbeatInterval", options.heartbeatInterval ?? 1000)
    if (typeof options.handler !== "function") {
      throw new TypeError(`handler must be a function, got ${typeof options.handler}`)
    }
    for (const name of ["onStateChange", "onFatal", "onError"] as const) {
      if (options[name] !== undefined && typeof options[name] !== "function") {
        throw new TypeError(`${name} must be a function, got ${typeof options[name]}`)
      }
    }
    this.#role = role
    this.#state = role
    this.#options = {...options}
    // Created only once the options are valid, so a TypeError leaks no socket.
    this.#frontend = new Router({linger: 0})
    this.#statePub = new Publisher({linger: 0})
    this.#stateSub = new Subscriber({linger: 0})
    this.#stateSub.subscribe()
    if (options.remoteState !== undefined) this.#peers.push(options.remoteState)
  }

  /** Which server of the pair this is. */
  get role(): BinaryStarRole {
    return this.#role
  }

  /** The current state (after a fatal error or close: the last one). */
  get state(): BinaryStarState {
    return this.#state
  }

  /** Whether {@link close} was called or a fatal error closed the server. */
  get closed(): boolean {
    return this.#closed
  }

  /** The endpoint clients connect to, once {@link start} bound it (else `null`). */
  get frontendEndpoint(): string | null {
    return this.#started ? this.#frontend.lastEndpoint : null
  }

  /** The endpoint the peer subscribes to, once {@link start} bound it (else `null`). */
  get localStateEndpoint(): string | null {
    return this.#started ? this.#statePub.lastEndpoint : null
  }

  /** A copy of the counters. */
  get statistics(): BinaryStarStatistics {
    return {...this.#stats}
  }

  /**
   * Binds the frontend and the state publisher, connects to the peer's state
   * publisher (if known) and starts the heartbeat and the state machine. The peer
   * counts as silent from now on until it is heard from.
   * @throws ZmqError when binding fails (the server is then closed), code `EBADF` when
   * the server is closed; Error when it was already started.
   */
  async start(): Promise<void> {
    if (this.#closed) throw zmqError("EBADF", "BinaryStar is closed")
    if (this.#started) throw new Error("BinaryStar is already started")
    this.#started = true
    try {
      await this.#frontend.bind(this.#options.frontend)
      await this.#statePub.bind(this.#options.localState)
      for (const peer of this.#peers) this.#stateSub.connect(peer)
    } catch (err) {
      await this.close()
      throw err
    }
    if (this.#closed) throw zmqError("EBADF", "BinaryStar is closed")
    this.#peerExpiry = performance.now() + 2 * this.#heartbeat
    this.#timer = setInterval(() => this.#publishState(), this.#heartbeat)
    this.#loops = [this.#receiveStates(), this.#receiveRequests()]
  }

  /**
   * Subscribes to the peer's state publisher at `endpoint` (its
   * {@link localStateEndpoint}). Use it instead of the `remoteState` option when the
   * endpoint is only known after both servers bound. Before {@link start} the
   * connection is made at start.
   * @throws TypeError for a non-string endpoint; ZmqError code `EBADF` after close.
   */
  connectPeer(endpoint: string): void {
    checkEndpoint("endpoint", endpoint)
    if (this.#closed) throw zmqError("EBADF", "BinaryStar is closed")
    if (this.#started) this.#stateSub.connect(endpoint)
    this.#peers.push(endpoint)
  }

  /**
   * Stops the heartbeat and the state machine and closes the sockets (nothing
   * lingers). Replies still being computed by the handler are dropped. Resolves when
   * the receive loops have ended; calling it again does nothing.
   */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true
      clearInterval(this.#timer)
      this.#frontend.close()
      this.#statePub.close()
      this.#stateSub.close()
    }
    await Promise.all(this.#loops)
  }

  #publishState(): void {
    this.#statePub.send(wireNumber[this.#state]).catch(err => this.#failed(err))
  }

  async #receiveStates(): Promise<void> {
    try {
      for await (const frames of this.#stateSub) {
        const peerState =
          frames.length === 1 ? fromWire.get(frames[0].toString("latin1")) : undefined
        if (peerState === undefined) {
          this.#stats.malformed++
          continue
        }
        this.#peerExpiry = performance.now() + 2 * this.#heartbeat
        this.#execute(peerState)
        if (this.#closed) break
      }
    } catch (err) {
      this.#failed(err)
    }
  }

  async #receiveRequests(): Promise<void> {
    try {
      for await (const frames of this.#frontend) {
        // The envelope (routing ids) ends with the empty delimiter frame REQ sockets add.
        const delimiter = frames.findIndex((frame, i) => i > 0 && frame.length === 0)
        if (delimiter < 0) {
          this.#stats.malformed++
          continue
        }
        if (!this.#execute("request")) {
          this.#stats.dropped++
          continue
        }
        this.#stats.handled++
        void this.#answer(frames.slice(0, delimiter + 1), frames.slice(delimiter + 1))
      }
    } catch (err) {
      this.#failed(err)
    }
  }

  async #answer(envelope: Buffer[], request: Buffer[]): Promise<void> {
    try {
      const reply = await this.#options.handler(request)
      if (reply === null || reply === undefined || this.#closed) return
      checkMessage(reply)
      await this.#frontend.send([...envelope, ...(Array.isArray(reply) ? reply : [reply])])
    } catch (err) {
      this.#failed(err)
    }
  }

  /** Reports an error unless it only says that the server was closed meanwhile. */
  #failed(err: unknown): void {
    if (this.#closed && isClosedError(err)) return
    const error = err instanceof Error ? err : new Error(String(err))
    try {
      ;(this.#options.onError ?? warnError)(error)
    } catch {
      // A throwing error callback must not end the loops.
    }
  }

  /**
   * Applies an event to the state machine (the guide's bstar reactor). Returns whether
   * a client request may be served; a fatal combination closes the server.
   */
  #execute(event: Event): boolean {
    const previous = this.#state
    const peerSilent = performance.now() >= this.#peerExpiry
    let accept = true
    let fatal: string | undefined
    switch (this.#state) {
      case "primary":
        if (event === "backup") this.#state = "active"
        else if (event === "active") this.#state = "passive"
        // Serve only once the backup has been silent for two heartbeats: it may have
        // taken over while this primary was down, and then this one must go passive.
        else if (event === "request") {
          if (peerSilent) this.#state = "active"
          else accept = false
        }
        break
      case "backup":
        if (event === "active") this.#state = "passive"
        else if (event === "request") accept = false
        break
      case "active":
        if (event === "active") fatal = "dual actives (split brain)"
        break
      case "passive":
        // The peer restarted: it will see this server active and go passive itself.
        if (event === "primary" || event === "backup") this.#state = "active"
        else if (event === "passive") fatal = "dual passives (nobody serves)"
        else if (event === "request") {
          // The client's request is the second vote for a failover.
          if (peerSilent) this.#state = "active"
          else accept = false
        }
        break
    }
    if (fatal !== undefined) {
      const peerState = event as BinaryStarState
      this.#fatal(
        new BinaryStarFatalError(`Binary Star fatal error: ${fatal}`, previous, peerState),
      )
      return false
    }
    if (this.#state !== previous) {
      try {
        this.#options.onStateChange?.(this.#state, previous)
      } catch (err) {
        this.#failed(err)
      }
    }
    return accept
  }

  #fatal(error: BinaryStarFatalError): void {
    void this.close()
    try {
      ;(this.#options.onFatal ?? warnError)(error)
    } catch (err) {
      this.#failed(err)
    }
  }
}

/** Options of a {@link BinaryStarClient}. */
export interface BinaryStarClientOptions {
  /** Endpoint of the primary server's frontend. Tried first. Required. */
  primary: string
  /** Endpoint of the backup server's frontend. Required. */
  backup: string
  /**
   * How long to wait for a reply to each try, in ms (default 2000). To fail over at the
   * first try it must exceed twice the servers' heartbeat (the time the backup needs
   * to consider the primary dead), or add a {@link settleDelay}.
   */
  timeout?: number
  /** How many times a request is sent in all, alternating servers (default 4). */
  retries?: number
  /**
   * Pause before sending to the other server after a timeout, in ms (default 0); the
   * guide's client waits 2000 ms with a 1000 ms timeout.
   */
  settleDelay?: number
}

/**
 * The client of a {@link BinaryStar} pair: Lazy Pirate over two servers. A request is
 * sent on a Request socket to the current server; when no reply comes within
 * `timeout`, the socket is dropped (its strict send/receive order is broken), the
 * client switches to the other server and sends again, up to `retries` sends in all.
 * It stays with the server that answered.
 *
 * Requests are sent one at a time, in call order. A request the server handled but
 * whose reply was lost is sent again, so it may be handled twice (on the dead server
 * and on the one that took over); the caller gets exactly one reply or one error.
 */
export class BinaryStarClient {
  readonly #endpoints: [string, string]
  readonly #timeout: number
  readonly #retries: number
  readonly #settleDelay: number
  readonly #abort = new AbortController()
  #current = 0
  #socket: Request | undefined
  #tail: Promise<unknown> = Promise.resolve()
  #closed = false

  /**
   * @throws TypeError for an option of the wrong type, RangeError for an option out of
   * range (each naming the option).
   */
  constructor(options: BinaryStarClientOptions) {
    if (typeof options !== "object" || options === null) {
      throw new TypeError("BinaryStarClient options must be an object")
    }
    this.#endpoints = [
      checkEndpoint("primary", options.primary),
      checkEndpoint("backup", options.backup),
    ]
    this.#timeout = checkMs("timeout", options.timeout ?? 2000)
    this.#retries = checkCount("retries", options.retries ?? 4)
    this.#settleDelay = checkMs("settleDelay", options.settleDelay ?? 0, 0)
  }

  /** The endpoint the next request goes to first. */
  get server(): string {
    return this.#endpoints[this.#current]
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this.#closed
  }

  /**
   * Sends a request (one frame or an array of frames) and resolves with the reply's
   * frames. Waits for earlier requests first.
   * @throws TypeError (as a rejection) for anything that is not a message;
   * {@link RequestTimeoutError} when no try was answered; ZmqError code `EBADF` when
   * the client is closed before the reply.
   */
  request(message: MessageLike | MessageLike[]): Promise<Buffer[]> {
    try {
      checkMessage(message)
    } catch (err) {
      return Promise.reject(err)
    }
    const frames = Array.isArray(message) ? [...message] : [message]
    const result = this.#tail.then(() => this.#send(frames))
    this.#tail = result.catch(() => undefined)
    return result
  }

  /**
   * Closes the socket: the request being tried and those waiting reject with
   * ZmqError code `EBADF`. Resolves when they have settled.
   */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true
      this.#abort.abort()
      this.#socket?.close()
      this.#socket = undefined
    }
    await this.#tail
  }

  #open(): Request {
    const socket = new Request({linger: 0, receiveTimeout: this.#timeout})
    try {
      socket.connect(this.server)
    } catch (err) {
      socket.close()
      throw err
    }
    return socket
  }

  async #send(frames: MessageLike[]): Promise<Buffer[]> {
    for (let attempt = 1; attempt <= this.#retries; attempt++) {
      if (this.#closed) throw closedClient()
      const socket = (this.#socket ??= this.#open())
      try {
        await socket.send(frames)
        return await socket.receive()
      } catch (err) {
        if (this.#closed) throw closedClient()
        if (!(err instanceof ZmqError && err.code === "EAGAIN")) throw err
      }
      // No reply in time: this socket waits for a reply that may never come.
      socket.close()
      this.#socket = undefined
      this.#current = 1 - this.#current
      if (this.#settleDelay > 0 && attempt < this.#retries) {
        await delay(this.#settleDelay, this.#abort.signal).catch(() => undefined)
      }
    }
    throw new RequestTimeoutError(
      `No reply from the Binary Star pair after ${this.#retries} tries of ${this.#timeout} ms`,
      this.#retries,
      this.#endpoints.join(","),
    )
  }
}

function closedClient(): ZmqError {
  return zmqError("EBADF", "BinaryStarClient is closed")
}
