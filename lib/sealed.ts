/**
 * Sealed objects, as in zeromq v6: sockets, contexts, observers and proxies made by this
 * library's own classes take no new properties, so a misspelt option (`sock.lingr = 0`)
 * is a TypeError in strict code instead of being silently ignored. Instances of a user's
 * subclass stay extensible (their own fields come after the base constructor).
 * Internal: not part of the public API.
 * @module
 */

const sealedClasses = new WeakSet<object>()

/** Marks a library class whose own instances are sealed (see {@link sealIfOwn}). */
export function sealInstances(cls: object): void {
  sealedClasses.add(cls)
}

/**
 * Seals `self` when it was made by a library class itself (`new.target`), never by a
 * subclass: a subclass adds its fields after the base constructor returned.
 */
export function sealIfOwn(self: object, newTarget: object): void {
  if (sealedClasses.has(newTarget)) Object.seal(self)
}

/**
 * The language's own error for a property that a sealed object does not have; `suggest`
 * gives the `detail` property (e.g. which option was meant).
 */
export function notExtensible(key: string, suggest?: (key: string) => string): TypeError {
  const error = new TypeError(`Cannot add property ${key}, object is not extensible`)
  if (suggest !== undefined) Object.assign(error, {detail: suggest(key)})
  return error
}

/** The language's own error for assigning a getter-only property. */
export function onlyGetter(key: string, className: string): TypeError {
  return new TypeError(`Cannot set property ${key} of #<${className}> which has only a getter`)
}

/**
 * Assigns constructor options as properties, as zeromq v6 does: an unknown one is the
 * TypeError of a sealed object, a read-only one that of a getter-only property.
 */
export function assignOptions(
  self: object,
  options: object,
  suggest?: (key: string) => string,
): void {
  for (const [key, value] of Object.entries(options)) {
    if (!(key in self)) throw notExtensible(key, suggest)
    ;(self as Record<string, unknown>)[key] = value
  }
}
