/**
 * Reliability patterns from the ZeroMQ guide as typed building blocks:
 * `import {LazyPirateClient, MajordomoBroker, …} from "zeromq-napi/patterns"`.
 *
 * Every pattern owns its sockets: create it, use it, `close()` it. Durations are in
 * milliseconds; failures are `ZmqError`s (a request nobody answered is a
 * {@link RequestTimeoutError}, code `"ETIMEDOUT"`).
 * @module
 */
export {RequestTimeoutError} from "./errors"
export * from "./lazy-pirate"
export * from "./freelance"
export * from "./binary-star"
export * from "./paranoid-pirate"
export * from "./majordomo"
export * from "./clone"
