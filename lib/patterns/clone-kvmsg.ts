/**
 * The key-value message of the Clone pattern (the guide's `kvmsg`, the commands of
 * 12/CHP): five frames `[key, sequence, uuid, properties, body]`.
 * @module
 */
import {randomUUID} from "node:crypto"

/**
 * One key-value message as it travels between Clone servers and clients.
 *
 * On the wire (12/CHP, the guide's kvmsg): frame 0 the key (UTF-8), frame 1 the
 * sequence number (8 bytes, big-endian, unsigned), frame 2 a UUID (16 bytes, or empty),
 * frame 3 the properties (`name=value\n` lines, or empty), frame 4 the body (bytes; empty
 * means "delete this key").
 */
export interface KvMsg {
  /** The key (at most {@link kvKeyMax} bytes of UTF-8). */
  key: string
  /** The sequence number the server gave the update (0 on updates sent to the server). */
  sequence: number
  /** 16 bytes identifying the update, or an empty buffer. */
  uuid: Buffer
  /** The properties, e.g. `{ttl: "30"}`. */
  properties: Record<string, string>
  /** The value; empty for a delete. */
  body: Buffer
}

/** The longest key, in bytes (the guide's KVMSG_KEY_MAX). */
export const kvKeyMax = 255

const utf8 = new TextDecoder("utf-8", {fatal: true})

/** @internal Encodes a sequence number as 8 bytes, big-endian. */
export function encodeSequence(sequence: number): Buffer {
  const frame = Buffer.alloc(8)
  frame.writeBigUInt64BE(BigInt(sequence))
  return frame
}

/** @internal Encodes properties as `name=value\n` lines (an empty buffer when there are none). */
export function encodeProperties(properties: Readonly<Record<string, string>>): Buffer {
  let text = ""
  for (const [name, value] of Object.entries(properties)) text += `${name}=${value}\n`
  return Buffer.from(text)
}

/** @internal A random (version 4) UUID as 16 bytes. */
export function newUuid(): Buffer {
  return Buffer.from(randomUUID().replace(/-/g, ""), "hex")
}

/** The frames of a kvmsg, ready to send. */
export function encodeKvMsg(message: Readonly<KvMsg>): Buffer[] {
  return [
    Buffer.from(message.key),
    encodeSequence(message.sequence),
    message.uuid,
    encodeProperties(message.properties),
    message.body,
  ]
}

/**
 * Decodes the frames of a kvmsg; `undefined` when they are not one: not five frames,
 * a key that is empty, longer than {@link kvKeyMax} bytes or not UTF-8, a sequence frame
 * that is not 8 bytes (or above `Number.MAX_SAFE_INTEGER`), a UUID frame that is neither
 * empty nor 16 bytes, or properties that are not UTF-8 `name=value` lines.
 */
export function decodeKvMsg(frames: readonly Buffer[]): KvMsg | undefined {
  return decode(frames, true)
}

/**
 * @internal Like {@link decodeKvMsg} for updates sent to a server, whose sequence number
 * means nothing (12/CHP): any 8 bytes will do, and the result's sequence is 0.
 */
export function decodeUpdate(frames: readonly Buffer[]): KvMsg | undefined {
  return decode(frames, false)
}

function decode(frames: readonly Buffer[], numbered: boolean): KvMsg | undefined {
  if (frames.length !== 5) return undefined
  const [keyFrame, sequenceFrame, uuid, propertiesFrame, body] = frames
  if (keyFrame.length === 0 || keyFrame.length > kvKeyMax) return undefined
  if (sequenceFrame.length !== 8) return undefined
  if (uuid.length !== 0 && uuid.length !== 16) return undefined
  const key = decodeText(keyFrame)
  if (key === undefined) return undefined
  let sequence = 0
  if (numbered) {
    const value = sequenceFrame.readBigUInt64BE()
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) return undefined
    sequence = Number(value)
  }
  const properties = decodeProperties(propertiesFrame)
  if (properties === undefined) return undefined
  return {key, sequence, uuid, properties, body}
}

/** @internal Decodes UTF-8 strictly: `undefined` for invalid bytes. */
export function decodeText(frame: Buffer): string | undefined {
  try {
    return utf8.decode(frame)
  } catch {
    return undefined
  }
}

function decodeProperties(frame: Buffer): Record<string, string> | undefined {
  // No prototype: a property named "__proto__" is just a name.
  const properties = Object.create(null) as Record<string, string>
  if (frame.length === 0) return properties
  const text = decodeText(frame)
  if (text === undefined) return undefined
  const lines = text.split("\n")
  // Every property ends with a newline, so the last piece is empty; the guide's C code
  // ignores a last line without one, we take it.
  if (lines[lines.length - 1] === "") lines.pop()
  for (const line of lines) {
    const equals = line.indexOf("=")
    if (equals <= 0) return undefined
    properties[line.slice(0, equals)] = line.slice(equals + 1)
  }
  return properties
}

/**
 * @internal Checks properties given by a caller: names not empty and without `=` or newlines,
 * values strings without newlines.
 * @throws TypeError naming `what` for anything else.
 */
export function checkProperties(what: string, properties: unknown): Record<string, string> {
  if (typeof properties !== "object" || properties === null || Array.isArray(properties)) {
    throw new TypeError(`${what} must be an object of strings`)
  }
  const checked = Object.create(null) as Record<string, string>
  for (const [name, value] of Object.entries(properties)) {
    if (name === "" || /[=\n]/.test(name)) {
      throw new TypeError(`${what}: a property name must not be empty or contain "=" or newlines`)
    }
    if (typeof value !== "string" || value.includes("\n")) {
      throw new TypeError(`${what}.${name} must be a string without newlines`)
    }
    checked[name] = value
  }
  return checked
}

/** @internal Checks a key given by a caller: a non-empty string of at most {@link kvKeyMax} bytes. */
export function checkKey(key: unknown): string {
  if (typeof key !== "string") throw new TypeError(`key must be a string, got ${typeof key}`)
  const bytes = Buffer.byteLength(key)
  if (bytes === 0 || bytes > kvKeyMax) {
    throw new RangeError(`key must be 1 to ${kvKeyMax} bytes of UTF-8, got ${bytes}`)
  }
  return key
}

/** @internal Keys the protocol uses for its own commands; updates with these keys are refused. */
export const reservedKeys: ReadonlySet<string> = new Set(["HUGZ", "KTHXBAI"])

/**
 * The three endpoints of a Clone server: snapshots (Router), updates (publisher) and
 * the collector of client updates (a Subscriber, or a Pull socket).
 */
export interface CloneEndpoints {
  /** Where clients ask for a snapshot (`ICANHAZ?`): the server's Router. */
  snapshot: string
  /** Where clients subscribe to updates and heartbeats: the server's publisher. */
  publisher: string
  /** Where clients send their updates: the server's collector. */
  collector: string
}

/**
 * How updates travel from clients to a Clone server's collector: `"pub-sub"` (12/CHP
 * and the guide's model 6: clients publish, the collector subscribes to everything) or
 * `"push-pull"` (the guide's model 5: clients push, the collector pulls). Both sides
 * must agree: ZeroMQ refuses a Push peer on a Subscriber, and a Publisher on a Pull.
 */
export type CloneUpdatePath = "pub-sub" | "push-pull"

/**
 * @internal Turns what a caller gave into three endpoints: an object with all three, or a TCP
 * address `tcp://host:P` for ports P, P + 1 and P + 2 (the CHP layout), or, when
 * `wildcard` is allowed (binding), `tcp://host:*` for three ports the system picks.
 */
export function resolveEndpoints(what: string, input: unknown, wildcard: boolean): CloneEndpoints {
  if (typeof input === "string") {
    const match = /^(tcp:\/\/.+):(\*|\d+)$/.exec(input)
    if (match === null) {
      throw new TypeError(
        `${what}: "${input}" is not tcp://host:port; give {snapshot, publisher, collector} for other transports`,
      )
    }
    const [, host, port] = match
    if (port === "*") {
      if (!wildcard) throw new TypeError(`${what}: connect to a real port, not "${input}"`)
      return {snapshot: input, publisher: input, collector: input}
    }
    const base = Number(port)
    if (base < 1 || base + 2 > 65535) {
      throw new RangeError(`${what}: port ${port} leaves no room for ports P + 1 and P + 2`)
    }
    return {
      snapshot: `${host}:${base}`,
      publisher: `${host}:${base + 1}`,
      collector: `${host}:${base + 2}`,
    }
  }
  if (typeof input === "object" && input !== null) {
    const {snapshot, publisher, collector} = input as Partial<CloneEndpoints>
    for (const [name, value] of Object.entries({snapshot, publisher, collector})) {
      if (typeof value !== "string") {
        throw new TypeError(`${what}: ${name} must be an endpoint string, got ${typeof value}`)
      }
    }
    return {snapshot: snapshot!, publisher: publisher!, collector: collector!}
  }
  throw new TypeError(`${what}: expected "tcp://host:port" or {snapshot, publisher, collector}`)
}
