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
import {binding, type Capability} from "./addon"
import {Receive, Send} from "./generated/protocol"

/** The libzmq version, e.g. `"4.3.4"`. */
export const version: string = binding.version

/**
 * Frames of at least this many bytes (64 KiB) are sent without copying from the main
 * thread: libzmq reads the caller's memory until the message left (see `sendTracked()`);
 * smaller ones, and all frames sent from worker threads (whose memory ends with them),
 * are copied.
 */
export const zeroCopyMin: number = Send.ZeroCopyMin

/**
 * Received frames of at least this many bytes (128 KiB) are external buffers over
 * libzmq's memory where the runtime allows that (and copies where it does not, as in
 * Electron). Frames from {@link zeroCopyMin} up to this size are copies when they come
 * in bursts (V8 frees copies sooner) and external buffers when they keep arriving one
 * per receive (request-reply: no copy on the round trip); smaller ones are copies.
 * A frame this thread sent without copying arrives over inproc as the sender's memory,
 * and is never copied.
 */
export const externalFrameMin: number = Receive.ExternalMin

/** What this build of libzmq supports, and how sockets wait in this runtime. */
export const capability: Readonly<Capability> = Object.freeze({
  ...binding.capability,
  eventLoop: binding.eventLoop,
})

export type {Capability}
export {
  Authenticator,
  zapEndpoint,
  type AuthDecision,
  type AuthenticatorOptions,
  type AuthVerdict,
  type CurveCredentials,
  type CurvePolicy,
  type PlainCredentials,
  type PlainPolicy,
  type PolicyOptions,
  type ZapStatusCode,
} from "./auth"
export {
  Certificate,
  CertificateStore,
  type CertificateFileError,
  type CertificateInit,
  type CertificateMetadata,
  type CertificateStoreChange,
  type CertificateStoreOptions,
} from "./certificates"
export {Context, context, type ContextOptions} from "./context"
export {curveKeyPair, curvePublicKey, z85, type CurveKeyPair} from "./curve"
export {ZmqError, type ZmqErrorCode} from "./errors"
export {MessageBatch} from "./batch"
export type {Message, MessageLike} from "./message"
export {
  Observer,
  type AuthError,
  type ErrnoError,
  type Event,
  type EventAddress,
  type EventError,
  type EventFor,
  type EventInterval,
  type EventOfType,
  type EventSubscriber,
  type EventType,
  type ProtoError,
  type ObservableSocket,
  type ProtoErrorCode,
} from "./observer"
export {Poller, type PollEvent, type PollInterest, type PollOptions} from "./poller"
export {defaultLinger} from "./socket/engine"
export {lateOptionWarning, setLateOptionWarnings} from "./socket/late-options"
export type {LowLevelOptions} from "./socket/low-level-options"
export type {Frame, Metadata} from "./socket/metadata"
export type {OperationOptions, Readable} from "./socket/readable"
export type {DraftSendOptions, TrackedSend} from "./socket/send"
export {Socket, type SocketOptions} from "./socket/socket"
export type {Writable} from "./socket/writable"
export {SocketType} from "./socket/kinds"
export {
  Dealer,
  Pair,
  Publisher,
  Pull,
  Push,
  Reply,
  Request,
  Router,
  Stream,
  Subscriber,
  XPublisher,
  XSubscriber,
  type RouterConnectOptions,
  type SocketOptionProperties,
  type StreamConnectOptions,
} from "./socket/classes"
export type * from "./generated/socket-option-types"
export type * from "./generated/context-option-types"
export {Proxy, type ProxySocketStatistics, type ProxyStatistics} from "./proxy"
