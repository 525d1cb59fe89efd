/**
 * The public Socket base class: lifecycle, endpoints and events. Sending, receiving and
 * the options come per class (see define.ts), from the registry of socket kinds.
 * @module
 */
import {Context, context as defaultContext, contextCore} from "../context"
import {zmqError} from "../errors"
import {Observer} from "../observer"
import {optionsOf} from "../options/classes"
import {unknownOptionError} from "../options"
import {defaultLinger, SocketEngine} from "./engine"
import {attachEngine, engine} from "./internals"
import {kindNameOf, socketKinds} from "./kinds"

/** The options a socket constructor accepts: its own options, plus `context`. */
export type SocketOptions<S> = Partial<Pick<S, WritableKeys<S>>> & {
  /** The context to create the socket on; the shared default {@link context} unless given. */
  context?: Context
}

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
  declare readonly [engine]: SocketEngine
  readonly #context: Context

  /**
   * A socket of libzmq socket `type`; the subclasses (`Push`, `Dealer`, …) name the type.
   *
   * @param type The libzmq socket type (`ZMQ_*` number, see {@link SocketType}).
   * @param options Socket options to set, and the `context` (the shared default one
   *   unless given). An unknown option is a TypeError.
   */
  constructor(type: number, options: object = {}) {
    if (options === null || typeof options !== "object") {
      throw new TypeError("Socket options must be an object")
    }
    const name = kindNameOf(type)
    if (name === undefined) throw new TypeError(`Unknown socket type ${String(type)}`)
    const kind = socketKinds[name]
    const {context = defaultContext, ...rest} = options as {context?: unknown}
    const core = contextCore(context)
    const optionSpecs = optionsOf(name)
    for (const option of Object.keys(rest)) {
      if (optionSpecs.has(option) || (option === "collectMetadata" && kind.receives)) continue
      const known = [...optionSpecs.keys(), ...(kind.receives ? ["collectMetadata"] : [])]
      throw unknownOptionError(option, known)
    }
    const created = new SocketEngine(core, kind, optionSpecs)
    try {
      if (!("linger" in rest)) created.setOption("linger", defaultLinger)
      attachEngine(this, created)
      this.#context = context as Context
      for (const [option, value] of Object.entries(rest)) {
        ;(this as Record<string, unknown>)[option] = value
      }
    } catch (err) {
      // Close now: a half-made socket must not linger until garbage collection.
      created.close()
      throw err
    }
  }

  /** The context this socket was created on. */
  get context(): Context {
    return this.#context
  }

  /** Whether the socket is closed. */
  get closed(): boolean {
    return this[engine].closed
  }

  /**
   * The socket's event observer (libzmq's socket monitor), created on first use. It
   * stops before the socket closes.
   */
  get events(): Observer {
    const state = this[engine]
    // The current observer: the first one, or the last made with `new Observer(socket)`.
    if (state.observer instanceof Observer) return state.observer
    if (state.closed) throw zmqError("EBADF")
    return new Observer(this)
  }

  /** Whether a message can be received now without waiting. */
  get readable(): boolean {
    return this[engine].readable
  }

  /** Whether a message can be sent now without waiting. */
  get writable(): boolean {
    return this[engine].writable
  }

  /**
   * Binds to an endpoint, e.g. `tcp://127.0.0.1:*` (read the chosen port back from
   * `lastEndpoint`), `ipc:///tmp/feed` or `inproc://name`.
   * @throws ZmqError (rejected) with `address` set, e.g. code `EADDRINUSE`.
   */
  async bind(address: string): Promise<void> {
    this[engine].endpoint("bind", address)
  }

  /** Stops listening on an endpoint that {@link bind} set up. */
  async unbind(address: string): Promise<void> {
    this[engine].endpoint("unbind", address)
  }

  /** Like {@link bind}, but synchronous. */
  bindSync(address: string): void {
    this[engine].endpoint("bind", address)
  }

  /** Like {@link unbind}, but synchronous. */
  unbindSync(address: string): void {
    this[engine].endpoint("unbind", address)
  }

  /** Connects to an endpoint; libzmq connects (and reconnects) in the background. */
  connect(address: string): void {
    this[engine].endpoint("connect", address)
  }

  /** Disconnects from an endpoint given to {@link connect}. */
  disconnect(address: string): void {
    this[engine].endpoint("disconnect", address)
  }

  /**
   * Closes the socket. Pending sends and receives reject with code `EBADF`; libzmq
   * keeps trying to deliver accepted messages for `linger` milliseconds.
   */
  close(): void {
    this[engine].close()
  }
}
