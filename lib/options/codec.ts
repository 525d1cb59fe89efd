/**
 * Option values between JavaScript and the addon: validation, encoding and decoding.
 * Internal: not part of the public API.
 * @module
 */
import {ZMQ_XPUB_VERBOSE, ZMQ_XPUB_VERBOSER} from "../generated/zmq-constants"
import {patternOptions} from "./socket-patterns"
import {OptionKind, type OptionSpec} from "./spec"

const kindRanges: Record<OptionKind, {min: number; max: number} | undefined> = {
  [OptionKind.Int]: {min: -0x80000000, max: 0x7fffffff},
  [OptionKind.Int64]: {min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER},
  [OptionKind.Uint64]: {min: 0, max: Number.MAX_SAFE_INTEGER},
  [OptionKind.String]: undefined,
  [OptionKind.Bytes]: undefined,
}

const z85Alphabet = /^[0-9a-zA-Z.\-:+=^!/*?&<>()[\]{}@%$#]*$/

function describeType(value: unknown): string {
  if (value === null) return "null"
  if (Buffer.isBuffer(value)) return "Buffer"
  if (Array.isArray(value)) return "array"
  return typeof value
}

function describeValue(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value)
}

function enumChoices(spec: OptionSpec): string {
  const names = Object.keys(spec.values ?? {}).map(name => JSON.stringify(name))
  if (spec.nullValue !== undefined) names.push("null")
  return names.length > 1
    ? `${names.slice(0, -1).join(", ")} or ${names[names.length - 1]}`
    : names.join("")
}

function toBuffer(value: Uint8Array): Buffer {
  return Buffer.isBuffer(value)
    ? value
    : Buffer.from(value.buffer, value.byteOffset, value.byteLength)
}

/**
 * Validates `value` for option `name` and converts it to what the native
 * `setOption(id, kind, value)` takes: a number for Int/Int64/Uint64 kinds (booleans and
 * enums become integers), and a string, Buffer or `null` for String/Bytes kinds.
 *
 * @throws TypeError when the option is read-only or the value has the wrong type.
 * @throws RangeError when the value has the right type but is not acceptable (not an
 *   integer, out of range, unknown enum name, bad key length).
 */
export function encodeOption(
  name: string,
  spec: OptionSpec,
  value: unknown,
): number | boolean | string | Buffer | null {
  const prefix = `Option "${name}"`
  if (spec.access === "r") throw new TypeError(`${prefix} is read-only`)

  switch (spec.value) {
    case "number": {
      if (typeof value !== "number") {
        throw new TypeError(`${prefix} must be an integer, got ${describeType(value)}`)
      }
      if (!Number.isInteger(value)) {
        throw new RangeError(`${prefix} must be an integer, got ${describeValue(value)}`)
      }
      const range = kindRanges[spec.kind] ?? kindRanges[OptionKind.Int]!
      const min = Math.max(spec.min ?? range.min, range.min)
      const max = Math.min(spec.max ?? range.max, range.max)
      if (value < min || value > max) {
        const bounds =
          max === range.max && spec.max === undefined ? `>= ${min}` : `between ${min} and ${max}`
        throw new RangeError(`${prefix} must be an integer ${bounds}, got ${value}`)
      }
      return value
    }

    case "boolean":
      if (typeof value !== "boolean") {
        throw new TypeError(`${prefix} must be a boolean, got ${describeType(value)}`)
      }
      return value ? 1 : 0

    case "string":
      // v6's native setter also takes Buffers for string options; JS callers rely on it.
      if (value === null || typeof value === "string" || Buffer.isBuffer(value)) return value
      throw new TypeError(`${prefix} must be a string or null, got ${describeType(value)}`)

    case "buffer":
      if (value === null || typeof value === "string") return value
      if (value instanceof Uint8Array) return toBuffer(value)
      throw new TypeError(
        `${prefix} must be a Buffer, a string or null, got ${describeType(value)}`,
      )

    case "key":
      if (typeof value === "string") {
        if (value.length !== 40) {
          throw new RangeError(
            `${prefix} must be a 40-character Z85 key, got ${value.length} characters`,
          )
        }
        if (!z85Alphabet.test(value)) {
          throw new RangeError(`${prefix} must be a Z85 key, got characters outside Z85`)
        }
        return value
      }
      if (value instanceof Uint8Array) {
        if (value.byteLength !== 32) {
          throw new RangeError(
            `${prefix} must be a 32-byte key Buffer, got ${value.byteLength} bytes`,
          )
        }
        return toBuffer(value)
      }
      throw new TypeError(
        `${prefix} must be a 40-character Z85 string or a 32-byte Buffer, ` +
          `got ${describeType(value)}`,
      )

    case "enum": {
      if (value === null && spec.nullValue !== undefined) return spec.nullValue
      if (typeof value !== "string") {
        throw new TypeError(`${prefix} must be ${enumChoices(spec)}, got ${describeType(value)}`)
      }
      const values = spec.values ?? {}
      if (!Object.prototype.hasOwnProperty.call(values, value)) {
        throw new RangeError(`${prefix} must be ${enumChoices(spec)}, got ${describeValue(value)}`)
      }
      return values[value]!
    }
  }
}

/**
 * Converts what the native `getOption` returned into the option's JS value. An enum
 * integer without a name is returned as the number, so a newer libzmq value is not lost.
 */
export function decodeOption(spec: OptionSpec, raw: unknown): unknown {
  switch (spec.value) {
    case "number":
      return typeof raw === "bigint" ? Number(raw) : raw

    case "boolean":
      return typeof raw === "number" ? raw !== 0 : Boolean(raw)

    case "string":
    case "key": {
      const text = Buffer.isBuffer(raw) ? raw.toString() : raw
      return text === "" || text === undefined ? null : text
    }

    case "buffer": {
      const bytes = typeof raw === "string" ? Buffer.from(raw) : raw
      return Buffer.isBuffer(bytes) && bytes.length === 0 ? null : (bytes ?? null)
    }

    case "enum": {
      if (spec.nullValue !== undefined && raw === spec.nullValue) return null
      for (const [name, number] of Object.entries(spec.values ?? {})) {
        if (number === raw) return name
      }
      return raw
    }
  }
}

/**
 * The native writes that set XPublisher `verbosity` (see its table entry): `null` clears
 * both verbose modes, `"allSubs"` sets ZMQ_XPUB_VERBOSE, `"allSubsUnsubs"` ZMQ_XPUB_VERBOSER.
 */
export function xpubVerbosityWrite(value: unknown): {id: number; kind: OptionKind; value: 0 | 1} {
  const level = encodeOption("verbosity", patternOptions.verbosity, value)
  const {allSubs, allSubsUnsubs} = patternOptions.verbosity.values
  switch (level) {
    case allSubs:
      return {id: ZMQ_XPUB_VERBOSE, kind: OptionKind.Int, value: 1}
    case allSubsUnsubs:
      return {id: ZMQ_XPUB_VERBOSER, kind: OptionKind.Int, value: 1}
    default:
      // Turning ZMQ_XPUB_VERBOSE off also turns off the unsubscribe half of VERBOSER.
      return {id: ZMQ_XPUB_VERBOSE, kind: OptionKind.Int, value: 0}
  }
}

/** zeromq v6's texts for an option value of the wrong type, by value convention. */
const v6TypeTexts: Partial<Record<string, string>> = {
  number: "Option value must be a number",
  boolean: "Option value must be a boolean",
  string: "Option value must be a string or buffer",
  buffer: "Option value must be a string or buffer",
  key: "Option value must be a string or buffer",
}

/**
 * The error zeromq v6 gives for a value {@link encodeOption} refused: its TypeError text
 * for a wrong type; for a value out of range libzmq's EINVAL (`makeInvalid`). Our own
 * text, which names the option and the accepted values, stays in `detail`, the option's
 * name in `option`.
 */
export function v6OptionError(
  name: string,
  spec: OptionSpec,
  err: unknown,
  makeInvalid: () => Error,
): unknown {
  if (!(err instanceof TypeError || err instanceof RangeError)) return err
  const text = v6TypeTexts[spec.value]
  // Enum options have no v6 counterpart text: our own TypeError stays.
  if (err instanceof TypeError && text === undefined) return err
  const error = err instanceof TypeError ? new TypeError(text) : makeInvalid()
  Object.assign(error, {option: name, detail: err.message})
  return error
}
