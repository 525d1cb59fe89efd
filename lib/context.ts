/**
 * Contexts: libzmq's I/O threads and the sockets they serve.
 * @module
 */
import {binding, type NativeContext, type NativeSocket} from "./addon"
import {zmqError} from "./errors"
import type {ContextOptionProperties} from "./generated/context-option-types"
import {contextOptions, decodeOption, encodeOption, unknownOptionError} from "./options"
import type {OptionSpec} from "./options"

/**
 * What a context needs of the sockets made on it: to close them with it, and to know
 * whether a proxy holds one (then it cannot close). Not part of the public API.
 */
export interface ContextMember {
  close(): void
  readonly lent: boolean
}

/**
 * The part of a context that sockets use: the native context and its members. Not part of
 * the public API (the package does not export it).
 */
export class ContextCore {
  readonly native: NativeContext
  closed = false
  readonly #members = new Set<WeakRef<ContextMember>>()
  readonly #refs = new WeakMap<ContextMember, WeakRef<ContextMember>>()
  readonly #forget = new FinalizationRegistry<WeakRef<ContextMember>>(ref =>
    this.#members.delete(ref),
  )

  constructor(shared: boolean) {
    this.native = new binding.Context(shared)
  }

  /** A new libzmq socket of `type`; ETERM once the context is closed. */
  createSocket(type: number): NativeSocket {
    if (this.closed) throw zmqError("ETERM", "Context is closed")
    return new binding.Socket(this.native, type)
  }

  /** Tracks a socket, weakly: the context closes it when it closes. */
  track(member: ContextMember): void {
    const ref = new WeakRef(member)
    this.#members.add(ref)
    this.#refs.set(member, ref)
    this.#forget.register(member, ref, ref)
  }

  /** Stops tracking a socket (it closed, or a proxy closes it itself). */
  untrack(member: ContextMember): void {
    const ref = this.#refs.get(member)
    if (ref === undefined) return
    this.#members.delete(ref)
    this.#forget.unregister(ref)
  }

  /** The sockets still open on this context. */
  members(): ContextMember[] {
    return [...this.#members].map(ref => ref.deref()).filter(member => member !== undefined)
  }
}

/** The key of a context's core: a non-enumerable property, hidden from inspection. */
const core: unique symbol = Symbol("zeromq-napi.context")

/** The core of a context (TypeError for anything else). Not part of the public API. */
export function contextCore(context: unknown): ContextCore {
  const found = (context as {[core]?: ContextCore} | null | undefined)?.[core]
  if (found === undefined) throw new TypeError('Option "context" must be a Context')
  return found
}

const shared = Symbol("shared")

/** Context options that can be written (in the constructor or as properties). */
export type ContextOptions = Partial<
  Pick<ContextOptionProperties, WritableKeys<ContextOptionProperties>>
>

type WritableKeys<T> = {
  [K in keyof T]-?: IfEquals<{[Q in K]: T[K]}, {-readonly [Q in K]: T[K]}, K>
}[keyof T] &
  string
type IfEquals<X, Y, A> =
  (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? A : never

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
  declare readonly [core]: ContextCore
  #closing: Promise<void> | undefined

  /**
   * A new context (its own I/O threads and sockets), with `options` set.
   * @param options Context options to set. An unknown option is a TypeError.
   */
  constructor(options: ContextOptions = {}, ...internal: unknown[]) {
    if (options === null || typeof options !== "object") {
      throw new TypeError("Context options must be an object")
    }
    for (const name of Object.keys(options)) {
      if (!Object.hasOwn(contextOptions, name) || spec(name).access === "r") {
        throw unknownOptionError(name, writableNames())
      }
    }
    Object.defineProperty(this, core, {value: new ContextCore(internal[0] === shared)})
    for (const [name, value] of Object.entries(options)) {
      ;(this as Record<string, unknown>)[name] = value
    }
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this[core].closed
  }

  /**
   * Closes every socket of this context (on this thread) and ends the context.
   * Resolves when libzmq has finished: after each socket delivered its queued
   * messages or its linger ran out. New sockets on a closed context fail with code
   * `ETERM`. The shared default context lives on for other threads.
   */
  close(): Promise<void> {
    if (this.#closing) return this.#closing
    const state = this[core]
    const members = state.members()
    // A socket a running proxy holds cannot close, and terminating would then wait
    // for it forever: refuse before closing anything.
    if (members.some(member => member.lent)) {
      return Promise.reject(
        zmqError("EBUSY", "A running proxy uses a socket of this context: terminate it first"),
      )
    }
    state.closed = true
    for (const member of members) member.close()
    this.#closing = state.native.shared ? Promise.resolve() : state.native.terminate()
    return this.#closing
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
    get:
      option.access === "w"
        ? undefined
        : function (this: Context) {
            return decodeOption(option, this[core].native.getOption(option.id))
          },
    set:
      option.access === "r"
        ? undefined
        : function (this: Context, value: unknown) {
            const encoded = encodeOption(name, option, value)
            this[core].native.setOption(option.id, Number(encoded))
          },
    configurable: true,
    enumerable: false,
  })
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Context extends ContextOptionProperties {}

/** The shared default context, used by every socket created without a `context` option. */
export const context: Context = new Context({}, shared)
