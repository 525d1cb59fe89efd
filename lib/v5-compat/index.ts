/**
 * The callback and EventEmitter API of `zeromq` 5.x (and of the older `zmq` package), on
 * this library's engine: `require("zeromq-napi/v5-compat")` in place of `require("zeromq")`
 * (or `require("zmq")`) runs code written for them. See docs/migration-v5.md.
 *
 * ```js
 * const zmq = require("zeromq-napi/v5-compat")
 * const sock = zmq.socket("push")
 * sock.bindSync("tcp://127.0.0.1:3000")
 * setInterval(() => sock.send("some work"), 500)
 * ```
 * @module
 */
import {curveKeyPair} from "../curve"
import {version as libzmqVersion} from "../index"

import {applyEnvironment} from "./context"

export * from "./constants"
export {Context} from "./context"
export {proxy} from "./proxy"
export {
  createSocket,
  createSocket as socket,
  Socket,
  type Callback,
  type MonitorListener,
  type SocketEvents,
} from "./socket"
export type {OptionProperties} from "./options"

applyEnvironment()

/** The libzmq version, e.g. `"4.3.4"`. */
export const version: string = libzmqVersion

/** A new CURVE key pair, as Z85 strings: `{public, secret}`. */
export function curveKeypair(): {
  /** The public key, Z85: give it to peers. */
  public: string
  /** The secret key, Z85: keep it private. */
  secret: string
} {
  const {publicKey, secretKey} = curveKeyPair()
  return {public: publicKey, secret: secretKey}
}
