/**
 * Message types: what can be sent and what is received, and the checks a message passes
 * before it reaches the addon.
 * @module
 */
import {markAsUntransferable} from "node:worker_threads"
import {binding} from "./addon"
import {Send} from "./generated/protocol"

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
 * ArrayBuffer or SharedArrayBuffer), a string (sent as UTF-8), a number (sent as its
 * decimal string, `String(n)`) or `null` (an empty frame), as in zeromq v6. Anything
 * else (objects, booleans, `undefined`) is a TypeError.
 */
export type MessageLike = ArrayBufferView | ArrayBuffer | SharedArrayBuffer | string | number | null

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

const zeroCopyMin = Send.ZeroCopyMin
const zeroCopySends = binding.zeroCopySends
const hasSharedArrayBuffer = typeof SharedArrayBuffer !== "undefined"

function describe(value: unknown): string {
  if (value === null) return "null"
  if (typeof value === "object") return value.constructor?.name ?? "object"
  return typeof value
}

/** Whether an ArrayBuffer's memory was transferred away (`detached`, or Node 20's way). */
function isDetached(buffer: ArrayBufferLike): boolean {
  if (buffer.byteLength !== 0) return false
  const known = (buffer as {detached?: boolean}).detached
  if (known !== undefined) return known
  try {
    // slice() throws on a detached buffer, and costs nothing on an empty one.
    buffer.slice(0, 0)
    return false
  } catch {
    return true
  }
}

function detachedError(index: number | undefined): TypeError {
  const what = index === undefined ? "The message" : `Message frame ${index}`
  return new TypeError(
    `${what} is a detached ArrayBuffer or a view of one: its memory was transferred ` +
      "(postMessage, structuredClone or transfer()) and nothing is left to send",
  )
}

/**
 * Prepares a frame that libzmq will read without copying, from its own memory, until the
 * message has left. Marking its ArrayBuffer untransferable makes a later
 * `postMessage`/`structuredClone` transfer copy it (Node 20) or fail (Node 22 on) instead
 * of freeing memory that libzmq still reads; a resizable buffer could shrink under libzmq,
 * so it is copied now instead.
 */
function guardZeroCopy(frame: ArrayBufferView | ArrayBuffer): ArrayBufferView | ArrayBuffer {
  const buffer = frame instanceof ArrayBuffer ? frame : frame.buffer
  if ((buffer as {resizable?: boolean}).resizable) {
    return frame instanceof ArrayBuffer
      ? frame.slice(0)
      : new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength).slice()
  }
  markAsUntransferable?.(buffer)
  return frame
}

/**
 * One frame as the addon takes it: the frame itself, or a Uint8Array view of a
 * SharedArrayBuffer (which Node-API cannot read directly), or a copy of a large resizable
 * buffer. `undefined` when it is no frame.
 * @throws TypeError for a detached buffer.
 */
function prepareFrame(frame: unknown, index: number | undefined): unknown {
  if (typeof frame === "string") return frame
  let size: number
  if (frame instanceof Uint8Array) {
    // Buffers: `length` is an inline field read, byteLength a builtin call.
    size = frame.length
  } else if (frame instanceof ArrayBuffer) {
    size = frame.byteLength
  } else if (ArrayBuffer.isView(frame)) {
    try {
      size = frame.byteLength
    } catch {
      // A DataView over a detached buffer throws where typed arrays say 0.
      throw detachedError(index)
    }
  } else if (hasSharedArrayBuffer && frame instanceof SharedArrayBuffer) {
    // Shared memory can be neither detached nor freed while the view holds it.
    return new Uint8Array(frame)
  } else if (frame === null) {
    // zeromq v6's conventions (ZAP replies end in `null, null`): here, off the fast path.
    return ""
  } else if (typeof frame === "number") {
    return String(frame)
  } else {
    return undefined
  }
  if (size === 0) {
    const buffer = frame instanceof ArrayBuffer ? frame : (frame as ArrayBufferView).buffer
    if (isDetached(buffer)) throw detachedError(index)
  } else if (size >= zeroCopyMin && zeroCopySends) {
    return guardZeroCopy(frame as ArrayBufferView | ArrayBuffer)
  }
  return frame
}

function notAFrame(index: number, frame: unknown): TypeError {
  return new TypeError(
    `Message frame ${index} must be a Buffer, TypedArray, DataView, ArrayBuffer, ` +
      `SharedArrayBuffer, string, number or null, got ${describe(frame)}`,
  )
}

/**
 * Checks a message (one frame or an array of frames) before it reaches the addon, and
 * returns it in the form the addon takes (the same value unless a frame had to be
 * replaced: see prepareFrame). Every frame is checked before any is sent: a bad frame in
 * the middle of a multipart message must not leave the frames before it in libzmq.
 * @throws TypeError for anything that is not a frame or a non-empty array of frames, and
 *   for detached buffers.
 */
export function prepareMessage(message: unknown): unknown {
  if (!Array.isArray(message)) {
    const frame = prepareFrame(message, undefined)
    if (frame !== undefined) return frame
    // zeromq v6's text for a missing message.
    if (message === undefined) throw new TypeError("Message must be present")
    throw new TypeError(
      "A message must be a Buffer, TypedArray, DataView, ArrayBuffer, SharedArrayBuffer, " +
        `string, number, null or an array of those, got ${describe(message)}`,
    )
  }
  if (message.length === 0) throw new TypeError("A multipart message needs at least one frame")
  let prepared: unknown[] | undefined
  for (let i = 0; i < message.length; i++) {
    const frame: unknown = message[i]
    const ready = prepareFrame(frame, i)
    if (ready === undefined) throw notAFrame(i, frame)
    if (ready !== frame) {
      prepared ??= message.slice()
      prepared[i] = ready
    }
  }
  return prepared ?? message
}

/** Like {@link prepareMessage}, for callers that only need the check. */
export function checkMessage(message: unknown): void {
  prepareMessage(message)
}
