/**
 * Packing: small byte arrays are copied in JavaScript into one buffer, with a table of
 * their sizes, and handed to libzmq in one native call (`sendPacked`): a copy in JS costs
 * less than the Node-API calls that reading each frame would take.
 * Internal: not part of the public API.
 * @module
 */
import {Send} from "../generated/protocol"

/** Byte arrays up to this size are packed. */
const PACK_FRAME_MAX = 2048
/** Size entries of the table: up to 4 frames per message of a full batch (1024). */
const PACK_FRAMES_MAX = 4096

/**
 * The packing buffers. One per thread, shared by all of its sockets (each is given them
 * once, at creation): a pack is filled and handed to libzmq within one synchronous call,
 * so no two sockets ever use it at the same time.
 */
export class PackBuffer {
  readonly data = Buffer.allocUnsafeSlow(64 * 1024)
  readonly sizes = new Uint32Array(PACK_FRAMES_MAX)
  /** Frames packed so far (their sizes are in `sizes`). */
  frames = 0
  #offset = 0

  /**
   * Packs messages of `list` from `start` on, as long as each is a small byte array (or an
   * array of them) and there is room; returns how many. The pack starts empty.
   */
  packMessages(list: readonly unknown[], start: number, end: number): number {
    this.frames = 0
    this.#offset = 0
    let i = start
    while (i < end && this.#packMessage(list[i])) i++
    return i - start
  }

  /**
   * Packs one message behind what is packed already; returns false, and packs nothing,
   * when it is not of that kind or lacks room.
   */
  #packMessage(message: unknown): boolean {
    if (!Array.isArray(message)) return this.#packFrame(message, false)
    if (message.length === 0) return false
    const frames = this.frames
    const offset = this.#offset
    for (let i = 0; i < message.length; i++) {
      if (!this.#packFrame(message[i], i + 1 < message.length)) {
        this.frames = frames
        this.#offset = offset
        return false
      }
    }
    return true
  }

  #packFrame(frame: unknown, more: boolean): boolean {
    if (!(frame instanceof Uint8Array)) return false
    // `length`, not `byteLength`: the same for bytes, and an inline field read, where
    // byteLength is a builtin call (half the cost of the copy below).
    const size = frame.length
    if (size > PACK_FRAME_MAX || size > this.data.length - this.#offset) return false
    if (this.frames === this.sizes.length) return false
    this.data.set(frame, this.#offset)
    this.#offset += size
    this.sizes[this.frames++] = more ? size | Send.PackedMore : size
    return true
  }
}

/** This thread's packing buffers (see PackBuffer). */
export const packBuffer = new PackBuffer()
