/**
 * The one way to a socket's internals: its engine, kept under a symbol as a
 * non-enumerable property, so that `console.log(socket)`, completion and the typings show
 * none of it. Modules of this library that work on sockets (the observer, the proxy, the
 * poller) reach the engine through engineOf().
 * Internal: not part of the public API.
 * @module
 */
import type {SocketEngine} from "./engine"

/** The key of a socket's engine. */
export const engine: unique symbol = Symbol("zeromq-napi.engine")

/** Gives a new socket its engine. */
export function attachEngine(socket: object, socketEngine: SocketEngine): void {
  Object.defineProperty(socket, engine, {value: socketEngine})
}

/** The engine of a socket; a TypeError for anything that is not a socket. */
export function engineOf(socket: unknown, what = "socket"): SocketEngine {
  const found = (socket as {[engine]?: SocketEngine} | null | undefined)?.[engine]
  if (found === undefined) throw new TypeError(`${what} must be a socket`)
  return found
}
