/**
 * The addon as the rest of the library uses it: loaded, with the library's error class.
 * @internal
 * @module
 */
import {ZmqError} from "../errors"
import {binding} from "./load"

binding.setErrorClass(ZmqError)

export {binding}
export type * from "./types"
