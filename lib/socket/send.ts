/**
 * Sending: handing messages to libzmq, at once when the high-water mark allows, else in
 * call order as the socket becomes writable. Runs of small byte arrays go packed (one
 * native call for many messages: pack.ts); large frames go without copying (tracking.ts).
 * Internal: not part of the public API.
 * @module
 */
import type {NativeSocket} from "../addon"
import {copyError, withCallerStack, zmqError} from "../errors"
import {prepareMessage} from "../message"
import {OperationQueue, type Operation, type WaitOptions} from "./operation"
import {packBuffer} from "./pack"
import type {Readiness} from "./readiness"
import {hold, letGo, track, untrack, zeroCopyFrames, type Tracker} from "./tracking"

/** Queued messages handed to libzmq per native send call. */
const SEND_BATCH = 1024

const resolved = Promise.resolve()

/** Options of a draft socket's send (Server, Peer, Radio). */
export interface DraftSendOptions extends WaitOptions {
  /** Server, Peer: the routing id of the peer to send to. */
  routingId?: number
  /** Radio: the group to publish to (at most 15 bytes). */
  group?: string
}

/** What {@link Writable.sendTracked} returns. */
export interface TrackedSend {
  /** Resolves like `send()`: when libzmq accepted the message. */
  sent: Promise<void>
  /**
   * Resolves when libzmq no longer uses any of the message's buffers: from then on they
   * may be changed or reused. Frames below the zero-copy size are copied, so for them this
   * is when the message was accepted (or refused).
   */
  released: Promise<void>
}

interface SendOperation extends Operation<void> {
  message?: unknown
  draft?: DraftSendOptions
  /** sendTracked(): told of the release of the zero-copy frames once accepted. */
  tracker?: Tracker
  many?: {list: unknown[]; index: number}
}

/** What a Sender needs of its socket engine. */
export interface SendHost {
  readonly native: NativeSocket
  readonly closed: boolean
  readonly readiness: Readiness
  /** ms; -1: no limit. */
  readonly sendTimeout: number
}

function timedOut(): Error {
  return zmqError("EAGAIN")
}

function noop(): void {}

export class Sender {
  readonly #host: SendHost
  readonly queue: OperationQueue<SendOperation>
  #flushList: unknown[] = []
  /** Tracked messages libzmq holds (see tracking.ts): let go when the socket closes. */
  readonly #held = new Set<Tracker>()

  constructor(host: SendHost) {
    this.#host = host
    this.queue = new OperationQueue(() => host.readiness.arm())
    host.native.setSendBuffers(packBuffer.data, packBuffer.sizes)
  }

  /** Whether a message may go to libzmq now, ahead of nothing queued, within the budget. */
  #direct(): boolean {
    return this.queue.length === 0 && this.#host.readiness.budget > 0
  }

  send(message: unknown, options: DraftSendOptions | undefined): Promise<void> {
    // Bad arguments reject: `send(x).catch(…)` must see them.
    try {
      message = prepareMessage(message)
    } catch (err) {
      return Promise.reject(err)
    }
    const draft =
      options?.routingId !== undefined || options?.group !== undefined ? options : undefined
    if (draft && Array.isArray(message)) {
      return Promise.reject(new TypeError("Draft sockets send single-part messages only"))
    }
    const host = this.#host
    if (host.closed) return Promise.reject(zmqError("EBADF"))
    if (options?.signal?.aborted) return Promise.reject(options.signal.reason)
    if (this.#direct()) {
      try {
        const sent = draft
          ? host.native.sendDraft(message, draft.routingId, draft.group)
          : host.native.send(message)
        if (sent) {
          host.readiness.spend(1)
          host.readiness.recheck()
          return resolved
        }
      } catch (err) {
        return Promise.reject(err)
      }
      if (host.sendTimeout === 0) return Promise.reject(zmqError("EAGAIN"))
    }
    return this.#enqueue({message, draft} as SendOperation, options?.signal)
  }

  /**
   * Hands a message to libzmq now if it takes it without waiting, whatever this turn's
   * budget (for callers that give the event loop no turn, as the v5 API's synchronous
   * sends); false when it would wait, or when sends are queued ahead of it.
   * @throws TypeError for what is no message, ZmqError for libzmq's refusals.
   */
  trySend(message: unknown): boolean {
    message = prepareMessage(message)
    const host = this.#host
    if (host.closed) throw zmqError("EBADF")
    if (this.queue.length > 0 || !host.native.send(message)) return false
    host.readiness.recheck()
    return true
  }

  sendTracked(message: unknown, options: WaitOptions | undefined): TrackedSend {
    try {
      message = prepareMessage(message)
    } catch (err) {
      // Nothing was handed to libzmq: nothing to release.
      return {sent: Promise.reject(err), released: resolved}
    }
    const count = zeroCopyFrames(message)
    if (count === 0) {
      const sent = this.send(message, options)
      return {sent, released: sent.then(noop, noop)}
    }
    let resolveReleased!: () => void
    const released = new Promise<void>(resolve => (resolveReleased = resolve))
    const tracker: Tracker = {
      remaining: count,
      resolve: () => {
        this.#held.delete(tracker)
        resolveReleased()
      },
    }
    const host = this.#host
    let sent: Promise<void>
    if (host.closed) {
      sent = Promise.reject(zmqError("EBADF"))
    } else if (options?.signal?.aborted) {
      sent = Promise.reject(options.signal.reason)
    } else if (this.#direct()) {
      try {
        if (this.#sendTrackedNow(message, tracker)) {
          host.readiness.spend(1)
          host.readiness.recheck()
          return {sent: resolved, released}
        }
        sent =
          host.sendTimeout === 0
            ? Promise.reject(zmqError("EAGAIN"))
            : this.#enqueue({message, tracker} as SendOperation, options?.signal)
      } catch (err) {
        sent = Promise.reject(err)
      }
    } else {
      sent = this.#enqueue({message, tracker} as SendOperation, options?.signal)
    }
    // A message libzmq never accepted holds no buffer.
    sent.catch(() => tracker.resolve())
    return {sent, released}
  }

  /** One attempt at a tracked send; each attempt has its own track id. */
  #sendTrackedNow(message: unknown, tracker: Tracker): boolean {
    const id = track(tracker)
    let accepted = false
    try {
      accepted = this.#host.native.send(message, id)
    } finally {
      if (!accepted) untrack(id)
    }
    if (accepted) {
      this.#held.add(tracker)
      hold(tracker)
    }
    return accepted
  }

  /**
   * Sends every message of `messages` in order, in as few native calls as the
   * high-water mark allows; resolves when libzmq accepted the last one.
   */
  sendMany(messages: Iterable<unknown>, options: WaitOptions | undefined): Promise<void> {
    let list: unknown[]
    try {
      list = Array.isArray(messages) ? messages : Array.from(messages)
      for (let i = 0; i < list.length; i++) {
        const message = prepareMessage(list[i])
        if (message !== list[i]) {
          // Never change the caller's array.
          if (list === messages) list = list.slice()
          list[i] = message
        }
      }
    } catch (err) {
      return Promise.reject(err)
    }
    const host = this.#host
    if (host.closed) return Promise.reject(zmqError("EBADF"))
    if (options?.signal?.aborted) return Promise.reject(options.signal.reason)
    let index = 0
    if (this.#direct()) {
      try {
        index = this.#sendList(list, 0, list.length)
      } catch (err) {
        return Promise.reject(err)
      }
      host.readiness.spend(index)
      host.readiness.recheck()
      if (index === list.length) return resolved
    }
    return this.#enqueue({many: {list, index}} as SendOperation, options?.signal)
  }

  #enqueue(op: SendOperation, signal: AbortSignal | undefined): Promise<void> {
    const timeout = this.#host.sendTimeout
    const pending = this.queue.add<void>(op, {signal, timeout, timeoutError: timedOut})
    this.#host.readiness.arm()
    return withCallerStack(pending)
  }

  /** The socket can send: queued messages go to libzmq, in call order. */
  dispatch(): void {
    const queue = this.queue
    const host = this.#host
    const readiness = host.readiness
    while (queue.length > 0 && !host.closed) {
      if (readiness.budget <= 0) return readiness.yieldTurn()
      const op = queue.peek()!
      let done: boolean
      try {
        if (op.many) {
          const many = op.many
          const sent = this.#sendList(many.list, many.index, many.list.length)
          many.index += sent
          readiness.spend(sent)
          done = many.index === many.list.length
        } else if (op.draft) {
          done = host.native.sendDraft(op.message, op.draft.routingId, op.draft.group)
          if (done) readiness.spend(1)
        } else if (op.tracker) {
          done = this.#sendTrackedNow(op.message, op.tracker)
          if (done) readiness.spend(1)
        } else {
          // Settles what it sent itself; stop when libzmq would block.
          if (!this.#flushPlainSends()) return
          continue
        }
      } catch (err) {
        queue.shift()!.reject(err)
        continue
      }
      if (!done) return
      queue.shift()!.resolve()
    }
  }

  /** The socket closed: every queued send rejects with EBADF. */
  close(): void {
    this.queue.rejectAll(() => zmqError("EBADF"))
    for (const tracker of this.#held) letGo(tracker)
    this.#held.clear()
  }

  /** Waiting failed: every queued send rejects. */
  fail(error: unknown): void {
    this.queue.rejectAll(() => copyError(error))
  }

  /**
   * Sends messages `start` to `end` of `list` until libzmq would block; returns how many
   * it accepted. Small byte arrays go packed, the others one by one. Throws only when the
   * first message fails (a later failure surfaces on the next call).
   */
  #sendList(list: readonly unknown[], start: number, end: number): number {
    const native = this.#host.native
    let index = start
    try {
      while (index < end) {
        const packed = packBuffer.packMessages(list, index, end)
        const sent =
          packed > 0
            ? native.sendPacked(packBuffer.frames)
            : native.sendMany(list, index, index + 1)
        index += sent
        if (sent < Math.max(packed, 1)) break
      }
    } catch (err) {
      if (index === start) throw err
    }
    return index - start
  }

  /** Hands consecutive plain sends to libzmq in one call; false when it would block. */
  #flushPlainSends(): boolean {
    const queue = this.queue
    const readiness = this.#host.readiness
    const list = this.#flushList
    const limit = Math.min(SEND_BATCH, readiness.budget, queue.length)
    for (let i = 0; i < limit; i++) {
      const op = queue.at(i)!
      if (op.many || op.draft || op.tracker) break
      list.push(op.message)
    }
    const count = list.length
    let sent = 0
    let failure: unknown
    let failed = false
    try {
      sent = this.#sendList(list, 0, count)
    } catch (err) {
      failure = err
      failed = true
    }
    list.length = 0
    readiness.spend(sent)
    for (let i = 0; i < sent; i++) queue.shift()!.resolve()
    if (failed) {
      queue.shift()!.reject(failure)
      return true
    }
    return sent === count
  }
}
