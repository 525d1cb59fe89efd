/**
 * What sockets that send can do: the `Writable` interface (its documentation is what
 * users see) and its implementation, which define.ts gives the sending classes.
 * @module
 */
import type {MessageLike} from "../message"
import type {SocketEngine} from "./engine"
import {engine} from "./internals"
import type {OperationOptions} from "./readable"
import type {DraftSendOptions} from "./send"

export type {TrackedSend} from "./send"
import type {TrackedSend} from "./send"

/** Sockets that may send: `send()` and `sendMany()`. */
export interface Writable<M = MessageLike | MessageLike[], O extends object = OperationOptions> {
  /**
   * Sends a single-part (`send("hi")`) or multipart (`send(["a", "b"])`) message.
   * Resolves when libzmq accepted it (immediately when the high-water mark allows).
   * Calls may overlap freely: they complete in call order. Rejects with code `EAGAIN`
   * after `sendTimeout` ms, and with the signal's reason when aborted.
   * Rejects with a TypeError for anything that is not a message (never throws).
   */
  send(message: M, options?: O): Promise<void>
  /**
   * Sends many messages in order with as few native calls as possible; resolves when
   * libzmq accepted the last one. The fastest way to send a burst.
   */
  sendMany(messages: Iterable<M>, options?: OperationOptions): Promise<void>
  /**
   * Sends like {@link send}, and also tells when libzmq has released the message's
   * buffers. Frames of `zeroCopyMin` (64 KiB) or more are sent without copying, so
   * they must not change until then:
   * ```ts
   * const {sent, released} = socket.sendTracked(bigBuffer)
   * await released // now bigBuffer may be reused
   * ```
   * Over `inproc://` nothing is copied at all: the receiver gets the same memory, and
   * the release comes when the received buffer has been garbage-collected. While libzmq
   * holds an accepted message of an open socket the process stays alive (so awaiting
   * `released` at the top level of a module settles); closing the socket lets go, and
   * `released` then settles when libzmq drops or delivers the message within `linger`.
   */
  sendTracked(message: M, options?: OperationOptions): TrackedSend
}

type Self = {readonly [engine]: SocketEngine}

/** The implementation of Writable, over the socket's engine. @internal */
export const writableMethods = {
  send(this: Self, message: unknown, options?: OperationOptions) {
    // Routing ids and groups mean nothing here: only the signal is passed on.
    return this[engine].send(message, options && {signal: options.signal})
  },
  sendMany(this: Self, messages: Iterable<unknown>, options?: OperationOptions) {
    return this[engine].sendMany(messages, options)
  },
  sendTracked(this: Self, message: unknown, options?: OperationOptions) {
    return this[engine].sendTracked(message, options)
  },
}

/** Writable of draft sockets whose messages carry a routing id or group. @internal */
export const routedWritableMethods = {
  send(this: Self, message: unknown, options?: DraftSendOptions) {
    return this[engine].send(message, options)
  },
  sendMany: writableMethods.sendMany,
}
