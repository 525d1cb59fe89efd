/**
 * zeromq-napi: ZeroMQ for Node.js, a drop-in superset of the `zeromq` v6 API.
 *
 * ```ts
 * import {Push, Pull} from "zeromq-napi"
 * const pull = new Pull()
 * await pull.bind("tcp://127.0.0.1:*")
 * const push = new Push()
 * push.connect(pull.lastEndpoint!)
 * await push.send("hello")
 * const [msg] = await pull.receive()
 * ```
 * @module
 */
import {binding, type Capability} from "./native"

/** The libzmq version, e.g. `"4.3.4"`. */
export const version: string = binding.version

/** What this build of libzmq supports. */
export const capability: Readonly<Capability> = Object.freeze({...binding.capability})

export type {Capability}
export {Context, context, type ContextOptions} from "./context"
export {curveKeyPair, curvePublicKey, z85, type CurveKeyPair} from "./curve"
export {ZmqError} from "./errors"
export type {Message, MessageLike} from "./message"
export {
  defaultLinger,
  Socket,
  type DraftSendOptions,
  type OperationOptions,
  type Readable,
  type SocketOptions,
  type Writable,
} from "./socket"
export {
  Dealer,
  Pair,
  Publisher,
  Pull,
  Push,
  Reply,
  Request,
  Router,
  SocketType,
  Stream,
  Subscriber,
  XPublisher,
  XSubscriber,
  type RouterConnectOptions,
  type SocketOptionProperties,
  type StreamConnectOptions,
} from "./socket-types"
