/**
 * Small helpers shared by the patterns; not exported by the package. (No `@internal`
 * tag: on a file comment it would strip the file's first statement from the typings.)
 * @module
 */

/** Resolves after `ms`, or rejects with the signal's reason when it is aborted first. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal!.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort)
      resolve()
    }, ms)
    signal?.addEventListener("abort", onAbort, {once: true})
  })
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
