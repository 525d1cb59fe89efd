/**
 * Message types: what can be sent and what is received.
 * @module
 */

/** A received message frame. */
export type Message = Buffer

/**
 * @internal Buffer's own constructor, for views over received bytes: twice as fast as
 * `subarray()` (no species lookup).
 */
export const BufferView = (
  Buffer as unknown as {
    [Symbol.species]: new (buffer: ArrayBufferLike, byteOffset: number, length: number) => Buffer
  }
)[Symbol.species]

/**
 * What can be sent as one frame: bytes (a Buffer, any TypedArray, a DataView, an
 * ArrayBuffer or SharedArrayBuffer) or a string, sent as UTF-8. Nothing else is
 * converted: numbers, `null` and objects are a TypeError (zeromq v6 converted them
 * with `String()`).
 */
export type MessageLike = ArrayBufferView | ArrayBuffer | SharedArrayBuffer | string

/** Sizes that decide how bytes move between JavaScript and libzmq. */
export interface FrameThresholds {
  /**
   * Frames of at least this many bytes are sent without copying: libzmq reads the
   * caller's memory until the message has left, so such a buffer must not be changed
   * after `send()` until then.
   */
  zeroCopyMin: number
  /**
   * Received frames of at least this many bytes are external buffers over libzmq's
   * memory where the runtime allows it, and copies otherwise (from zeroCopyMin on,
   * frames that keep arriving one at a time are external buffers too).
   */
  externalMin: number
  /** Received frames up to this size are copied into shared pool chunks. */
  poolFrameMax: number
}

function isFrame(value: unknown): value is MessageLike {
  return (
    typeof value === "string" ||
    ArrayBuffer.isView(value) ||
    value instanceof ArrayBuffer ||
    (typeof SharedArrayBuffer !== "undefined" && value instanceof SharedArrayBuffer)
  )
}

function describe(value: unknown): string {
  if (value === null) return "null"
  if (typeof value === "object") return value.constructor?.name ?? "object"
  return typeof value
}

/**
 * Checks a message (one frame or an array of frames) before it reaches the addon.
 * @throws TypeError for anything that is not a frame or a non-empty array of frames.
 */
export function checkMessage(message: unknown): void {
  if (isFrame(message)) return
  if (Array.isArray(message)) {
    if (message.length === 0) throw new TypeError("A multipart message needs at least one frame")
    for (let i = 0; i < message.length; i++) {
      if (!isFrame(message[i])) {
        throw new TypeError(
          `Message frame ${i} must be a Buffer, TypedArray, DataView, ArrayBuffer or string, ` +
            `got ${describe(message[i])}`,
        )
      }
    }
    return
  }
  throw new TypeError(
    "A message must be a Buffer, TypedArray, DataView, ArrayBuffer, string or an array of " +
      `those, got ${describe(message)}`,
  )
}
