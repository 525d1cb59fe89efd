/**
 * The socket of the zeromq 5.x API: an EventEmitter over one socket of the library's
 * engine. Messages arrive as `message` events (receiving.ts); `send()` hands messages to
 * libzmq at once where it can (sending.ts); options go by libzmq id or name (options.ts).
 * @module
 */
import {EventEmitter} from "node:events"
import {zmqError} from "../errors"
import type {Message} from "../message"
import type {SocketEngine} from "../socket/engine"
import {engineOf} from "../socket/internals"
import {Socket as EngineSocket} from "../socket/socket"
import {checkCallback, runCallback, type Callback} from "./callbacks"
import {
  options,
  types,
  ZMQ_REP,
  ZMQ_REQ,
  ZMQ_SUBSCRIBE,
  ZMQ_UNSUBSCRIBE,
  type MonitorEventName,
  type SocketType,
} from "./constants"
import {Monitor} from "./monitor"
import {getOption, setOption, type OptionProperties} from "./options"
import {Inbox} from "./receiving"
import {Outbox} from "./sending"

export type {Callback}

/** The libzmq type number of a type given to `socket()`: a name (`"pub"`) or a number. */
export function socketTypeId(type: unknown): number {
  if (typeof type === "string" && Object.prototype.hasOwnProperty.call(types, type)) {
    return types[type as SocketType]
  }
  if (typeof type === "number" && Object.values(types).includes(type as never)) return type
  throw new TypeError(
    `Unknown socket type ${JSON.stringify(type)}; the types are ${Object.keys(types).join(", ")}`,
  )
}

function checkAddress(method: string, address: unknown): string {
  if (typeof address !== "string") {
    throw new TypeError(`${method}(address): the address must be a string, got ${typeof address}`)
  }
  return address
}

/** A monitor event's listener: libzmq's value, the endpoint, and for `*_error` events the error. */
export type MonitorListener = (value: number, address: string, error?: Error) => void

/** The events a socket emits, with the arguments of their listeners. */
export type SocketEvents = {
  /** A message arrived: one argument per frame. */
  message: (...frames: Message[]) => void
  /** A send without callback failed, or receiving failed. */
  error: (error: Error) => void
  /** `bind(address)` finished. */
  bind: (address: string) => void
  /** `unbind(address)` finished. */
  unbind: (address: string) => void
  /** Monitoring could not start or stopped on an error (see `monitor()`). */
  monitor_error: (error: Error) => void
} & {[Name in MonitorEventName]: MonitorListener}

/**
 * A socket of the zeromq 5.x API (`zmq.socket("pub")`): an EventEmitter that emits every
 * received message as a `message` event, with one Buffer argument per frame.
 *
 * ```js
 * const zmq = require("zeromq-napi/v5-compat")
 * const sock = zmq.socket("pull")
 * sock.connect("tcp://127.0.0.1:3000")
 * sock.on("message", msg => console.log("work: %s", msg))
 * ```
 *
 * Its option properties (`identity`, `linger`, `rate`, … : the names of `options`) read
 * and write libzmq's options: strings are set as UTF-8 bytes, byte options read back as
 * strings. While it can receive, an open socket keeps the process running: close it when
 * done.
 */
export class Socket extends EventEmitter {
  /** The type this socket was made with, as given (`"pub"`, or a type number). */
  type: SocketType | number
  readonly #socket: EngineSocket
  readonly #engine: SocketEngine
  readonly #outbox: Outbox
  readonly #inbox: Inbox | undefined
  #monitor: Monitor | undefined

  /**
   * @param type A socket type name (`"pub"`, `"router"`, … : the names of `types`) or
   *   its libzmq number.
   * @throws TypeError for an unknown type.
   */
  constructor(type: SocketType | number) {
    super()
    const id = socketTypeId(type)
    this.type = type
    this.#socket = new EngineSocket(id)
    this.#engine = engineOf(this.#socket)
    // REQ and REP refuse to send or receive out of turn: both wait for their turn.
    const gated = id === ZMQ_REQ || id === ZMQ_REP
    this.#outbox = new Outbox(this.#engine, this, gated)
    this.#inbox = this.#engine.kind.receives ? new Inbox(this.#engine, this, gated) : undefined
  }

  /** Whether the socket is closed. */
  get closed(): boolean {
    return this.#engine.closed
  }

  /**
   * Binds to an endpoint in the background; then emits `bind` and calls `callback`.
   * @param callback Called with the error when binding failed (without a callback, the
   *   error is an `error` event).
   * @throws TypeError for an address that is no string.
   */
  bind(address: string, callback?: Callback): this {
    checkAddress("bind", address)
    const done = checkCallback("bind(address, callback)", callback)
    this.#socket.bind(address).then(
      () =>
        runCallback(() => {
          this.emit("bind", address)
          done?.()
        }),
      (err: Error) => runCallback(() => (done ? done(err) : this.emit("error", err))),
    )
    return this
  }

  /** Binds to an endpoint now. @throws ZmqError when binding fails. */
  bindSync(address: string): this {
    this.#socket.bindSync(checkAddress("bindSync", address))
    return this
  }

  /**
   * Stops listening on an endpoint in the background; then emits `unbind` and calls
   * `callback` (errors as for {@link bind}).
   */
  unbind(address: string, callback?: Callback): this {
    checkAddress("unbind", address)
    const done = checkCallback("unbind(address, callback)", callback)
    this.#socket.unbind(address).then(
      () =>
        runCallback(() => {
          this.emit("unbind", address)
          done?.()
        }),
      (err: Error) => runCallback(() => (done ? done(err) : this.emit("error", err))),
    )
    return this
  }

  /** Stops listening on an endpoint now. @throws ZmqError when that fails. */
  unbindSync(address: string): this {
    this.#socket.unbindSync(checkAddress("unbindSync", address))
    return this
  }

  /** Connects to an endpoint (libzmq connects and reconnects in the background). */
  connect(address: string): this {
    this.#socket.connect(checkAddress("connect", address))
    return this
  }

  /** Disconnects from an endpoint given to {@link connect}. */
  disconnect(address: string): this {
    this.#socket.disconnect(checkAddress("disconnect", address))
    return this
  }

  /**
   * Sends a message: one frame (a Buffer, any byte array, or a string, sent as UTF-8;
   * anything else is sent as its `String()`, as 5.x did) or an array of frames. With
   * `ZMQ_SNDMORE` in `flags`, more parts of the same message follow in later calls.
   *
   * The message goes to libzmq at once when the high-water mark allows, and `callback`
   * runs before `send()` returns; otherwise it waits in order and `callback` runs once
   * libzmq took it. REQ and REP sockets hold a send until it is their turn. A failure
   * goes to `callback`, or else is an `error` event.
   * @param callback May also be given in place of `flags`.
   */
  send(message: unknown, flags?: number | Callback | null, callback?: Callback): this {
    this.#outbox.send(message, flags, callback)
    return this
  }

  /**
   * The next received message if one is there, as an array of frames, else null: for a
   * paused socket (otherwise messages are emitted as they come).
   */
  read(): Message[] | null {
    return this.#inbox?.read() ?? null
  }

  /**
   * Stops emitting messages (they wait, mostly in libzmq, where the high-water mark
   * applies) and holds new sends back until {@link resume}.
   */
  pause(): void {
    this.#outbox.pause()
    this.#inbox?.pause()
  }

  /** Emits messages again, and sends what was held back. */
  resume(): void {
    this.#outbox.resume()
    this.#inbox?.resume()
  }

  /** `sub`: receives the messages that begin with `filter` (`""`: all). */
  subscribe(filter: string | Buffer): this {
    return this.setsockopt(ZMQ_SUBSCRIBE, typeof filter === "string" ? Buffer.from(filter) : filter)
  }

  /** `sub`: undoes a {@link subscribe}. */
  unsubscribe(filter: string | Buffer): this {
    return this.setsockopt(
      ZMQ_UNSUBSCRIBE,
      typeof filter === "string" ? Buffer.from(filter) : filter,
    )
  }

  /**
   * Sets a socket option by libzmq id (`ZMQ_LINGER`) or name (`"linger"`): integers for
   * integer options (booleans count as 0 and 1), strings or Buffers for byte options.
   * @throws TypeError for an unknown name or a value of the wrong type; ZmqError
   *   (EINVAL) when libzmq refuses the option or the value.
   */
  setsockopt(option: number | string, value: unknown): this {
    setOption(this.#engine, option, value)
    return this
  }

  /** Reads a socket option by libzmq id or name: a number, or a string for byte options. */
  getsockopt(option: number | string): number | string {
    return getOption(this.#engine, option)
  }

  /**
   * Emits the socket's monitor events from now on: `connect`, `connect_delay`,
   * `connect_retry`, `listen`, `bind_error`, `accept`, `accept_error`, `close`,
   * `close_error`, `disconnect` (the names of `events`), with libzmq's value, the endpoint
   * and, for the `*_error` events, the error. Events are emitted as they come: `interval`
   * and `numOfEvents`, 5.x's polling period and batch size, are checked and not needed.
   * Monitoring that fails to start is a `monitor_error` event.
   * @throws ZmqError (EBADF) on a closed socket.
   */
  monitor(interval?: number, numOfEvents?: number): this {
    if (interval !== undefined && !(typeof interval === "number" && interval > 0)) {
      throw new TypeError("monitor(interval): the interval must be a positive number")
    }
    if (numOfEvents !== undefined && !(typeof numOfEvents === "number" && numOfEvents >= 0)) {
      throw new TypeError("monitor(interval, numOfEvents): numOfEvents must be a number >= 0")
    }
    if (this.#engine.closed) throw zmqError("EBADF")
    this.#monitor?.stop()
    this.#monitor = undefined
    try {
      this.#monitor = new Monitor(this.#socket, this)
    } catch (err) {
      process.nextTick(() => this.emit("monitor_error", err))
    }
    return this
  }

  /** Stops the monitor events. */
  unmonitor(): this {
    this.#monitor?.stop()
    this.#monitor = undefined
    return this
  }

  /**
   * Closes the socket. libzmq keeps delivering what it took for `linger` ms (1 s unless
   * set); messages that never reached libzmq are dropped, their callbacks called with an
   * EBADF error. Closing a closed socket does nothing.
   */
  close(): this {
    if (this.#engine.closed) return this
    this.#monitor?.stop()
    this.#monitor = undefined
    this.#socket.close()
    this.#outbox.close()
    return this
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyListener = (...args: any[]) => void

export interface Socket extends OptionProperties {
  /** Adds a listener for `event` (see {@link SocketEvents}). */
  on<E extends keyof SocketEvents>(event: E, listener: SocketEvents[E]): this
  /** Adds a listener for any other event, as an EventEmitter does. */
  on(event: string | symbol, listener: AnyListener): this
  /** Adds a listener that runs once. */
  once<E extends keyof SocketEvents>(event: E, listener: SocketEvents[E]): this
  /** Adds a listener for any other event that runs once. */
  once(event: string | symbol, listener: AnyListener): this
  /** Removes a listener. */
  off<E extends keyof SocketEvents>(event: E, listener: SocketEvents[E]): this
  /** Removes a listener of any other event. */
  off(event: string | symbol, listener: AnyListener): this
}

// The option properties, from the table of names: strings are set as UTF-8 bytes.
for (const name of Object.keys(options)) {
  Object.defineProperty(Socket.prototype, name, {
    get(this: Socket) {
      return this.getsockopt(name)
    },
    set(this: Socket, value: unknown) {
      this.setsockopt(name, typeof value === "string" ? Buffer.from(value) : value)
    },
    configurable: true,
    enumerable: false,
  })
}

/**
 * Creates a socket (zeromq 5.x's `zmq.socket(type, options)`) and assigns each entry of
 * `options` to it: option names (`{identity: "a", linger: 0}`) set the options.
 */
export function createSocket(type: SocketType | number, options: object = {}): Socket {
  const socket = new Socket(type)
  try {
    Object.assign(socket, options)
  } catch (err) {
    socket.close()
    throw err
  }
  return socket
}
