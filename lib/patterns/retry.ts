/**
 * What the chapter 4 patterns (Lazy Pirate, Paranoid Pirate, Freelance) share: a try
 * bounded in time, peers that count as gone after a silence and backoff between
 * reconnects. Internal: not re-exported by the patterns index (no
 * `@internal` tag: on a file comment it would strip the first import from the typings).
 * @module
 */
import {OperationQueue, type Operation} from "../internal"

/** What {@link within} resolves with when the time ran out first. */
export const timedOut: unique symbol = Symbol("timed out")

/**
 * Waits for `promise` at most `ms` milliseconds: resolves with its value, or with
 * {@link timedOut}. Rejects like `promise`, or with the signal's reason when it is
 * aborted first. The promise itself is left running: its owner cancels it (usually by
 * closing the socket it waits on).
 */
export function within<T>(
  promise: Promise<T>,
  ms: number,
  signal?: AbortSignal,
): Promise<T | typeof timedOut> {
  type Wait = Operation<T | typeof timedOut>
  const waiting = new OperationQueue<Wait>()
  const result = waiting.add<T | typeof timedOut>({} as Wait, {
    signal,
    timeout: Math.max(0, ms),
    timeoutResult: () => timedOut,
  })
  promise.then(
    value => waiting.shift()?.resolve(value),
    (err: unknown) => waiting.shift()?.reject(err),
  )
  return result
}

/**
 * A peer that is alive while it has been heard from within `liveness × interval` ms,
 * the rule of the guide's heartbeating (ppqueue, ppworker, flcliapi).
 */
export class Liveness {
  #expires: number

  constructor(readonly ttl: number) {
    this.#expires = Date.now() + ttl
  }

  /** The peer spoke (any message counts). */
  heard(now = Date.now()): void {
    this.#expires = now + this.ttl
  }

  /** Whether the peer has been silent for the whole time to live. */
  expired(now = Date.now()): boolean {
    return now >= this.#expires
  }

  /** Milliseconds until the peer counts as gone (0 when it does already). */
  remaining(now = Date.now()): number {
    return Math.max(0, this.#expires - now)
  }
}

/** Exponential backoff: `initial`, doubling on every call of `next()`, capped at `max`. */
export class Backoff {
  #next: number

  constructor(
    readonly initial: number,
    readonly max: number,
  ) {
    this.#next = initial
  }

  /** The delay to wait now; the one after it is twice as long (up to `max`). */
  next(): number {
    const delay = this.#next
    this.#next = Math.min(this.max, this.#next * 2)
    return delay
  }

  /** Back to `initial`, after the peer answered. */
  reset(): void {
    this.#next = this.initial
  }
}

/** For promises whose failure is handled elsewhere (or does not matter). */
export function ignore(): void {}
