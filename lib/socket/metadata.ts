/**
 * What a received message carries besides its bytes: the connection's properties
 * (`zmq_msg_gets`, when `collectMetadata` is on) and, on draft sockets, the routing id or
 * group; and the Frames of `receiveFrames()` that show them.
 * Internal: not part of the public API.
 * @module
 */

/** Message properties (`zmq_msg_gets`), by name. */
export type Metadata = Readonly<Record<string, string>>

/** What draft sockets receive besides the bytes. */
export interface DraftReceiveInfo {
  routingId?: number
  group?: string
}

/**
 * A received frame with what libzmq knows about it: the connection's properties
 * (`metadata`, when {@link Readable.collectMetadata} is on), and the routing id or group
 * of draft sockets.
 */
export interface Frame {
  /** The bytes. */
  readonly data: Buffer
  /** Whether more frames of the same message follow. */
  readonly more: boolean
  /**
   * The message's properties: `Socket-Type` of the peer, `Routing-Id`, `Peer-Address`
   * (tcp and ipc), `User-Id` (set by the ZAP authenticator) and any ZAP metadata named
   * in `collectMetadata`. Empty unless `collectMetadata` was on when the message was
   * taken from libzmq.
   */
  readonly metadata: Metadata
  /** Server and Peer sockets: the sender's routing id. */
  readonly routingId?: number
  /** Dish sockets: the message's group. */
  readonly group?: string
}

/** Properties every message has a value for when metadata is collected (when libzmq knows it). */
export const standardMetadata: readonly string[] = [
  "Socket-Type",
  "Routing-Id",
  "Peer-Address",
  "User-Id",
]

/**
 * The properties recorded for received messages, by message. One per thread, keyed by the
 * message objects themselves: an entry goes when its message is collected.
 */
const details = new WeakMap<object, {metadata: Metadata; info?: DraftReceiveInfo}>()

/** Records the properties of a received message. */
export function recordDetails(message: object, metadata: Metadata, info?: DraftReceiveInfo) {
  details.set(message, {metadata, info})
}

const noMetadata: Metadata = Object.freeze({})

/** The Frames of a received message (Buffer[], or a draft socket's [Buffer, info]). */
export function toFrames(message: unknown): Frame[] {
  const metadata = details.get(message as object)?.metadata ?? noMetadata
  const parts = message as unknown[]
  if (parts.length === 2 && !Buffer.isBuffer(parts[1])) {
    const info = parts[1] as DraftReceiveInfo
    return [{data: parts[0] as Buffer, more: false, metadata, ...info}]
  }
  return (parts as Buffer[]).map((data, i) => ({data, more: i + 1 < parts.length, metadata}))
}

/** The property names to collect for a `collectMetadata` value; null for none. */
export function metadataNames(value: unknown): readonly string[] | null {
  if (value === false) return null
  if (value === true) return standardMetadata
  if (Array.isArray(value) && value.every(name => typeof name === "string" && name !== "")) {
    return [...new Set([...standardMetadata, ...(value as string[])])]
  }
  throw new TypeError('Option "collectMetadata" must be a boolean or an array of property names')
}
