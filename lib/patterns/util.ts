/**
 * Small helpers shared by the patterns; not exported by the package. (No `@internal`
 * tag: on a file comment it would strip the file's first statement from the typings.)
 * @module
 */
import {ZmqError} from "../index"
import {OperationQueue, type Operation} from "../internal"

/** Resolves after `ms`, or rejects with the signal's reason when it is aborted first. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  const sleep = new OperationQueue<Operation<void>>()
  return sleep.add<void>({} as Operation<void>, {signal, timeout: ms, timeoutResult: () => {}})
}

/** The longest delay a timer takes (ms). */
export const maxDelay = 2 ** 31 - 1

/** Checks a duration option: a number of milliseconds from `min` to {@link maxDelay}. */
export function checkMs(name: string, value: unknown, min = 1): number {
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw new TypeError(`${name} must be a number of milliseconds, got ${typeof value}`)
  }
  // Timers hold at most 2^31 - 1 ms (24.8 days); Node turns a longer delay into 1 ms.
  if (!Number.isFinite(value) || value < min || value > maxDelay) {
    throw new RangeError(`${name} must be a number of ms from ${min} to ${maxDelay}, got ${value}`)
  }
  return value
}

/** Checks a count option: an integer ≥ `min`. */
export function checkCount(name: string, value: unknown, min = 1): number {
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw new TypeError(`${name} must be an integer, got ${typeof value}`)
  }
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer ≥ ${min}, got ${value}`)
  }
  return value
}

/** Where errors go when the user gave no `onError`: a process warning, never silence. */
export function warnError(error: Error): void {
  process.emitWarning(error)
}

/** Checks that `options` is an object (or absent) and returns it. */
export function checkOptions<T extends object>(name: string, options: T | undefined): T {
  if (options === undefined) return {} as T
  if (options === null || typeof options !== "object") {
    throw new TypeError(`${name} options must be an object, got ${describe(options)}`)
  }
  return options
}

/** Checks an optional callback option. */
export function checkFunction<F extends (...args: never[]) => unknown>(
  name: string,
  value: F | undefined,
): F | undefined {
  if (value !== undefined && typeof value !== "function") {
    throw new TypeError(`${name} must be a function, got ${describe(value)}`)
  }
  return value
}

/** Checks the `signal` of a call's options. */
export function checkSignal(options: {signal?: AbortSignal} | undefined): AbortSignal | undefined {
  if (options === undefined) return undefined
  if (options === null || typeof options !== "object") {
    throw new TypeError(`request options must be an object, got ${describe(options)}`)
  }
  const {signal} = options
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(`signal must be an AbortSignal, got ${describe(signal)}`)
  }
  return signal
}

/** Checks an endpoint argument. */
export function checkEndpoint(name: string, value: unknown): string {
  if (typeof value !== "string") {
    throw new TypeError(`${name} must be an endpoint string, got ${describe(value)}`)
  }
  if (value === "") throw new RangeError(`${name} must not be empty`)
  return value
}

function describe(value: unknown): string {
  return value === null ? "null" : typeof value
}

/** Whether an error only says that a socket (or its context) was closed under a loop. */
export function isClosedError(err: unknown): boolean {
  return err instanceof ZmqError && (err.code === "EBADF" || err.code === "ETERM")
}
