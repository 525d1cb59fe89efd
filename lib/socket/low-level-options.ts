/**
 * zeromq v6's low-level option methods: any libzmq socket option by its numeric id
 * (`ZMQ_*`), typed by the method (`getInt32Option(ZMQ_SNDHWM)`), with v6's argument
 * texts. The option properties are the usual way; these reach options without one.
 * @module
 */
import {OptionKind} from "../generated/protocol"
import type {SocketEngine} from "./engine"
import {engine} from "./internals"

/** Options by numeric libzmq id, as zeromq v6's `Socket` has them. */
export interface LowLevelOptions {
  /** Reads an int option as a boolean (non-zero). */
  getBoolOption(option: number): boolean
  /** Writes a boolean as an int option (1 or 0). */
  setBoolOption(option: number, value: boolean): void
  /** Reads a signed 32-bit int option. */
  getInt32Option(option: number): number
  /** Writes a signed 32-bit int option. */
  setInt32Option(option: number, value: number): void
  /** Reads an unsigned 32-bit int option. */
  getUint32Option(option: number): number
  /** Writes an unsigned 32-bit int option. */
  setUint32Option(option: number, value: number): void
  /** Reads a signed 64-bit int option. */
  getInt64Option(option: number): number
  /** Writes a signed 64-bit int option. */
  setInt64Option(option: number, value: number): void
  /** Reads an unsigned 64-bit int option. */
  getUint64Option(option: number): number
  /** Writes an unsigned 64-bit int option. */
  setUint64Option(option: number, value: number): void
  /** Reads a string option; `null` when it is empty. */
  getStringOption(option: number): string | null
  /** Writes a string or bytes option; `null` clears it. */
  setStringOption(option: number, value: string | Buffer | null): void
}

type Self = {readonly [engine]: SocketEngine}

const aNumber = (value: unknown) =>
  typeof value === "number" ? undefined : "Option value must be a number"
const aBoolean = (value: unknown) =>
  typeof value === "boolean" ? undefined : "Option value must be a boolean"
const stringOrBuffer = (value: unknown) =>
  value === null || value === undefined || typeof value === "string" || Buffer.isBuffer(value)
    ? undefined
    : "Option value must be a string or buffer"

/** The implementation, installed on `Socket.prototype`. @internal */
export const lowLevelOptionMethods: LowLevelOptions = {
  getBoolOption(this: Self, option: number) {
    return this[engine].getRawOption(option, OptionKind.Int) !== 0
  },
  setBoolOption(this: Self, option: number, value: boolean) {
    this[engine].setLowLevelOption(option, OptionKind.Int, value, aBoolean)
  },
  getInt32Option(this: Self, option: number) {
    return this[engine].getRawOption(option, OptionKind.Int) as number
  },
  setInt32Option(this: Self, option: number, value: number) {
    this[engine].setLowLevelOption(option, OptionKind.Int, value, aNumber)
  },
  getUint32Option(this: Self, option: number) {
    return (this[engine].getRawOption(option, OptionKind.Int) as number) >>> 0
  },
  setUint32Option(this: Self, option: number, value: number) {
    this[engine].setLowLevelOption(option, OptionKind.Int, value, aNumber)
  },
  getInt64Option(this: Self, option: number) {
    return this[engine].getRawOption(option, OptionKind.Int64) as number
  },
  setInt64Option(this: Self, option: number, value: number) {
    this[engine].setLowLevelOption(option, OptionKind.Int64, value, aNumber)
  },
  getUint64Option(this: Self, option: number) {
    return this[engine].getRawOption(option, OptionKind.Uint64) as number
  },
  setUint64Option(this: Self, option: number, value: number) {
    this[engine].setLowLevelOption(option, OptionKind.Uint64, value, aNumber)
  },
  getStringOption(this: Self, option: number) {
    const value = this[engine].getRawOption(option, OptionKind.String) as string
    return value === "" ? null : value
  },
  setStringOption(this: Self, option: number, value: string | Buffer | null) {
    this[engine].setLowLevelOption(option, OptionKind.Bytes, value, stringOrBuffer)
  },
}
