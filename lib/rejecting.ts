/**
 * Promise-returning methods reject, never throw: `x.request(bad).catch(log)` must see the
 * argument error. Methods that check their arguments synchronously are wrapped once, on
 * their prototype, instead of a try/catch in each.
 * Internal: not part of the public API.
 * @module
 */

/** Makes the named methods of `prototype` return a rejected promise instead of throwing. */
export function rejectInsteadOfThrowing(prototype: object, ...names: string[]): void {
  for (const name of names) {
    const method = (prototype as Record<string, unknown>)[name] as (
      ...args: unknown[]
    ) => Promise<unknown>
    Object.defineProperty(prototype, name, {
      value: {
        // A method definition keeps the name (stack traces) and is no constructor.
        [name](this: unknown, ...args: unknown[]): Promise<unknown> {
          try {
            return method.apply(this, args)
          } catch (err) {
            return Promise.reject(err)
          }
        },
      }[name],
      writable: true,
      configurable: true,
    })
  }
}
