/**
 * What sockets that receive can do: the `Readable` interface (its documentation is what
 * users see) and its implementation, which define.ts gives the receiving classes.
 * @module
 */
import type {MessageBatch} from "../batch"
import type {Message} from "../message"
import type {SocketEngine} from "./engine"
import {engine} from "./internals"
import {toFrames, type Frame} from "./metadata"

/** Options of one send or receive call. */
export interface OperationOptions {
  /** Aborts the operation while it waits (a message libzmq accepted is not taken back). */
  signal?: AbortSignal
}

/** Sockets that may receive: `receive()`, `receiveMany()` and `for await`. */
export interface Readable<M extends object = Message[]> {
  /**
   * Resolves with the next message as an array of frames (`const [msg] = await
   * socket.receive()`). Calls may overlap freely: they complete in call order.
   * Rejects with code `EAGAIN` after `receiveTimeout` ms.
   */
  receive(options?: OperationOptions): Promise<M>
  /**
   * Resolves with every message that is ready, at least one and at most `max`
   * (default 1024), waiting like {@link receive} when none is. The fastest way to
   * consume a stream of messages.
   */
  receiveMany(max?: number, options?: OperationOptions): Promise<M[]>
  /**
   * Like {@link receiveMany}, but resolves with a {@link MessageBatch}: small frames
   * stay packed in one memory chunk and no object is made per message until asked
   * for (`batch.frame(i)`, `batch.frameSize(i)`, `batch.message(i)`, iteration). The
   * fastest way to consume a stream of small messages.
   */
  receiveBatch(max?: number, options?: OperationOptions): Promise<MessageBatch<M>>
  /** Receives messages until the socket is closed. */
  [Symbol.asyncIterator](): AsyncIterator<M, undefined>
  /**
   * Like {@link receive}, but resolves with {@link Frame}s: the bytes with `more`, the
   * message's properties (`metadata`) and, on draft sockets, the routing id or group.
   */
  receiveFrames(options?: OperationOptions): Promise<Frame[]>
  /**
   * Whether to record each received message's properties (`zmq_msg_gets`) for
   * {@link receiveFrames}: `true` for `Socket-Type`, `Routing-Id`, `Peer-Address` and
   * `User-Id`, or an array naming more (ZAP metadata properties). Off by default, as it
   * costs a little per message. Set it before messages arrive (in the constructor's
   * options): messages already taken from libzmq have no properties.
   */
  collectMetadata: boolean | readonly string[]
}

type Self = {readonly [engine]: SocketEngine}

const done: IteratorReturnResult<undefined> = Object.freeze({value: undefined, done: true})

/** The implementation of Readable, over the socket's engine. @internal */
export const readableMethods = {
  receive(this: Self, options?: OperationOptions) {
    return this[engine].receive(options)
  },
  receiveMany(this: Self, max = 1024, options?: OperationOptions) {
    return this[engine].receiveMany(max, options)
  },
  receiveBatch(this: Self, max = 1024, options?: OperationOptions) {
    return this[engine].receiveBatch(max, options)
  },
  receiveFrames(this: Self, options?: OperationOptions) {
    return this[engine].receive(options).then(toFrames)
  },
  [Symbol.asyncIterator](this: Self) {
    const socket = this[engine]
    let finished = false
    // return() and throw() (break, exceptions in `for await`, a stream's destroy())
    // cancel this iterator's pending next(): it must not take a message nobody reads.
    const iterator: AsyncIterableIterator<unknown, undefined> = {
      next: () => (finished ? Promise.resolve(done) : socket.next(iterator)),
      return: () => {
        finished = true
        socket.receiver.cancelIteration(iterator)
        return Promise.resolve(done)
      },
      throw: (error: unknown) => {
        finished = true
        socket.receiver.cancelIteration(iterator)
        return Promise.reject(error)
      },
      [Symbol.asyncIterator]() {
        return iterator
      },
    }
    return iterator
  },
}

/** The `collectMetadata` property of Readable. @internal */
export const collectMetadataProperty = {
  get(this: Self) {
    return this[engine].collectMetadata
  },
  set(this: Self, value: boolean | readonly string[]) {
    this[engine].setCollectMetadata(value)
  },
}
