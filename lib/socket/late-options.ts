/**
 * zeromq v6's warning for an option set after `bind()`/`connect()` that only affects
 * later connections: the same text, through `process.emitWarning` (with the code
 * `ZMQ_LATE_OPTION`, so `node --disable-warning=ZMQ_LATE_OPTION` silences it too), and a
 * switch to turn it off ({@link setLateOptionWarnings}).
 * @module
 */
import * as zmq from "../generated/zmq-constants"

/** zeromq v6's text. */
export const lateOptionWarning = "Socket option will not take effect until next connect/bind."

/** Options that take effect at once, whenever they are set (zeromq v6's list). */
const immediate: ReadonlySet<number> = new Set([
  zmq.ZMQ_SUBSCRIBE,
  zmq.ZMQ_UNSUBSCRIBE,
  zmq.ZMQ_LINGER,
  zmq.ZMQ_ROUTER_MANDATORY,
  zmq.ZMQ_PROBE_ROUTER,
  zmq.ZMQ_XPUB_VERBOSE,
  zmq.ZMQ_REQ_CORRELATE,
  zmq.ZMQ_REQ_RELAXED,
  zmq.ZMQ_ROUTER_HANDOVER,
  zmq.ZMQ_XPUB_VERBOSER,
  zmq.ZMQ_SNDHWM,
  zmq.ZMQ_RCVHWM,
  // Kept by this library, not libzmq: they apply to the next send or receive.
  zmq.ZMQ_SNDTIMEO,
  zmq.ZMQ_RCVTIMEO,
])

let enabled = true

/**
 * Turns the late-option warnings on or off for this thread (on by default, as in
 * zeromq v6).
 */
export function setLateOptionWarnings(on: boolean): void {
  enabled = on
}

/** Warns, as zeromq v6 does, when option `id` is set on a socket with endpoints. */
export function warnIfLate(id: number, endpoints: number): void {
  if (!enabled || endpoints === 0 || immediate.has(id)) return
  process.emitWarning(lateOptionWarning, {code: "ZMQ_LATE_OPTION"})
}
