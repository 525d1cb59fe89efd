/**
 * zeromq 5.x's `Context`: the settings of the one context every v5 socket is made on
 * (the library's default context), and 5.x's ZMQ_IO_THREADS environment variable.
 * @module
 */
import {context} from "../context"

/**
 * The default context's settings. It cannot be instantiated: every socket of the v5 API
 * uses the library's default context, as every 5.x socket used its default one.
 */
export class Context {
  /** @throws Error: the v5 API has one context. */
  constructor() {
    throw new Error("Context cannot be instantiated: the v5 API uses the default context")
  }

  /** Sets the number of I/O threads (effective before the first socket is made). */
  static setMaxThreads(value: number): void {
    context.ioThreads = value
  }

  /** The number of I/O threads. */
  static getMaxThreads(): number {
    return context.ioThreads
  }

  /** Sets the most sockets the context may have (effective before the first socket is made). */
  static setMaxSockets(value: number): void {
    context.maxSockets = value
  }

  /** The most sockets the context may have. */
  static getMaxSockets(): number {
    return context.maxSockets
  }
}

/**
 * Applies the environment variable ZMQ_IO_THREADS (the default context's I/O threads), as
 * zeromq 5.x did: a value that is no positive integer is warned about and left aside.
 * Effective while the default context has no socket yet.
 */
export function applyEnvironment(env: NodeJS.ProcessEnv = process.env): void {
  const text = env.ZMQ_IO_THREADS
  if (text === undefined) return
  const threads = Number.parseInt(text, 10)
  if (Number.isInteger(threads) && threads >= 1) {
    context.ioThreads = threads
  } else {
    process.emitWarning(
      `Invalid number in ZMQ_IO_THREADS (${text}): the default context keeps its I/O threads`,
    )
  }
}
