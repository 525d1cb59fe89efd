/**
 * Gives a socket class, from the registry of socket kinds and the option table, what its
 * kind can do: the option properties, and sending and receiving.
 * Internal: not part of the public API.
 * @module
 */
import {optionsOf} from "../options/classes"
import {sealInstances} from "../sealed"
import type {SocketEngine} from "./engine"
import {engine} from "./internals"
import {socketKinds, type SocketClassName} from "./kinds"
import {collectMetadataProperty, readableMethods} from "./readable"
import {routedWritableMethods, writableMethods} from "./writable"

type Self = {readonly [engine]: SocketEngine}

function install(prototype: object, methods: object): void {
  for (const key of Reflect.ownKeys(methods)) {
    const {value} = Object.getOwnPropertyDescriptor(methods, key)!
    Object.defineProperty(prototype, key, {value, writable: true, configurable: true})
  }
}

export function defineSocketClass(cls: {prototype: object}, name: SocketClassName): void {
  sealInstances(cls)
  const kind = socketKinds[name]
  const prototype = cls.prototype
  for (const [option, spec] of optionsOf(name)) {
    if (Object.getOwnPropertyDescriptor(prototype, option)) continue
    // Read-only options have no setter, write-only ones no getter: in strict code a
    // wrong-way access is the language's own TypeError.
    Object.defineProperty(prototype, option, {
      get:
        spec.access === "w"
          ? undefined
          : function (this: Self) {
              return this[engine].getOption(option)
            },
      set:
        spec.access === "r"
          ? undefined
          : function (this: Self, value: unknown) {
              this[engine].setOption(option, value)
            },
      configurable: true,
      enumerable: false,
    })
  }
  if (kind.receives) {
    install(prototype, readableMethods)
    Object.defineProperty(prototype, "collectMetadata", {
      ...collectMetadataProperty,
      configurable: true,
      enumerable: false,
    })
  }
  if (kind.sends) install(prototype, kind.routing ? routedWritableMethods : writableMethods)
}
