/**
 * Errors of the reliability patterns.
 * @module
 */
import {ZmqError} from "../index"

/**
 * A request that got no answer: every try timed out (or the pattern gave up for
 * another reason it names in the message). A `ZmqError` with code `"ETIMEDOUT"`, the
 * endpoint(s) tried in `address` (comma-separated when there were several) and the
 * number of tries in `attempts`.
 */
export class RequestTimeoutError extends ZmqError {
  /** How many times the request was sent before giving up. */
  readonly attempts: number

  /** A request that got no reply after `attempts` sends, to `address` when given. */
  constructor(message: string, attempts: number, address?: string) {
    super(message, "ETIMEDOUT", undefined, address)
    this.name = "RequestTimeoutError"
    this.attempts = attempts
  }
}
