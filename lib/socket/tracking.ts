/**
 * Zero-copy release tracking for `sendTracked()`: each attempt to send a tracked message
 * gets an id; libzmq's release of a frame sent without copying comes back (through the
 * addon's release queue) with that id, and resolves `released` once all frames are back.
 * Internal: not part of the public API.
 * @module
 */
import {binding} from "../addon"
import {Send} from "../generated/protocol"

/** One tracked message: how many of its frames libzmq still holds. */
export interface Tracker {
  remaining: number
  resolve(): void
  /** Whether it counts towards the keep-alive (see {@link hold}). */
  held?: boolean
}

/**
 * The attempts whose release someone waits for, by track id. One per thread (releases of
 * every socket come through one handler).
 */
const trackers = new Map<number, Tracker>()
let lastTrack = 0

/**
 * Messages libzmq accepted and still holds, on open sockets: while there are any, a
 * referenced timer keeps the process alive, so `await sendTracked(m).released` at the top
 * level of a module settles instead of ending the process with exit code 13 (an
 * unsettled top-level await). Closing the socket lets go: a message that never leaves
 * (no peer) must not keep the process running forever.
 */
let held = 0
let keepAlive: ReturnType<typeof setInterval> | undefined

function noop(): void {}

/** Counts an accepted tracked message towards the keep-alive. */
export function hold(tracker: Tracker): void {
  if (tracker.held || tracker.remaining === 0) return
  tracker.held = true
  if (held++ === 0) keepAlive = setInterval(noop, 0x3fffffff)
}

/** Stops counting a tracked message (released, or its socket closed). */
export function letGo(tracker: Tracker): void {
  if (!tracker.held) return
  tracker.held = false
  if (--held === 0) {
    clearInterval(keepAlive)
    keepAlive = undefined
  }
}

binding.setReleaseHandler(tracks => {
  for (const track of tracks) {
    const tracker = trackers.get(track)
    // Unknown ids belong to attempts libzmq refused (EAGAIN): nothing waits for them.
    if (tracker !== undefined && --tracker.remaining === 0) {
      trackers.delete(track)
      letGo(tracker)
      tracker.resolve()
    }
  }
})

/** Registers an attempt for `tracker`; returns its id. */
export function track(tracker: Tracker): number {
  lastTrack = lastTrack >= 0xfffffffe ? 1 : lastTrack + 1
  trackers.set(lastTrack, tracker)
  return lastTrack
}

/** Forgets an attempt libzmq refused: releases of its frames (there are none) find nobody. */
export function untrack(id: number): void {
  trackers.delete(id)
}

/** How many frames of a message are sent without copying (see `zeroCopyMin`). */
export function zeroCopyFrames(message: unknown): number {
  // Worker threads always copy: their memory ends with them (see the addon's Module).
  if (!binding.zeroCopySends) return 0
  const frames = Array.isArray(message) ? message : [message]
  let count = 0
  for (const frame of frames) {
    if (typeof frame !== "string" && (frame as ArrayBufferLike).byteLength >= Send.ZeroCopyMin) {
      count++
    }
  }
  return count
}
