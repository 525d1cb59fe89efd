/**
 * Contexts: libzmq's I/O threads and the sockets they serve.
 * @module
 */
import {fromNative, zmqError} from "./errors"
import {binding, type NativeContext, type NativeSocket} from "./native"
import {
  contextOptions,
  decodeOption,
  encodeOption,
  unknownOptionError,
  type OptionSpec,
} from "./options"
import type {Socket} from "./socket"

const shared = Symbol("shared")

type ContextOptionTable = typeof contextOptions
type ContextOptionName = keyof ContextOptionTable & string

/** Context options that can be written (in the constructor or as properties). */
export type ContextOptions = Partial<{
  -readonly [K in ContextOptionName as ContextOptionTable[K]["access"] extends "r" ? never : K]:
    number | boolean
}>

/**
 * A libzmq context. Most programs use the shared default {@link context}, which all
 * worker threads share too (so `inproc://` endpoints reach across threads).
 *
 * Options are properties (`ioThreads`, `maxSockets`, `maxMessageSize`, `ipv6`,
 * `blocky`, `threadPriority`, `threadSchedulingPolicy`, read-only `maxSocketsLimit`),
 * also accepted by the constructor.
 */
export class Context {
  /** @internal */
  readonly _native: NativeContext
  #closed = false
  #closing: Promise<void> | undefined
  readonly #sockets = new Set<WeakRef<Socket>>()
  readonly #refs = new WeakMap<Socket, WeakRef<Socket>>()
  readonly #forget = new FinalizationRegistry<WeakRef<Socket>>(ref => this.#sockets.delete(ref))

  /** @param options Context options to set. An unknown option is a TypeError. */
  constructor(options: ContextOptions = {}, ...internal: unknown[]) {
    if (options === null || typeof options !== "object") {
      throw new TypeError("Context options must be an object")
    }
    for (const name of Object.keys(options)) {
      if (!Object.hasOwn(contextOptions, name) || spec(name).access === "r") {
        throw unknownOptionError(name, writableNames())
      }
    }
    this._native = new binding.Context(internal[0] === shared)
    for (const [name, value] of Object.entries(options)) {
      ;(this as Record<string, unknown>)[name] = value
    }
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this.#closed
  }

  /**
   * Closes every socket of this context (on this thread) and ends the context.
   * Resolves when libzmq has finished: after each socket delivered its queued
   * messages or its linger ran out. New sockets on a closed context fail with code
   * `ETERM`. The shared default context lives on for other threads.
   */
  close(): Promise<void> {
    if (this.#closing) return this.#closing
    const sockets = [...this.#sockets].map(ref => ref.deref()).filter(s => s !== undefined)
    // A socket a running proxy holds cannot close, and terminating would then wait
    // for it forever: refuse before closing anything.
    for (const socket of sockets) {
      if (socket._lent()) {
        return Promise.reject(
          zmqError("EBUSY", "A running proxy uses a socket of this context: terminate it first"),
        )
      }
    }
    this.#closed = true
    for (const socket of sockets) socket.close()
    this.#sockets.clear()
    this.#closing = this._native.shared ? Promise.resolve() : this._native.terminate()
    return this.#closing
  }

  /** @internal */
  _createSocket(type: number): NativeSocket {
    if (this.#closed) throw zmqError("ETERM", "Context is closed")
    try {
      return new binding.Socket(this._native, type)
    } catch (err) {
      throw fromNative(err)
    }
  }

  /** @internal */
  _track(socket: Socket): void {
    const ref = new WeakRef(socket)
    this.#sockets.add(ref)
    this.#refs.set(socket, ref)
    this.#forget.register(socket, ref, ref)
  }

  /** @internal */
  _untrack(socket: Socket): void {
    const ref = this.#refs.get(socket)
    if (ref === undefined) return
    this.#sockets.delete(ref)
    this.#forget.unregister(ref)
  }
}

function spec(name: string): OptionSpec {
  return (contextOptions as Record<string, OptionSpec>)[name]
}

function writableNames(): string[] {
  return Object.keys(contextOptions).filter(name => spec(name).access !== "r")
}

// One accessor per option of the table.
for (const name of Object.keys(contextOptions)) {
  const option = spec(name)
  Object.defineProperty(Context.prototype, name, {
    get(this: Context) {
      if (option.access === "w") throw new TypeError(`Option "${name}" is write-only`)
      try {
        return decodeOption(option, this._native.getOption(option.id))
      } catch (err) {
        throw fromNative(err)
      }
    },
    set(this: Context, value: unknown) {
      if (option.access === "r") throw new TypeError(`Option "${name}" is read-only`)
      const encoded = encodeOption(name, option, value)
      try {
        this._native.setOption(option.id, Number(encoded))
      } catch (err) {
        throw fromNative(err)
      }
    },
    configurable: true,
    enumerable: false,
  })
}

type ContextOptionValues = {
  -readonly [
    K in ContextOptionName as ContextOptionTable[K]["access"] extends "r" ? never : K
  ]: ContextOptionTable[K]["value"] extends "boolean" ? boolean : number
} & {
  readonly [
    K in ContextOptionName as ContextOptionTable[K]["access"] extends "r" ? K : never
  ]: number
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Context extends ContextOptionValues {}

/** The shared default context, used by every socket created without a `context` option. */
export const context: Context = new Context({}, shared)
