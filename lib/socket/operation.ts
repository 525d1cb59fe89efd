/**
 * Pending operations: a promise that settles once, abortable with an AbortSignal and
 * limited by a timeout, waiting in a queue that completes operations in call order. Every
 * part of the library that waits (sends, receives, pollers, observers, the patterns) uses
 * this one type.
 * Internal: not part of the public API.
 * @module
 */
import {Fifo} from "./fifo"

/** How an operation may end before it completes. */
export interface WaitOptions {
  /** Aborts the operation: it rejects with the signal's reason. */
  signal?: AbortSignal
  /** Milliseconds until it rejects with {@link timeoutError}; below 0, no limit. */
  timeout?: number
  /** The error of a timeout (made when it happens). */
  timeoutError?: () => Error
  /** What a timeout resolves with, for operations that end well at their timeout. */
  timeoutResult?: () => unknown
}

/** A pending operation: what its queue settles. Extend it with what the operation needs. */
export interface Operation<T> {
  resolve(value: T): void
  reject(error: unknown): void
  signal?: AbortSignal
  onAbort?: () => void
  timer?: NodeJS.Timeout
}

/** Detaches an operation from its signal and timer; returns it, to settle it next. */
export function settle<O extends Operation<never>>(op: O): O {
  if (op.timer !== undefined) {
    clearTimeout(op.timer)
    op.timer = undefined
  }
  if (op.onAbort !== undefined) {
    op.signal!.removeEventListener("abort", op.onAbort)
    op.onAbort = undefined
  }
  return op
}

/**
 * Operations waiting their turn, oldest first. An operation that is aborted or times out
 * leaves the queue at once and rejects; `onCancel` is then told (to wait for less).
 */
export class OperationQueue<O extends Operation<never>> {
  readonly #items = new Fifo<O>()
  readonly #onCancel: (() => void) | undefined

  constructor(onCancel?: () => void) {
    this.#onCancel = onCancel
  }

  get length(): number {
    return this.#items.length
  }

  peek(): O | undefined {
    return this.#items.peek()
  }

  at(index: number): O | undefined {
    return this.#items.at(index)
  }

  /** Takes the oldest operation out, detached from its signal and timer. */
  shift(): O | undefined {
    const op = this.#items.shift()
    return op === undefined ? undefined : settle(op)
  }

  /**
   * Queues `op` and returns the promise it settles. A signal that is aborted already
   * rejects at once, without queueing.
   */
  add<T>(op: O, options: WaitOptions = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const target = op as unknown as Operation<T>
      target.resolve = resolve
      target.reject = reject
      const {signal, timeout = -1} = options
      if (signal?.aborted) return reject(signal.reason)
      if (signal !== undefined) {
        target.signal = signal
        target.onAbort = () => this.#cancel(op, signal.reason)
        signal.addEventListener("abort", target.onAbort, {once: true})
      }
      if (timeout >= 0) {
        const {timeoutError = () => new Error("Timed out"), timeoutResult} = options
        target.timer = setTimeout(() => {
          if (timeoutResult === undefined) this.#cancel(op, timeoutError())
          else if (this.#items.remove(op)) settle(op).resolve(timeoutResult() as never)
        }, timeout)
      }
      this.#items.push(op)
    })
  }

  /** Empties the queue; returns the operations, oldest first, detached. */
  drain(): O[] {
    const ops = this.#items.drain()
    for (const op of ops) settle(op)
    return ops
  }

  /** Takes out, detached, the operations for which `test` holds; the others stay queued. */
  extract(test: (op: O) => boolean): O[] {
    const taken: O[] = []
    for (const op of this.#items.drain()) {
      if (test(op)) taken.push(settle(op))
      else this.#items.push(op)
    }
    return taken
  }

  /** Rejects every operation with a copy of `error` (a fresh stack for each caller). */
  rejectAll(error: () => unknown): void {
    for (const op of this.drain()) op.reject(error())
  }

  #cancel(op: O, reason: unknown): void {
    if (!this.#items.remove(op)) return
    settle(op).reject(reason)
    this.#onCancel?.()
  }
}
