/**
 * The addon as the rest of the library uses it: loaded, with the library's error class.
 * Internal: not part of the public API.
 * @module
 */
import {ZmqError} from "../errors"
import {binding} from "./load"

binding.setErrorClass(ZmqError)

export {binding}
export type * from "./types"
