/**
 * MessageBatch: the messages one `receiveBatch()` call took, held packed.
 * @module
 */
import {BufferView, type Message} from "./message"
import {Frame as FrameFlag} from "./generated/protocol"

/**
 * The messages that one {@link Readable.receiveBatch} call took from libzmq, in order.
 *
 * Small frames stay where the socket copied them (one shared memory chunk) and are
 * described by a table of sizes: no object exists per message until one is asked for.
 * So a consumer that only needs sizes, or reads frames one at a time, creates nothing
 * per message. A frame is a `Buffer` view over that chunk (no copy), a new view on
 * each call; the bytes never change afterwards.
 *
 * ```ts
 * const batch = await pull.receiveBatch()
 * for (let i = 0; i < batch.length; i++) handle(batch.frame(i))
 * for (const [header, body] of batch) … // whole messages, as receive() gives them
 * ```
 *
 * @typeParam M What `receive()` resolves with on this socket type.
 */
export class MessageBatch<M extends object = Message[]> implements Iterable<M> {
  /** How many messages the batch holds (at least one). */
  readonly length: number
  // Packed: 3 uint32 per frame (size, flags, byte offset in #buffer or index in
  // #extras), and each message's first frame when some message has several.
  readonly #buffer: ArrayBufferLike | undefined
  readonly #table: Uint32Array | undefined
  readonly #starts: Uint32Array | undefined
  readonly #extras: readonly Message[] | undefined
  // Taken whole: messages made before the batch was (or by a socket type that adds
  // routing ids or groups to them).
  readonly #messages: readonly M[] | undefined

  private constructor(
    length: number,
    buffer?: ArrayBufferLike,
    table?: Uint32Array,
    starts?: Uint32Array,
    extras?: readonly Message[],
    messages?: readonly M[],
  ) {
    this.length = length
    this.#buffer = buffer
    this.#table = table
    this.#starts = starts
    this.#extras = extras
    this.#messages = messages
  }

  /** @internal A batch over packed frames (see the field comments). */
  static _packed<M extends object>(
    length: number,
    buffer: ArrayBufferLike,
    table: Uint32Array,
    starts: Uint32Array | undefined,
    extras: readonly Message[],
  ): MessageBatch<M> {
    return new MessageBatch<M>(length, buffer, table, starts, extras)
  }

  /** @internal A batch over messages already made. */
  static _of<M extends object>(messages: readonly M[]): MessageBatch<M> {
    return new MessageBatch<M>(
      messages.length,
      undefined,
      undefined,
      undefined,
      undefined,
      messages,
    )
  }

  /** Message `index` as `receive()` would have resolved with it (a new array each call). */
  message(index: number): M {
    this.#check(index)
    const messages = this.#messages
    if (messages !== undefined) return messages[index]
    const first = this.#first(index)
    const count = this.#count(index)
    const frames = new Array<Message>(count)
    for (let part = 0; part < count; part++) frames[part] = this.#frameAt(first + part)
    return frames as unknown as M
  }

  /** How many frames message `index` has. */
  frameCount(index: number): number {
    this.#check(index)
    return this.#count(index)
  }

  /** The size in bytes of frame `part` of message `index`, without making the frame. */
  frameSize(index: number, part = 0): number {
    this.#checkPart(index, part)
    const table = this.#table
    if (table === undefined) return this.#framesOf(index)[part].length
    return table[3 * (this.#first(index) + part)]
  }

  /** Frame `part` (default: the first) of message `index`. */
  frame(index: number, part = 0): Message {
    this.#checkPart(index, part)
    if (this.#messages !== undefined) return this.#framesOf(index)[part]
    return this.#frameAt(this.#first(index) + part)
  }

  /** Every message, as `receiveMany()` would have resolved with them. */
  toArray(): M[] {
    const messages = new Array<M>(this.length)
    for (let i = 0; i < this.length; i++) messages[i] = this.message(i)
    return messages
  }

  /** Every message in order, each made when reached (as {@link message}). */
  *[Symbol.iterator](): Iterator<M> {
    for (let i = 0; i < this.length; i++) yield this.message(i)
  }

  #first(index: number): number {
    const starts = this.#starts
    return starts === undefined ? index : starts[index]
  }

  #count(index: number): number {
    if (this.#messages !== undefined) return this.#framesOf(index).length
    const starts = this.#starts
    return starts === undefined ? 1 : starts[index + 1] - starts[index]
  }

  #frameAt(frame: number): Message {
    const table = this.#table!
    const where = table[3 * frame + 2]
    if ((table[3 * frame + 1] & FrameFlag.Extra) !== 0) return this.#extras![where]
    return new BufferView(this.#buffer!, where, table[3 * frame])
  }

  /** The byte frames of a message taken whole (draft sockets add an info object). */
  #framesOf(index: number): Message[] {
    return (this.#messages![index] as unknown[]).filter(Buffer.isBuffer)
  }

  #check(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) {
      throw new RangeError(
        `Message index must be an integer from 0 to ${this.length - 1}, got ${String(index)}`,
      )
    }
  }

  #checkPart(index: number, part: number): void {
    this.#check(index)
    if (part !== 0 || this.#starts !== undefined || this.#messages !== undefined) {
      const count = this.#count(index)
      if (!Number.isInteger(part) || part < 0 || part >= count) {
        throw new RangeError(`Message ${index} has ${count} frame(s): no frame ${String(part)}`)
      }
    }
  }
}
