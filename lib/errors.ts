/**
 * The one error class for libzmq failures, and the one table of error numbers. The addon
 * throws ZmqErrors itself (it is handed the class at load: lib/addon/index.ts).
 * @module
 */
import {constants} from "node:os"
import {binding} from "./addon/load"

/** The errno names libzmq reports, and the states this library reports with them. */
export type ZmqErrorCode =
  | "EAGAIN"
  | "EINTR"
  | "EINVAL"
  | "EFAULT"
  | "ENOMEM"
  | "EMFILE"
  | "EBADF"
  | "ENOENT"
  | "ENODEV"
  | "EACCES"
  | "EPERM"
  | "EBUSY"
  | "ENOTSUP"
  | "EPROTONOSUPPORT"
  | "ENOBUFS"
  | "ENETDOWN"
  | "EADDRINUSE"
  | "EADDRNOTAVAIL"
  | "ECONNREFUSED"
  | "EINPROGRESS"
  | "ENOTSOCK"
  | "EMSGSIZE"
  | "EAFNOSUPPORT"
  | "ENETUNREACH"
  | "ECONNABORTED"
  | "ECONNRESET"
  | "ENOTCONN"
  | "ETIMEDOUT"
  | "EHOSTUNREACH"
  | "ENETRESET"
  | "EFSM"
  | "ENOCOMPATPROTO"
  | "ETERM"
  | "EMTHREAD"

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
  /** The errno name, e.g. `"EAGAIN"`; one of {@link ZmqErrorCode} for libzmq's errors. */
  readonly code: ZmqErrorCode | (string & {})
  /** The numeric errno of this platform (-1 when it has none). */
  readonly errno: number
  /** The endpoint of a failed `bind`, `unbind`, `connect` or `disconnect`. */
  readonly address?: string

  /** An error with a libzmq error code (e.g. `"EAGAIN"`), errno and endpoint. */
  constructor(message: string, code: string, errno?: number, address?: string) {
    super(message)
    this.name = "ZmqError"
    this.code = code
    this.errno = errno ?? errnoOf(code)
    if (address !== undefined) this.address = address
  }
}

/** This platform's number for an errno name (libzmq's own names included); -1 if none. */
export function errnoOf(code: string): number {
  return binding.errnos[code] ?? (constants.errno as Record<string, number | undefined>)[code] ?? -1
}

let codes: Map<number, string> | undefined

/** The errno name of a number (the addon's names first, then the system's). */
export function codeOf(errno: number): string | undefined {
  if (codes === undefined) {
    codes = new Map()
    for (const [code, value] of Object.entries(binding.errnos)) codes.set(value, code)
    for (const [code, value] of Object.entries(constants.errno)) {
      // Aliases (EWOULDBLOCK for EAGAIN) come later: keep the first, common name.
      if (!codes.has(value)) codes.set(value, code)
    }
  }
  return codes.get(errno)
}

/** The messages of errors this library reports itself (zeromq v6's texts). */
const messages: Readonly<Record<string, string>> = {
  EAGAIN: "Operation was not possible or timed out",
  EBADF: "Socket is closed",
  ETERM: "Context was terminated",
}

/** A ZmqError made in TypeScript, with the standard message for its code. */
export function zmqError(code: ZmqErrorCode, message = messages[code] ?? code, address?: string) {
  return new ZmqError(message, code, undefined, address)
}

/** A copy of a ZmqError (another caller gets its own stack); other errors as they are. */
export function copyError(error: unknown): unknown {
  if (!(error instanceof ZmqError)) return error
  return new ZmqError(error.message, error.code, error.errno, error.address)
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
