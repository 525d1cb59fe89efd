/**
 * Which options each socket class has, from the table: every option without a `sockets`
 * list, and the ones whose list names the class.
 * Internal: not part of the public API.
 * @module
 */
import type {SocketClassName} from "../socket/kinds"
import {socketOptions} from "./index"
import {optionAppliesTo, type OptionSpec} from "./spec"

const byClass = new Map<SocketClassName, ReadonlyMap<string, OptionSpec>>()

/** The options of a socket class, by property name. */
export function optionsOf(className: SocketClassName): ReadonlyMap<string, OptionSpec> {
  let options = byClass.get(className)
  if (options === undefined) {
    options = new Map(
      (Object.entries(socketOptions) as [string, OptionSpec][]).filter(([, spec]) =>
        optionAppliesTo(spec, className),
      ),
    )
    byClass.set(className, options)
  }
  return options
}
