/**
 * What an option table entry says: the libzmq id, how the value travels to the addon, its
 * JavaScript type, access, range and the socket classes that have it.
 * Internal: not part of the public API.
 * @module
 */
import {OptionKind} from "../generated/protocol"
import {kindsWhere, type SocketClassName} from "../socket/kinds"

export {OptionKind}
/** How the native `getOption`/`setOption` pass a value to libzmq. */
export type OptionKind = (typeof OptionKind)[keyof typeof OptionKind]

/**
 * The JS-side convention of an option value:
 * - `"number"`: an integer.
 * - `"boolean"`: stored by libzmq as int 0/1.
 * - `"string"`: a string, or `null` when unset (libzmq's empty string).
 * - `"buffer"`: binary-safe; written as Buffer, string or `null`, read back as Buffer or `null`.
 * - `"key"`: a CURVE key; written as a 40-character Z85 string or a 32-byte Buffer, read
 *   back as a Z85 string.
 * - `"enum"`: a JS string (or `null`) standing for one of libzmq's integer constants.
 */
export type OptionValueType = "number" | "boolean" | "string" | "buffer" | "key" | "enum"

export interface OptionSpec {
  /** libzmq option id (a `ZMQ_*` constant). */
  readonly id: number
  readonly kind: OptionKind
  readonly value: OptionValueType
  readonly access: "rw" | "r" | "w"
  /** Smallest accepted value (number options); libzmq rejects anything lower with EINVAL. */
  readonly min?: number
  /** Largest accepted value (number options). */
  readonly max?: number
  /** Enum options: JS string -> libzmq integer. */
  readonly values?: Readonly<Record<string, number>>
  /** Enum options where v6 uses `null` for one state: the integer that `null` stands for. */
  readonly nullValue?: number
  /** Buffer size to pass to the native getter (e.g. 41 makes libzmq return a Z85 key). */
  readonly size?: number
  /** The id is in the DRAFT section of zmq.h. */
  readonly draft?: boolean
  /**
   * Socket classes that expose the option as a property. Omitted: every socket. Empty:
   * none; the entry only exists so methods (subscribe, connect, ...) can use its id.
   */
  readonly sockets?: readonly SocketClassName[]
  /**
   * The option takes effect even after bind/connect. zeromq v6 warns when any other
   * option is set on a socket that already has endpoints.
   */
  readonly appliesLive?: boolean
  /** Needs custom code instead of a plain `setOption(id, kind, value)`; see the helper named here. */
  readonly special?: "xpubVerbosity"
}

/** Classes with send-side options: the ones that send. */
export const sendingSockets = kindsWhere(kind => kind.sends)

/** Classes with receive-side options: the ones that receive. */
export const receivingSockets = kindsWhere(kind => kind.receives)

/** Classes whose queues can keep only the last message (`conflate`). */
export const conflatingSockets: readonly SocketClassName[] = [
  "Pull",
  "Push",
  "Subscriber",
  "Publisher",
  "Dealer",
  "Scatter",
  "Gather",
]

/** Classes that announce a routing id to Router peers. */
export const routingIdSockets: readonly SocketClassName[] = ["Request", "Reply", "Router", "Dealer"]

/** No class: the entry only exists so that methods (subscribe, connect, …) can use its id. */
export const noProperty: readonly SocketClassName[] = []

/** Whether socket class `className` exposes the option as a property. */
export function optionAppliesTo(spec: OptionSpec, className: SocketClassName): boolean {
  return spec.sockets === undefined || spec.sockets.includes(className)
}

type EnumName<S extends OptionSpec> = Extract<keyof NonNullable<S["values"]>, string>
type EnumNull<S extends OptionSpec> = S extends {readonly nullValue: number} ? null : never

/** What reading the option returns. */
export type OptionReadValue<S extends OptionSpec> = S["value"] extends "number"
  ? number
  : S["value"] extends "boolean"
    ? boolean
    : S["value"] extends "string"
      ? string | null
      : S["value"] extends "buffer"
        ? Buffer | null
        : S["value"] extends "key"
          ? string
          : S["value"] extends "enum"
            ? EnumName<S> | EnumNull<S>
            : never

/** What writing the option accepts. */
export type OptionWriteValue<S extends OptionSpec> = S["value"] extends "buffer"
  ? Buffer | string | null
  : S["value"] extends "key"
    ? string | Buffer
    : OptionReadValue<S>

/**
 * The type of the option's property: the read type for readable options, the write type
 * for write-only ones. Use the two types above when getter and setter are typed apart.
 */
export type OptionValue<S extends OptionSpec> = S["access"] extends "w"
  ? OptionWriteValue<S>
  : OptionReadValue<S>
