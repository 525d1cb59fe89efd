/**
 * The public Socket base class: lifecycle, endpoints and events. Sending, receiving and
 * the options come per class (see define.ts), from the registry of socket kinds.
 * @module
 */
import {Context, context as defaultContext, contextCore} from "../context"
import {zmqError} from "../errors"
import {Observer} from "../observer"
import {unknownOptionError} from "../options"
import {optionsOf} from "../options/classes"
import {assignOptions, notExtensible, onlyGetter, sealIfOwn, sealInstances} from "../sealed"
import {defaultLinger, SocketEngine} from "./engine"
import {attachEngine, engine} from "./internals"
import {lowLevelOptionMethods, type LowLevelOptions} from "./low-level-options"
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
  constructor(type: number, options: object | null = {}) {
    // zeromq v6's checks and texts.
    if (typeof type !== "number") throw new TypeError("Socket type must be a number")
    options ??= {}
    if (typeof options !== "object") throw new TypeError("Options must be an object")
    const name = kindNameOf(type)
    // libzmq's answer to an unknown type, as zmq_socket() gives it.
    if (name === undefined) throw zmqError("EINVAL")
    const kind = socketKinds[name]
    const {context = defaultContext, ...rest} = options as {context?: unknown}
    const core = contextCore(context)
    const created = new SocketEngine(core, kind, optionsOf(name))
    try {
      if (!("linger" in rest)) created.setOption("linger", defaultLinger)
      attachEngine(this, created)
      this.#context = context as Context
      sealIfOwn(this, new.target)
      const suggest = (key: string) => unknownOptionError(key, optionNames(created)).message
      if (new.target === Socket) assignGenericOptions(created, rest, suggest)
      else assignOptions(this, rest, suggest)
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
   * `lastEndpoint`), `ipc:///tmp/feed` or `inproc://name`. Runs on another thread, as
   * in zeromq v6 (a host name's DNS lookup does not block the event loop). Until it
   * ends, sends and receives wait; another `bind()`/`unbind()`, `connect()`, options
   * and events fail with code `EBUSY`; `close()` takes effect when it has ended.
   * @throws ZmqError (rejected) with `address` set, e.g. code `EADDRINUSE`.
   */
  bind(address: string): Promise<void> {
    return this[engine].endpointAsync("bind", address)
  }

  /**
   * Stops listening on an endpoint that {@link bind} set up. Like `bind()`, it runs on
   * another thread, and the same rules apply meanwhile.
   */
  unbind(address: string): Promise<void> {
    return this[engine].endpointAsync("unbind", address)
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
   * Closes the socket; never throws. Receives still waiting first get the messages that
   * have already arrived (as in zeromq v6), then pending sends and receives reject with
   * code `EBADF` (iterations end); libzmq keeps trying to deliver accepted messages for
   * `linger` milliseconds. During a `bind()`/`unbind()` the socket closes when that has
   * ended; a running proxy that holds it is terminated first.
   */
  close(): void {
    this[engine].close()
  }

  /** Closes it, for `using` (TypeScript 5.2+, explicit resource management). */
  [Symbol.dispose](): void {
    this.close()
  }

  /** Closes it, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close()
  }
}

sealInstances(Socket)

/** The option names a socket's constructor takes (for suggestions). */
function optionNames(created: SocketEngine): string[] {
  const names = [...created.options.keys()]
  if (created.kind.receives) names.push("collectMetadata")
  return names
}

for (const [name, method] of Object.entries(lowLevelOptionMethods)) {
  Object.defineProperty(Socket.prototype, name, {value: method, writable: true, configurable: true})
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Socket extends LowLevelOptions {}

/**
 * The options of a generic `new Socket(type, options)`, whose class has no option
 * properties: set by name through the engine, with the errors a property would give.
 */
function assignGenericOptions(
  created: SocketEngine,
  options: object,
  suggest: (key: string) => string,
): void {
  for (const [key, value] of Object.entries(options)) {
    const spec = created.options.get(key)
    if (key === "collectMetadata" && created.kind.receives) {
      created.setCollectMetadata(value as boolean)
      continue
    }
    if (spec === undefined) throw notExtensible(key, suggest)
    if (spec.access === "r") throw onlyGetter(key, "Socket")
    created.setOption(key, value)
  }
}
