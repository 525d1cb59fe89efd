/**
 * The Clone pattern's client (the guide's model 5/6 `clonecli` and `clone` agent, 12/CHP).
 * @module
 */
import {zmqError, Fifo} from "../internal"
import {Dealer, Push, Subscriber, XPublisher} from "../index"
import {
  checkKey,
  decodeKvMsg,
  encodeKvMsg,
  newUuid,
  reservedKeys,
  resolveEndpoints,
  type CloneEndpoints,
  type CloneUpdatePath,
  type KvMsg,
} from "./clone-kvmsg"
import {checkSetOptions, checkUpdatePath, checkValue, type CloneSetOptions} from "./clone-server"
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
   * takes a new snapshot. A snapshot must arrive within it; after that, a server that
   * has sent `HUGZ` counts as dead when silent, and one that never does (the guide's
   * model 5, silent whenever idle) when the subscription has had no connection to it
   * for that long. Default 5000. Keep it a few times the server's `heartbeatInterval`.
   */
  timeout?: number
  /**
   * How updates reach the server's collector; it must match the server's. `"pub-sub"`
   * (default; 12/CHP and the guide's model 6): the client publishes every update to the
   * collectors of all servers given to {@link CloneClient.connect} (a backup keeps them
   * until it takes over). `"push-pull"` (the guide's model 5): the client pushes to the
   * server it follows.
   */
  updates?: CloneUpdatePath
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
   * New snapshots taken from the same server because updates were or may have been
   * missed: a gap in the sequence numbers (following the whole map), a server whose
   * sequence went backwards (it restarted), or a subscription that went live only after
   * the snapshot was taken while updates went by.
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
  resynced(): void
  malformed(): void
  report(error: unknown): void
}

const HUGZ = "HUGZ"
const KTHXBAI = "KTHXBAI"
const ICANHAZ = "ICANHAZ?"
const noProperties: Readonly<Record<string, string>> = Object.freeze(Object.create(null))

/**
 * Keeps a copy of a {@link CloneServer}'s key-value map (or of one subtree of it) up to
 * date: the guide's Clone pattern (models 5 and 6), protocol 12/CHP; it works with the
 * guide's servers too.
 *
 * It subscribes to the server's updates and asks for a snapshot (`ICANHAZ?`) at once;
 * the snapshot ends with `KTHXBAI` and the sequence number of the last update it
 * contains. Updates numbered up to the snapshot's are dropped (already in it), whether
 * they arrived before the snapshot or after it (it comes on another connection); the
 * later ones are applied in order. When the first numbered message on the subscription
 * shows it went live only after the snapshot while updates went by, the client takes
 * a new snapshot on it. So no update is lost or applied twice. Updates sent with
 * {@link set} go to the server's collector and change the map when the server
 * publishes them back.
 *
 * A server that sends `HUGZ` (ours every second by default, the guide's model 6) and
 * then nothing for `timeout` ms counts as dead: `onSilent` is called and the client
 * moves to the next server given to {@link connect} (model 6 fail-over; with one server
 * it tries that one again) and takes a new snapshot there. A server that never sent
 * `HUGZ` (the guide's model 5) cannot be told from an idle one by its silence: it
 * counts as dead when its feed has had no connection for `timeout` ms (libzmq's ZMTP
 * heartbeats drop the connection to a host that vanished), or when a snapshot does not
 * arrive in time. When following the whole map (no subtree),
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
  /** Closes it, for `await using` (TypeScript 5.2+, explicit resource management). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  readonly #subtree: string
  readonly #timeout: number
  readonly #updatePath: CloneUpdatePath
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
  /** The servers (by index) that were heard sending HUGZ. */
  readonly #beating = new Set<number>()
  #index = 0
  #updates?: UpdateSender
  #session?: Session
  #synced = false
  /** Whether a message numbered at or past the snapshot has come since it (see #update). */
  #settled = false
  #silent = false
  #closed = false
  #run?: Promise<void>
  #closing?: Promise<void>
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
    this.#updatePath = checkUpdatePath(options.updates)
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
      resynced: () => this.#stats.resyncs++,
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
    this.#updates = new UpdateSender(this.#updatePath, this.#timeout, resolved, error =>
      this.#report(error),
    )
    const first = new Promise<void>((resolve, reject) => (this.#firstSync = {resolve, reject}))
    this.#run = this.#follow()
    return first
  }

  /** How this client sends updates (the `updates` option). */
  get updates(): CloneUpdatePath {
    return this.#updatePath
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
   * be lost, or delivered once it is back). With `updates: "pub-sub"` it waits until a
   * server's collector has subscribed (a publisher would drop the update otherwise).
   * Updates leave in call order.
   * @throws TypeError/RangeError (synchronously) for an invalid key (empty, over 255
   *   bytes, or `HUGZ`/`KTHXBAI`), value (empty: use {@link delete}) or option.
   * @returns Rejects with ZmqError `ENOTCONN` before {@link connect}, `EBADF` after
   *   {@link close}, and `EAGAIN` when no server took the update within `timeout` ms
   *   (none subscribed, or the queue stayed full).
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
      this.#closing = this.#updates?.close()
      this.#firstSync?.reject(zmqError("EBADF", "The Clone client was closed"))
      this.#firstSync = undefined
      for (const queue of this.#listeners) queue.end()
      this.#listeners.clear()
    }
    await Promise.all([this.#run, this.#closing])
  }

  #send(key: string, body: Buffer, properties: Record<string, string>): Promise<void> {
    if (this.#closed) return Promise.reject(zmqError("EBADF", "The Clone client is closed"))
    if (this.#updates === undefined) {
      return Promise.reject(
        zmqError("ENOTCONN", "The Clone client is not connected: call connect() first"),
      )
    }
    return this.#updates.send(encodeKvMsg({key, sequence: 0, uuid: newUuid(), properties, body}))
  }

  /** One session per server try, until closed. */
  async #follow(): Promise<void> {
    let tries = 0
    while (!this.#closed) {
      const server = this.#servers[this.#index]
      this.#updates!.use(server)
      let session: Session
      try {
        session = new Session(this.#host, server, this.#beating.has(this.#index))
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
      if (session.beats) this.#beating.add(this.#index)
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
 * One try at one server: subscribe and ask for a snapshot at once, apply it, then apply
 * updates until the server goes silent, a resync is needed or the client closes. Fresh
 * sockets each time, so nothing of an earlier try (a late snapshot message, old updates)
 * can mix in.
 *
 * The snapshot is asked for before the subscription is known to be live (a server may
 * say nothing on it for a long time: the guide's model 5 sends no HUGZ), so updates
 * published between the snapshot and the moment the subscription went live could be
 * missed. The first numbered message on the feed tells: an update numbered at most one
 * past the snapshot, or a HUGZ carrying at most its number, proves that the feed was
 * live in time; anything else makes the session ask for a new snapshot on the same
 * (now live) subscription, which cannot miss anything.
 */
class Session {
  readonly server: CloneEndpoints
  readonly #host: SessionHost
  readonly #subscriber: Subscriber
  readonly #snapshot = new Dealer({linger: 0})
  readonly #abort = new AbortController()
  readonly #done: Promise<Outcome>
  #resolveDone!: (outcome: Outcome) => void
  #outcome?: Outcome
  /** Feed messages kept while a snapshot is under way, replayed after it; else `undefined`. */
  #pending: KvMsg[] | undefined = []
  /** Whether anything came on the feed: the subscription is live from then on. */
  #live = false
  /** The number of the last snapshot applied. */
  #snapshotSequence = 0
  /** Whether the feed is known to have been live when that snapshot was taken. */
  #continuous = false
  /** Asks the run loop for a new snapshot. */
  #refetch?: () => void
  /** Whether the server sends HUGZ (then, and only then, its silence means it is gone). */
  #beats: boolean
  /**
   * Since when (performance.now() ms) the feed has had no connection to the server, or
   * undefined while it has one: how a server that sends no HUGZ is seen to be gone.
   */
  #feedDownSince: number | undefined = performance.now()
  #lastHeard = performance.now()
  /**
   * While a snapshot is under way only its messages count as signs of life: a server
   * whose publisher talks but whose snapshot never ends must not hold the client forever.
   */
  #snapshotting = false
  #watchdog?: NodeJS.Timeout

  /** @param beats Whether the server is known to send HUGZ (from an earlier session). */
  constructor(host: SessionHost, server: CloneEndpoints, beats: boolean) {
    this.#host = host
    this.server = server
    this.#beats = beats
    // ZMTP heartbeats: libzmq drops a connection whose peer stopped answering them (a
    // host that vanished without closing it), which the events below then report.
    const heartbeat = Math.max(1, Math.floor(host.timeout / 4))
    this.#subscriber = new Subscriber({
      linger: 0,
      heartbeatInterval: heartbeat,
      heartbeatTimeout: host.timeout,
    })
    try {
      this.#subscriber.events
        .on("handshake", () => (this.#feedDownSince = undefined))
        .on("disconnect", () => (this.#feedDownSince = performance.now()))
    } catch (err) {
      // Without events the feed counts as connected: only HUGZ tell then.
      this.#feedDownSince = undefined
      host.report(err)
    }
    this.#done = new Promise(resolve => (this.#resolveDone = resolve))
  }

  get finished(): boolean {
    return this.#outcome !== undefined
  }

  /** Whether the server sent a HUGZ (in this session or, as the client knew, before). */
  get beats(): boolean {
    return this.#beats
  }

  /** How long (ms) nothing has come from the server. */
  get silentFor(): number {
    return Math.round(performance.now() - this.#lastHeard)
  }

  async run(): Promise<Outcome> {
    const {subtree, timeout} = this.#host
    this.#arm(timeout)
    try {
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
    try {
      for (;;) {
        // A feed live before the request cannot miss what follows the snapshot.
        const liveBefore = this.#live
        const snapshot = await this.#fetch()
        const pending = this.#pending!
        this.#pending = undefined
        this.#snapshotSequence = snapshot.sequence
        this.#continuous = liveBefore
        const again = new Promise<void>(resolve => (this.#refetch = resolve))
        this.#host.install(snapshot.map, snapshot.sequence, this)
        for (const message of pending) {
          if (this.#outcome !== undefined) break
          this.#feed(message)
        }
        await Promise.race([again, this.#done])
        if (this.#outcome !== undefined) break
        this.#host.resynced()
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

  /** Asks for a snapshot (`ICANHAZ?`) and collects it until `KTHXBAI`. */
  async #fetch(): Promise<{map: Map<string, ClientEntry>; sequence: number}> {
    const {subtree} = this.#host
    const signal = this.#abort.signal
    this.#pending ??= []
    this.#snapshotting = true
    this.#touch("snapshot")
    await this.#snapshot.send([ICANHAZ, subtree], {signal})
    const map = new Map<string, ClientEntry>()
    for (;;) {
      const frames = await this.#snapshot.receive({signal})
      this.#touch("snapshot")
      const message = decodeKvMsg(frames)
      if (message === undefined) {
        this.#host.malformed()
        continue
      }
      if (message.key === KTHXBAI) {
        this.#snapshotting = false
        return {map, sequence: message.sequence}
      }
      if (message.body.length > 0 && message.key.startsWith(subtree) && message.key !== HUGZ) {
        map.set(message.key, {value: message.body, properties: message.properties})
      }
    }
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
      this.#live = true
      for (const frames of batch) {
        if (this.#outcome !== undefined) return
        const message = decodeKvMsg(frames)
        if (message === undefined) {
          this.#host.malformed()
          continue
        }
        if (message.key === HUGZ) this.#beats = true
        this.#feed(message)
      }
    }
  }

  /** A message from the feed: kept while a snapshot is under way, else applied. */
  #feed(message: KvMsg): void {
    if (this.#pending !== undefined) {
      this.#pending.push(message)
      return
    }
    // 12/CHP's HUGZ carries zero: it says nothing about the sequence.
    if (!this.#continuous && !(message.key === HUGZ && message.sequence === 0)) {
      const limit = this.#snapshotSequence + (message.key === HUGZ ? 0 : 1)
      if (message.sequence > limit) {
        // Updates after the snapshot may have gone by before the feed was live.
        this.#pending = [message]
        this.#refetch?.()
        return
      }
      this.#continuous = true
    }
    this.#host.update(message, this)
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
    const now = performance.now()
    const idle = now - this.#lastHeard
    if (idle < timeout) return this.#arm(timeout - idle)
    // A server that sends no HUGZ (the guide's model 5) says nothing while idle: it is
    // gone when its feed has been without a connection for `timeout` ms.
    const down = this.#feedDownSince === undefined ? 0 : now - this.#feedDownSince
    if (!this.#snapshotting && !this.#beats && down < timeout) return this.#arm(timeout - down)
    // Messages waiting to be read mean this process is behind, not the server silent.
    let behind = false
    try {
      behind = this.#snapshotting ? this.#snapshot.readable : this.#subscriber.readable
    } catch {
      // Treat as nothing waiting.
    }
    if (behind) {
      this.#lastHeard = now
      return this.#arm(timeout)
    }
    this.finish("silent")
  }
}

/**
 * How a client's updates reach the servers' collectors: published to every server
 * (`"pub-sub"`: 12/CHP, model 6, where a backup keeps them pending until it takes over)
 * or pushed to the server followed now (`"push-pull"`: model 5).
 */
class UpdateSender {
  readonly #socket: XPublisher | Push
  readonly #timeout: number
  readonly #report: (error: unknown) => void
  /** Push: the collector connected now. */
  #connected?: string
  /** Publisher: the topics some server subscribed to (a server's Subscriber takes all: ""). */
  readonly #topics = new Set<string>()
  readonly #waiters = new Set<{wake: () => void; fail: (error: Error) => void}>()
  /** Sends leave one after another, in call order. */
  #tail: Promise<unknown> = Promise.resolve()
  #watching?: Promise<void>
  #closed = false

  constructor(
    path: CloneUpdatePath,
    timeout: number,
    servers: readonly CloneEndpoints[],
    report: (error: unknown) => void,
  ) {
    this.#timeout = timeout
    this.#report = report
    // A small linger: an update sent just before close() still leaves.
    if (path === "push-pull") {
      this.#socket = new Push({linger: 500, sendTimeout: timeout})
      return
    }
    // An XPublisher is a Publisher on the wire that also hears the servers subscribe: a
    // plain one would drop updates sent before a server's subscription arrived. noDrop:
    // a full queue makes send() wait (then fail), never lose the update silently.
    const socket = new XPublisher({linger: 500, noDrop: true, sendTimeout: timeout})
    this.#socket = socket
    for (const server of servers) {
      try {
        socket.connect(server.collector)
      } catch (err) {
        report(err)
      }
    }
    this.#watching = this.#watch(socket)
  }

  /** Push: sends to the collector of `server` from now on (only the one followed). */
  use(server: CloneEndpoints): void {
    if (!(this.#socket instanceof Push) || this.#connected === server.collector) return
    try {
      if (this.#connected !== undefined) this.#socket.disconnect(this.#connected)
    } catch {
      // Already gone.
    }
    this.#connected = server.collector
    try {
      this.#socket.connect(server.collector)
    } catch (err) {
      this.#report(err)
    }
  }

  send(frames: Buffer[]): Promise<void> {
    const sent = this.#tail.then(() => this.#sendNow(frames))
    this.#tail = sent.catch(() => undefined)
    return sent
  }

  async close(): Promise<void> {
    this.#closed = true
    this.#socket.close()
    for (const waiter of this.#waiters) waiter.fail(zmqError("EBADF", "The Clone client is closed"))
    this.#waiters.clear()
    await this.#watching
  }

  async #sendNow(frames: Buffer[]): Promise<void> {
    if (this.#closed) throw zmqError("EBADF", "The Clone client is closed")
    if (this.#socket instanceof XPublisher && this.#topics.size === 0) await this.#subscribed()
    await this.#socket.send(frames)
  }

  /** Waits up to `timeout` ms for a server to subscribe. */
  #subscribed(): Promise<void> {
    return new Promise((resolve, reject) => {
      const waiter = {
        wake: () => {
          clearTimeout(timer)
          this.#waiters.delete(waiter)
          resolve()
        },
        fail: (error: Error) => {
          clearTimeout(timer)
          this.#waiters.delete(waiter)
          reject(error)
        },
      }
      const timer = setTimeout(
        () =>
          waiter.fail(
            zmqError("EAGAIN", `No Clone server took updates within ${this.#timeout} ms`),
          ),
        this.#timeout,
      )
      this.#waiters.add(waiter)
    })
  }

  async #watch(socket: XPublisher): Promise<void> {
    try {
      for await (const [message] of socket) {
        // [0x01 topic] subscribe, [0x00 topic] unsubscribe (the last subscriber left).
        const topic = message.subarray(1).toString("hex")
        if (message[0] === 1) this.#topics.add(topic)
        else if (message[0] === 0) this.#topics.delete(topic)
        if (this.#topics.size > 0) for (const waiter of [...this.#waiters]) waiter.wake()
      }
    } catch (err) {
      if (!isClosedError(err)) this.#report(err)
    }
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
