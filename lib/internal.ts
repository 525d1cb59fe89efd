/**
 * What the patterns (lib/patterns/) use of the library besides its public API: their one
 * way into its internals.
 * Internal: not part of the public API.
 * @module
 */
export {zmqError} from "./errors"
export {checkMessage} from "./message"
export {rejectInsteadOfThrowing} from "./rejecting"
export {Fifo} from "./socket/fifo"
export {OperationQueue, settle, type Operation, type WaitOptions} from "./socket/operation"
