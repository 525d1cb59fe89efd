/**
 * The Clone pattern's server (the guide's model 5/6 `clonesrv`, 12/CHP).
 * @module
 */
import {zmqError} from "../internal"
import {Pull, Router, Subscriber, XPublisher} from "../index"
import {
  checkKey,
  checkProperties,
  decodeText,
  decodeUpdate,
  encodeKvMsg,
  encodeProperties,
  encodeSequence,
  newUuid,
  reservedKeys,
  resolveEndpoints,
  type CloneEndpoints,
  type CloneUpdatePath,
} from "./clone-kvmsg"
import {checkCount, checkMs, isClosedError, warnError} from "./util"

/** Options of a {@link CloneServer}. */
export interface CloneServerOptions {
  /**
   * How often (ms) the server publishes a `HUGZ` heartbeat, busy or idle (a client
   * that subscribes to a quiet subtree hears nothing else). Default 1000. Clients take
   * a server that stays silent for their `timeout` as dead, so keep this well below it.
   */
  heartbeatInterval?: number
  /**
   * How many updates libzmq may queue for one subscriber before it drops the next ones
   * for that subscriber (the publisher's `sendHighWaterMark`). Default 10000. A client
   * that follows the whole map sees the gap in sequence numbers and takes a new
   * snapshot; a client of a subtree cannot tell.
   */
  sendHighWaterMark?: number
  /**
   * How clients send their updates to the collector: `"pub-sub"` (default; 12/CHP and
   * the guide's model 6: the collector is a Subscriber, clients publish) or `"push-pull"`
   * (the guide's model 5: the collector is a Pull socket, clients push). Clients must
   * use the same (`CloneClient`'s `updates` option); a client of the other kind is
   * refused at the ZeroMQ handshake and its updates never arrive.
   */
  updates?: CloneUpdatePath
  /**
   * Called with unexpected errors of the background loops (never with errors of closed
   * sockets, and never for malformed input, which is only counted in
   * {@link CloneServer.stats}). Default: a process warning.
   */
  onError?: (error: Error) => void
}

/** Options of an update made with {@link CloneServer.set} or `CloneClient.set`. */
export interface CloneSetOptions {
  /**
   * Time to live (ms): the server deletes the key (and publishes the delete) this long
   * after it stored the update. Sent as the `ttl` property in seconds (`ttl=1.5`); the
   * guide's C server reads whole seconds only. Default: none (the key stays).
   */
  ttl?: number
  /** More properties (`name=value`), stored and published with the value. */
  properties?: Record<string, string>
}

/** What a {@link CloneServer} has done, counted since it was created. */
export interface CloneServerStats {
  /** Updates and deletes stored and published (including those made with `set`). */
  updates: number
  /** Keys deleted because their time to live ran out. */
  expired: number
  /** Snapshots sent (`ICANHAZ?` answered). */
  snapshots: number
  /** Messages on the collector that were not a valid kvmsg: dropped. */
  malformed: number
  /** Messages on the snapshot socket that were not an `ICANHAZ?` request: dropped. */
  badRequests: number
}

interface Entry {
  value: Buffer
  sequence: number
  uuid: Buffer
  properties: Record<string, string>
  /** When (performance.now() ms) the time to live runs out. */
  expiresAt?: number
}

const HUGZ = "HUGZ"
const KTHXBAI = "KTHXBAI"
const ICANHAZ = "ICANHAZ?"
const empty = Buffer.alloc(0)

/**
 * Keeps a key-value map and shares it with Clone clients (the 12/CHP protocol; the
 * guide's Clone pattern, model 6 on one server, or model 5 with `updates: "push-pull"`):
 *
 * - snapshot socket (Router): answers `["ICANHAZ?", subtree]` with every key under the
 *   subtree (one kvmsg each) and then `KTHXBAI` carrying the current sequence number;
 * - publisher (XPublisher): publishes every update with the sequence number it was
 *   given, and a `HUGZ` heartbeat every `heartbeatInterval` and whenever a client
 *   subscribes (so a joining client knows at once that its subscription is live);
 * - collector (a Subscriber to everything, or a Pull socket with `updates:
 *   "push-pull"`): takes updates from clients, numbers them (1, 2, 3, …) and publishes
 *   them. An empty body deletes the key; a `ttl` property (seconds) makes the server
 *   delete the key later and publish that delete.
 *
 * ```ts
 * const server = new CloneServer()
 * const endpoints = await server.bind("tcp://127.0.0.1:*")
 * // give `endpoints` (or "tcp://host:P" when bound to P, P+1, P+2) to the clients
 * await server.close()
 * ```
 */
export class CloneServer {
  /** Closes it, for `await using` (TypeScript 5.2+, explicit resource management). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  readonly #heartbeatInterval: number
  readonly #sendHighWaterMark: number
  readonly #updates: CloneUpdatePath
  readonly #onError?: (error: Error) => void
  readonly #map = new Map<string, Entry>()
  readonly #expiring = new Set<string>()
  readonly #stats: CloneServerStats = {
    updates: 0,
    expired: 0,
    snapshots: 0,
    malformed: 0,
    badRequests: 0,
  }
  #sequence = 0
  #endpoints?: CloneEndpoints
  #sockets?: {snapshot: Router; publisher: XPublisher; collector: Subscriber | Pull}
  #loops: Promise<void>[] = []
  #heartbeat?: NodeJS.Timeout
  #expiryTimer?: NodeJS.Timeout
  #expiryDue = Infinity
  #closed = false

  /**
   * @throws TypeError or RangeError for an option of the wrong type or out of range.
   */
  constructor(options: CloneServerOptions = {}) {
    if (typeof options !== "object" || options === null) {
      throw new TypeError("options must be an object")
    }
    this.#heartbeatInterval = checkMs("heartbeatInterval", options.heartbeatInterval ?? 1000)
    this.#sendHighWaterMark = checkCount("sendHighWaterMark", options.sendHighWaterMark ?? 10000)
    this.#updates = checkUpdatePath(options.updates)
    if (options.onError !== undefined && typeof options.onError !== "function") {
      throw new TypeError("onError must be a function")
    }
    this.#onError = options.onError ?? warnError
  }

  /**
   * Binds the three sockets and starts serving. `endpoints` is either an object with
   * all three, or `"tcp://host:P"` (ports P, P + 1, P + 2, the CHP layout), or
   * `"tcp://host:*"` (three ports the system picks). Resolves with the endpoints
   * bound (real ports), also in {@link CloneServer.endpoints}.
   * @throws TypeError for endpoints of the wrong form; ZmqError (rejected) when a bind
   *   fails (e.g. `EADDRINUSE`; then nothing stays bound); Error when already bound or
   *   closed.
   */
  async bind(endpoints: string | CloneEndpoints): Promise<CloneEndpoints> {
    const wanted = resolveEndpoints("bind()", endpoints, true)
    if (this.#closed) throw zmqError("EBADF", "The Clone server is closed")
    if (this.#sockets !== undefined) throw new Error("The Clone server is already bound")
    const sockets = {
      // No high-water mark: a snapshot bigger than it would lose its end (KTHXBAI).
      snapshot: new Router({linger: 0, sendHighWaterMark: 0}),
      publisher: new XPublisher({
        linger: 0,
        sendHighWaterMark: this.#sendHighWaterMark,
        verbosity: "allSubs",
      }),
      collector: this.#updates === "pub-sub" ? new Subscriber({linger: 0}) : new Pull({linger: 0}),
    }
    if (sockets.collector instanceof Subscriber) sockets.collector.subscribe()
    this.#sockets = sockets
    try {
      await sockets.snapshot.bind(wanted.snapshot)
      await sockets.publisher.bind(wanted.publisher)
      await sockets.collector.bind(wanted.collector)
    } catch (err) {
      this.#sockets = undefined
      for (const socket of Object.values(sockets)) socket.close()
      throw err
    }
    if (this.#closed) {
      // close() ran while binding.
      for (const socket of Object.values(sockets)) socket.close()
      throw zmqError("EBADF", "The Clone server is closed")
    }
    this.#endpoints = {
      snapshot: sockets.snapshot.lastEndpoint!,
      publisher: sockets.publisher.lastEndpoint!,
      collector: sockets.collector.lastEndpoint!,
    }
    this.#loops = [
      this.#serve(sockets.snapshot, frames => this.#answer(frames)),
      this.#serve(sockets.collector, frames => this.#collect(frames)),
      this.#serve(sockets.publisher, frames => this.#subscribed(frames)),
    ]
    this.#heartbeat = setInterval(() => this.#hugz(), this.#heartbeatInterval)
    return {...this.#endpoints}
  }

  /** The endpoints bound (with real ports), or `undefined` before {@link bind}. */
  get endpoints(): CloneEndpoints | undefined {
    return this.#endpoints && {...this.#endpoints}
  }

  /** How clients send updates to this server (the `updates` option). */
  get updates(): CloneUpdatePath {
    return this.#updates
  }

  /** The sequence number of the last update (0 before the first). */
  get sequence(): number {
    return this.#sequence
  }

  /** How many keys the map holds. */
  get size(): number {
    return this.#map.size
  }

  /** The value of `key`, or `undefined` when the map has none. */
  get(key: string): Buffer | undefined {
    return this.#map.get(key)?.value
  }

  /** The keys and values of the map (in insertion order). */
  *entries(): IterableIterator<[string, Buffer]> {
    for (const [key, entry] of this.#map) yield [key, entry.value]
  }

  /** A copy of the counters. */
  get stats(): CloneServerStats {
    return {...this.#stats}
  }

  /**
   * Stores and publishes an update as if a client had sent it (before {@link bind}, it
   * is only stored: a way to seed the map). Returns its sequence number.
   * @throws TypeError/RangeError for an invalid key, value or option (an empty value:
   *   use {@link delete}); ZmqError `EBADF` after {@link close}.
   */
  set(key: string, value: Buffer | string, options: CloneSetOptions = {}): number {
    checkKey(key)
    if (reservedKeys.has(key)) throw new RangeError(`"${key}" is reserved by the protocol`)
    const body = checkValue(value)
    const {properties, ttl} = checkSetOptions(options)
    if (this.#closed) throw zmqError("EBADF", "The Clone server is closed")
    return this.#apply(key, body, newUuid(), properties, ttl)
  }

  /**
   * Deletes a key and publishes the delete (published even when the key is absent, as
   * a client's delete is). Returns its sequence number.
   * @throws as {@link set}.
   */
  delete(key: string): number {
    checkKey(key)
    if (reservedKeys.has(key)) throw new RangeError(`"${key}" is reserved by the protocol`)
    if (this.#closed) throw zmqError("EBADF", "The Clone server is closed")
    return this.#apply(key, empty, newUuid(), Object.create(null) as Record<string, string>, 0)
  }

  /**
   * Stops serving: stops the heartbeat and expiry timers, closes the sockets (nothing
   * queued is delivered) and waits for the loops to end. Idempotent.
   */
  async close(): Promise<void> {
    if (this.#closed) {
      await Promise.all(this.#loops)
      return
    }
    this.#closed = true
    clearInterval(this.#heartbeat)
    clearTimeout(this.#expiryTimer)
    this.#expiryTimer = undefined
    if (this.#sockets) for (const socket of Object.values(this.#sockets)) socket.close()
    await Promise.all(this.#loops)
  }

  /** Receives on `socket` until it closes, handing every message to `handle`. */
  async #serve(
    socket: Router | Subscriber | Pull | XPublisher,
    handle: (frames: Buffer[]) => void,
  ): Promise<void> {
    for (;;) {
      let batch: Buffer[][]
      try {
        batch = await socket.receiveMany(256)
      } catch (err) {
        if (!this.#closed && !isClosedError(err)) this.#report(err)
        return
      }
      for (const frames of batch) {
        try {
          handle(frames)
        } catch (err) {
          this.#report(err)
        }
      }
    }
  }

  /** A snapshot request: `[identity, "ICANHAZ?", subtree]` (subtree frame optional). */
  #answer(frames: Buffer[]): void {
    const [identity, command, subtreeFrame] = frames
    const subtree = subtreeFrame === undefined ? "" : decodeText(subtreeFrame)
    if (
      (frames.length !== 2 && frames.length !== 3) ||
      command.toString("latin1") !== ICANHAZ ||
      subtree === undefined
    ) {
      this.#stats.badRequests++
      return
    }
    // Taken in one synchronous step: no update can slip in between the entries and the
    // sequence number that KTHXBAI reports.
    const messages: Buffer[][] = []
    for (const [key, entry] of this.#map) {
      if (!key.startsWith(subtree)) continue
      messages.push([
        identity,
        ...encodeKvMsg({
          key,
          sequence: entry.sequence,
          uuid: entry.uuid,
          properties: entry.properties,
          body: entry.value,
        }),
      ])
    }
    const end = [Buffer.from(KTHXBAI), encodeSequence(this.#sequence), empty, empty, subtreeFrame]
    messages.push([identity, ...end.map(frame => frame ?? empty)])
    this.#stats.snapshots++
    this.#sockets!.snapshot.sendMany(messages).catch(err => this.#failed(err))
  }

  /** An update from a client. */
  #collect(frames: Buffer[]): void {
    const message = decodeUpdate(frames)
    if (message === undefined || reservedKeys.has(message.key)) {
      this.#stats.malformed++
      return
    }
    let ttl = 0
    const ttlText = message.properties.ttl
    if (ttlText !== undefined) {
      const seconds = ttlText.trim() === "" ? NaN : Number(ttlText)
      if (!Number.isFinite(seconds) || seconds < 0) {
        this.#stats.malformed++
        return
      }
      ttl = seconds * 1000
    }
    this.#apply(message.key, message.body, message.uuid, message.properties, ttl)
  }

  /** A subscription reached the publisher: tell the new subscriber it is live. */
  #subscribed(frames: Buffer[]): void {
    if (frames[0]?.[0] === 1) this.#hugz()
  }

  #hugz(): void {
    // The guide's model 6 sends the current sequence (12/CHP: zero): a client that
    // follows the whole map can tell from it that it missed something.
    this.#publish([Buffer.from(HUGZ), encodeSequence(this.#sequence), empty, empty, empty])
  }

  /** Numbers, publishes and stores an update (an empty value deletes). */
  #apply(
    key: string,
    value: Buffer,
    uuid: Buffer,
    properties: Record<string, string>,
    ttl: number,
  ): number {
    const sequence = ++this.#sequence
    this.#stats.updates++
    this.#publish([
      Buffer.from(key),
      encodeSequence(sequence),
      uuid,
      encodeProperties(properties),
      value,
    ])
    if (value.length === 0) {
      this.#map.delete(key)
      this.#expiring.delete(key)
      return sequence
    }
    // Re-inserted so that entries() and snapshots list keys in update order.
    this.#map.delete(key)
    const entry: Entry = {value, sequence, uuid, properties}
    this.#map.set(key, entry)
    if (ttl > 0) {
      entry.expiresAt = performance.now() + ttl
      this.#expiring.add(key)
      this.#scheduleExpiry(entry.expiresAt)
    } else {
      this.#expiring.delete(key)
    }
    return sequence
  }

  #publish(frames: Buffer[]): void {
    // Sends complete in call order, so updates leave in sequence order without waiting.
    this.#sockets?.publisher.send(frames).catch(err => this.#failed(err))
  }

  #scheduleExpiry(at: number): void {
    if (this.#closed || at >= this.#expiryDue) return
    clearTimeout(this.#expiryTimer)
    this.#expiryDue = at
    this.#expiryTimer = setTimeout(
      () => this.#expire(),
      Math.max(0, Math.ceil(at - performance.now())),
    )
  }

  /** Deletes (and publishes the delete of) every key whose time to live ran out. */
  #expire(): void {
    this.#expiryTimer = undefined
    this.#expiryDue = Infinity
    if (this.#closed) return
    const now = performance.now()
    let next = Infinity
    for (const key of [...this.#expiring]) {
      const entry = this.#map.get(key)!
      if (entry.expiresAt! <= now) {
        this.#stats.expired++
        this.#apply(key, empty, entry.uuid, Object.create(null) as Record<string, string>, 0)
      } else {
        next = Math.min(next, entry.expiresAt!)
      }
    }
    if (next < Infinity) this.#scheduleExpiry(next)
  }

  #failed(err: unknown): void {
    if (!this.#closed && !isClosedError(err)) this.#report(err)
  }

  #report(err: unknown): void {
    const error = err instanceof Error ? err : new Error(String(err))
    try {
      this.#onError?.(error)
    } catch {
      // An onError that throws must not end the loops.
    }
  }
}

/** @internal A value given by a caller: bytes or a string, not empty. */
export function checkValue(value: unknown): Buffer {
  let body: Buffer
  if (typeof value === "string") body = Buffer.from(value)
  else if (Buffer.isBuffer(value)) body = value
  else if (value instanceof Uint8Array) body = Buffer.from(value)
  else throw new TypeError(`value must be a Buffer or a string, got ${typeof value}`)
  if (body.length === 0) throw new RangeError("value must not be empty (use delete())")
  return body
}

/** @internal Checks an `updates` option (default `"pub-sub"`). */
export function checkUpdatePath(value: unknown): CloneUpdatePath {
  if (value === undefined) return "pub-sub"
  if (value !== "pub-sub" && value !== "push-pull") {
    const got = typeof value === "string" ? `"${value}"` : typeof value
    throw new (typeof value === "string" ? RangeError : TypeError)(
      `updates must be "pub-sub" or "push-pull", got ${got}`,
    )
  }
  return value
}

/** @internal The properties to send with an update, `ttl` (seconds) included. */
export function checkSetOptions(options: CloneSetOptions): {
  properties: Record<string, string>
  ttl: number
} {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("options must be an object")
  }
  const properties = checkProperties("properties", options.properties ?? {})
  let ttl = 0
  if (options.ttl !== undefined) {
    ttl = checkMs("ttl", options.ttl)
    properties.ttl = String(ttl / 1000)
  } else if (properties.ttl !== undefined) {
    throw new TypeError('give the time to live as the ttl option (ms), not as a "ttl" property')
  }
  return {properties, ttl}
}
