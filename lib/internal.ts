/**
 * What the patterns (lib/patterns/) use of the library besides its public API: their one
 * way into its internals.
 * @internal
 * @module
 */
export {zmqError} from "./errors"
export {checkMessage} from "./message"
export {Fifo} from "./socket/fifo"
export {OperationQueue, settle, type Operation, type WaitOptions} from "./socket/operation"
