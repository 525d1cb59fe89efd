/**
 * The option tables: the single source of truth for socket and context options (ids,
 * value conventions, access, ranges, which socket classes have each, and the docs).
 * Socket and context accessors, constructor checks and the generated typings
 * (lib/generated/socket-option-types.ts, `npm run gen:options`) are all derived from them, so an
 * option is added or changed here and nowhere else.
 *
 * Names follow zeromq v6 wherever v6 has the option; value conventions (ms as numbers,
 * -1 = infinite, booleans, `null` for unset strings, enum strings) follow v6 too.
 *
 * Documented libzmq 4.3 options that are deliberately absent:
 * - ZMQ_IDENTITY, ZMQ_CONNECT_RID: deprecated aliases of routingId / connectRoutingId.
 * - ZMQ_XPUB_VERBOSE, ZMQ_XPUB_VERBOSER: folded into XPublisher `verbosity`, as in v6.
 * - ZMQ_WSS_*: undocumented in 4.3.4 and need a TLS-enabled libzmq, which is not vendored.
 * Internal: not part of the public API.
 * @module
 */
import {contextOptions} from "./context-options"
import {coreOptions} from "./socket-core"
import {patternOptions} from "./socket-patterns"
import {securityOptions} from "./socket-security"
import {transportOptions} from "./socket-transport"

/** Socket options, by property name. */
export const socketOptions = {
  ...coreOptions,
  ...patternOptions,
  ...securityOptions,
  ...transportOptions,
}

export {contextOptions}
export type SocketOptionName = keyof typeof socketOptions
export type ContextOptionName = keyof typeof contextOptions

export {decodeOption, encodeOption, v6OptionError, xpubVerbosityWrite} from "./codec"
export {
  OptionKind,
  optionAppliesTo,
  type OptionReadValue,
  type OptionSpec,
  type OptionValueType,
  type OptionWriteValue,
} from "./spec"
export {unknownOptionError} from "./suggest"
