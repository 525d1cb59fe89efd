/**
 * How the v5 API calls user code from asynchronous completions (a bind that finished, a
 * queued send that went out, a socket that became readable): callbacks and listeners run
 * from promise reactions here, where a throw would become an unhandled rejection. Under
 * zeromq 5.x they ran from libuv callbacks, where a throw is an uncaught exception: that is
 * what they stay.
 * Not exported. (No "internal" doc tag on this comment: it would strip the first declaration
 * from the typings.)
 * @module
 */

/** The callback of `bind`, `unbind` and `send`: called once, with an error when it failed. */
export type Callback = (error?: Error) => void

/** Runs `call`; what it throws is rethrown as an uncaught exception. */
export function runCallback(call: () => void): void {
  try {
    call()
  } catch (err) {
    process.nextTick(() => {
      throw err
    })
  }
}

/** Checks an optional callback argument. */
export function checkCallback(method: string, callback: unknown): Callback | undefined {
  if (callback === undefined || callback === null) return undefined
  if (typeof callback !== "function") {
    throw new TypeError(`${method}: the callback must be a function, got ${typeof callback}`)
  }
  return callback as Callback
}
