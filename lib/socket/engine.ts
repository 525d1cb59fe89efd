/**
 * The socket engine: one libzmq socket and everything that moves its messages. The public
 * Socket classes are thin shells over it; the Observer and the Proxy use it directly.
 *
 * It ties the parts together: the Sender (send.ts) and the Receiver (receive.ts) with
 * their queues of pending operations, the pollers' watches, and the Readiness loop
 * (readiness.ts) that waits for libzmq exactly while something is pending.
 * Internal: not part of the public API.
 * @module
 */
import type {NativeSocket} from "../addon"
import type {MessageBatch} from "../batch"
import {ContextCore, type ContextMember} from "../context"
import {copyError, withCallerStack, zmqError, ZmqError} from "../errors"
import {OptionKind} from "../generated/protocol"
import {ZMQ_RCVTIMEO, ZMQ_SNDTIMEO} from "../generated/zmq-constants"
import {
  decodeOption,
  encodeOption,
  unknownOptionError,
  v6OptionError,
  xpubVerbosityWrite,
} from "../options"
import type {OptionSpec} from "../options"
import type {SocketKind} from "./kinds"
import {warnIfLate} from "./late-options"
import {metadataNames} from "./metadata"
import {OperationQueue, type Operation, type WaitOptions} from "./operation"
import {Readiness, READABLE, WRITABLE, type Driven} from "./readiness"
import {Receiver, type ReceiveHost} from "./receive"
import {Sender, type DraftSendOptions, type SendHost, type TrackedSend} from "./send"

interface WatchOperation extends Operation<number> {
  interest: number
}

/** What stops with the socket before it closes (its observer). */
export interface Companion {
  close(): void
  /** close() waits for the socket to be given back by a proxy or a bind. */
  readonly closePending: boolean
}

/**
 * Socket linger (ms) unless set: how long closing a socket, and so the process at
 * exit, may wait to deliver queued messages. libzmq's default (-1) waits forever.
 */
export const defaultLinger = 1000

/** Checks an endpoint argument (zeromq v6's text). */
export function checkAddress(address: unknown): asserts address is string {
  if (typeof address !== "string") throw new TypeError("Address must be a string")
}

/** A ZmqError of an endpoint operation, with the endpoint in `address`; others as they are. */
export function withAddress(err: unknown, address: string): unknown {
  if (!(err instanceof ZmqError)) return err
  return new ZmqError(err.message, err.code, err.errno, address)
}

export class SocketEngine implements Driven, SendHost, ReceiveHost, ContextMember {
  readonly native: NativeSocket
  readonly context: ContextCore
  readonly kind: SocketKind
  readonly readiness: Readiness
  readonly sender: Sender
  readonly receiver: Receiver
  readonly watchers: OperationQueue<WatchOperation>
  /** The options this socket's class has, by name. */
  readonly options: ReadonlyMap<string, OptionSpec>
  closed = false
  sendTimeout = -1
  receiveTimeout = -1
  /** Which message properties received messages carry (see Readable.collectMetadata). */
  collectMetadata: boolean | readonly string[] = false
  /** The socket's observer, which stops before the socket closes. */
  observer: Companion | undefined
  /** Endpoints bound or connected now (zeromq v6's count: proxy checks, late options). */
  endpoints = 0
  /** Ends the proxy that holds this socket (set while one runs). */
  borrower: (() => void) | undefined
  /** close() was called while a proxy held the socket: it closes when given back. */
  #closeOnReturn = false

  constructor(context: ContextCore, kind: SocketKind, options: ReadonlyMap<string, OptionSpec>) {
    this.context = context
    this.kind = kind
    this.options = options
    this.native = context.createSocket(kind.type)
    try {
      this.readiness = new Readiness(this)
      this.sender = new Sender(this)
      this.receiver = new Receiver(this, kind.routing)
      this.watchers = new OperationQueue(() => this.readiness.arm())
    } catch (err) {
      // A half-made socket must not linger until garbage collection.
      this.closed = true
      this.native.close()
      throw err
    }
    context.track(this)
  }

  /** Whether a running proxy holds the socket. */
  get lent(): boolean {
    // A bind on the thread pool lends the libzmq socket too, but only for a moment.
    return !this.closed && this.native.lent && !this.readiness.blocked
  }

  /**
   * Closes the socket. Pending sends and receives reject with code `EBADF` (iterations
   * end); libzmq keeps trying to deliver accepted messages for `linger` milliseconds.
   */
  close(): void {
    if (this.closed) return
    if (this.native.lent) {
      // A proxy or a bind uses the libzmq socket on another thread: end the proxy, close
      // (the observer first) when the socket is given back (rearm).
      this.#closeOnReturn = true
      this.borrower?.()
    } else {
      this.#lastLook()
      // libzmq requires the monitor to stop before its socket closes.
      this.observer?.close()
      this.native.close()
    }
    this.closed = true
    this.context.untrack(this)
    this.readiness.release()
    this.sender.close()
    this.receiver.close()
    this.watchers.rejectAll(() => zmqError("EBADF"))
  }

  /**
   * As zeromq v6 does on close: receives still waiting get the messages that have already
   * arrived (one look, without waiting), before the rest end. A message that came in this
   * very turn is not dropped for want of a wake-up.
   */
  #lastLook(): void {
    if (this.receiver.queue.length === 0) return
    this.readiness.budget = Math.max(this.readiness.budget, this.receiver.queue.length)
    this.receiver.dispatch()
  }

  // ---- the readiness loop's view (Driven) -------------------------------------------

  pendingCount(): number {
    return this.sender.queue.length + this.receiver.queue.length + this.watchers.length
  }

  watchInterest(): number {
    let interest = 0
    for (let i = 0; i < this.watchers.length; i++) interest |= this.watchers.at(i)!.interest
    return interest
  }

  interest(): number {
    return (
      (this.receiver.queue.length > 0 ? READABLE : 0) |
      (this.sender.queue.length > 0 ? WRITABLE : 0) |
      this.watchInterest()
    )
  }

  receiveReady(): void {
    this.receiver.dispatch()
  }

  sendReady(): void {
    this.sender.dispatch()
  }

  /** Resolves the watches whose interest the events meet. */
  watchReady(events: number): void {
    if (this.receiver.hasReady) events |= READABLE
    for (const op of this.watchers.extract(op => (events & op.interest) !== 0)) {
      op.resolve(events & op.interest)
    }
  }

  failAll(error: unknown): void {
    this.sender.fail(error)
    this.receiver.fail(error)
    this.watchers.rejectAll(() => copyError(error))
    this.readiness.release()
  }

  // ---- events -----------------------------------------------------------------------

  /**
   * Reads ZMQ_EVENTS. That consumes the wake-up that pending operations wait for
   * (ZMQ_FD is edge-triggered), so they are given a look at the socket afterwards.
   */
  events(): number {
    const events = this.native.events()
    this.readiness.recheck()
    return events
  }

  get readable(): boolean {
    if (this.closed) return false
    return this.receiver.hasReady || (this.events() & READABLE) !== 0
  }

  get writable(): boolean {
    if (this.closed) return false
    return (this.events() & WRITABLE) !== 0
  }

  /**
   * Resolves with the events (1 readable, 2 writable) once one of the `interest` bits
   * holds, without sending or receiving anything: for pollers.
   */
  whenReady(interest: number, options?: WaitOptions): Promise<number> {
    if (this.closed) return Promise.reject(zmqError("EBADF"))
    if (options?.signal?.aborted) return Promise.reject(options.signal.reason)
    const now = (this.receiver.hasReady ? READABLE : 0) | this.events()
    if ((now & interest) !== 0) return Promise.resolve(now & interest)
    const pending = this.watchers.add<number>({interest} as WatchOperation, {
      signal: options?.signal,
    })
    this.readiness.arm()
    return withCallerStack(pending)
  }

  // ---- messages ---------------------------------------------------------------------

  send(message: unknown, options?: DraftSendOptions): Promise<void> {
    return this.sender.send(message, options)
  }

  /** See Sender.trySend: a send that never waits and never queues. */
  trySend(message: unknown): boolean {
    return this.sender.trySend(message)
  }

  /** See Receiver.tryReceive: a receive that never waits; undefined when none is there. */
  tryReceive(): unknown {
    return this.receiver.tryReceive()
  }

  sendMany(messages: Iterable<unknown>, options?: WaitOptions): Promise<void> {
    return this.sender.sendMany(messages, options)
  }

  sendTracked(message: unknown, options?: WaitOptions): TrackedSend {
    return this.sender.sendTracked(message, options)
  }

  receive(options?: WaitOptions): Promise<unknown> {
    return this.receiver.receive(options)
  }

  receiveMany(max: number, options?: WaitOptions): Promise<unknown[]> {
    if (!Number.isInteger(max) || max < 1) {
      return Promise.reject(
        new RangeError(`receiveMany(max): max must be a positive integer, got ${max}`),
      )
    }
    return this.receiver.receiveMany(max, options)
  }

  receiveBatch(max: number, options?: WaitOptions): Promise<MessageBatch<object>> {
    if (!Number.isInteger(max) || max < 1) {
      return Promise.reject(
        new RangeError(`receiveBatch(max): max must be a positive integer, got ${max}`),
      )
    }
    return this.receiver.receiveBatch(max, options)
  }

  next(iterator?: object): Promise<IteratorResult<unknown, undefined>> {
    return this.receiver.next(iterator)
  }

  /** Waits again for what pending operations need (after a proxy gave the socket back). */
  rearm(): void {
    if (this.#closeOnReturn) {
      this.#closeOnReturn = false
      // The addon stops the monitor before it closes the socket; the observer then
      // finds it closed and ends.
      this.native.close()
      this.observer?.close()
      return
    }
    if (this.observer?.closePending) this.observer.close()
    this.readiness.arm()
  }

  // ---- endpoints --------------------------------------------------------------------

  /**
   * bind, unbind, connect or disconnect, synchronously. Failures have zeromq v6's message;
   * the endpoint is in their `address` property.
   */
  endpoint(method: "bind" | "unbind" | "connect" | "disconnect", address: string): void {
    checkAddress(address)
    if (this.closed) throw zmqError("EBADF")
    try {
      this.native[method](address)
    } catch (err) {
      throw withAddress(err, address)
    }
    this.endpoints += method === "bind" || method === "connect" ? 1 : -1
    this.readiness.recheck()
  }

  /**
   * bind or unbind on the thread pool (a host name's DNS lookup must not block the event
   * loop), with zeromq v6's rules: until it ends, another bind/unbind, connect, option
   * and event access fail with EBUSY ("Socket is blocked by a bind or unbind
   * operation"), sends and receives wait in their queues, and close() takes effect when
   * it has ended. Always rejects, never throws.
   */
  async endpointAsync(method: "bind" | "unbind", address: unknown): Promise<void> {
    checkAddress(address)
    if (this.closed) throw zmqError("EBADF")
    // Refused (EBUSY) while a proxy or another bind holds the socket.
    const pending = this.native.endpointAsync(address, method === "unbind")
    this.readiness.block()
    try {
      await pending
      this.endpoints += method === "bind" ? 1 : -1
    } catch (err) {
      throw withAddress(err, address)
    } finally {
      this.readiness.blocked = false
      // Closes the socket when close() was called meanwhile; else queued operations go on.
      if (this.#closeOnReturn) this.rearm()
      else this.readiness.unblock()
    }
  }

  // ---- options ----------------------------------------------------------------------

  #spec(name: string): OptionSpec {
    const spec = this.options.get(name)
    if (spec === undefined) throw unknownOptionError(name, this.options.keys())
    return spec
  }

  /** Reads an option by name through the option table. */
  getOption(name: string): unknown {
    const spec = this.#spec(name)
    if (this.closed) throw zmqError("EBADF")
    return decodeOption(spec, this.native.getOption(spec.id, spec.kind, spec.size))
  }

  /** Writes an option by name through the option table. */
  setOption(name: string, value: unknown): void {
    const spec = this.#spec(name)
    // XPUB verbosity spans two libzmq options; the table maps the value to one of them.
    let write: {id: number; kind: number; value: ReturnType<typeof encodeOption>}
    try {
      write =
        spec.special === "xpubVerbosity"
          ? xpubVerbosityWrite(value)
          : {id: spec.id, kind: spec.kind, value: encodeOption(name, spec, value)}
    } catch (err) {
      throw v6OptionError(name, spec, err, () => zmqError("EINVAL"))
    }
    if (this.closed) throw zmqError("EBADF")
    this.native.setOption(write.id, write.kind, write.value)
    warnIfLate(write.id, this.endpoints)
    if (name === "sendTimeout") this.sendTimeout = value as number
    else if (name === "receiveTimeout") this.receiveTimeout = value as number
  }

  /**
   * zeromq v6's low-level option access by libzmq id (`getInt32Option(ZMQ_SNDHWM)` …):
   * reads an option of the given native kind.
   */
  getRawOption(id: unknown, kind: number): number | string | Buffer {
    if (typeof id !== "number") throw new TypeError("Identifier must be a number")
    if (this.closed) throw zmqError("EBADF")
    return this.native.getOption(id, kind, kind === OptionKind.String ? 1024 : undefined)
  }

  /** Writes an option by libzmq id, as zeromq v6's low-level setters (its texts). */
  setLowLevelOption(
    id: unknown,
    kind: number,
    value: unknown,
    check: (value: unknown) => string | undefined,
  ): void {
    if (typeof id !== "number") throw new TypeError("Identifier must be a number")
    const invalid = check(value)
    if (invalid !== undefined) throw new TypeError(invalid)
    if (this.closed) throw zmqError("EBADF")
    this.native.setOption(id, kind, value as number | boolean | string | Buffer | null)
    warnIfLate(id, this.endpoints)
    if (id === ZMQ_SNDTIMEO) this.sendTimeout = value as number
    else if (id === ZMQ_RCVTIMEO) this.receiveTimeout = value as number
  }

  /** Sets a write-only byte option that is no property (subscriptions, connect ids). */
  setRawOption(id: number, value: string | Buffer | null): void {
    if (this.closed) throw zmqError("EBADF")
    this.native.setOption(id, OptionKind.Bytes, value)
  }

  /** Sets which message properties to record (see Readable.collectMetadata). */
  setCollectMetadata(value: boolean | readonly string[]): void {
    const names = metadataNames(value)
    if (this.closed) throw zmqError("EBADF")
    this.native.setMetadata(names)
    this.collectMetadata = typeof value === "boolean" ? value : Object.freeze([...value])
  }

  /** Calls the addon on an open socket (EBADF when closed). */
  call<R>(call: (native: NativeSocket) => R, address?: string): R {
    if (this.closed) throw zmqError("EBADF", undefined, address)
    return call(this.native)
  }
}
