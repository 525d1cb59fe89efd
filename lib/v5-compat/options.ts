/**
 * Socket options the zeromq 5.x way: by libzmq option id (`ZMQ_LINGER`) or by name
 * (`"linger"`), with libzmq's own value conventions: numbers for integer
 * options (booleans are 0 and 1), strings or Buffers in and strings out for byte options.
 * How each id travels to libzmq comes from the option table (lib/options); ids the table
 * does not know go to libzmq as integers, and libzmq refuses the ones it does not know
 * either (EINVAL), as under 5.x.
 * Not exported. (No "internal" doc tag on this comment: it would strip the first declaration
 * from the typings.)
 * @module
 */
import {zmqError} from "../errors"
import {ZMQ_XPUB_VERBOSE} from "../generated/zmq-constants"
import {OptionKind} from "../generated/protocol"
import {socketOptions, type OptionSpec} from "../options"
import {READABLE} from "../socket/readiness"
import type {SocketEngine} from "../socket/engine"
import {options, ZMQ_EVENTS, ZMQ_RCVMORE} from "./constants"

/** How one option id travels to the addon. */
interface Transfer {
  readonly kind: number
  /** Buffer size for reading (41: libzmq returns CURVE keys as Z85 text). */
  readonly size?: number
}

/** Every option id of the table, and the one id only folded into a property there. */
const transfers: ReadonlyMap<number, Transfer> = new Map<number, Transfer>([
  ...Object.values(socketOptions as Record<string, OptionSpec>).map((spec): [number, Transfer] => [
    spec.id,
    {kind: spec.kind, size: spec.size},
  ]),
  // Part of XPublisher `verbosity` in the table; an integer option of its own here.
  [ZMQ_XPUB_VERBOSE, {kind: OptionKind.Int}],
])

const integer: Transfer = {kind: OptionKind.Int}

/** Option ids by name: the names of zeromq 5.x's `options` table. */
const ids: ReadonlyMap<string, number> = new Map<string, number>(Object.entries(options))

const intRange = {min: -0x80000000, max: 0x7fffffff}

/** The id of an option given by number or name. */
export function optionId(option: unknown): number {
  if (typeof option === "number") {
    if (!Number.isInteger(option) || option < 0) {
      throw new RangeError(`Socket option ids are non-negative integers, got ${option}`)
    }
    return option
  }
  if (typeof option === "string") {
    const id = ids.get(option)
    if (id !== undefined) return id
    throw new TypeError(
      `Unknown socket option "${option}"; the names are ${Object.keys(options).join(", ")}, ` +
        "and every ZMQ_* option id may be given as a number",
    )
  }
  throw new TypeError(`A socket option is a ZMQ_* number or a name, got ${typeof option}`)
}

function describe(value: unknown): string {
  if (value === null) return "null"
  return Buffer.isBuffer(value) ? "Buffer" : typeof value
}

/** The value libzmq's setter takes for option `id`. */
function encode(id: number, transfer: Transfer, value: unknown): number | string | Buffer | null {
  if (transfer.kind === OptionKind.String || transfer.kind === OptionKind.Bytes) {
    if (typeof value === "string" || Buffer.isBuffer(value) || value === null) return value
    if (value instanceof Uint8Array) {
      return Buffer.from(value.buffer, value.byteOffset, value.byteLength)
    }
    throw new TypeError(`Socket option ${id} takes a string or a Buffer, got ${describe(value)}`)
  }
  if (typeof value === "boolean") return value ? 1 : 0
  if (typeof value !== "number") {
    throw new TypeError(`Socket option ${id} takes an integer, got ${describe(value)}`)
  }
  const range = transfer.kind === OptionKind.Int ? intRange : undefined
  const unsigned = transfer.kind === OptionKind.Uint64
  if (
    !Number.isSafeInteger(value) ||
    (range !== undefined && (value < range.min || value > range.max)) ||
    (unsigned && value < 0)
  ) {
    throw new RangeError(`Socket option ${id} takes an integer in its range, got ${value}`)
  }
  return value
}

/** Sets an option by id or name (zeromq 5.x's `setsockopt`). */
export function setOption(engine: SocketEngine, option: unknown, value: unknown): void {
  const id = optionId(option)
  const transfer = transfers.get(id) ?? integer
  const encoded = encode(id, transfer, value)
  engine.call(native => native.setOption(id, transfer.kind, encoded))
}

/**
 * Reads an option by id or name (zeromq 5.x's `getsockopt`): integers as numbers, byte
 * options as strings.
 */
export function getOption(engine: SocketEngine, option: unknown): number | string {
  const id = optionId(option)
  if (engine.closed) throw zmqError("EBADF")
  // Messages are received whole: never a part in between.
  if (id === ZMQ_RCVMORE) return 0
  // Through the engine, which knows its read-ahead and must see every ZMQ_EVENTS read.
  if (id === ZMQ_EVENTS) return (engine.receiver.hasReady ? READABLE : 0) | engine.events()
  const transfer = transfers.get(id) ?? integer
  const raw: unknown = engine.call(native => native.getOption(id, transfer.kind, transfer.size))
  if (typeof raw === "number" || typeof raw === "string") return raw
  if (typeof raw === "bigint") return Number(raw)
  return Buffer.isBuffer(raw) ? raw.toString() : String(raw)
}

type TableSpec = (typeof socketOptions)[keyof typeof socketOptions]
type ByteKind = typeof OptionKind.String | typeof OptionKind.Bytes
type SpecOf<Id> = Extract<TableSpec, {readonly id: Id}>

/**
 * The value of option `Id` as a property: a string (set as a string or Buffer) for byte
 * options, a number for the others (libzmq 2's ids included, which libzmq refuses).
 */
type PropertyValue<Id> = [SpecOf<Id>] extends [never]
  ? number
  : SpecOf<Id> extends {readonly kind: ByteKind}
    ? string | Buffer
    : number

/**
 * The option properties of a socket (`socket.identity`, `socket.linger`, …). Mapped over the
 * table itself (not its `OptionName` alias) so that each property keeps its entry's doc comment.
 */
export type OptionProperties = {
  -readonly [Name in keyof typeof options]: PropertyValue<(typeof options)[Name]>
}
