/**
 * The two versions of the Majordomo Protocol, as tables the broker, worker and client
 * modules share (not exported from the package, except the types {@link MajordomoBody}
 * and {@link MajordomoProtocol}).
 *
 * - MDP/0.1 (rfc.zeromq.org/spec:7/MDP), which every broker, worker and client of the
 *   guide speaks: each command starts with an empty frame, then the header ("MDPC01",
 *   "MDPW01"); client commands carry no command byte; a request gets one REPLY.
 * - MDP/0.2 (rfc.zeromq.org/spec:18/MDP): no empty frame; the header, then a command
 *   byte, client commands included; a request gets zero or more PARTIALs and one FINAL.
 *
 * Both put a client address and an empty delimiter before the body of REQUEST and
 * replies between broker and worker.
 * @module
 */
import type {MessageLike} from "../index"
import {checkMessage} from "../internal"

/**
 * A version of the Majordomo Protocol: `"MDP/0.1"` (7/MDP, the guide's brokers and
 * APIs) or `"MDP/0.2"` (18/MDP, with partial replies).
 */
export type MajordomoProtocol = "MDP/0.1" | "MDP/0.2"

/**
 * The protocol clients and workers speak unless told otherwise: 0.1, because every
 * Majordomo broker of the guide (C, Python, and the other languages) speaks only that
 * and cannot tell a 0.2 peer what it wants (the guide's Python broker even stops on the
 * assertion that frame 0 is empty). {@link MajordomoBroker} serves both at once.
 */
export const defaultProtocol: MajordomoProtocol = "MDP/0.1"

/** The commands of MDP/Worker, by name (0.1 calls FINAL "REPLY" and has no PARTIAL). */
export type WorkerCommand = "READY" | "REQUEST" | "PARTIAL" | "FINAL" | "HEARTBEAT" | "DISCONNECT"

/** How one protocol version lays out its commands. */
export interface Dialect {
  readonly protocol: MajordomoProtocol
  /** What every command starts with: an empty frame in 0.1, nothing in 0.2. */
  readonly lead: readonly Buffer[]
  /** The MDP/Client header frame. */
  readonly client: Buffer
  /** The MDP/Worker header frame. */
  readonly worker: Buffer
  /** The REQUEST command byte of MDP/Client, or undefined (0.1 has none). */
  readonly clientRequest?: Buffer
  /** The PARTIAL and FINAL command bytes of MDP/Client, or undefined (0.1 has none). */
  readonly clientReply?: {readonly partial: Buffer; readonly final: Buffer}
  /** The worker command bytes, by name. */
  readonly commands: Readonly<Partial<Record<WorkerCommand, Buffer>>>
  /** The worker commands, by byte: derived from {@link commands}. */
  readonly names: ReadonlyMap<number, WorkerCommand>
  /** Whether replies may come in parts (PARTIAL). */
  readonly partials: boolean
}

export const EMPTY = Buffer.alloc(0)

function dialect(
  protocol: MajordomoProtocol,
  fields: Omit<Dialect, "protocol" | "names" | "partials">,
): Dialect {
  const names = new Map<number, WorkerCommand>()
  for (const [name, byte] of Object.entries(fields.commands)) {
    names.set(byte[0], name as WorkerCommand)
  }
  return {protocol, ...fields, names, partials: fields.commands.PARTIAL !== undefined}
}

/** Both versions, by name: the single place their wire differences are written down. */
export const dialects: Readonly<Record<MajordomoProtocol, Dialect>> = {
  "MDP/0.1": dialect("MDP/0.1", {
    lead: [EMPTY],
    client: Buffer.from("MDPC01"),
    worker: Buffer.from("MDPW01"),
    commands: {
      READY: Buffer.of(0x01),
      REQUEST: Buffer.of(0x02),
      FINAL: Buffer.of(0x03), // REPLY
      HEARTBEAT: Buffer.of(0x04),
      DISCONNECT: Buffer.of(0x05),
    },
  }),
  "MDP/0.2": dialect("MDP/0.2", {
    lead: [],
    client: Buffer.from("MDPC02"),
    worker: Buffer.from("MDPW02"),
    clientRequest: Buffer.of(0x01),
    clientReply: {partial: Buffer.of(0x02), final: Buffer.of(0x03)},
    commands: {
      READY: Buffer.of(0x01),
      REQUEST: Buffer.of(0x02),
      PARTIAL: Buffer.of(0x03),
      FINAL: Buffer.of(0x04),
      HEARTBEAT: Buffer.of(0x05),
      DISCONNECT: Buffer.of(0x06),
    },
  }),
}

const all = Object.values(dialects)

/** Checks a `protocol` option and returns its dialect. */
export function checkProtocol(value: unknown): Dialect {
  if (value === undefined) return dialects[defaultProtocol]
  if (typeof value !== "string") {
    throw new TypeError(`protocol must be "MDP/0.1" or "MDP/0.2", got ${typeof value}`)
  }
  const found = dialects[value as MajordomoProtocol]
  if (found === undefined) {
    throw new RangeError(`protocol must be "MDP/0.1" or "MDP/0.2", got "${value}"`)
  }
  return found
}

/** The frames of a worker command (without the broker's routing frame). */
export function workerCommand(
  dialect: Dialect,
  command: WorkerCommand,
  rest: readonly MessageLike[] = [],
): MessageLike[] {
  return [...dialect.lead, dialect.worker, dialect.commands[command]!, ...rest]
}

/** A worker command as received: its dialect, name and the frames after the command byte. */
export interface ParsedWorkerCommand {
  dialect: Dialect
  /** Undefined for a byte the dialect does not define. */
  command: WorkerCommand | undefined
  rest: Buffer[]
}

/**
 * Reads the header of an MDP/Worker message (either version); `undefined` when it has
 * none, or no one-byte command frame after it.
 */
export function parseWorkerCommand(frames: readonly Buffer[]): ParsedWorkerCommand | undefined {
  for (const dialect of all) {
    const at = dialect.lead.length
    if (!startsWith(frames, dialect, dialect.worker)) continue
    const byte = frames[at + 1]
    if (byte === undefined || byte.length !== 1) return undefined
    return {dialect, command: dialect.names.get(byte[0]), rest: frames.slice(at + 2)}
  }
  return undefined
}

/** The frames of a client REQUEST. */
export function clientRequest(
  dialect: Dialect,
  service: Buffer,
  body: readonly MessageLike[],
): MessageLike[] {
  const command = dialect.clientRequest === undefined ? [] : [dialect.clientRequest]
  return [...dialect.lead, dialect.client, ...command, service, ...body]
}

/**
 * Reads a client REQUEST (either version): `undefined` when the frames are not one (the
 * header, the command byte in 0.2, a service name and at least one body frame).
 */
export function parseClientRequest(
  frames: readonly Buffer[],
): {dialect: Dialect; service: Buffer; body: Buffer[]} | undefined {
  for (const dialect of all) {
    if (!startsWith(frames, dialect, dialect.client)) continue
    let at = dialect.lead.length + 1
    if (dialect.clientRequest !== undefined) {
      if (!frames[at]?.equals(dialect.clientRequest)) return undefined
      at++
    }
    if (frames.length < at + 2 || frames[at].length === 0) return undefined
    return {dialect, service: frames[at], body: frames.slice(at + 1)}
  }
  return undefined
}

/**
 * The frames of a reply to a client, or `undefined` for a partial reply the dialect
 * cannot carry (0.1 has exactly one reply per request).
 */
export function clientReply(
  dialect: Dialect,
  final: boolean,
  service: Buffer,
  body: readonly Buffer[],
): Buffer[] | undefined {
  if (dialect.clientReply === undefined) {
    return final ? [...dialect.lead, dialect.client, service, ...body] : undefined
  }
  const {partial, final: last} = dialect.clientReply
  return [dialect.client, final ? last : partial, service, ...body]
}

/**
 * Reads a reply to a client in `dialect`: whether it is the final one, the service it
 * names and its body; `undefined` when malformed.
 */
export function parseClientReply(
  dialect: Dialect,
  frames: readonly Buffer[],
): {final: boolean; service: Buffer; body: Buffer[]} | undefined {
  if (!startsWith(frames, dialect, dialect.client)) return undefined
  let at = dialect.lead.length + 1
  let final = true
  if (dialect.clientReply !== undefined) {
    const command = frames[at]
    if (command?.equals(dialect.clientReply.partial)) final = false
    else if (!command?.equals(dialect.clientReply.final)) return undefined
    at++
  }
  if (frames.length < at + 2) return undefined
  return {final, service: frames[at], body: frames.slice(at + 1)}
}

/** Whether `frames` start with the dialect's lead frames and then `header`. */
function startsWith(frames: readonly Buffer[], dialect: Dialect, header: Buffer): boolean {
  const at = dialect.lead.length
  if (frames.length <= at) return false
  for (let i = 0; i < at; i++) if (!frames[i].equals(dialect.lead[i])) return false
  return frames[at].equals(header)
}

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
