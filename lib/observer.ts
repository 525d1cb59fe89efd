/**
 * Socket events (libzmq's socket monitor) as typed objects: `socket.events`.
 * @module
 */
import {randomUUID} from "node:crypto"
import {endianness} from "node:os"
import {getSystemErrorMap} from "node:util"
import type {Context} from "./context"
import {codeOf, ZmqError, zmqError, type ZmqErrorCode} from "./errors"
import * as zmq from "./generated/zmq-constants"
import {optionsOf} from "./options/classes"
import {SocketEngine} from "./socket/engine"
import {Fifo} from "./socket/fifo"
import {engineOf} from "./socket/internals"
import {socketKinds} from "./socket/kinds"
import {OperationQueue, type Operation} from "./socket/operation"
import type {OperationOptions} from "./socket/readable"

/**
 * An error of an `*:error` event: the errno libzmq reported, as `code` (`"EADDRINUSE"`,
 * `"ECONNREFUSED"`, …) and `errno`.
 */
export type ErrnoError = ZmqError

/**
 * The error of a `handshake:error:auth` event: the ZAP handler refused the peer. `status`
 * is the ZAP status code (300 temporary failure, 400 authentication failure, 500
 * internal error); `code` is `"EACCES"`.
 */
export interface AuthError extends ZmqError {
  /** The ZAP status code of the refusal: 300 (try later), 400 (refused) or 500 (internal error). */
  readonly status: 300 | 400 | 500
}

/** The codes of {@link ProtoError}: libzmq's `ZMQ_PROTOCOL_ERROR_*` names with `ERR_` in front. */
export type ProtoErrorCode =
  | "ERR_ZMTP_UNSPECIFIED"
  | "ERR_ZMTP_UNEXPECTED_COMMAND"
  | "ERR_ZMTP_INVALID_SEQUENCE"
  | "ERR_ZMTP_KEY_EXCHANGE"
  | "ERR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED"
  | "ERR_ZMTP_MALFORMED_COMMAND_MESSAGE"
  | "ERR_ZMTP_MALFORMED_COMMAND_HELLO"
  | "ERR_ZMTP_MALFORMED_COMMAND_INITIATE"
  | "ERR_ZMTP_MALFORMED_COMMAND_ERROR"
  | "ERR_ZMTP_MALFORMED_COMMAND_READY"
  | "ERR_ZMTP_MALFORMED_COMMAND_WELCOME"
  | "ERR_ZMTP_INVALID_METADATA"
  | "ERR_ZMTP_CRYPTOGRAPHIC"
  | "ERR_ZMTP_MECHANISM_MISMATCH"
  | "ERR_ZAP_UNSPECIFIED"
  | "ERR_ZAP_MALFORMED_REPLY"
  | "ERR_ZAP_BAD_REQUEST_ID"
  | "ERR_ZAP_BAD_VERSION"
  | "ERR_ZAP_INVALID_STATUS_CODE"
  | "ERR_ZAP_INVALID_METADATA"
  | "ERR_WS_UNSPECIFIED"
  | "ERR_UNKNOWN"

/**
 * The error of a `handshake:error:protocol` event: the peers (or the ZAP handler) broke
 * the ZMTP protocol. `errno` is libzmq's protocol error number (`ZMQ_PROTOCOL_ERROR_*`).
 */
export interface ProtoError extends ZmqError {
  readonly code: ProtoErrorCode
}

/** The endpoint an event is about. */
export interface EventAddress {
  /** The endpoint, e.g. `tcp://127.0.0.1:5555` (libzmq omits the transport for `bind:error`). */
  address: string
}

/** The reconnect interval of a `connect:retry` event, in milliseconds. */
export interface EventInterval {
  /** Milliseconds until the next attempt. */
  interval: number
}

/** The error of an error event. */
export interface EventError<E = ErrnoError> {
  /** What failed, as a {@link ZmqError}. */
  error: E
}

type Expand<T> = T extends infer O ? {[K in keyof O]: O[K]} : never

/** An event object: `{type: T}` and the details `D`. */
export type EventFor<T extends string, D = unknown> = Expand<
  {
    /** The kind of event, e.g. `"connect:retry"`. */
    type: T
  } & D
>

/**
 * Every event an {@link Observer} reports, told apart by `type`:
 *
 * | type                       | libzmq event                          | details                        |
 * | -------------------------- | ------------------------------------- | ------------------------------ |
 * | `accept`                   | `ZMQ_EVENT_ACCEPTED`                  | `address`                      |
 * | `accept:error`             | `ZMQ_EVENT_ACCEPT_FAILED`             | `address`, `error`             |
 * | `bind`                     | `ZMQ_EVENT_LISTENING`                 | `address`                      |
 * | `bind:error`               | `ZMQ_EVENT_BIND_FAILED`               | `address`, `error`             |
 * | `connect`                  | `ZMQ_EVENT_CONNECTED`                 | `address`                      |
 * | `connect:delay`            | `ZMQ_EVENT_CONNECT_DELAYED`           | `address`                      |
 * | `connect:retry`            | `ZMQ_EVENT_CONNECT_RETRIED`           | `address`, `interval` (ms)     |
 * | `close`                    | `ZMQ_EVENT_CLOSED`                    | `address`                      |
 * | `close:error`              | `ZMQ_EVENT_CLOSE_FAILED`              | `address`, `error`             |
 * | `disconnect`               | `ZMQ_EVENT_DISCONNECTED`              | `address`                      |
 * | `end`                      | `ZMQ_EVENT_MONITOR_STOPPED`           | (always the last event)        |
 * | `handshake`                | `ZMQ_EVENT_HANDSHAKE_SUCCEEDED`       | `address`                      |
 * | `handshake:error:protocol` | `ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL` | `address`, `error` (code)      |
 * | `handshake:error:auth`     | `ZMQ_EVENT_HANDSHAKE_FAILED_AUTH`     | `address`, `error` (status)    |
 * | `handshake:error:other`    | `ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL`| `address`, `error`             |
 * | `unknown`                  | anything else                         |                                |
 *
 * There is deliberately no `error` type: Node's emitters treat that name specially.
 */
export type Event =
  | EventFor<"accept", EventAddress>
  | EventFor<"accept:error", EventAddress & EventError>
  | EventFor<"bind", EventAddress>
  | EventFor<"bind:error", EventAddress & EventError>
  | EventFor<"connect", EventAddress>
  | EventFor<"connect:delay", EventAddress>
  | EventFor<"connect:retry", EventAddress & EventInterval>
  | EventFor<"close", EventAddress>
  | EventFor<"close:error", EventAddress & EventError>
  | EventFor<"disconnect", EventAddress>
  | EventFor<"end">
  | EventFor<"handshake", EventAddress>
  | EventFor<"handshake:error:protocol", EventAddress & EventError<ProtoError>>
  | EventFor<"handshake:error:auth", EventAddress & EventError<AuthError>>
  | EventFor<"handshake:error:other", EventAddress & EventError>
  | EventFor<"unknown">

/** The `type` of every {@link Event}. */
export type EventType = Event["type"]

/** The event object of one type, e.g. `EventOfType<"connect:retry">`. */
export type EventOfType<E extends EventType = EventType> = Expand<
  Extract<Event, Event & EventFor<E>>
>

/** Adding and removing event listeners (the {@link Observer}'s emitter mode). */
export interface EventSubscriber {
  /** Calls `listener` with every event of `type` from now on. */
  on<E extends EventType>(type: E, listener: (event: EventOfType<E>) => void): EventSubscriber
  /** Removes a listener added with {@link on} (the most recently added, if added twice). */
  off<E extends EventType>(type: E, listener: (event: EventOfType<E>) => void): EventSubscriber
}

const eventNames = new Map<number, EventType>([
  [zmq.ZMQ_EVENT_CONNECTED, "connect"],
  [zmq.ZMQ_EVENT_CONNECT_DELAYED, "connect:delay"],
  [zmq.ZMQ_EVENT_CONNECT_RETRIED, "connect:retry"],
  [zmq.ZMQ_EVENT_LISTENING, "bind"],
  [zmq.ZMQ_EVENT_BIND_FAILED, "bind:error"],
  [zmq.ZMQ_EVENT_ACCEPTED, "accept"],
  [zmq.ZMQ_EVENT_ACCEPT_FAILED, "accept:error"],
  [zmq.ZMQ_EVENT_CLOSED, "close"],
  [zmq.ZMQ_EVENT_CLOSE_FAILED, "close:error"],
  [zmq.ZMQ_EVENT_DISCONNECTED, "disconnect"],
  [zmq.ZMQ_EVENT_MONITOR_STOPPED, "end"],
  [zmq.ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL, "handshake:error:other"],
  [zmq.ZMQ_EVENT_HANDSHAKE_SUCCEEDED, "handshake"],
  [zmq.ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL, "handshake:error:protocol"],
  [zmq.ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, "handshake:error:auth"],
])
const eventTypes: ReadonlySet<string> = new Set<string>([...eventNames.values(), "unknown"])

// Events whose value is an errno.
const errnoEvents: ReadonlySet<EventType> = new Set<EventType>([
  "accept:error",
  "bind:error",
  "close:error",
  "handshake:error:other",
])

// From the generated constants, so every protocol error of this libzmq is named.
const protocolCodes = new Map<number, ProtoErrorCode>(
  Object.entries(zmq)
    .filter(([name]) => name.startsWith("ZMQ_PROTOCOL_ERROR_"))
    .map(([name, value]) => [value, `ERR_${name.slice(19)}` as ProtoErrorCode]),
)

const authFailures: Record<number, string> = {
  300: "Authentication failed temporarily",
  400: "Authentication failed",
  500: "Authentication failed on an internal error",
}

let systemErrors: Map<number, [string, string]> | undefined

function errnoError(errno: number): ZmqError {
  // Node's table (with descriptions) is keyed by libuv's codes: the negated errno on POSIX.
  const known = (systemErrors ??= getSystemErrorMap()).get(-errno)
  if (known !== undefined) {
    const [code, description] = known
    return new ZmqError(description.charAt(0).toUpperCase() + description.slice(1), code, errno)
  }
  const code = codeOf(errno)
  if (code === undefined) return new ZmqError(`Unknown error ${errno}`, "UNKNOWN", errno)
  return new ZmqError(zmqError(code as ZmqErrorCode).message, code, errno)
}

function protocolError(value: number): ProtoError {
  const code = protocolCodes.get(value) ?? "ERR_UNKNOWN"
  const [, layer, ...words] = code.split("_")
  const detail = words.join(" ").toLowerCase()
  const message = code === "ERR_UNKNOWN" ? "Unknown protocol error" : `${layer} protocol error`
  return new ZmqError(`${message}${detail ? ` (${detail})` : ""}`, code, value) as ProtoError
}

function authError(status: number): AuthError {
  const message = `${authFailures[status] ?? "Authentication failed"} (ZAP status ${status})`
  const error = zmqError("EACCES", message) as ZmqError & {status: number}
  error.status = status
  return error as AuthError
}

/**
 * What libzmq reported, kept on each event under this key (not enumerable): the event
 * number and its value (a file descriptor, an errno, an interval). The v5 API passes them
 * on.
 * @internal
 */
export const rawEvent: unique symbol = Symbol("zeromq-napi.rawEvent")

const littleEndian = endianness() === "LE"

/** Decodes one monitor message: a 6-byte frame (uint16 event, uint32 value, host order), then the endpoint. */
function decode(frames: Buffer[]): Event {
  const [head, endpoint] = frames
  if (frames.length !== 2 || head.length !== 6) return {type: "unknown"}
  const id = littleEndian ? head.readUInt16LE(0) : head.readUInt16BE(0)
  const value = littleEndian ? head.readUInt32LE(2) : head.readUInt32BE(2)
  const type = eventNames.get(id) ?? "unknown"
  if (type === "unknown" || type === "end") return {type}
  const event = {type, address: endpoint.toString()} as Record<string | symbol, unknown>
  Object.defineProperty(event, rawEvent, {value: {id, value}})
  if (type === "connect:retry") event.interval = value
  else if (errnoEvents.has(type)) event.error = errnoError(value)
  else if (type === "handshake:error:protocol") event.error = protocolError(value)
  else if (type === "handshake:error:auth") event.error = authError(value)
  return event as Event
}

type Waiter = Operation<Event>

type Listener = (event: Event) => void

// Monitor messages taken from the internal socket per native call.
const BATCH = 512

// libzmq sends monitor events blocking: once the reading socket is closed while the
// monitor runs, the thread reporting the next event (an I/O thread, the reaper) waits
// for ever and every socket of the context stalls. So the reader is closed only after
// the monitor stopped, even when the socket is garbage collected or the thread ends.

interface Monitored {
  /** The socket's entry in `monitoring`. */
  readonly ref: WeakRef<SocketEngine>
  /** The observer's internal socket, which reads the monitor. */
  readonly pair: SocketEngine
}

/**
 * The observed sockets of this thread whose monitors run. One per thread: the exit
 * handler below stops them all.
 */
const monitoring = new Set<WeakRef<SocketEngine>>()

/** An observed socket was collected: its reader stays open until libzmq reports `end`. */
const collected = new FinalizationRegistry<Monitored>(({ref, pair}) => {
  monitoring.delete(ref)
  void retire(pair)
})

async function retire(pair: SocketEngine): Promise<void> {
  try {
    for (;;) {
      const messages = (await pair.receiveMany(BATCH)) as Buffer[][]
      if (messages.some(message => decode(message).type === "end")) break
    }
  } catch {
    // Closed meanwhile (its context closed, or terminated): nothing blocks any more.
  }
  if (!pair.closed) pair.close()
}

// The end of a thread closes its sockets in no particular order: stop the monitors first.
process.on("exit", () => {
  for (const ref of monitoring) {
    try {
      ref.deref()?.call(native => native.monitor(null, 0))
    } catch {
      // Closed already: its monitor stopped with it.
    }
  }
})

/** Any socket: the part of a Socket that an Observer is made for. */
export interface ObservableSocket {
  /** The context the socket belongs to. */
  readonly context: Context
  /** Whether the socket is closed. */
  readonly closed: boolean
}

/**
 * The events of one socket (libzmq's socket monitor): `socket.events`, created on first
 * use. Read them in one of two ways, not both:
 *
 * - **receive mode**: `await events.receive()` or `for await (const event of events)`;
 * - **emitter mode**: `events.on("connect", event => …)` (from the first `on()` on).
 *
 * ```ts
 * socket.events.on("connect:retry", ({address, interval}) => log(address, interval))
 * for await (const event of socket.events) if (event.type === "disconnect") warn(event.address)
 * ```
 *
 * Events wait in a queue until read; libzmq never blocks on an observer nobody reads.
 * Closing the socket (or the observer) stops monitoring: the events reported until then,
 * and a final `end` event, are still delivered; then `receive()` rejects with code
 * `EBADF` and iteration ends. While a `receive()` is pending or listeners are attached,
 * the observer keeps its socket from being garbage collected and the process running,
 * like a pending receive: close the socket (or remove the listeners) to let it end.
 */
export class Observer implements EventSubscriber {
  readonly #socket: SocketEngine
  readonly #pair: SocketEngine
  readonly #ref: WeakRef<SocketEngine>
  /** close() was called, or monitoring ended. */
  #closed = false
  /** The internal socket is closed: no further events. */
  #finished = false
  readonly #events = new Fifo<Event>()
  readonly #waiting = new OperationQueue<Waiter>(() => this.#updatePump())
  /** Emitter mode once set. */
  #listeners: Map<string, Listener[]> | undefined
  #listenerCount = 0
  /** Aborts the pending receive of the internal socket. */
  #pump: AbortController | undefined

  /**
   * Observes a socket. A socket has one monitor: a new observer takes it over from the
   * socket's previous one, which gets its `end` event; {@link Socket.events} gives the
   * current observer (making one when there is none).
   */
  constructor(socket: ObservableSocket) {
    const observed = engineOf(socket, "Observer(socket): socket")
    if (observed.closed) throw zmqError("EBADF")
    observed.observer?.close()
    const address = `inproc://zeromq-napi.monitor.${randomUUID()}`
    let pair: SocketEngine | undefined
    try {
      pair = new SocketEngine(observed.context, socketKinds.Pair, optionsOf("Pair"))
      pair.setOption("linger", 0)
      // Receive high-water mark 0: libzmq sends monitor events blocking, so a full
      // queue would stall the thread that reports them (an I/O thread, or this one).
      pair.setOption("receiveHighWaterMark", 0)
      // Closed by the observer (after the monitor's `end`), not by its context.
      observed.context.untrack(pair)
      // The reader connects before the monitor binds (inproc allows either order): a
      // monitor without a reader blocks whoever reports its next event, and the end of a
      // thread (worker.terminate(), process.exit()) between the two would leave one.
      pair.endpoint("connect", address)
      observed.call(native => native.monitor(address, zmq.ZMQ_EVENT_ALL))
    } catch (err) {
      pair?.close()
      throw err
    }
    this.#socket = observed
    this.#pair = pair
    this.#ref = new WeakRef(observed)
    observed.observer = this
    monitoring.add(this.#ref)
    collected.register(observed, {ref: this.#ref, pair}, this.#ref)
  }

  /** Whether the observer was closed (by {@link close}, or because its socket closed). */
  get closed(): boolean {
    return this.#closed
  }

  /**
   * Stops monitoring. Events already reported and a final `end` event are still
   * delivered. Called by `socket.close()`; safe to call repeatedly.
   */
  close(): void {
    if (this.#closed) return
    try {
      this.#socket.call(native => native.monitor(null, 0))
    } catch (err) {
      // A closed socket has no monitor any more; other failures (a socket in use by a
      // proxy) leave everything as it was.
      if (!(err instanceof ZmqError && err.code === "EBADF")) throw err
    }
    this.#closed = true
    this.#forget()
    this.#pump?.abort()
    this.#pump = undefined
    void this.#drain()
  }

  /**
   * Resolves with the next event, waiting for one when none is queued. Rejects with
   * code `EBADF` once the observer is closed and its last event (`end`) was read.
   * @throws ZmqError with code `EBUSY` (synchronously) in emitter mode.
   */
  receive(options?: OperationOptions): Promise<Event> {
    if (this.#listeners !== undefined) {
      throw zmqError(
        "EBUSY",
        "The observer is in event emitter mode (on() was called): receive() is not available",
      )
    }
    if (this.#events.length > 0) return Promise.resolve(this.#events.shift()!)
    if (this.#finished) return Promise.reject(zmqError("EBADF", "Observer is closed"))
    const pending = this.#waiting.add<Event>({} as Waiter, {signal: options?.signal})
    this.#updatePump()
    return pending
  }

  /** Iterates over the events until the observer is closed (`end` is the last one). */
  [Symbol.asyncIterator](): AsyncIterator<Event, undefined> {
    return {
      next: async (): Promise<IteratorResult<Event, undefined>> => {
        if (this.#finished && this.#events.length === 0) return {value: undefined, done: true}
        try {
          return {value: await this.receive(), done: false}
        } catch (err) {
          if (err instanceof ZmqError && err.code === "EBADF" && this.#finished) {
            return {value: undefined, done: true}
          }
          throw err
        }
      },
      return: async (): Promise<IteratorResult<Event, undefined>> => ({
        value: undefined,
        done: true,
      }),
    }
  }

  /**
   * Calls `listener` with every event of `type` (emitter mode: {@link receive} is no
   * longer available). Events are read only while listeners are attached; a listener
   * that throws is reported as an uncaught exception.
   * @throws TypeError for an unknown event type or a listener that is no function.
   * @throws ZmqError with code `EBUSY` while a {@link receive} is pending.
   */
  on<E extends EventType>(type: E, listener: (event: EventOfType<E>) => void): this {
    checkListener("on", type, listener)
    if (this.#listeners === undefined) {
      if (this.#waiting.length > 0) {
        throw zmqError("EBUSY", "on(): a receive() of this observer is pending")
      }
      this.#listeners = new Map()
    }
    const list = this.#listeners.get(type)
    if (list === undefined) this.#listeners.set(type, [listener as Listener])
    else list.push(listener as Listener)
    this.#listenerCount++
    // Events that arrived while nobody listened go to the new listener.
    this.#deliver()
    this.#updatePump()
    return this
  }

  /** Removes a listener added with {@link on}; with no listeners left, reading stops. */
  off<E extends EventType>(type: E, listener: (event: EventOfType<E>) => void): this {
    checkListener("off", type, listener)
    const list = this.#listeners?.get(type)
    const index = list === undefined ? -1 : list.lastIndexOf(listener as Listener)
    if (index < 0) return this
    list!.splice(index, 1)
    this.#listenerCount--
    this.#updatePump()
    return this
  }

  /** The monitor stopped: no cleanup on collection or exit any more. */
  #forget(): void {
    monitoring.delete(this.#ref)
    collected.unregister(this.#ref)
  }

  /** Whether someone waits for events. */
  #wanted(): boolean {
    return this.#waiting.length > 0 || this.#listenerCount > 0
  }

  /** Reads from the internal socket exactly while someone waits for events. */
  #updatePump(): void {
    if (this.#closed) return
    if (!this.#wanted()) {
      this.#pump?.abort()
      this.#pump = undefined
      return
    }
    if (this.#pump !== undefined) return
    const pump = new AbortController()
    this.#pump = pump
    this.#pair.receiveMany(BATCH, {signal: pump.signal}).then(
      received => {
        const messages = received as Buffer[][]
        if (this.#pump === pump) this.#pump = undefined
        this.#accept(messages)
        this.#updatePump()
      },
      (err: unknown) => {
        if (this.#pump === pump) this.#pump = undefined
        if (pump.signal.aborted) return
        // The context closed the internal socket, or was terminated.
        this.#closed = true
        this.#forget()
        this.#finish(err)
      },
    )
  }

  /** After the monitor stopped: its events are all queued already, `end` last. */
  async #drain(): Promise<void> {
    try {
      while (!this.#finished && !this.#pair.closed && this.#pair.readable) {
        this.#accept((await this.#pair.receiveMany(BATCH)) as Buffer[][])
      }
    } catch {
      // The context closed the internal socket meanwhile: what was read is delivered.
    }
    this.#finish()
  }

  #accept(messages: Buffer[][]): void {
    let ended = false
    for (const message of messages) {
      const event = decode(message)
      this.#events.push(event)
      if (event.type === "end") ended = true
    }
    if (ended) {
      this.#closed = true
      this.#forget()
      this.#finish()
    } else {
      this.#deliver()
    }
  }

  /** Closes the internal socket; waiting receives get what is queued, then EBADF. */
  #finish(error?: unknown): void {
    if (this.#finished) return
    this.#finished = true
    if (!this.#pair.closed) this.#pair.close()
    this.#deliver()
    for (const waiter of this.#waiting.drain()) {
      waiter.reject(
        error instanceof ZmqError && error.code !== "EBADF"
          ? error
          : zmqError("EBADF", "Observer is closed"),
      )
    }
  }

  #deliver(): void {
    const events = this.#events
    const listeners = this.#listeners
    if (listeners !== undefined) {
      if (this.#listenerCount === 0 && !this.#finished) return
      while (events.length > 0) {
        const event = events.shift()!
        const list = listeners.get(event.type)
        if (list === undefined) continue
        // A copy: listeners may add or remove listeners.
        for (const listener of list.slice()) {
          try {
            listener(event)
          } catch (err) {
            process.nextTick(() => {
              throw err
            })
          }
        }
      }
      return
    }
    while (events.length > 0 && this.#waiting.length > 0) {
      this.#waiting.shift()!.resolve(events.shift()!)
    }
  }
}

function checkListener(method: string, type: unknown, listener: unknown): void {
  if (typeof type !== "string" || !eventTypes.has(type)) {
    throw new TypeError(
      `${method}(type, listener): unknown event type ${JSON.stringify(type)}; ` +
        `the types are ${[...eventTypes].join(", ")}`,
    )
  }
  if (typeof listener !== "function") {
    throw new TypeError(`${method}(type, listener): listener must be a function`)
  }
}
