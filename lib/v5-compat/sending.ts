/**
 * Sending the zeromq 5.x way. `send()` hands a message to libzmq at once when libzmq takes
 * it without waiting, as 5.x did: a loop that never yields still sends, and messages sent
 * right before `process.exit()` are in libzmq, which delivers them within the linger.
 * When libzmq would wait (the high-water mark), the message joins the engine's send
 * queue, which keeps call order. Parts sent with ZMQ_SNDMORE are collected here until the
 * last one, so libzmq only ever sees whole messages.
 *
 * REQ and REP sockets refuse a send out of turn (EFSM) rather than making it wait; 5.x
 * held such sends until the socket could send (a REQ client may send ten requests in a
 * row, each leaving after the previous reply), and so does the queue here.
 * Not exported. (No "internal" doc tag on this comment: it would strip the first declaration
 * from the typings.)
 * @module
 */
import type {EventEmitter} from "node:events"
import {zmqError, ZmqError} from "../errors"
import type {SocketEngine} from "../socket/engine"
import {Fifo} from "../socket/fifo"
import {WRITABLE} from "../socket/readiness"
import {checkCallback, runCallback, type Callback} from "./callbacks"
import {ZMQ_SNDMORE} from "./constants"

/** A whole message that waits here, with the callbacks given with its parts. */
interface Outgoing {
  message: unknown
  callbacks: Callback[] | undefined
}

/**
 * One frame as 5.x sent it: bytes as they are, strings as UTF-8, anything else as its
 * `String()` (5.x sent `null` as "null" and numbers as their digits). Bytes of 64 KiB or
 * more go to libzmq without a copy, as everywhere in this library (5.x copied them): see
 * docs/migration-v5.md.
 */
export function toFrame(value: unknown): unknown {
  if (typeof value === "string" || value instanceof Uint8Array || isBytes(value)) return value
  return String(value)
}

function isBytes(value: unknown): boolean {
  return (
    ArrayBuffer.isView(value) ||
    value instanceof ArrayBuffer ||
    (typeof SharedArrayBuffer !== "undefined" && value instanceof SharedArrayBuffer)
  )
}

function isClosedError(err: unknown): boolean {
  return err instanceof ZmqError && err.code === "EBADF"
}

export class Outbox {
  readonly #engine: SocketEngine
  /** The socket: `this` of the callbacks, and where errors without a callback go. */
  readonly #owner: EventEmitter
  /** REQ, REP: a send waits until libzmq reports the socket writable (ZMQ_POLLOUT). */
  readonly #gated: boolean
  /** The parts of a message sent with ZMQ_SNDMORE so far, and their callbacks. */
  #parts: unknown[] | undefined
  #partCallbacks: Callback[] | undefined
  /** Whole messages held back (paused, or behind a blocked one), oldest first. */
  #queue = new Fifo<Outgoing>()
  /** The message at the front that waits for ZMQ_POLLOUT (REQ, REP). */
  #blocked: Outgoing | undefined
  #paused = false
  /** A wait for writability is pending. */
  #waiting = false

  constructor(engine: SocketEngine, owner: EventEmitter, gated: boolean) {
    this.#engine = engine
    this.#owner = owner
    this.#gated = gated
  }

  /**
   * zeromq 5.x's `send(message, flags, callback)`: `message` is one frame or an array of
   * frames; with ZMQ_SNDMORE in `flags` more parts follow in later calls. `callback` may
   * also come second, in place of the flags.
   */
  send(message: unknown, flags: unknown, callback: unknown): void {
    if (typeof flags === "function" && callback === undefined) {
      callback = flags
      flags = 0
    }
    const done = checkCallback("send(message, flags, callback)", callback)
    // 5.x read the flags with `flags | 0`: anything that is not a number means none.
    const more = ((flags as number) | 0) & ZMQ_SNDMORE
    let frames: unknown
    if (Array.isArray(message)) {
      if (message.length === 0) {
        throw new TypeError("send(message): a multipart message needs at least one frame")
      }
      frames = message.map(toFrame)
    } else {
      frames = toFrame(message)
    }
    if (more === 0 && this.#parts === undefined) {
      this.#submit(frames, done === undefined ? undefined : [done])
      return
    }
    const parts = (this.#parts ??= [])
    if (Array.isArray(frames)) parts.push(...frames)
    else parts.push(frames)
    if (done !== undefined) (this.#partCallbacks ??= []).push(done)
    if (more !== 0) return
    const callbacks = this.#partCallbacks
    this.#parts = this.#partCallbacks = undefined
    this.#submit(parts, callbacks)
  }

  /** Holds new sends back until {@link resume}. */
  pause(): void {
    this.#paused = true
  }

  /** Sends what was held back, in order. */
  resume(): void {
    this.#paused = false
    this.#flush()
  }

  /** The socket closed: what never reached libzmq fails (callbacks get EBADF). */
  close(): void {
    const held = this.#queue.drain()
    if (this.#blocked !== undefined) held.unshift(this.#blocked)
    this.#blocked = undefined
    if (this.#parts !== undefined) held.push({message: this.#parts, callbacks: this.#partCallbacks})
    this.#parts = this.#partCallbacks = undefined
    for (const {callbacks} of held) this.#failed(zmqError("EBADF"), callbacks)
  }

  #submit(message: unknown, callbacks: Callback[] | undefined): void {
    if (this.#paused || this.#blocked !== undefined || this.#queue.length > 0) {
      this.#queue.push({message, callbacks})
    } else if (!this.#handOver(message, callbacks)) {
      this.#blocked = {message, callbacks}
      this.#awaitWritable()
    }
  }

  /** Sends the held messages in order until one has to wait. */
  #flush(): void {
    while (!this.#paused) {
      const next = this.#blocked ?? this.#queue.shift()
      this.#blocked = undefined
      if (next === undefined) return
      if (!this.#handOver(next.message, next.callbacks)) {
        this.#blocked = next
        return this.#awaitWritable()
      }
    }
  }

  /**
   * Hands a message to libzmq, or to the engine's queue when libzmq would wait; false
   * when it has to wait for ZMQ_POLLOUT here (REQ, REP).
   */
  #handOver(message: unknown, callbacks: Callback[] | undefined): boolean {
    const engine = this.#engine
    let sent: boolean
    try {
      if (this.#gated && !engine.closed && !engine.writable) return false
      sent = engine.trySend(message)
    } catch (err) {
      this.#failed(err, callbacks)
      return true
    }
    if (sent) {
      if (callbacks !== undefined) this.#succeeded(callbacks)
      return true
    }
    if (this.#gated) return false
    engine
      .send(message)
      .then(
        callbacks === undefined ? undefined : () => runCallback(() => this.#succeeded(callbacks)),
        (err: unknown) => runCallback(() => this.#failed(err, callbacks)),
      )
    return true
  }

  #succeeded(callbacks: Callback[]): void {
    for (const callback of callbacks) callback.call(this.#owner)
  }

  /**
   * Tells the callbacks, or else the socket's `error` listeners. A message sent to a
   * socket that was closed, without a callback, goes as it did under 5.x: silently.
   */
  #failed(err: unknown, callbacks: Callback[] | undefined): void {
    if (callbacks !== undefined) {
      for (const callback of callbacks) callback.call(this.#owner, err as Error)
    } else if (!(this.#engine.closed && isClosedError(err))) {
      this.#owner.emit("error", err)
    }
  }

  #awaitWritable(): void {
    if (this.#waiting || this.#engine.closed) return
    this.#waiting = true
    this.#engine.whenReady(WRITABLE).then(
      () => {
        this.#waiting = false
        runCallback(() => this.#flush())
      },
      (err: unknown) => {
        this.#waiting = false
        if (!this.#engine.closed) runCallback(() => this.#owner.emit("error", err))
      },
    )
  }
}
