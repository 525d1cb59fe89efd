/**
 * Receiving: taking messages out of libzmq in batches, and handing them to the pending
 * receives in call order.
 *
 * One native call takes up to RECEIVE_BATCH whole messages. Frames up to PoolFrameMax bytes
 * are copied back to back into a 64 KiB pool chunk and become Buffer views of it; larger
 * ones come as their own Buffers ("extras"); a table gives each frame's size and flags.
 * Messages taken but not yet received wait in `ready` (the read-ahead): at most
 * RECEIVE_BATCH messages beyond libzmq's own queue.
 * Internal: not part of the public API.
 * @module
 */
import {markAsUntransferable} from "node:worker_threads"
import type {NativeSocket} from "../addon"
import {MessageBatch} from "../batch"
import {copyError, withCallerStack, zmqError} from "../errors"
import {Frame as FrameFlag, Receive} from "../generated/protocol"
import {BufferView, type Message} from "../message"
import {Fifo} from "./fifo"
import type {Routing} from "./kinds"
import {recordDetails, type DraftReceiveInfo, type Metadata} from "./metadata"
import {OperationQueue, type Operation, type WaitOptions} from "./operation"
import type {Readiness} from "./readiness"

/** Bytes of a pool chunk. */
const POOL_SIZE = 64 * 1024
/** Frames described per native receive call. */
const META_FRAMES = 1024
/** Whole messages taken from libzmq per native receive call: bounds the read-ahead. */
const RECEIVE_BATCH = 256

const done: IteratorReturnResult<undefined> = Object.freeze({value: undefined, done: true})
const noExtras: readonly Message[] = Object.freeze([])

/** No message could be taken without waiting. */
const nothing = Symbol("nothing")

interface ReceiveOperation extends Operation<unknown> {
  /** receiveMany(): the most messages to resolve with. */
  many?: number
  /** receiveBatch(): the most messages to resolve with, as a MessageBatch. */
  batch?: number
  /** Async iteration: resolves with an IteratorResult, and with `done` on close. */
  iterate?: boolean
  /** The iterator whose next() this is (see cancelIteration). */
  iterator?: object
}

/** What a Receiver needs of its socket engine. */
export interface ReceiveHost {
  readonly native: NativeSocket
  readonly closed: boolean
  readonly readiness: Readiness
  /** ms; -1: no limit. */
  readonly receiveTimeout: number
}

function timedOut(): Error {
  return zmqError("EAGAIN")
}

export class Receiver {
  readonly #host: ReceiveHost
  readonly #routing: Routing | undefined
  readonly queue: OperationQueue<ReceiveOperation>
  /** Messages taken from libzmq and not yet received, oldest first. */
  #ready = new Fifo<unknown>()
  /** The frames of a message whose end the last native call did not reach. */
  #partial: Message[] | undefined = undefined
  #draftInfo: DraftReceiveInfo | undefined = undefined
  #metadata: Metadata | undefined = undefined

  #pool: Buffer = Buffer.allocUnsafeSlow(0)
  #poolOffset = 0
  readonly #meta = new Uint32Array(Receive.FieldsPerFrame * META_FRAMES)
  readonly #extras: unknown[] = []

  constructor(host: ReceiveHost, routing: Routing | undefined) {
    this.#host = host
    this.#routing = routing
    this.queue = new OperationQueue(() => host.readiness.arm())
    host.native.setReceiveBuffers(this.#meta, this.#extras)
  }

  /** Whether messages wait in the read-ahead. */
  get hasReady(): boolean {
    return this.#ready.length > 0
  }

  /**
   * Takes the next message if one can be had without waiting (and without overtaking a
   * pending receive or exceeding this turn's budget); `nothing` otherwise.
   * @throws what the addon throws (a libzmq error of the receive).
   */
  #takeNow(): unknown {
    const readiness = this.#host.readiness
    if (this.queue.length > 0 || readiness.budget <= 0 || this.#host.closed) return nothing
    if (this.#ready.length === 0) {
      this.#fill()
      readiness.recheck()
    }
    if (this.#ready.length === 0) return nothing
    readiness.spend(1)
    return this.#ready.shift()
  }

  receive(options: WaitOptions | undefined): Promise<unknown> {
    let message: unknown
    try {
      message = this.#takeNow()
    } catch (err) {
      return Promise.reject(err)
    }
    if (message !== nothing) return Promise.resolve(message)
    if (this.#host.closed) return Promise.reject(zmqError("EBADF"))
    const signal = options?.signal
    if (signal?.aborted) return Promise.reject(signal.reason)
    const readiness = this.#host.readiness
    if (this.#host.receiveTimeout === 0 && this.queue.length === 0 && readiness.budget > 0) {
      return Promise.reject(zmqError("EAGAIN"))
    }
    return this.#enqueue({} as ReceiveOperation, signal)
  }

  /**
   * Takes the next message if one can be had without waiting, whatever this turn's budget
   * (for callers that give the event loop no turn, as the v5 API's synchronous reads);
   * undefined when none is there, or when receives are pending ahead of it.
   * @throws what the addon throws (a libzmq error of the receive).
   */
  tryReceive(): unknown {
    if (this.queue.length > 0 || this.#host.closed) return undefined
    if (this.#ready.length === 0) {
      this.#fill()
      this.#host.readiness.recheck()
    }
    return this.#ready.shift()
  }

  /**
   * The async iterator's next(): like receive(), but resolves with the IteratorResult
   * itself (one promise per message, not three), and ends the iteration on close.
   */
  next(iterator?: object): Promise<IteratorResult<unknown, undefined>> {
    let message: unknown
    try {
      message = this.#takeNow()
    } catch (err) {
      return Promise.reject(err)
    }
    if (message !== nothing) return Promise.resolve({value: message, done: false})
    if (this.#host.closed) return Promise.resolve(done)
    const op = {iterate: true, iterator} as ReceiveOperation
    return this.#enqueue(op, undefined) as Promise<IteratorResult<unknown, undefined>>
  }

  /**
   * An iterator was abandoned (its return() or throw(): `break`, a stream's destroy()):
   * its pending next() calls end now with `done` instead of taking, later, a message
   * nobody would read. Messages already read ahead stay for the next receive.
   */
  cancelIteration(iterator: object): void {
    const cancelled = this.queue.extract(op => op.iterator === iterator)
    for (const op of cancelled) op.resolve(done)
    if (cancelled.length > 0) this.#host.readiness.arm()
  }

  /**
   * Resolves with every message that is ready (at least one, at most `max`), waiting
   * like receive() when none is.
   */
  receiveMany(max: number, options: WaitOptions | undefined): Promise<unknown[]> {
    const host = this.#host
    if (this.queue.length === 0 && host.readiness.budget > 0 && !host.closed) {
      try {
        if (this.#ready.length < max) this.#fill(max - this.#ready.length)
      } catch (err) {
        if (this.#ready.length === 0) return Promise.reject(err)
      }
      host.readiness.recheck()
      if (this.#ready.length > 0) return Promise.resolve(this.#take(max))
    }
    if (host.closed) return Promise.reject(zmqError("EBADF"))
    if (options?.signal?.aborted) return Promise.reject(options.signal.reason)
    return this.#enqueue({many: max} as ReceiveOperation, options?.signal) as Promise<unknown[]>
  }

  /**
   * Resolves with a MessageBatch of every message that is ready (at least one, at most
   * `max`), waiting like receive() when none is.
   */
  receiveBatch(max: number, options: WaitOptions | undefined): Promise<MessageBatch<object>> {
    const host = this.#host
    if (this.queue.length === 0 && host.readiness.budget > 0 && !host.closed) {
      let batch: MessageBatch<object> | undefined
      try {
        batch = this.#takeBatch(max)
      } catch (err) {
        return Promise.reject(err)
      }
      host.readiness.recheck()
      if (batch !== undefined) return Promise.resolve(batch)
    }
    if (host.closed) return Promise.reject(zmqError("EBADF"))
    if (options?.signal?.aborted) return Promise.reject(options.signal.reason)
    const op = {batch: max} as ReceiveOperation
    return this.#enqueue(op, options?.signal) as Promise<MessageBatch<object>>
  }

  #enqueue(op: ReceiveOperation, signal: AbortSignal | undefined): Promise<unknown> {
    const timeout = this.#host.receiveTimeout
    const pending = this.queue.add(op, {signal, timeout, timeoutError: timedOut})
    this.#host.readiness.arm()
    return withCallerStack(pending)
  }

  /** The socket can receive: pending receives take their messages, in call order. */
  dispatch(): void {
    const queue = this.queue
    const host = this.#host
    const readiness = host.readiness
    while (queue.length > 0 && !host.closed) {
      const batchMax = queue.peek()!.batch
      if (batchMax !== undefined) {
        if (readiness.budget <= 0) return readiness.yieldTurn()
        let batch: MessageBatch<object> | undefined
        try {
          batch = this.#takeBatch(batchMax)
        } catch (err) {
          queue.shift()!.reject(err)
          continue
        }
        if (batch === undefined) return
        queue.shift()!.resolve(batch)
        continue
      }
      if (this.#ready.length === 0) {
        if (readiness.budget <= 0) return readiness.yieldTurn()
        try {
          if (this.#fill() === 0) return
        } catch (err) {
          queue.shift()!.reject(err)
          continue
        }
      }
      const op = queue.shift()!
      if (op.many !== undefined) {
        op.resolve(this.#take(op.many))
      } else {
        readiness.spend(1)
        const message = this.#ready.shift()
        op.resolve(op.iterate ? {value: message, done: false} : message)
      }
    }
  }

  /** The socket closed: iterations end, other receives reject with EBADF; read-ahead goes. */
  close(): void {
    for (const op of this.queue.drain()) {
      if (op.iterate) op.resolve(done)
      else op.reject(zmqError("EBADF"))
    }
    this.#ready = new Fifo()
    this.#partial = undefined
  }

  /** Waiting failed: every pending receive rejects. */
  fail(error: unknown): void {
    this.queue.rejectAll(() => copyError(error))
  }

  /**
   * The messages read ahead from libzmq but not yet received, oldest first, as arrays of
   * frames: for a proxy that takes the socket over and must forward them before what
   * libzmq still holds ({@link dropReadAhead} once it has them). A message begun by the
   * last native receive is completed first (libzmq delivers a message's parts together).
   */
  readAhead(): Buffer[][] {
    if (this.#host.closed) return []
    while (this.#partial !== undefined) {
      try {
        if (this.#fill(1) === 0) break
      } catch {
        break
      }
    }
    const messages: Buffer[][] = []
    for (let i = 0; i < this.#ready.length; i++) {
      const message = this.#ready.at(i) as unknown[]
      // Draft sockets' messages are [frame, {routingId | group}]: only the frame travels.
      const parts = message.length === 2 && !Buffer.isBuffer(message[1]) ? [message[0]] : message
      messages.push(parts as Buffer[])
    }
    return messages
  }

  /** Forgets the messages {@link readAhead} returned: someone else has them now. */
  dropReadAhead(): void {
    this.#ready = new Fifo()
  }

  #take(max: number): unknown[] {
    const count = Math.min(max, this.#ready.length)
    const messages = new Array<unknown>(count)
    for (let i = 0; i < count; i++) messages[i] = this.#ready.shift()
    this.#host.readiness.spend(count)
    return messages
  }

  /** Moves ready messages from libzmq into the ready queue; returns how many. */
  #fill(max = RECEIVE_BATCH): number {
    const frames = this.#receiveFrames(max)
    return frames === 0 ? 0 : this.#materialize(frames)
  }

  /**
   * Takes the frames of up to `max` messages from libzmq: their bytes go to the pool
   * from #poolOffset on, their sizes and flags to #meta, what does not fit there to
   * #extras. Returns how many frames.
   */
  #receiveFrames(max: number): number {
    if (this.#pool.length - this.#poolOffset < Receive.PoolFrameMax) {
      this.#pool = Buffer.allocUnsafeSlow(POOL_SIZE)
      // Many messages share a chunk: transferring one message's memory (postMessage,
      // structuredClone) must copy it, not empty every message in the chunk.
      markAsUntransferable?.(this.#pool.buffer)
      this.#poolOffset = 0
    }
    return this.#host.native.receive(this.#pool, this.#poolOffset, max)
  }

  /**
   * Makes frames `from` to `frames` of #meta into messages (the first one's bytes at
   * #poolOffset, its extras from `extra` on) and queues them as ready; returns how many.
   */
  #materialize(frames: number, from = 0, extra = 0): number {
    const pool = this.#pool
    // Read once: `.buffer` is a runtime call on every access.
    const poolBuffer = pool.buffer
    const poolStart = pool.byteOffset
    const meta = this.#meta
    const extras = this.#extras
    let offset = this.#poolOffset
    let added = 0
    let parts = this.#partial
    for (let i = from; i < frames; i++) {
      const size = meta[3 * i]
      const flags = meta[3 * i + 1]
      let frame: Buffer
      if (flags & FrameFlag.Extra) {
        frame = extras[extra++] as Buffer
      } else {
        frame = new BufferView(poolBuffer, poolStart + offset, size)
        offset += size
      }
      const routingId = meta[3 * i + 2]
      if (routingId !== 0 || flags & FrameFlag.Group) {
        const info: DraftReceiveInfo = (this.#draftInfo ??= {})
        if (routingId !== 0) info.routingId = routingId
        if (flags & FrameFlag.Group) info.group = extras[extra++] as string
      }
      if (flags & FrameFlag.Metadata) this.#metadata = extras[extra++] as Metadata
      if (parts === undefined) parts = [frame]
      else parts.push(frame)
      if ((flags & FrameFlag.More) === 0) {
        this.#ready.push(this.#complete(parts))
        parts = undefined
        added++
      }
    }
    this.#partial = parts
    this.#poolOffset = offset
    if (extras.length > 0) extras.length = 0
    return added
  }

  /**
   * Takes up to `max` messages as a MessageBatch; undefined when none is complete.
   * Plain frames stay packed in the pool, described by a copy of #meta; messages with
   * routing ids, groups or properties, and ready ones, are made as receive() makes them.
   */
  #takeBatch(max: number): MessageBatch<object> | undefined {
    if (this.#ready.length > 0) return MessageBatch._of(this.#take(max) as object[])
    if (this.#partial !== undefined) {
      // The rest of a message begun by an earlier call (at most once per message).
      if (this.#fill(max) === 0) return undefined
      return MessageBatch._of(this.#take(max) as object[])
    }
    const frames = this.#receiveFrames(max)
    if (frames === 0) return undefined
    const poolStart = this.#pool.byteOffset
    // Each frame's third entry (its routing id, 0 here) becomes its byte offset or
    // its index in the extras.
    const table = this.#meta.slice(0, 3 * frames)
    let at = poolStart + this.#poolOffset
    let extra = 0
    let messages = 0
    // Where the last complete message ends: frames after it begin a partial one.
    let end = 0
    let endAt = at
    let endExtra = 0
    for (let i = 0; i < frames; i++) {
      const flags = table[3 * i + 1]
      if (table[3 * i + 2] !== 0 || (flags & (FrameFlag.Group | FrameFlag.Metadata)) !== 0) {
        if (this.#materialize(frames) === 0) return undefined
        return MessageBatch._of(this.#take(max) as object[])
      }
      if (flags & FrameFlag.Extra) {
        table[3 * i + 2] = extra++
      } else {
        table[3 * i + 2] = at
        at += table[3 * i]
      }
      if ((flags & FrameFlag.More) === 0) {
        messages++
        end = i + 1
        endAt = at
        endExtra = extra
      }
    }
    const extras = this.#extras
    const batchExtras = endExtra > 0 ? (extras.slice(0, endExtra) as Message[]) : noExtras
    let starts: Uint32Array | undefined
    if (end !== messages) {
      starts = new Uint32Array(messages + 1)
      let message = 0
      for (let i = 0; i < end; i++) {
        if ((table[3 * i + 1] & FrameFlag.More) === 0) starts[++message] = i + 1
      }
    }
    this.#poolOffset = endAt - poolStart
    if (end < frames) this.#materialize(frames, end, endExtra)
    else if (extras.length > 0) extras.length = 0
    if (messages === 0) return undefined
    this.#host.readiness.spend(messages)
    const packed = end < frames ? table.subarray(0, 3 * end) : table
    return MessageBatch._packed(messages, this.#pool.buffer, packed, starts, batchExtras)
  }

  /** Turns the frames of one message into what receive() resolves with. */
  #complete(parts: Message[]): unknown {
    const info = this.#draftInfo
    let message: unknown = parts
    if (info !== undefined) {
      this.#draftInfo = undefined
      // Draft sockets' single frame with its routing id or group.
      if (this.#routing === "routingId") message = [parts[0], {routingId: info.routingId}]
      else if (this.#routing === "group") message = [parts[0], {group: info.group}]
    }
    if (this.#metadata !== undefined) {
      recordDetails(message as object, this.#metadata, info)
      this.#metadata = undefined
    }
    return message
  }
}
