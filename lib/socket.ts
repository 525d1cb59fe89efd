/**
 * The socket base class: queues of pending sends and receives on top of the addon.
 * @module
 */
import {markAsUntransferable} from "node:worker_threads"
import {Context, context as defaultContext} from "./context"
import {ZmqError, fromNative, withCallerStack, zmqError} from "./errors"
import {Fifo} from "./fifo"
import type {Observer} from "./observer"
import {MessageBatch} from "./batch"
import {BufferView, prepareMessage, type Message, type MessageLike} from "./message"
import {binding, FrameFlag, type NativeSocket} from "./native"
import {
  decodeOption,
  encodeOption,
  OptionKind,
  socketOptions,
  unknownOptionError,
  xpubVerbosityWrite,
  type OptionSpec,
} from "./options"

const READABLE = 1
const WRITABLE = 2

// Received frames up to poolFrameMax bytes are copied into chunks of this size.
const POOL_SIZE = 64 * 1024
// Frames described per native receive call (3 uint32 each).
const META_FRAMES = 1024
// Whole messages taken from libzmq per native receive call: bounds the prefetch.
const RECEIVE_BATCH = 256
// Queued messages handed to libzmq per native send call.
const SEND_BATCH = 1024
// Messages moved without returning to the event loop; then timers and I/O get a turn.
const TURN_BUDGET = 4096
// Byte arrays up to this size are packed into one buffer per native send call: a copy
// in JS costs less than the Node-API calls that reading each frame would take.
const PACK_FRAME_MAX = 2048
const packData = Buffer.allocUnsafeSlow(64 * 1024)
const packSizes = new Uint32Array(SEND_BATCH * 4)
const packedMore = binding.Socket.packedMore

/** How many frames packMessages() packed (their sizes are in packSizes). */
let packedFrames = 0
/** Where packMessage() writes next. */
let packOffset = 0

/** Packs one frame behind what is packed already, if it is a small byte array with room. */
function packFrame(frame: unknown, more: boolean): boolean {
  if (!(frame instanceof Uint8Array)) return false
  // `length`, not `byteLength`: the same for bytes, and an inline field read, where
  // byteLength is a builtin call (half the cost of the copy below).
  const size = frame.length
  if (size > PACK_FRAME_MAX || size > packData.length - packOffset) return false
  if (packedFrames === packSizes.length) return false
  packData.set(frame, packOffset)
  packOffset += size
  packSizes[packedFrames++] = more ? size | packedMore : size
  return true
}

/**
 * Packs one message (a small byte array, or an array of them) behind what is packed
 * already; returns false, and packs nothing, when it is not of that kind or lacks room.
 */
function packMessage(message: unknown): boolean {
  if (!Array.isArray(message)) return packFrame(message, false)
  if (message.length === 0) return false
  const frames = packedFrames
  const offset = packOffset
  for (let i = 0; i < message.length; i++) {
    if (!packFrame(message[i], i + 1 < message.length)) {
      packedFrames = frames
      packOffset = offset
      return false
    }
  }
  return true
}

/**
 * Packs messages of `list` from `start` on into packData/packSizes, as long as each is a
 * small byte array (or an array of them) and there is room; returns how many.
 */
function packMessages(list: readonly unknown[], start: number, end: number): number {
  packedFrames = 0
  packOffset = 0
  let i = start
  while (i < end && packMessage(list[i])) i++
  return i - start
}

/**
 * Socket linger (ms) unless set: how long closing a socket, and so the process at
 * exit, may wait to deliver queued messages. libzmq's default (-1) waits forever.
 */
export const defaultLinger = 1000

const resolved = Promise.resolve()

/** Options of one send or receive call. */
export interface OperationOptions {
  /** Aborts the operation while it waits (a message libzmq accepted is not taken back). */
  signal?: AbortSignal
}

/** Options of a draft socket's send (Server, Client, Radio, …). */
export interface DraftSendOptions extends OperationOptions {
  /** Server, Peer: the routing id of the peer to send to. */
  routingId?: number
  /** Radio: the group to publish to (at most 15 bytes). */
  group?: string
}

interface Operation<T> {
  resolve(value: T): void
  reject(error: Error): void
  signal?: AbortSignal
  onAbort?: () => void
  timer?: NodeJS.Timeout
}

interface SendOperation extends Operation<void> {
  message?: unknown
  draft?: DraftSendOptions
  /** sendTracked(): told of the release of the zero-copy frames once accepted. */
  tracker?: Tracker
  many?: {list: unknown[]; index: number}
}

interface ReceiveOperation extends Operation<unknown> {
  /** receiveMany(): the most messages to resolve with. */
  many?: number
  /** receiveBatch(): the most messages to resolve with, as a MessageBatch. */
  batch?: number
  /** Async iteration: resolves with an IteratorResult, and with `done` on close. */
  iterate?: boolean
}

const done: IteratorReturnResult<undefined> = Object.freeze({value: undefined, done: true})

const noExtras: readonly Message[] = Object.freeze([])

/** No message could be taken without waiting. */
const nothing = Symbol("nothing")

interface WatchOperation extends Operation<number> {
  interest: number
}

/** What `socket.events` is built from (set by the observer module, which imports this one). */
let observerFactory: ((socket: Socket) => SocketObserver) | undefined

/** @internal The part of an Observer a socket needs: to stop it before the socket closes. */
export interface SocketObserver {
  close(): void
}

/** @internal */
export function setObserverFactory(factory: (socket: Socket) => SocketObserver): void {
  observerFactory = factory
}

/** What draft sockets receive besides the bytes. */
export interface DraftReceiveInfo {
  routingId?: number
  group?: string
}

/** Sockets with pending operations: strongly held, so garbage collection cannot close them. */
const busy = new Set<Socket>()

/** Message properties (`zmq_msg_gets`), by name. */
export type Metadata = Readonly<Record<string, string>>

/** The properties collected for a message, when {@link Readable.collectMetadata} is on. */
const messageDetails = new WeakMap<object, {metadata: Metadata; info?: DraftReceiveInfo}>()

/** Properties every message has a value for when metadata is collected (when libzmq knows it). */
const standardMetadata = ["Socket-Type", "Routing-Id", "Peer-Address", "User-Id"]

/**
 * A received frame with what libzmq knows about it: the connection's properties
 * (`metadata`, when {@link Readable.collectMetadata} is on), and the routing id or group
 * of draft sockets.
 */
export interface Frame {
  /** The bytes. */
  readonly data: Buffer
  /** Whether more frames of the same message follow. */
  readonly more: boolean
  /**
   * The message's properties: `Socket-Type` of the peer, `Routing-Id`, `Peer-Address`
   * (tcp and ipc), `User-Id` (set by the ZAP authenticator) and any ZAP metadata named
   * in `collectMetadata`. Empty unless `collectMetadata` was on when the message was
   * taken from libzmq.
   */
  readonly metadata: Metadata
  /** Server and Peer sockets: the sender's routing id. */
  readonly routingId?: number
  /** Dish sockets: the message's group. */
  readonly group?: string
}

/** What {@link Writable.sendTracked} returns. */
export interface TrackedSend {
  /** Resolves like `send()`: when libzmq accepted the message. */
  sent: Promise<void>
  /**
   * Resolves when libzmq no longer uses any of the message's buffers: from then on they
   * may be changed or reused. Frames below the zero-copy size are copied, so for them this
   * is when the message was accepted (or refused).
   */
  released: Promise<void>
}

interface Tracker {
  remaining: number
  resolve(): void
}

/** Zero-copy sends whose release someone waits for, by track id. */
const trackers = new Map<number, Tracker>()
let lastTrack = 0

function nextTrack(): number {
  lastTrack = lastTrack >= 0xfffffffe ? 1 : lastTrack + 1
  return lastTrack
}

/**
 * Registers a tracked attempt. Waiting for a release does not keep the process alive:
 * a message that never leaves (no peer) would otherwise keep it running forever.
 */
function watchTrack(track: number, tracker: Tracker): void {
  trackers.set(track, tracker)
}

function forgetTrack(track: number): void {
  trackers.delete(track)
}

function released(tracks: number[]): void {
  for (const track of tracks) {
    const tracker = trackers.get(track)
    // Unknown ids belong to attempts libzmq refused (EAGAIN): nothing waits for them.
    if (tracker !== undefined && --tracker.remaining === 0) {
      forgetTrack(track)
      tracker.resolve()
    }
  }
}

/** How many frames of a message are sent without copying (see `zeroCopyMin`). */
function zeroCopyFrames(message: unknown): number {
  // Worker threads always copy: their memory ends with them (see the addon's Module).
  if (!binding.zeroCopySends) return 0
  const frames = Array.isArray(message) ? message : [message]
  let count = 0
  for (const frame of frames) {
    if (
      typeof frame !== "string" &&
      (frame as ArrayBufferLike).byteLength >= binding.Socket.zeroCopyMin
    )
      count++
  }
  return count
}

/** The options a socket constructor accepts: its own options, plus `context`. */
export type SocketOptions<S> = Partial<Pick<S, WritableKeys<S>>> & {context?: Context}

type WritableKeys<T> = {
  [K in keyof T]-?: IfEquals<{[Q in K]: T[K]}, {-readonly [Q in K]: T[K]}, K>
}[keyof T] &
  string
type IfEquals<X, Y, A> =
  (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? A : never

/**
 * A ZeroMQ socket. Use the concrete classes ({@link Dealer}, {@link Publisher}, …);
 * each exposes only what its type supports.
 *
 * Unlike zeromq v6, any number of `send()` and `receive()` calls may be pending at
 * once: they complete in call order, and a send resolves only once libzmq accepted
 * the message (so the high-water mark still applies).
 */
export class Socket {
  /** @internal */
  protected readonly _native: NativeSocket
  readonly #context: Context
  readonly #optionNames: ReadonlySet<string>
  #closed = false

  #senders = new Fifo<SendOperation>()
  #receivers = new Fifo<ReceiveOperation>()
  #watchers = new Fifo<WatchOperation>()
  #observer: SocketObserver | undefined
  #ready = new Fifo<unknown>()
  #partial: Message[] | undefined = undefined
  #draftInfo: DraftReceiveInfo | undefined = undefined
  #metadata: Metadata | undefined = undefined
  #collect: boolean | readonly string[] = false

  #pool: Buffer = Buffer.allocUnsafeSlow(0)
  #poolOffset = 0
  readonly #meta = new Uint32Array(3 * META_FRAMES)
  readonly #extras: unknown[] = []
  #flushList: unknown[] = []

  #budget = TURN_BUDGET
  #yielding = false
  #sendTimeout = -1
  #receiveTimeout = -1

  static {
    binding.setReadyHandler(function (this: NativeSocket, events: number) {
      ;(this.owner as Socket).#onReady(events)
    })
    binding.setReleaseHandler(released)
  }

  /**
   * @param type The libzmq socket type (`ZMQ_*` number).
   * @param options Socket options to set, and the `context` (the shared default one
   *   unless given). An unknown option is a TypeError.
   */
  constructor(type: number, options: object = {}) {
    if (options === null || typeof options !== "object") {
      throw new TypeError("Socket options must be an object")
    }
    const {context = defaultContext, ...rest} = options as {context?: unknown}
    if (!(context instanceof Context)) throw new TypeError('Option "context" must be a Context')
    this.#context = context
    this.#optionNames = optionNamesOf(this)
    for (const name of Object.keys(rest)) {
      if (!this.#optionNames.has(name)) throw unknownOptionError(name, this.#optionNames)
    }
    this._native = context._createSocket(type)
    this._native.owner = this
    try {
      this._native.setReceiveBuffers(this.#meta, this.#extras)
      this._native.setSendBuffers(packData, packSizes)
      if (!("linger" in rest)) this._setOption("linger", defaultLinger)
      for (const [name, value] of Object.entries(rest)) {
        ;(this as Record<string, unknown>)[name] = value
      }
    } catch (err) {
      // Close now: a half-made socket must not linger until garbage collection.
      this.#closed = true
      this._native.close()
      throw err
    }
    context._track(this)
  }

  /** The context this socket was created on. */
  get context(): Context {
    return this.#context
  }

  /** Whether the socket is closed. */
  get closed(): boolean {
    return this.#closed
  }

  /**
   * The socket's event observer (libzmq's socket monitor), created on first use. It
   * stops before the socket closes.
   */
  get events(): Observer {
    if (this.#observer === undefined) {
      if (observerFactory === undefined) throw new Error("The observer module is not loaded")
      if (this.#closed) throw zmqError("EBADF")
      this.#observer = observerFactory(this)
    }
    // The factory is the observer module's: it makes Observers (a type-only import here).
    return this.#observer as Observer
  }

  /** Whether a message can be received now without waiting. */
  get readable(): boolean {
    if (this.#closed) return false
    return this.#ready.length > 0 || (this.#events() & READABLE) !== 0
  }

  /** Whether a message can be sent now without waiting. */
  get writable(): boolean {
    if (this.#closed) return false
    return (this.#events() & WRITABLE) !== 0
  }

  /**
   * Reads ZMQ_EVENTS. That consumes the wake-up that pending operations wait for
   * (ZMQ_FD is edge-triggered), so they are given a look at the socket afterwards.
   */
  #events(): number {
    const events = this._native.events()
    this._recheck()
    return events
  }

  /**
   * Binds to an endpoint, e.g. `tcp://127.0.0.1:*` (read the chosen port back from
   * {@link lastEndpoint}), `ipc:///tmp/feed` or `inproc://name`.
   * @throws ZmqError (rejected) with `address` set, e.g. code `EADDRINUSE`.
   */
  async bind(address: string): Promise<void> {
    this.bindSync(address)
  }

  /** Stops listening on an endpoint that {@link bind} set up. */
  async unbind(address: string): Promise<void> {
    this.unbindSync(address)
  }

  /** Like {@link bind}, but synchronous. */
  bindSync(address: string): void {
    this.#endpoint("bind", address)
  }

  /** Like {@link unbind}, but synchronous. */
  unbindSync(address: string): void {
    this.#endpoint("unbind", address)
  }

  /** Connects to an endpoint; libzmq connects (and reconnects) in the background. */
  connect(address: string): void {
    this.#endpoint("connect", address)
  }

  /** Disconnects from an endpoint given to {@link connect}. */
  disconnect(address: string): void {
    this.#endpoint("disconnect", address)
  }

  #endpoint(method: "bind" | "unbind" | "connect" | "disconnect", address: string): void {
    if (typeof address !== "string") {
      throw new TypeError(`${method}(address): address must be a string, got ${typeof address}`)
    }
    if (this.#closed) throw zmqError("EBADF", undefined, address)
    try {
      this._native[method](address)
    } catch (err) {
      const error = fromNative(err, address)
      if (error instanceof ZmqError) error.message = `${error.message} (${method} ${address})`
      throw error
    }
    this._recheck()
  }

  /**
   * Closes the socket. Pending sends and receives reject with code `EBADF`; libzmq
   * keeps trying to deliver accepted messages for {@link linger} milliseconds.
   */
  close(): void {
    if (this.#closed) return
    // libzmq requires the monitor to stop before its socket closes.
    this.#observer?.close()
    // Refused (EBUSY) while a proxy uses the socket: then nothing changes here.
    try {
      this._native.close()
    } catch (err) {
      throw fromNative(err)
    }
    this.#closed = true
    this.#context._untrack(this)
    busy.delete(this)
    const error = zmqError("EBADF")
    for (const op of this.#senders.drain()) this.#settle(op).reject(copy(error))
    for (const op of this.#receivers.drain()) {
      if (op.iterate) this.#settle(op).resolve(done)
      else this.#settle(op).reject(copy(error))
    }
    for (const op of this.#watchers.drain()) this.#settle(op).reject(copy(error))
    this.#ready = new Fifo()
    this.#partial = undefined
  }

  /** @internal Reads an option by name through the option table. */
  _getOption(name: string): unknown {
    const spec = this.#spec(name)
    if (this.#closed) throw zmqError("EBADF")
    try {
      return decodeOption(spec, this._native.getOption(spec.id, spec.kind, spec.size))
    } catch (err) {
      throw fromNative(err)
    }
  }

  /** @internal Writes an option by name through the option table. */
  _setOption(name: string, value: unknown): void {
    const spec = this.#spec(name)
    // XPUB verbosity spans two libzmq options; the table maps the value to one of them.
    const write =
      spec.special === "xpubVerbosity"
        ? xpubVerbosityWrite(value)
        : {id: spec.id, kind: spec.kind, value: encodeOption(name, spec, value)}
    if (this.#closed) throw zmqError("EBADF")
    try {
      this._native.setOption(write.id, write.kind, write.value)
    } catch (err) {
      throw fromNative(err)
    }
    if (name === "sendTimeout") this.#sendTimeout = value as number
    else if (name === "receiveTimeout") this.#receiveTimeout = value as number
  }

  /** @internal Sets a write-only byte option that is no property (subscriptions, connect ids). */
  _setRawOption(id: number, value: string | Buffer | null): void {
    if (this.#closed) throw zmqError("EBADF")
    try {
      this._native.setOption(id, OptionKind.Bytes, value)
    } catch (err) {
      throw fromNative(err)
    }
  }

  /** @internal Whether a running proxy holds the socket. */
  _lent(): boolean {
    return !this.#closed && this._native.lent
  }

  /**
   * @internal The messages read ahead from libzmq but not yet received, oldest first, as
   * arrays of frames: for a proxy that takes the socket over and must forward them before
   * what libzmq still holds ({@link _dropReadAhead} once it has them). A message begun by
   * the last native receive is completed first (libzmq delivers a message's parts together).
   */
  _readAhead(): Buffer[][] {
    if (this.#closed) return []
    while (this.#partial !== undefined) {
      try {
        if (this.#fill(1) === 0) break
      } catch {
        break
      }
    }
    const messages: Buffer[][] = []
    for (let i = 0; i < this.#ready.length; i++) {
      const message = this.#ready.at(i) as unknown[]
      // Draft sockets' messages are [frame, {routingId | group}]: only the frame travels.
      const parts = message.length === 2 && !Buffer.isBuffer(message[1]) ? [message[0]] : message
      messages.push(parts as Buffer[])
    }
    return messages
  }

  /** @internal Forgets the messages {@link _readAhead} returned: someone else has them now. */
  _dropReadAhead(): void {
    this.#ready = new Fifo()
  }

  /** @internal Waits again for what pending operations need (after a proxy lent the socket). */
  _rearm(): void {
    this.#arm()
  }

  /** @internal Calls the addon, turning its errors into ZmqErrors. */
  _call<R>(call: (native: NativeSocket) => R, address?: string): R {
    if (this.#closed) throw zmqError("EBADF", undefined, address)
    try {
      return call(this._native)
    } catch (err) {
      throw fromNative(err, address)
    }
  }

  #spec(name: string): OptionSpec {
    if (!this.#optionNames.has(name)) throw unknownOptionError(name, this.#optionNames)
    return (socketOptions as Record<string, OptionSpec>)[name]
  }

  // ---- sending ----------------------------------------------------------------------

  /** @internal */
  protected _send(message: unknown, options?: DraftSendOptions): Promise<void> {
    message = prepareMessage(message)
    const draft =
      options?.routingId !== undefined || options?.group !== undefined ? options : undefined
    if (draft && Array.isArray(message)) {
      throw new TypeError("Draft sockets send single-part messages only")
    }
    if (this.#closed) return Promise.reject(zmqError("EBADF"))
    if (options?.signal?.aborted) return Promise.reject(options.signal.reason)
    if (this.#senders.length === 0 && this.#budget > 0) {
      try {
        const sent = draft
          ? this._native.sendDraft(message, draft.routingId, draft.group)
          : this._native.send(message)
        if (sent) {
          this.#spend(1)
          this._recheck()
          return resolved
        }
      } catch (err) {
        return Promise.reject(fromNative(err))
      }
      if (this.#sendTimeout === 0) return Promise.reject(zmqError("EAGAIN"))
    }
    return this.#enqueueSend({message, draft} as SendOperation, options?.signal)
  }

  /** @internal */
  protected _sendTracked(message: unknown, options?: OperationOptions): TrackedSend {
    message = prepareMessage(message)
    const count = zeroCopyFrames(message)
    if (count === 0) {
      const sent = this._send(message, options)
      return {sent, released: sent.then(noop, noop)}
    }
    let resolveReleased!: () => void
    const released = new Promise<void>(resolve => (resolveReleased = resolve))
    const tracker: Tracker = {remaining: count, resolve: resolveReleased}
    let sent: Promise<void>
    if (this.#closed) {
      sent = Promise.reject(zmqError("EBADF"))
    } else if (options?.signal?.aborted) {
      sent = Promise.reject(options.signal.reason)
    } else if (this.#senders.length === 0 && this.#budget > 0) {
      try {
        if (this.#sendTrackedNow(message, tracker)) {
          this.#spend(1)
          this._recheck()
          return {sent: resolved, released}
        }
        sent =
          this.#sendTimeout === 0
            ? Promise.reject(zmqError("EAGAIN"))
            : this.#enqueueSend({message, tracker} as SendOperation, options?.signal)
      } catch (err) {
        sent = Promise.reject(fromNative(err))
      }
    } else {
      sent = this.#enqueueSend({message, tracker} as SendOperation, options?.signal)
    }
    // A message libzmq never accepted holds no buffer.
    sent.catch(() => tracker.resolve())
    return {sent, released}
  }

  /** One attempt at a tracked send; each attempt has its own track id. */
  #sendTrackedNow(message: unknown, tracker: Tracker): boolean {
    const track = nextTrack()
    watchTrack(track, tracker)
    let accepted = false
    try {
      accepted = this._native.send(message, track)
    } finally {
      // Releases of a refused attempt's frames arrive later: let them find nobody.
      if (!accepted) forgetTrack(track)
    }
    return accepted
  }

  /** @internal */
  protected _receiveFrames(options?: OperationOptions): Promise<Frame[]> {
    return this._receive(options).then(toFrames)
  }

  /** @internal Which message properties received messages carry (see Readable). */
  get _collectMetadata(): boolean | readonly string[] {
    return this.#collect
  }

  set _collectMetadata(value: boolean | readonly string[]) {
    if (typeof value === "boolean") {
      this._call(native => native.setMetadata(value ? standardMetadata : null))
    } else if (
      Array.isArray(value) &&
      value.every(name => typeof name === "string" && name !== "")
    ) {
      const names = [...new Set([...standardMetadata, ...value])]
      this._call(native => native.setMetadata(names))
    } else {
      throw new TypeError(
        'Option "collectMetadata" must be a boolean or an array of property names',
      )
    }
    this.#collect = typeof value === "boolean" ? value : Object.freeze([...value])
  }

  /**
   * @internal Sends every message of `messages` in order, in as few native calls as
   * the high-water mark allows; resolves when libzmq accepted the last one.
   */
  protected _sendMany(messages: Iterable<unknown>, options?: OperationOptions): Promise<void> {
    let list: unknown[] = Array.isArray(messages) ? messages : Array.from(messages)
    for (let i = 0; i < list.length; i++) {
      const message = prepareMessage(list[i])
      if (message !== list[i]) {
        // Never change the caller's array.
        if (list === messages) list = list.slice()
        list[i] = message
      }
    }
    if (this.#closed) return Promise.reject(zmqError("EBADF"))
    if (options?.signal?.aborted) return Promise.reject(options.signal.reason)
    let index = 0
    if (this.#senders.length === 0 && this.#budget > 0) {
      try {
        index = this.#sendList(list, 0, list.length)
      } catch (err) {
        return Promise.reject(fromNative(err))
      }
      this.#spend(index)
      this._recheck()
      if (index === list.length) return resolved
    }
    const op = {many: {list, index}} as SendOperation
    return this.#enqueueSend(op, options?.signal)
  }

  #enqueueSend(op: SendOperation, signal: AbortSignal | undefined) {
    const pending = new Promise<void>((resolve, reject) => {
      op.resolve = resolve
      op.reject = reject
      this.#watch(op, this.#senders, signal, this.#sendTimeout)
      this.#senders.push(op)
      this.#arm()
    })
    return withCallerStack(pending)
  }

  #flushSends(): void {
    const senders = this.#senders
    while (senders.length > 0 && !this.#closed) {
      if (this.#budget <= 0) return this.#yieldTurn()
      const op = senders.peek()!
      let done: boolean
      try {
        if (op.many) {
          const many = op.many
          const sent = this.#sendList(many.list, many.index, many.list.length)
          many.index += sent
          this.#spend(sent)
          done = many.index === many.list.length
        } else if (op.draft) {
          done = this._native.sendDraft(op.message, op.draft.routingId, op.draft.group)
          if (done) this.#spend(1)
        } else if (op.tracker) {
          done = this.#sendTrackedNow(op.message, op.tracker)
          if (done) this.#spend(1)
        } else {
          // Settles what it sent itself; stop when libzmq would block.
          if (!this.#flushPlainSends()) return
          continue
        }
      } catch (err) {
        senders.shift()
        this.#settle(op).reject(fromNative(err))
        continue
      }
      if (!done) return
      senders.shift()
      this.#settle(op).resolve()
    }
  }

  /**
   * Sends messages `start` to `end` of `list` until libzmq would block; returns how many
   * it accepted. Small byte arrays go packed, the others one by one. Throws only when the
   * first message fails (a later failure surfaces on the next call).
   */
  #sendList(list: readonly unknown[], start: number, end: number): number {
    let index = start
    try {
      while (index < end) {
        const packed = packMessages(list, index, end)
        const sent =
          packed > 0
            ? this._native.sendPacked(packedFrames)
            : this._native.sendMany(list, index, index + 1)
        index += sent
        if (sent < Math.max(packed, 1)) break
      }
    } catch (err) {
      if (index === start) throw err
    }
    return index - start
  }

  /** Hands consecutive plain sends to libzmq in one call; false when it would block. */
  #flushPlainSends(): boolean {
    const senders = this.#senders
    const list = this.#flushList
    const limit = Math.min(SEND_BATCH, this.#budget, senders.length)
    for (let i = 0; i < limit; i++) {
      const op = senders.at(i)!
      if (op.many || op.draft || op.tracker) break
      list.push(op.message)
    }
    const count = list.length
    let sent = 0
    let failure: unknown
    try {
      sent = this.#sendList(list, 0, count)
    } catch (err) {
      failure = err
    }
    list.length = 0
    this.#spend(sent)
    for (let i = 0; i < sent; i++) this.#settle(senders.shift()!).resolve()
    if (failure !== undefined) {
      const op = senders.shift()!
      this.#settle(op).reject(fromNative(failure))
      return true
    }
    return sent === count
  }

  // ---- receiving --------------------------------------------------------------------

  /**
   * Takes the next message if one can be had without waiting (and without overtaking a
   * pending receive or exceeding this turn's budget); `nothing` otherwise.
   * @throws what the addon throws (a libzmq error of the receive).
   */
  #takeNow(): unknown {
    if (this.#receivers.length > 0 || this.#budget <= 0 || this.#closed) return nothing
    if (this.#ready.length === 0) {
      this.#fill()
      this._recheck()
    }
    if (this.#ready.length === 0) return nothing
    this.#spend(1)
    return this.#ready.shift()
  }

  /**
   * @internal Looks at the socket's events again after a call that went through libzmq
   * without waiting (a send, a receive, a connect…): libzmq may have consumed there the
   * descriptor's wake-up that pending operations (of the other direction, or a Poller)
   * wait for, and the descriptor would not signal again.
   */
  _recheck(): void {
    if (this.#senders.length + this.#receivers.length + this.#watchers.length > 0) this.#arm()
  }

  /** @internal */
  protected _receive(options?: OperationOptions): Promise<unknown> {
    let message: unknown
    try {
      message = this.#takeNow()
    } catch (err) {
      return Promise.reject(fromNative(err))
    }
    if (message !== nothing) return Promise.resolve(message)
    if (this.#closed) return Promise.reject(zmqError("EBADF"))
    if (options?.signal?.aborted) return Promise.reject(options.signal.reason)
    if (this.#receiveTimeout === 0 && this.#receivers.length === 0 && this.#budget > 0) {
      return Promise.reject(zmqError("EAGAIN"))
    }
    return this.#enqueueReceive({} as ReceiveOperation, options?.signal)
  }

  /**
   * @internal The async iterator's next(): like receive(), but resolves with the
   * IteratorResult itself (one promise per message, not three), and ends the iteration
   * when the socket closes.
   */
  _next(): Promise<IteratorResult<unknown, undefined>> {
    let message: unknown
    try {
      message = this.#takeNow()
    } catch (err) {
      return Promise.reject(fromNative(err))
    }
    if (message !== nothing) return Promise.resolve({value: message, done: false})
    if (this.#closed) return Promise.resolve(done)
    const op = {iterate: true} as ReceiveOperation
    return this.#enqueueReceive(op, undefined) as Promise<IteratorResult<unknown, undefined>>
  }

  /**
   * @internal Resolves with every message that is ready (at least one, at most `max`),
   * waiting like receive() when none is.
   */
  protected _receiveMany(max: number, options?: OperationOptions): Promise<unknown[]> {
    if (!Number.isInteger(max) || max < 1) {
      throw new RangeError(`receiveMany(max): max must be a positive integer, got ${max}`)
    }
    if (this.#receivers.length === 0 && this.#budget > 0 && !this.#closed) {
      try {
        if (this.#ready.length < max) this.#fill(max - this.#ready.length)
      } catch (err) {
        if (this.#ready.length === 0) return Promise.reject(fromNative(err))
      }
      this._recheck()
      if (this.#ready.length > 0) return Promise.resolve(this.#take(max))
    }
    if (this.#closed) return Promise.reject(zmqError("EBADF"))
    if (options?.signal?.aborted) return Promise.reject(options.signal.reason)
    const op = {many: max} as ReceiveOperation
    return this.#enqueueReceive(op, options?.signal) as Promise<unknown[]>
  }

  /**
   * @internal Resolves with a MessageBatch of every message that is ready (at least
   * one, at most `max`), waiting like receive() when none is.
   */
  protected _receiveBatch(max: number, options?: OperationOptions): Promise<MessageBatch<object>> {
    if (!Number.isInteger(max) || max < 1) {
      throw new RangeError(`receiveBatch(max): max must be a positive integer, got ${max}`)
    }
    if (this.#receivers.length === 0 && this.#budget > 0 && !this.#closed) {
      let batch: MessageBatch<object> | undefined
      try {
        batch = this.#takeBatch(max)
      } catch (err) {
        return Promise.reject(fromNative(err))
      }
      this._recheck()
      if (batch !== undefined) return Promise.resolve(batch)
    }
    if (this.#closed) return Promise.reject(zmqError("EBADF"))
    if (options?.signal?.aborted) return Promise.reject(options.signal.reason)
    const op = {batch: max} as ReceiveOperation
    return this.#enqueueReceive(op, options?.signal) as Promise<MessageBatch<object>>
  }

  #enqueueReceive(op: ReceiveOperation, signal: AbortSignal | undefined) {
    const pending = new Promise<unknown>((resolve, reject) => {
      op.resolve = resolve
      op.reject = reject
      this.#watch(op, this.#receivers, signal, this.#receiveTimeout)
      this.#receivers.push(op)
      this.#arm()
    })
    return withCallerStack(pending)
  }

  #take(max: number): unknown[] {
    const count = Math.min(max, this.#ready.length)
    const messages = new Array<unknown>(count)
    for (let i = 0; i < count; i++) messages[i] = this.#ready.shift()
    this.#spend(count)
    return messages
  }

  /** Moves ready messages from libzmq into the ready queue; returns how many. */
  #fill(max = RECEIVE_BATCH): number {
    const frames = this.#receiveFrames(max)
    return frames === 0 ? 0 : this.#materialize(frames)
  }

  /**
   * Takes the frames of up to `max` messages from libzmq: their bytes go to the pool
   * from #poolOffset on, their sizes and flags to #meta, what does not fit there to
   * #extras. Returns how many frames.
   */
  #receiveFrames(max: number): number {
    if (this.#pool.length - this.#poolOffset < binding.Socket.poolFrameMax) {
      this.#pool = Buffer.allocUnsafeSlow(POOL_SIZE)
      // Many messages share a chunk: transferring one message's memory (postMessage,
      // structuredClone) must copy it, not empty every message in the chunk.
      markAsUntransferable?.(this.#pool.buffer)
      this.#poolOffset = 0
    }
    return this._native.receive(this.#pool, this.#poolOffset, max)
  }

  /**
   * Makes frames `from` to `frames` of #meta into messages (the first one's bytes at
   * #poolOffset, its extras from `extra` on) and queues them as ready; returns how many.
   */
  #materialize(frames: number, from = 0, extra = 0): number {
    const pool = this.#pool
    // Read once: `.buffer` is a runtime call on every access.
    const poolBuffer = pool.buffer
    const poolStart = pool.byteOffset
    const meta = this.#meta
    const extras = this.#extras
    let offset = this.#poolOffset
    let added = 0
    let parts = this.#partial
    for (let i = from; i < frames; i++) {
      const size = meta[3 * i]
      const flags = meta[3 * i + 1]
      let frame: Buffer
      if (flags & FrameFlag.Extra) {
        frame = extras[extra++] as Buffer
      } else {
        frame = new BufferView(poolBuffer, poolStart + offset, size)
        offset += size
      }
      const routingId = meta[3 * i + 2]
      if (routingId !== 0 || flags & FrameFlag.Group) {
        const info: DraftReceiveInfo = (this.#draftInfo ??= {})
        if (routingId !== 0) info.routingId = routingId
        if (flags & FrameFlag.Group) info.group = extras[extra++] as string
      }
      if (flags & FrameFlag.Metadata) this.#metadata = extras[extra++] as Metadata
      if (parts === undefined) parts = [frame]
      else parts.push(frame)
      if ((flags & FrameFlag.More) === 0) {
        this.#ready.push(this.#complete(parts))
        parts = undefined
        added++
      }
    }
    this.#partial = parts
    this.#poolOffset = offset
    if (extras.length > 0) extras.length = 0
    return added
  }

  /**
   * Takes up to `max` messages as a MessageBatch; undefined when none is complete.
   * Plain frames stay packed in the pool, described by a copy of #meta; messages with
   * routing ids, groups or properties, and ready ones, are made as receive() makes them.
   */
  #takeBatch(max: number): MessageBatch<object> | undefined {
    if (this.#ready.length > 0) return MessageBatch._of(this.#take(max) as object[])
    if (this.#partial !== undefined) {
      // The rest of a message begun by an earlier call (at most once per message).
      if (this.#fill(max) === 0) return undefined
      return MessageBatch._of(this.#take(max) as object[])
    }
    const frames = this.#receiveFrames(max)
    if (frames === 0) return undefined
    const poolStart = this.#pool.byteOffset
    // Each frame's third entry (its routing id, 0 here) becomes its byte offset or
    // its index in the extras.
    const table = this.#meta.slice(0, 3 * frames)
    let at = poolStart + this.#poolOffset
    let extra = 0
    let messages = 0
    // Where the last complete message ends: frames after it begin a partial one.
    let end = 0
    let endAt = at
    let endExtra = 0
    for (let i = 0; i < frames; i++) {
      const flags = table[3 * i + 1]
      if (table[3 * i + 2] !== 0 || (flags & (FrameFlag.Group | FrameFlag.Metadata)) !== 0) {
        if (this.#materialize(frames) === 0) return undefined
        return MessageBatch._of(this.#take(max) as object[])
      }
      if (flags & FrameFlag.Extra) {
        table[3 * i + 2] = extra++
      } else {
        table[3 * i + 2] = at
        at += table[3 * i]
      }
      if ((flags & FrameFlag.More) === 0) {
        messages++
        end = i + 1
        endAt = at
        endExtra = extra
      }
    }
    const extras = this.#extras
    const batchExtras = endExtra > 0 ? (extras.slice(0, endExtra) as Message[]) : noExtras
    let starts: Uint32Array | undefined
    if (end !== messages) {
      starts = new Uint32Array(messages + 1)
      let message = 0
      for (let i = 0; i < end; i++) {
        if ((table[3 * i + 1] & FrameFlag.More) === 0) starts[++message] = i + 1
      }
    }
    this.#poolOffset = endAt - poolStart
    if (end < frames) this.#materialize(frames, end, endExtra)
    else if (extras.length > 0) extras.length = 0
    if (messages === 0) return undefined
    this.#spend(messages)
    const packed = end < frames ? table.subarray(0, 3 * end) : table
    return MessageBatch._packed(messages, this.#pool.buffer, packed, starts, batchExtras)
  }

  /** Turns the frames of one message into what receive() resolves with. */
  #complete(parts: Message[]): unknown {
    const info = this.#draftInfo
    let message: unknown = parts
    if (info !== undefined) {
      this.#draftInfo = undefined
      message = this._draftMessage(parts, info)
    }
    if (this.#metadata !== undefined) {
      messageDetails.set(message as object, {metadata: this.#metadata, info})
      this.#metadata = undefined
    }
    return message
  }

  /** @internal Draft sockets override this to add routing ids and groups. */
  protected _draftMessage(parts: Message[], _info: DraftReceiveInfo): unknown {
    return parts
  }

  #dispatchReceives(): void {
    const receivers = this.#receivers
    while (receivers.length > 0 && !this.#closed) {
      const batchMax = receivers.peek()!.batch
      if (batchMax !== undefined) {
        if (this.#budget <= 0) return this.#yieldTurn()
        let batch: MessageBatch<object> | undefined
        try {
          batch = this.#takeBatch(batchMax)
        } catch (err) {
          this.#settle(receivers.shift()!).reject(fromNative(err))
          continue
        }
        if (batch === undefined) return
        this.#settle(receivers.shift()!).resolve(batch)
        continue
      }
      if (this.#ready.length === 0) {
        if (this.#budget <= 0) return this.#yieldTurn()
        try {
          if (this.#fill() === 0) return
        } catch (err) {
          const op = receivers.shift()!
          this.#settle(op).reject(fromNative(err))
          continue
        }
      }
      const op = receivers.shift()!
      if (op.many !== undefined) {
        this.#settle(op).resolve(this.#take(op.many))
      } else {
        this.#spend(1)
        const message = this.#ready.shift()
        this.#settle(op).resolve(op.iterate ? {value: message, done: false} : message)
      }
    }
  }

  /**
   * @internal Resolves with the events (1 readable, 2 writable) once one of the
   * `interest` bits holds, without sending or receiving anything: for pollers.
   */
  _whenReady(interest: number, options?: OperationOptions): Promise<number> {
    if (this.#closed) return Promise.reject(zmqError("EBADF"))
    if (options?.signal?.aborted) return Promise.reject(options.signal.reason)
    const now = (this.#ready.length > 0 ? READABLE : 0) | this.#events()
    if ((now & interest) !== 0) return Promise.resolve(now & interest)
    const pending = new Promise<number>((resolve, reject) => {
      const op = {interest, resolve, reject} as WatchOperation
      this.#watch(op, this.#watchers, options?.signal, -1)
      this.#watchers.push(op)
      this.#arm()
    })
    return withCallerStack(pending)
  }

  /** Resolves the watchers whose interest the events meet. */
  #notifyWatchers(events: number): void {
    if (this.#ready.length > 0) events |= READABLE
    const waiting = this.#watchers.drain()
    for (const op of waiting) {
      const ready = events & op.interest
      if (ready !== 0) this.#settle(op).resolve(ready)
      else this.#watchers.push(op)
    }
  }

  // ---- waiting ----------------------------------------------------------------------

  /** Called by the addon (on the JS thread) when an awaited event is ready. */
  #onReady(events: number): void {
    this.#budget = TURN_BUDGET
    if (events & READABLE) this.#dispatchReceives()
    if (events & WRITABLE) this.#flushSends()
    if (this.#watchers.length > 0) this.#notifyWatchers(events)
    this.#arm()
  }

  /**
   * Waits for what the pending operations need, or processes them at once when the
   * socket is ready already (ZMQ_FD is edge-triggered: a send can make the socket
   * readable without the descriptor firing).
   */
  #arm(): void {
    for (;;) {
      if (this.#closed || this.#yielding) return
      let watching = 0
      for (let i = 0; i < this.#watchers.length; i++) watching |= this.#watchers.at(i)!.interest
      const interest =
        (this.#receivers.length > 0 ? READABLE : 0) |
        (this.#senders.length > 0 ? WRITABLE : 0) |
        watching
      let events: number
      try {
        events = this._native.wait(interest)
      } catch (err) {
        return this.#failAll(fromNative(err))
      }
      if (interest === 0) {
        busy.delete(this)
        return
      }
      busy.add(this)
      const ready = events & interest
      if (ready === 0) return
      if (this.#budget <= 0) return this.#yieldTurn()
      const before = this.#senders.length + this.#receivers.length + this.#watchers.length
      if (ready & READABLE) this.#dispatchReceives()
      if (ready & WRITABLE) this.#flushSends()
      if (watching & ready) this.#notifyWatchers(events)
      // Ready but stuck: try again on the next turn rather than spin.
      if (this.#senders.length + this.#receivers.length + this.#watchers.length === before) {
        return this.#yieldTurn()
      }
    }
  }

  /** Gives the event loop a turn (timers, I/O) before moving more messages. */
  #yieldTurn(): void {
    if (this.#yielding) return
    this.#yielding = true
    busy.add(this)
    setImmediate(() => {
      this.#yielding = false
      this.#budget = TURN_BUDGET
      if (this.#closed) return
      this.#dispatchReceives()
      this.#flushSends()
      this.#arm()
    })
  }

  #spend(count: number): void {
    this.#budget -= count
    // The first synchronous message of a turn schedules the budget's reset.
    if (this.#budget < 0 && !this.#yielding) this.#yieldTurn()
  }

  #watch<T>(
    op: Operation<T>,
    queue: Fifo<Operation<T>>,
    signal: AbortSignal | undefined,
    timeout: number,
  ) {
    if (signal) {
      op.signal = signal
      op.onAbort = () => {
        if (queue.remove(op)) {
          this.#settle(op)
          op.reject(signal.reason)
          this.#arm()
        }
      }
      signal.addEventListener("abort", op.onAbort, {once: true})
    }
    if (timeout >= 0) {
      op.timer = setTimeout(() => {
        if (queue.remove(op)) {
          op.timer = undefined
          this.#settle(op)
          op.reject(zmqError("EAGAIN"))
          this.#arm()
        }
      }, timeout)
    }
  }

  /** Detaches an operation from its signal and timer; returns it for chaining. */
  #settle<T>(op: Operation<T>): Operation<T> {
    if (op.timer !== undefined) clearTimeout(op.timer)
    if (op.onAbort !== undefined) op.signal!.removeEventListener("abort", op.onAbort)
    return op
  }

  #failAll(error: Error): void {
    for (const op of this.#senders.drain()) this.#settle(op).reject(copy(error))
    for (const op of this.#receivers.drain()) this.#settle(op).reject(copy(error))
    for (const op of this.#watchers.drain()) this.#settle(op).reject(copy(error))
    busy.delete(this)
  }
}

function noop(): void {}

const noMetadata: Metadata = Object.freeze({})

/** Frames of a received message (Buffer[], or a draft socket's [Buffer, info]). */
function toFrames(message: unknown): Frame[] {
  const details = messageDetails.get(message as object)
  const metadata = details?.metadata ?? noMetadata
  const parts = message as unknown[]
  if (parts.length === 2 && !Buffer.isBuffer(parts[1])) {
    const info = parts[1] as DraftReceiveInfo
    return [{data: parts[0] as Buffer, more: false, metadata, ...info}]
  }
  return (parts as Buffer[]).map((data, i) => ({data, more: i + 1 < parts.length, metadata}))
}

function copy(error: Error): Error {
  if (error instanceof ZmqError)
    return new ZmqError(error.message, error.code, error.errno, error.address)
  return error
}

/** The option names a socket class has, from its prototype chain's accessors. */
function optionNamesOf(socket: Socket): ReadonlySet<string> {
  const ctor = socket.constructor as {_optionNames?: ReadonlySet<string>}
  if (ctor._optionNames === undefined) throw new TypeError("Use a concrete socket class")
  return ctor._optionNames
}

/** Sockets that may send: `send()` and `sendMany()`. */
export interface Writable<M = MessageLike | MessageLike[], O extends object = OperationOptions> {
  /**
   * Sends a single-part (`send("hi")`) or multipart (`send(["a", "b"])`) message.
   * Resolves when libzmq accepted it (immediately when the high-water mark allows).
   * Calls may overlap freely: they complete in call order. Rejects with code `EAGAIN`
   * after {@link Socket.sendTimeout} ms, and with the signal's reason when aborted.
   * @throws TypeError (synchronously) for anything that is not a message.
   */
  send(message: M, options?: O): Promise<void>
  /**
   * Sends many messages in order with as few native calls as possible; resolves when
   * libzmq accepted the last one. The fastest way to send a burst.
   */
  sendMany(messages: Iterable<M>, options?: OperationOptions): Promise<void>
  /**
   * Sends like {@link send}, and also tells when libzmq has released the message's
   * buffers. Frames of `zeroCopyMin` (64 KiB) or more are sent without copying, so
   * they must not change until then:
   * ```ts
   * const {sent, released} = socket.sendTracked(bigBuffer)
   * await released // now bigBuffer may be reused
   * ```
   * Over `inproc://` nothing is copied at all: the receiver gets the same memory, and
   * the release comes when the received buffer has been garbage-collected. Like an
   * unreferenced timer, waiting for `released` does not keep the process alive.
   */
  sendTracked(message: M, options?: OperationOptions): TrackedSend
}

/** Sockets that may receive: `receive()`, `receiveMany()` and `for await`. */
export interface Readable<M extends object = Message[]> {
  /**
   * Resolves with the next message as an array of frames (`const [msg] = await
   * socket.receive()`). Calls may overlap freely: they complete in call order.
   * Rejects with code `EAGAIN` after {@link Socket.receiveTimeout} ms.
   */
  receive(options?: OperationOptions): Promise<M>
  /**
   * Resolves with every message that is ready, at least one and at most `max`
   * (default 1024), waiting like {@link receive} when none is. The fastest way to
   * consume a stream of messages.
   */
  receiveMany(max?: number, options?: OperationOptions): Promise<M[]>
  /**
   * Like {@link receiveMany}, but resolves with a {@link MessageBatch}: small frames
   * stay packed in one memory chunk and no object is made per message until asked
   * for (`batch.frame(i)`, `batch.frameSize(i)`, `batch.message(i)`, iteration). The
   * fastest way to consume a stream of small messages.
   */
  receiveBatch(max?: number, options?: OperationOptions): Promise<MessageBatch<M>>
  /** Receives messages until the socket is closed. */
  [Symbol.asyncIterator](): AsyncIterator<M, undefined>
  /**
   * Like {@link receive}, but resolves with {@link Frame}s: the bytes with `more`, the
   * message's properties (`metadata`) and, on draft sockets, the routing id or group.
   */
  receiveFrames(options?: OperationOptions): Promise<Frame[]>
  /**
   * Whether to record each received message's properties (`zmq_msg_gets`) for
   * {@link receiveFrames}: `true` for `Socket-Type`, `Routing-Id`, `Peer-Address` and
   * `User-Id`, or an array naming more (ZAP metadata properties). Off by default, as it
   * costs a little per message. Set it before messages arrive (in the constructor's
   * options): messages already taken from libzmq have no properties.
   */
  collectMetadata: boolean | readonly string[]
}

/** @internal Adds send/sendMany to a socket class. */
export function makeWritable(cls: {prototype: object}, draft = false): void {
  Object.defineProperties(cls.prototype, {
    send: {
      value: draft
        ? function (this: Socket, message: unknown, options?: DraftSendOptions) {
            return (this as unknown as Internals)._send(message, options)
          }
        : function (this: Socket, message: unknown, options?: OperationOptions) {
            const plain = options && {signal: options.signal}
            return (this as unknown as Internals)._send(message, plain)
          },
      writable: true,
      configurable: true,
    },
    sendMany: {
      value(this: Socket, messages: Iterable<unknown>, options?: OperationOptions) {
        return (this as unknown as Internals)._sendMany(messages, options)
      },
      writable: true,
      configurable: true,
    },
  })
  if (!draft) {
    Object.defineProperty(cls.prototype, "sendTracked", {
      value(this: Socket, message: unknown, options?: OperationOptions) {
        return (this as unknown as Internals)._sendTracked(message, options)
      },
      writable: true,
      configurable: true,
    })
  }
}

/** @internal Adds receive/receiveMany/async iteration to a socket class. */
export function makeReadable(cls: {prototype: object}): void {
  // A constructor option too, like the libzmq options.
  ;(cls as unknown as {_optionNames: Set<string>})._optionNames.add("collectMetadata")
  Object.defineProperties(cls.prototype, {
    receiveFrames: {
      value(this: Socket, options?: OperationOptions) {
        return (this as unknown as Internals)._receiveFrames(options)
      },
      writable: true,
      configurable: true,
    },
    collectMetadata: {
      get(this: Socket) {
        return (this as unknown as Internals)._collectMetadata
      },
      set(this: Socket, value: boolean | readonly string[]) {
        ;(this as unknown as Internals)._collectMetadata = value
      },
      configurable: true,
    },
    receive: {
      value(this: Socket, options?: OperationOptions) {
        return (this as unknown as Internals)._receive(options)
      },
      writable: true,
      configurable: true,
    },
    receiveMany: {
      value(this: Socket, max = 1024, options?: OperationOptions) {
        return (this as unknown as Internals)._receiveMany(max, options)
      },
      writable: true,
      configurable: true,
    },
    receiveBatch: {
      value(this: Socket, max = 1024, options?: OperationOptions) {
        return (this as unknown as Internals)._receiveBatch(max, options)
      },
      writable: true,
      configurable: true,
    },
    [Symbol.asyncIterator]: {
      value(this: Socket) {
        const socket = this as unknown as Internals
        return {
          next: () => socket._next(),
          return: () => Promise.resolve(done),
          [Symbol.asyncIterator]() {
            return this
          },
        }
      },
      writable: true,
      configurable: true,
    },
  })
}

interface Internals {
  _sendTracked(message: unknown, options?: OperationOptions): TrackedSend
  _receiveFrames(options?: OperationOptions): Promise<Frame[]>
  _collectMetadata: boolean | readonly string[]
  _send(message: unknown, options?: DraftSendOptions): Promise<void>
  _sendMany(messages: Iterable<unknown>, options?: OperationOptions): Promise<void>
  _receive(options?: OperationOptions): Promise<unknown>
  _receiveMany(max: number, options?: OperationOptions): Promise<unknown[]>
  _receiveBatch(max: number, options?: OperationOptions): Promise<MessageBatch<object>>
  _next(): Promise<IteratorResult<unknown, undefined>>
}
