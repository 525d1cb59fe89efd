/**
 * The Clone pattern's client (the guide's model 5/6 `clonecli` and `clone` agent, 12/CHP).
 * @module
 */
import {zmqError} from "../errors"
import {Fifo} from "../fifo"
import {Dealer, Push, Subscriber} from "../index"
import {
  checkKey,
  decodeKvMsg,
  encodeKvMsg,
  newUuid,
  reservedKeys,
  resolveEndpoints,
  type CloneEndpoints,
  type KvMsg,
} from "./clone-kvmsg"
import {checkSetOptions, checkValue, type CloneSetOptions} from "./clone-server"
import {RequestTimeoutError} from "./errors"
import {checkMs, isClosedError, warnError} from "./util"

/** One change of a {@link CloneClient}'s map. */
export interface CloneChange {
  /** The key that changed. */
  key: string
  /** The new value, or `undefined` when the key was deleted (or expired). */
  value: Buffer | undefined
  /**
   * The update's sequence number; for changes found in a snapshot, the snapshot's
   * (the sequence number of the last update it contains).
   */
  sequence: number
  /** The update's properties (e.g. `ttl`); empty for a delete found in a snapshot. */
  properties: Readonly<Record<string, string>>
  /** `"update"`: published by the server; `"snapshot"`: found in a (new) snapshot. */
  source: "update" | "snapshot"
}

/** Passed to `onSync`: the client has applied a snapshot. */
export interface CloneSyncEvent {
  /** The server the snapshot came from. */
  server: CloneEndpoints
  /** The snapshot's sequence number. */
  sequence: number
  /** How many keys the map holds now. */
  size: number
}

/** Passed to `onSilent`: the server has sent nothing (not even `HUGZ`) for `timeout` ms. */
export interface CloneSilentEvent {
  /** The server that went silent. */
  server: CloneEndpoints
  /** How long (ms) nothing came from it. */
  silentFor: number
}

/** Options of a {@link CloneClient}. */
export interface CloneClientOptions {
  /**
   * Only keys starting with this prefix: the snapshot asks for them, the subscription
   * filters for them. 12/CHP writes subtrees as `"/name/"`; any prefix works. Default
   * `""` (the whole map).
   */
  subtree?: string
  /**
   * How long (ms) the server may stay silent (no update, no `HUGZ`, no snapshot
   * message) before the client takes it as dead: it calls `onSilent`, moves to the
   * next server of {@link CloneClient.connect} (or tries the same one again) and
   * takes a new snapshot. Default 5000. Keep it a few times the server's
   * `heartbeatInterval`.
   */
  timeout?: number
  /**
   * Called synchronously for every change of the map, in order: the keys of each
   * snapshot that differ from the map before it, then every update the server
   * publishes under the subtree. Default: none. See also {@link CloneClient.changes}.
   */
  onChange?: (change: CloneChange) => void
  /** Called when a snapshot has been applied (the first one, and after every resync). */
  onSync?: (event: CloneSyncEvent) => void
  /**
   * Called when the server the client follows (or tries) has been silent for `timeout`
   * ms: once per outage, until a snapshot arrives again.
   */
  onSilent?: (event: CloneSilentEvent) => void
  /** Called with unexpected errors (of sockets or callbacks). Default: a process warning. */
  onError?: (error: Error) => void
}

/** What a {@link CloneClient} has done, counted since it was created. */
export interface CloneClientStats {
  /** Updates applied (published by the server, in the subtree). */
  updates: number
  /** Snapshots applied. */
  snapshots: number
  /**
   * New snapshots taken from the same server because updates were missing (a gap in
   * the sequence numbers, when following the whole map) or the server's sequence went
   * backwards (it restarted).
   */
  resyncs: number
  /** Times a server stayed silent for `timeout` ms (each try counts). */
  silences: number
  /** Moves to another server after a silence. */
  failovers: number
  /** Messages from the server that were not a valid kvmsg: dropped. */
  malformed: number
}

interface ClientEntry {
  value: Buffer
  properties: Readonly<Record<string, string>>
}

type Outcome = "silent" | "resync" | "closed"

/** What a session needs of its client. */
interface SessionHost {
  readonly subtree: string
  readonly timeout: number
  install(snapshot: Map<string, ClientEntry>, sequence: number, session: Session): void
  update(message: KvMsg, session: Session): void
  malformed(): void
  report(error: unknown): void
}

const HUGZ = "HUGZ"
const KTHXBAI = "KTHXBAI"
const ICANHAZ = "ICANHAZ?"
const noProperties: Readonly<Record<string, string>> = Object.freeze(Object.create(null))

/**
 * Keeps a copy of a {@link CloneServer}'s key-value map (or of one subtree of it) up to
 * date: the guide's Clone pattern (models 5 and 6), protocol 12/CHP.
 *
 * It subscribes to the server's updates first, waits until the subscription is live
 * (the first message on it), then asks for a snapshot (`ICANHAZ?`); the snapshot ends
 * with `KTHXBAI` and the sequence number of the last update it contains. Updates
 * numbered up to the snapshot's are dropped (already in it), whether they arrived
 * before the snapshot or after it (it comes on another connection); the later ones are
 * applied in order. So no update is lost or applied twice. Updates sent with {@link set} go to the server's collector and change the map
 * when the server publishes them back.
 *
 * A server that sends nothing for `timeout` ms (it sends `HUGZ` every second by
 * default) counts as dead: `onSilent` is called and the client moves to the next
 * server given to {@link connect} (model 6 fail-over; with one server it tries that one
 * again) and takes a new snapshot there. When following the whole map (no subtree),
 * a gap in the sequence numbers (updates dropped by a full queue) also triggers a new
 * snapshot; so does a server whose sequence goes backwards (it restarted).
 *
 * ```ts
 * const client = new CloneClient({onChange: c => console.log(c.key, c.value?.toString())})
 * await client.connect("tcp://127.0.0.1:5556") // or the endpoints CloneServer.bind() gave
 * await client.set("/config/color", "blue", {ttl: 60000})
 * client.get("/config/color") // a Buffer, once the server published it back
 * await client.close()
 * ```
 */
export class CloneClient {
  readonly #subtree: string
  readonly #timeout: number
  readonly #onChange?: (change: CloneChange) => void
  readonly #onSync?: (event: CloneSyncEvent) => void
  readonly #onSilent?: (event: CloneSilentEvent) => void
  readonly #onError?: (error: Error) => void
  readonly #host: SessionHost
  readonly #listeners = new Set<ChangeQueue>()
  readonly #stats: CloneClientStats = {
    updates: 0,
    snapshots: 0,
    resyncs: 0,
    silences: 0,
    failovers: 0,
    malformed: 0,
  }
  #map = new Map<string, ClientEntry>()
  #sequence = 0
  #servers: CloneEndpoints[] = []
  #index = 0
  #collector?: Push
  #collectorEndpoint?: string
  #session?: Session
  #synced = false
  /** Whether a message numbered at or past the snapshot has come since it (see #update). */
  #settled = false
  #silent = false
  #closed = false
  #run?: Promise<void>
  #firstSync?: {resolve: () => void; reject: (error: Error) => void}

  /**
   * @throws TypeError or RangeError for an option of the wrong type or out of range.
   */
  constructor(options: CloneClientOptions = {}) {
    if (typeof options !== "object" || options === null) {
      throw new TypeError("options must be an object")
    }
    const subtree = options.subtree ?? ""
    if (typeof subtree !== "string") {
      throw new TypeError(`subtree must be a string, got ${typeof subtree}`)
    }
    this.#subtree = subtree
    this.#timeout = checkMs("timeout", options.timeout ?? 5000)
    for (const name of ["onChange", "onSync", "onSilent", "onError"] as const) {
      if (options[name] !== undefined && typeof options[name] !== "function") {
        throw new TypeError(`${name} must be a function`)
      }
    }
    this.#onChange = options.onChange
    this.#onSync = options.onSync
    this.#onSilent = options.onSilent
    this.#onError = options.onError ?? warnError
    this.#host = {
      subtree: this.#subtree,
      timeout: this.#timeout,
      install: (snapshot, sequence, session) => this.#install(snapshot, sequence, session),
      update: (message, session) => this.#update(message, session),
      malformed: () => this.#stats.malformed++,
      report: error => this.#report(error),
    }
  }

  /**
   * Starts following the server(s): one server's endpoints (an object, or
   * `"tcp://host:P"` for ports P, P + 1, P + 2), or a list of servers to fail over
   * between, in order. Resolves when the first snapshot has been applied.
   *
   * Rejects with a {@link RequestTimeoutError} (code `"ETIMEDOUT"`) when every server
   * has been tried once and none sent a snapshot (each had `timeout` ms); the client
   * keeps trying in the background (call {@link close} to stop it). Rejects with a
   * `ZmqError` `EBADF` when the client is closed first.
   * @throws TypeError (synchronously) for endpoints of the wrong form; Error when
   *   already connected; ZmqError `EBADF` after {@link close}.
   */
  connect(
    servers: string | CloneEndpoints | ReadonlyArray<string | CloneEndpoints>,
  ): Promise<void> {
    const list = Array.isArray(servers) ? servers : [servers]
    if (list.length === 0) throw new TypeError("connect(): give at least one server")
    const resolved = list.map((server: unknown) => resolveEndpoints("connect()", server, false))
    if (this.#closed) throw zmqError("EBADF", "The Clone client is closed")
    if (this.#run !== undefined) throw new Error("The Clone client is already connected")
    this.#servers = resolved
    // A small linger: an update sent just before close() still leaves.
    this.#collector = new Push({linger: 500, sendTimeout: this.#timeout})
    const first = new Promise<void>((resolve, reject) => (this.#firstSync = {resolve, reject}))
    this.#run = this.#follow()
    return first
  }

  /** The subtree this client follows (`""`: the whole map). */
  get subtree(): string {
    return this.#subtree
  }

  /** The value of `key`, or `undefined` when the map has none. */
  get(key: string): Buffer | undefined {
    return this.#map.get(key)?.value
  }

  /** Whether the map has `key`. */
  has(key: string): boolean {
    return this.#map.has(key)
  }

  /** The properties stored with `key`'s value (e.g. `ttl`), or `undefined`. */
  properties(key: string): Readonly<Record<string, string>> | undefined {
    return this.#map.get(key)?.properties
  }

  /** The keys of the map. */
  keys(): IterableIterator<string> {
    return this.#map.keys()
  }

  /** The keys and values of the map. */
  *entries(): IterableIterator<[string, Buffer]> {
    for (const [key, entry] of this.#map) yield [key, entry.value]
  }

  /** How many keys the map holds. */
  get size(): number {
    return this.#map.size
  }

  /**
   * The sequence number the map is at: the last update applied (or the snapshot's).
   * Equal to the server's `sequence` once caught up (with a subtree: after a `HUGZ`).
   */
  get sequence(): number {
    return this.#sequence
  }

  /** Whether the client has a snapshot from the server it follows now. */
  get synced(): boolean {
    return this.#synced
  }

  /** Whether the last server went silent and no snapshot has arrived since. */
  get silent(): boolean {
    return this.#silent
  }

  /** The server the client follows (or tries) now; `undefined` before connect. */
  get server(): CloneEndpoints | undefined {
    const server = this.#servers[this.#index]
    return server && {...server}
  }

  /** A copy of the counters. */
  get stats(): CloneClientStats {
    return {...this.#stats}
  }

  /**
   * Sends an update to the server's collector (the map changes when the server
   * publishes it back). Resolves when libzmq took it; nothing confirms that the server
   * got it (12/CHP has no acknowledgement: an update sent while the server is down may
   * be lost, or delivered once it is back).
   * @throws TypeError/RangeError (synchronously) for an invalid key (empty, over 255
   *   bytes, or `HUGZ`/`KTHXBAI`), value (empty: use {@link delete}) or option; Error
   *   before {@link connect}; ZmqError `EBADF` after {@link close}. Rejects with
   *   ZmqError `EAGAIN` when the queue to the server stayed full for `timeout` ms.
   */
  set(key: string, value: Buffer | string, options: CloneSetOptions = {}): Promise<void> {
    checkKey(key)
    if (reservedKeys.has(key)) throw new RangeError(`"${key}" is reserved by the protocol`)
    const body = checkValue(value)
    const {properties} = checkSetOptions(options)
    return this.#send(key, body, properties)
  }

  /**
   * Asks the server to delete `key` (an update with an empty value).
   * @throws as {@link set}.
   */
  delete(key: string): Promise<void> {
    checkKey(key)
    if (reservedKeys.has(key)) throw new RangeError(`"${key}" is reserved by the protocol`)
    return this.#send(key, Buffer.alloc(0), Object.create(null) as Record<string, string>)
  }

  /**
   * The changes of the map from now on, as an async iterator (the same changes as
   * `onChange`). It ends when the client closes or the loop breaks. Changes wait in
   * memory until read: read them, or break.
   * ```ts
   * for await (const {key, value} of client.changes()) console.log(key, value?.toString())
   * ```
   */
  changes(): AsyncIterableIterator<CloneChange> {
    const queue = new ChangeQueue(this.#listeners)
    if (this.#closed) queue.end()
    else this.#listeners.add(queue)
    return queue
  }

  /**
   * Stops following: closes the sockets (an update sent just before may take up to
   * 500 ms to leave), rejects a pending {@link connect} with ZmqError `EBADF`, ends the
   * {@link changes} iterators and waits for the background loop to end. The map stays
   * readable. Idempotent.
   */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true
      this.#synced = false
      this.#session?.finish("closed")
      this.#collector?.close()
      this.#firstSync?.reject(zmqError("EBADF", "The Clone client was closed"))
      this.#firstSync = undefined
      for (const queue of this.#listeners) queue.end()
      this.#listeners.clear()
    }
    await this.#run
  }

  #send(key: string, body: Buffer, properties: Record<string, string>): Promise<void> {
    if (this.#closed) return Promise.reject(zmqError("EBADF", "The Clone client is closed"))
    if (this.#collector === undefined) {
      return Promise.reject(
        zmqError("ENOTCONN", "The Clone client is not connected: call connect() first"),
      )
    }
    return this.#collector.send(encodeKvMsg({key, sequence: 0, uuid: newUuid(), properties, body}))
  }

  /** One session per server try, until closed. */
  async #follow(): Promise<void> {
    let tries = 0
    while (!this.#closed) {
      const server = this.#servers[this.#index]
      this.#useCollector(server.collector)
      let session: Session
      try {
        session = new Session(this.#host, server)
      } catch (err) {
        // No sockets to be had (the context was terminated): nothing more to follow.
        this.#report(err)
        this.#firstSync?.reject(err instanceof Error ? err : new Error(String(err)))
        this.#firstSync = undefined
        return
      }
      this.#session = session
      const outcome = await session.run()
      session.close()
      this.#session = undefined
      this.#synced = false
      if (outcome === "closed") break
      if (outcome === "resync") {
        this.#stats.resyncs++
        continue
      }
      this.#stats.silences++
      if (!this.#silent) {
        this.#silent = true
        this.#callback(this.#onSilent, {server: {...server}, silentFor: session.silentFor})
      }
      if (this.#firstSync !== undefined && ++tries >= this.#servers.length) {
        const addresses = this.#servers.map(s => s.snapshot).join(",")
        this.#firstSync.reject(
          new RequestTimeoutError(
            `No Clone server sent a snapshot within ${this.#timeout} ms`,
            tries,
            addresses,
          ),
        )
        this.#firstSync = undefined
      }
      if (this.#servers.length > 1) {
        this.#index = (this.#index + 1) % this.#servers.length
        this.#stats.failovers++
      }
    }
  }

  /** Points the collector socket at the server the client follows. */
  #useCollector(endpoint: string): void {
    if (this.#collectorEndpoint === endpoint || this.#closed) return
    try {
      if (this.#collectorEndpoint !== undefined)
        this.#collector!.disconnect(this.#collectorEndpoint)
    } catch {
      // Already gone.
    }
    this.#collectorEndpoint = endpoint
    try {
      this.#collector!.connect(endpoint)
    } catch (err) {
      this.#report(err)
    }
  }

  #install(snapshot: Map<string, ClientEntry>, sequence: number, session: Session): void {
    const previous = this.#map
    this.#map = snapshot
    this.#sequence = sequence
    this.#settled = false
    this.#synced = true
    this.#silent = false
    this.#stats.snapshots++
    for (const [key, entry] of snapshot) {
      if (session.finished) return
      const before = previous.get(key)
      if (before !== undefined && before.value.equals(entry.value)) continue
      this.#notify({
        key,
        value: entry.value,
        sequence,
        properties: entry.properties,
        source: "snapshot",
      })
    }
    for (const key of previous.keys()) {
      if (session.finished) return
      if (snapshot.has(key)) continue
      this.#notify({key, value: undefined, sequence, properties: noProperties, source: "snapshot"})
    }
    this.#callback(this.#onSync, {server: {...session.server}, sequence, size: snapshot.size})
    this.#firstSync?.resolve()
    this.#firstSync = undefined
  }

  #update(message: KvMsg, session: Session): void {
    const {key, sequence, body, properties} = message
    // 12/CHP heartbeats carry zero; the guide's (and ours) the current sequence number.
    if (key === HUGZ && sequence === 0) return
    if (!this.#settled) {
      // The snapshot came on another connection: updates published before it was taken
      // may still arrive. The publisher sends in sequence order, so once one message at
      // or past the snapshot's number has come, no older one follows.
      if (sequence < this.#sequence) return
      this.#settled = true
      if (sequence === this.#sequence) return
    }
    if (key === HUGZ) {
      // A heartbeat behind us: a new server (restarted) on the same endpoints.
      if (sequence < this.#sequence) return session.finish("resync")
      if (sequence > this.#sequence) {
        // Following the whole map, every number is published: some went missing.
        if (this.#subtree === "") return session.finish("resync")
        this.#sequence = sequence
      }
      return
    }
    // An old number means a new server; a skipped one (whole map) a lost update.
    if (sequence <= this.#sequence) return session.finish("resync")
    if (this.#subtree === "" && sequence !== this.#sequence + 1) return session.finish("resync")
    this.#sequence = sequence
    if (!key.startsWith(this.#subtree) || reservedKeys.has(key)) return
    this.#stats.updates++
    if (body.length === 0) this.#map.delete(key)
    else this.#map.set(key, {value: body, properties})
    this.#notify({
      key,
      value: body.length === 0 ? undefined : body,
      sequence,
      properties,
      source: "update",
    })
  }

  #notify(change: CloneChange): void {
    this.#callback(this.#onChange, change)
    for (const queue of this.#listeners) queue.push(change)
  }

  #callback<T>(callback: ((event: T) => void) | undefined, event: T): void {
    if (callback === undefined) return
    try {
      callback(event)
    } catch (err) {
      this.#report(err)
    }
  }

  #report(err: unknown): void {
    const error = err instanceof Error ? err : new Error(String(err))
    try {
      this.#onError?.(error)
    } catch {
      // An onError that throws must not end the loop.
    }
  }
}

/**
 * One try at one server: subscribe, wait for the subscription to be live, take a
 * snapshot, then apply updates until the server goes silent, a resync is needed or the
 * client closes. Fresh sockets each time, so nothing of an earlier try (a late snapshot
 * message, old updates) can mix in.
 */
class Session {
  readonly server: CloneEndpoints
  readonly #host: SessionHost
  readonly #subscriber = new Subscriber({linger: 0})
  readonly #snapshot = new Dealer({linger: 0})
  readonly #abort = new AbortController()
  readonly #done: Promise<Outcome>
  #resolveDone!: (outcome: Outcome) => void
  #outcome?: Outcome
  /** Updates received before the snapshot was applied; then `undefined`. */
  #pending: KvMsg[] | undefined = []
  readonly #heard: Promise<void>
  #resolveHeard!: () => void
  #lastHeard = performance.now()
  /**
   * While the snapshot is under way only its messages count as signs of life: a server
   * whose publisher talks but whose snapshot never ends must not hold the client forever.
   */
  #snapshotting = false
  #watchdog?: NodeJS.Timeout

  constructor(host: SessionHost, server: CloneEndpoints) {
    this.#host = host
    this.server = server
    this.#done = new Promise(resolve => (this.#resolveDone = resolve))
    this.#heard = new Promise(resolve => (this.#resolveHeard = resolve))
  }

  get finished(): boolean {
    return this.#outcome !== undefined
  }

  /** How long (ms) nothing has come from the server. */
  get silentFor(): number {
    return Math.round(performance.now() - this.#lastHeard)
  }

  async run(): Promise<Outcome> {
    const {subtree, timeout} = this.#host
    this.#arm(timeout)
    try {
      // The subtree first: when HUGZ (subscribed after it) arrives, both are live.
      this.#subscriber.subscribe(subtree)
      if (subtree !== "" && !HUGZ.startsWith(subtree)) this.#subscriber.subscribe(HUGZ)
      this.#subscriber.connect(this.server.publisher)
      this.#snapshot.connect(this.server.snapshot)
    } catch (err) {
      // A bad endpoint: reported, then treated as a silent server when the time is up.
      this.#host.report(err)
      return this.#done
    }
    void this.#listen()
    // Asking before the subscription is live could lose the updates that follow the
    // snapshot; any message on the subscriber (the server sends HUGZ when a client
    // subscribes, and every heartbeatInterval) proves it is.
    await Promise.race([this.#heard, this.#done])
    if (this.#outcome !== undefined) return this.#outcome
    const signal = this.#abort.signal
    const snapshot = new Map<string, ClientEntry>()
    try {
      this.#snapshotting = true
      this.#touch("snapshot")
      await this.#snapshot.send([ICANHAZ, subtree], {signal})
      for (;;) {
        const frames = await this.#snapshot.receive({signal})
        this.#touch("snapshot")
        const message = decodeKvMsg(frames)
        if (message === undefined) {
          this.#host.malformed()
          continue
        }
        if (message.key === KTHXBAI) {
          const pending = this.#pending!
          this.#pending = undefined
          this.#snapshotting = false
          this.#host.install(snapshot, message.sequence, this)
          for (const update of pending) {
            if (this.#outcome !== undefined) break
            this.#host.update(update, this)
          }
          break
        }
        if (message.body.length > 0 && message.key.startsWith(subtree) && message.key !== HUGZ) {
          snapshot.set(message.key, {value: message.body, properties: message.properties})
        }
      }
    } catch (err) {
      if (this.#outcome === undefined && !isClosedError(err)) this.#host.report(err)
    }
    return this.#done
  }

  /** Ends the session with `outcome` (the first call wins); run() resolves with it. */
  finish(outcome: Outcome): void {
    if (this.#outcome !== undefined) return
    this.#outcome = outcome
    clearTimeout(this.#watchdog)
    this.#abort.abort()
    this.#resolveDone(outcome)
  }

  close(): void {
    this.finish("closed")
    this.#subscriber.close()
    this.#snapshot.close()
  }

  async #listen(): Promise<void> {
    for (;;) {
      let batch: Buffer[][]
      try {
        batch = await this.#subscriber.receiveMany(256)
      } catch (err) {
        if (this.#outcome === undefined && !isClosedError(err)) {
          this.#host.report(err)
          this.finish("resync")
        }
        return
      }
      if (this.#outcome !== undefined) return
      this.#touch("feed")
      this.#resolveHeard()
      for (const frames of batch) {
        if (this.#outcome !== undefined) return
        const message = decodeKvMsg(frames)
        if (message === undefined) this.#host.malformed()
        else if (this.#pending !== undefined) this.#pending.push(message)
        else this.#host.update(message, this)
      }
    }
  }

  #touch(source: "feed" | "snapshot"): void {
    if (source === "feed" && this.#snapshotting) return
    this.#lastHeard = performance.now()
  }

  #arm(delay: number): void {
    this.#watchdog = setTimeout(() => this.#check(), delay)
  }

  #check(): void {
    if (this.#outcome !== undefined) return
    const {timeout} = this.#host
    const idle = performance.now() - this.#lastHeard
    if (idle < timeout) return this.#arm(timeout - idle)
    // Messages waiting to be read mean this process is behind, not the server silent.
    let waiting = false
    try {
      waiting = this.#snapshotting ? this.#snapshot.readable : this.#subscriber.readable
    } catch {
      // Treat as nothing waiting.
    }
    if (waiting) {
      this.#lastHeard = performance.now()
      return this.#arm(timeout)
    }
    this.finish("silent")
  }
}

/** The queue behind one {@link CloneClient.changes} iterator. */
class ChangeQueue implements AsyncIterableIterator<CloneChange> {
  readonly #owner: Set<ChangeQueue>
  readonly #queue = new Fifo<CloneChange>()
  readonly #waiting = new Fifo<(result: IteratorResult<CloneChange, undefined>) => void>()
  #ended = false

  constructor(owner: Set<ChangeQueue>) {
    this.#owner = owner
  }

  push(change: CloneChange): void {
    const waiter = this.#waiting.shift()
    if (waiter) waiter({value: change, done: false})
    else this.#queue.push(change)
  }

  end(): void {
    this.#ended = true
    for (let waiter = this.#waiting.shift(); waiter; waiter = this.#waiting.shift()) {
      waiter({value: undefined, done: true})
    }
  }

  next(): Promise<IteratorResult<CloneChange, undefined>> {
    if (this.#queue.length > 0) return Promise.resolve({value: this.#queue.shift()!, done: false})
    if (this.#ended) return Promise.resolve({value: undefined, done: true})
    return new Promise(resolve => this.#waiting.push(resolve))
  }

  return(): Promise<IteratorResult<CloneChange, undefined>> {
    this.#owner.delete(this)
    this.end()
    while (this.#queue.length > 0) this.#queue.shift()
    return Promise.resolve({value: undefined, done: true})
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<CloneChange> {
    return this
  }
}
