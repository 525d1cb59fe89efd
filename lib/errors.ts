/**
 * The one error class for libzmq failures.
 * @module
 */
import {constants} from "node:os"

// libzmq's own error numbers (zmq.h: ZMQ_HAUSNUMERO + n), the same on every platform.
const ZMQ_HAUSNUMERO = 156384712
const zmqErrno: Record<string, number> = {
  EFSM: ZMQ_HAUSNUMERO + 51,
  ENOCOMPATPROTO: ZMQ_HAUSNUMERO + 52,
  ETERM: ZMQ_HAUSNUMERO + 53,
  EMTHREAD: ZMQ_HAUSNUMERO + 54,
}

/**
 * A libzmq failure (or a socket state error such as a closed socket).
 *
 * - `code`: the errno name, e.g. `"EAGAIN"` (timed out / would block), `"EBADF"` (socket
 *   closed), `"EADDRINUSE"`, `"ETERM"` (context terminated), `"EHOSTUNREACH"`.
 * - `errno`: the numeric errno of this platform.
 * - `address`: the endpoint, for errors of `bind`, `unbind`, `connect` and `disconnect`.
 *
 * An operation that was aborted with an `AbortSignal` rejects with the signal's reason
 * (an `AbortError` `DOMException` by default), not with a `ZmqError`.
 */
export class ZmqError extends Error {
  readonly code: string
  readonly errno: number
  readonly address?: string

  constructor(message: string, code: string, errno?: number, address?: string) {
    super(message)
    this.name = "ZmqError"
    this.code = code
    this.errno = errno ?? errnoOf(code)
    if (address !== undefined) this.address = address
  }
}

function errnoOf(code: string): number {
  return zmqErrno[code] ?? (constants.errno as Record<string, number>)[code] ?? -1
}

const messages: Record<string, string> = {
  EAGAIN: "Operation was not possible or timed out",
  EBADF: "Socket is closed",
  ETERM: "Context was terminated",
}

/** A ZmqError made in TypeScript, with the standard message for its code. */
export function zmqError(code: string, message = messages[code] ?? code, address?: string) {
  return new ZmqError(message, code, undefined, address)
}

/**
 * Turns an error thrown by the addon (a plain Error with `code` and `errno`) into a
 * ZmqError; other errors (TypeError, RangeError) pass through unchanged.
 */
export function fromNative(err: unknown, address?: string): Error {
  if (err instanceof Error && !(err instanceof ZmqError)) {
    const {code, errno} = err as Error & {code?: unknown; errno?: unknown}
    if (typeof code === "string" && typeof errno === "number") {
      const error = new ZmqError(err.message, code, errno, address)
      if (err.stack) error.stack = err.stack.replace(/^Error/, "ZmqError")
      return error
    }
  }
  return err instanceof Error ? err : new Error(String(err))
}

/**
 * Waits for an operation that completes later and, when it fails, gives the error the
 * stack of the code that awaits it. Capturing a stack when each operation starts costs
 * microseconds; V8's async stack traces cost nothing until a failure: capturing here,
 * in the continuation, adds the `at async …` frames of the awaiting callers.
 * An AbortSignal's reason is passed on unchanged.
 */
export async function withCallerStack<T>(operation: Promise<T>): Promise<T> {
  try {
    return await operation
  } catch (err) {
    if (err instanceof ZmqError) Error.captureStackTrace(err, withCallerStack)
    throw err
  }
}
