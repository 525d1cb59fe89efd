/**
 * Wire constants and small helpers of the Majordomo Protocol, for the broker, worker and
 * client modules (not exported from the package, except {@link MajordomoBody}).
 *
 * MDP/0.2 (rfc.zeromq.org/spec:18/MDP): every command starts with the protocol header,
 * then one command byte. The broker also accepts MDP/0.1 (spec:7/MDP) peers: those
 * commands start with an empty frame, the header, and (workers only) a command byte
 * with 0.1's numbering.
 * @module
 */
import {checkMessage, type MessageLike} from "../message"

export const CLIENT_V2 = Buffer.from("MDPC02")
export const WORKER_V2 = Buffer.from("MDPW02")
export const CLIENT_V1 = Buffer.from("MDPC01")
export const WORKER_V1 = Buffer.from("MDPW01")
export const EMPTY = Buffer.alloc(0)

/** MDP/Client 0.2 commands. */
export const C_REQUEST = Buffer.of(0x01)
export const C_PARTIAL = Buffer.of(0x02)
export const C_FINAL = Buffer.of(0x03)

/** MDP/Worker 0.2 command bytes. */
export const W_READY = 0x01
export const W_REQUEST = 0x02
export const W_PARTIAL = 0x03
export const W_FINAL = 0x04
export const W_HEARTBEAT = 0x05
export const W_DISCONNECT = 0x06

/** MDP/Worker 0.1 command bytes (no PARTIAL; REPLY is 0.2's FINAL). */
export const W1_READY = 0x01
export const W1_REQUEST = 0x02
export const W1_REPLY = 0x03
export const W1_HEARTBEAT = 0x04
export const W1_DISCONNECT = 0x05

/** One byte frames, made once. */
export const byte = [0, 1, 2, 3, 4, 5, 6].map(n => Buffer.of(n))

/** A request or reply body: one frame or several (at least one). */
export type MajordomoBody = MessageLike | MessageLike[]

/** The frames of a body (checked: TypeError for anything that is not a message). */
export function bodyFrames(body: MajordomoBody): MessageLike[] {
  checkMessage(body)
  return Array.isArray(body) ? body : [body]
}

/** Checks a non-empty string argument or option. */
export function checkName(what: string, value: unknown): string {
  if (typeof value !== "string") {
    throw new TypeError(`${what} must be a string, got ${typeof value}`)
  }
  if (value.length === 0) throw new RangeError(`${what} must not be empty`)
  return value
}
