/**
 * Waiting until any of many sockets can receive or send: libzmq's `zmq_poll` pattern.
 * @module
 */
import {zmqError} from "./errors"
import {rejectInsteadOfThrowing} from "./rejecting"
import {Socket} from "./socket/socket"
import {engineOf} from "./socket/internals"
import {OperationQueue, type Operation} from "./socket/operation"

const READABLE = 1
const WRITABLE = 2

// Longer timeouts overflow Node's timers (which then fire at once): they mean "no limit".
const MAX_TIMEOUT = 2 ** 31 - 1

/**
 * What to wait for on one socket. Without options, or with only `readable`, a socket is
 * watched for incoming messages; `{writable: true}` alone watches only for room to send.
 */
export interface PollInterest {
  /** Report the socket when a message can be received without waiting. */
  readable?: boolean
  /** Report the socket when a message can be sent without waiting. */
  writable?: boolean
}

/**
 * A ready socket in the result of {@link Poller.wait}. The poller reuses these objects:
 * read them before the next `wait()`.
 */
export interface PollEvent<S extends Socket = Socket> {
  /** The socket, as given to {@link Poller.add}. */
  readonly socket: S
  /** A message can be received now (only when the socket is watched for it). */
  readonly readable: boolean
  /** A message can be sent now (only when the socket is watched for it). */
  readonly writable: boolean
}

/** Options of {@link Poller.wait}. */
export interface PollOptions {
  /**
   * How long to wait at most, in milliseconds: then `wait()` resolves with an empty
   * list. `0` only checks. Default: no limit.
   */
  timeout?: number
  /** Aborts the wait: it rejects with the signal's reason. */
  signal?: AbortSignal
}

type PollOperation<S extends Socket> = Operation<PollEvent<S>[]>

interface Entry<S extends Socket> {
  readonly socket: S
  interest: number
  readonly event: {socket: S; readable: boolean; writable: boolean}
}

/**
 * Waits until any of many sockets is readable or writable, like `zmq_poll`: for loops
 * that serve several sockets in one place and in their own order (priorities, several
 * socket kinds at once).
 *
 * ```ts
 * const poller = new Poller<Pull | Subscriber>()
 * poller.add(tasks).add(updates)
 * for (;;) {
 *   for (const {socket} of await poller.wait()) {
 *     const [message] = await socket.receive() // ready: resolves at once
 *   }
 * }
 * ```
 *
 * `wait()` resolves with the ready sockets, in the order they were added. The list and
 * its entries belong to the poller and are reused by the next `wait()`: a loop
 * allocates nothing per call beyond the promise when a socket is ready already, and
 * only when it has to wait one registration per watched socket.
 *
 * Only ØMQ sockets can be watched: Node has no readiness API for plain file
 * descriptors; use a `net.Socket` (or any stream) and its events for those.
 *
 * @typeParam S The socket types in the poller: `event.socket` has this type.
 */
export class Poller<S extends Socket = Socket> {
  readonly #entries: Entry<S>[] = []
  readonly #index = new Map<S, Entry<S>>()
  readonly #ready: PollEvent<S>[] = []
  /** The pending wait(), at most one. */
  readonly #pending = new OperationQueue<PollOperation<S>>()
  #waiting = false

  /** The number of sockets watched. */
  get size(): number {
    return this.#entries.length
  }

  /** Removes every socket ({@link clear}), for `using` (TypeScript 5.2+). */
  [Symbol.dispose](): void {
    this.clear()
  }

  /**
   * Watches a socket (readable unless the interest says otherwise), or changes what is
   * watched on a socket added before. Changes apply from the next {@link wait} on.
   * @throws TypeError for a socket that is no Socket or a malformed interest.
   * @throws RangeError when the interest asks for nothing.
   * @throws ZmqError with code `EBADF` for a closed socket.
   */
  add(socket: S, interest: PollInterest = {}): this {
    if (!(socket instanceof Socket)) {
      throw new TypeError("Poller.add(socket): socket must be a zeromq-napi Socket")
    }
    const mask = interestMask(interest)
    if (socket.closed) throw zmqError("EBADF")
    const entry = this.#index.get(socket)
    if (entry !== undefined) {
      entry.interest = mask
    } else {
      const added = {socket, interest: mask, event: {socket, readable: false, writable: false}}
      this.#entries.push(added)
      this.#index.set(socket, added)
    }
    return this
  }

  /** Stops watching a socket; returns whether it was watched. */
  remove(socket: S): boolean {
    const entry = this.#index.get(socket)
    if (entry === undefined) return false
    this.#index.delete(socket)
    this.#entries.splice(this.#entries.indexOf(entry), 1)
    return true
  }

  /** Whether a socket is watched. */
  has(socket: S): boolean {
    return this.#index.has(socket)
  }

  /** Stops watching every socket. */
  clear(): void {
    this.#entries.length = 0
    this.#index.clear()
  }

  /**
   * Resolves with the sockets that are ready (at once when some are), waiting until one
   * is; with an empty list when the `timeout` passes first. Nothing is received or sent:
   * call `receive()`/`send()` on the ready sockets, which then complete without waiting.
   *
   * The list and its entries are reused by the next call.
   * @throws TypeError or RangeError (synchronously) for bad options, and for waiting
   *   with no socket, timeout or signal (it would never end).
   * @returns Rejects with code `EBADF` when a watched socket is (or gets) closed, with
   *   `EBUSY` while another `wait()` of this poller is pending, and with the signal's
   *   reason when aborted.
   */
  wait(options?: PollOptions): Promise<readonly PollEvent<S>[]> {
    const {timeout, signal} = checkOptions(options)
    if (this.#entries.length === 0 && timeout < 0 && signal === undefined) {
      throw new RangeError("Poller.wait(): no socket, timeout or signal: it would never end")
    }
    if (this.#waiting) {
      return Promise.reject(zmqError("EBUSY", "Another wait() of this poller is pending"))
    }
    if (signal?.aborted) return Promise.reject(signal.reason)
    try {
      if (this.#collect() > 0 || timeout === 0) return Promise.resolve(this.#ready)
    } catch (err) {
      return Promise.reject(err)
    }
    return this.#waitForAny(timeout, signal)
  }

  #waitForAny(timeout: number, signal: AbortSignal | undefined): Promise<PollEvent<S>[]> {
    // Cancels the registrations that did not fire: a waiting socket keeps the process alive.
    const stop = new AbortController()
    const op = {} as PollOperation<S>
    // Settles this wait only: registrations of an earlier one may still report.
    const settle = (outcome: (op: PollOperation<S>) => void) => {
      for (const mine of this.#pending.extract(pending => pending === op)) outcome(mine)
    }
    const onReady = () =>
      settle(mine => {
        try {
          this.#collect()
          mine.resolve(this.#ready)
        } catch (err) {
          mine.reject(err)
        }
      })
    const onError = (err: unknown) => {
      if (!stop.signal.aborted) settle(mine => mine.reject(err))
    }
    const collected = () => {
      this.#collect()
      return this.#ready
    }
    const waiting = this.#pending.add<PollEvent<S>[]>(op, {
      signal,
      timeout: timeout > 0 ? timeout : -1,
      timeoutResult: collected,
    })
    this.#waiting = true
    for (const {socket, interest} of this.#entries) {
      engineOf(socket).whenReady(interest, {signal: stop.signal}).then(onReady, onError)
    }
    const done = () => {
      this.#waiting = false
      stop.abort()
    }
    waiting.then(done, done)
    return waiting
  }

  /** Fills the result list with the sockets ready now; returns how many. */
  #collect(): number {
    const ready = this.#ready
    ready.length = 0
    for (const {socket, interest, event} of this.#entries) {
      if (socket.closed) throw zmqError("EBADF")
      event.readable = (interest & READABLE) !== 0 && socket.readable
      event.writable = (interest & WRITABLE) !== 0 && socket.writable
      if (event.readable || event.writable) ready.push(event)
    }
    return ready.length
  }
}

function interestMask(interest: PollInterest): number {
  if (interest === null || typeof interest !== "object") {
    throw new TypeError("Poller.add(socket, interest): interest must be an object")
  }
  const {readable, writable} = interest
  for (const [name, value] of [
    ["readable", readable],
    ["writable", writable],
  ] as const) {
    if (value !== undefined && typeof value !== "boolean") {
      throw new TypeError(`Poller.add(): "${name}" must be a boolean, got ${typeof value}`)
    }
  }
  const mask = ((readable ?? !writable) ? READABLE : 0) | (writable ? WRITABLE : 0)
  if (mask === 0) throw new RangeError("Poller.add(): the interest asks for nothing")
  return mask
}

function checkOptions(options: PollOptions | undefined): {
  timeout: number
  signal: AbortSignal | undefined
} {
  if (options === undefined) return {timeout: -1, signal: undefined}
  if (options === null || typeof options !== "object") {
    throw new TypeError("Poller.wait(options): options must be an object")
  }
  const {timeout, signal} = options
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError('Poller.wait(): "signal" must be an AbortSignal')
  }
  if (timeout === undefined || timeout === Infinity) return {timeout: -1, signal}
  if (typeof timeout !== "number") {
    throw new TypeError(`Poller.wait(): "timeout" must be a number, got ${typeof timeout}`)
  }
  if (!(timeout >= 0)) {
    throw new RangeError(`Poller.wait(): "timeout" must be 0 or more milliseconds, got ${timeout}`)
  }
  return {timeout: timeout > MAX_TIMEOUT ? -1 : timeout, signal}
}

// Argument errors reject (the promise-returning API never throws).
rejectInsteadOfThrowing(Poller.prototype, "wait")
