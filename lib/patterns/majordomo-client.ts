/**
 * The Majordomo client (MDP/0.1 or MDP/0.2).
 * @module
 */
import {rejectInsteadOfThrowing, zmqError} from "../internal"
import {Dealer, type MessageLike} from "../index"
import {RequestTimeoutError} from "./errors"
import {checkCount, checkFunction, checkMs, checkOptions} from "./util"
import {
  bodyFrames,
  checkName,
  checkProtocol,
  clientRequest,
  parseClientReply,
  type Dialect,
  type MajordomoBody,
  type MajordomoProtocol,
} from "./majordomo-protocol"

/** Options of a {@link MajordomoClient}. */
export interface MajordomoClientOptions {
  /**
   * How long one try waits for the reply (ms), counted again from each partial reply.
   * Default 2500.
   */
  timeout?: number
  /** How many times a request is sent in all before it fails (as in the guide). Default 3. */
  retries?: number
  /**
   * The protocol version: `"MDP/0.1"` (7/MDP, default: what the guide's brokers speak)
   * or `"MDP/0.2"` (18/MDP: needed for partial replies). {@link MajordomoBroker} serves both.
   */
  protocol?: MajordomoProtocol
}

/** Options of one {@link MajordomoClient.request}. */
export interface MajordomoRequestOptions {
  /**
   * Called with each partial reply, in order, before the request resolves with the final
   * one. `attempt` counts the tries from 1: when a try times out after some partials,
   * the next try's partials start over with the next number. Only MDP/0.2 has partial
   * replies: with MDP/0.1 it is never called.
   */
  onPartial?: (body: Buffer[], attempt: number) => void
}

/** Counters of a {@link MajordomoClient}, from its creation. */
export interface MajordomoClientStats {
  /** Requests that resolved with a final reply. */
  replies: number
  /** Tries that timed out and were sent again. */
  retries: number
  /** Requests that failed with a {@link RequestTimeoutError}. */
  failures: number
  /** Replies dropped as malformed (or naming another service). */
  malformed: number
}

/**
 * A Majordomo client (the guide's chapter 4 "mdcliapi2"): sends requests to services by
 * name through a broker, one at a time over a Dealer socket, in MDP/0.1 (default, what
 * the guide's brokers speak) or MDP/0.2 (`protocol` option; partial replies).
 *
 * A try that gets no reply within `timeout` ms is sent again on a new socket (a late
 * reply to the old one can never be taken for the answer to another request); after
 * `retries` tries the request rejects with a {@link RequestTimeoutError}. Concurrent
 * `request()` calls wait for each other and run in call order. A request for a service
 * no worker offers waits in the broker's queue, so it times out the same way (ask
 * `mmi.service` first to tell the difference).
 *
 * ```ts
 * const client = new MajordomoClient("tcp://127.0.0.1:5555", {timeout: 1000, retries: 3})
 * const [reply] = await client.request("echo", "hello")
 * const [found] = await client.request("mmi.service", "echo") // "200" or "404"
 * await client.close()
 * ```
 */
export class MajordomoClient {
  /** Closes it, for `await using` (TypeScript 5.2+, explicit resource management). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  readonly #endpoint: string
  readonly #timeout: number
  readonly #retries: number
  readonly #dialect: Dialect
  readonly #stats: MajordomoClientStats = {replies: 0, retries: 0, failures: 0, malformed: 0}
  #socket: Dealer | undefined
  /** Settles when the previous request did: requests run one at a time. */
  #tail: Promise<unknown> = Promise.resolve()
  #closed = false

  /**
   * @param brokerEndpoint The broker's endpoint, e.g. `tcp://127.0.0.1:5555`.
   * @throws TypeError / RangeError for an invalid argument or option (the message names
   *   it); ZmqError when the endpoint is invalid.
   */
  constructor(brokerEndpoint: string, options?: MajordomoClientOptions) {
    this.#endpoint = checkName("brokerEndpoint", brokerEndpoint)
    const {timeout = 2500, retries = 3, protocol} = checkOptions("MajordomoClient", options)
    this.#timeout = checkMs("timeout", timeout)
    this.#retries = checkCount("retries", retries)
    this.#dialect = checkProtocol(protocol)
    // Connect now: an invalid endpoint throws here.
    this.#socket = this.#open()
  }

  /** The protocol version this client speaks. */
  get protocol(): MajordomoProtocol {
    return this.#dialect.protocol
  }

  /** A copy of the client's counters. */
  get stats(): MajordomoClientStats {
    return {...this.#stats}
  }

  /**
   * Sends a request to `service` and resolves with the frames of its final reply.
   * @param body One frame or an array of frames (at least one).
   * @throws TypeError / RangeError (synchronously) for an invalid service, body or option.
   * @returns Rejects with a {@link RequestTimeoutError} (code `"ETIMEDOUT"`) when no try
   *   got a final reply, with a ZmqError `EBADF` when the client is closed first, and with
   *   what `onPartial` throws (the request is then abandoned).
   */
  request(
    service: string,
    body: MajordomoBody,
    options?: MajordomoRequestOptions,
  ): Promise<Buffer[]> {
    checkName("service", service)
    const frames = bodyFrames(body)
    const onPartial = checkFunction("onPartial", checkOptions("request", options).onPartial)
    const run = this.#tail.then(() => this.#run(service, frames, onPartial))
    this.#tail = run.catch(() => {})
    return run
  }

  /**
   * Closes the socket: the request in progress and those waiting reject with a ZmqError
   * `EBADF`, and so does every later `request()`. Safe to call more than once.
   */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#reset()
    await this.#tail
  }

  #open(): Dealer {
    // A request that was given up is worthless: never wait to deliver it on close.
    const socket = new Dealer({linger: 0})
    try {
      socket.connect(this.#endpoint)
    } catch (err) {
      socket.close()
      throw err
    }
    return socket
  }

  #reset(): void {
    this.#socket?.close()
    this.#socket = undefined
  }

  async #run(
    service: string,
    frames: MessageLike[],
    onPartial: MajordomoRequestOptions["onPartial"],
  ): Promise<Buffer[]> {
    const serviceFrame = Buffer.from(service)
    for (let attempt = 1; ; attempt++) {
      if (this.#closed) throw zmqError("EBADF")
      const socket = (this.#socket ??= this.#open())
      let reply: Buffer[] | undefined
      try {
        reply = await this.#try(socket, serviceFrame, frames, onPartial, attempt)
      } catch (err) {
        // Replies of this try may still come: they must not meet the next request.
        if (this.#socket === socket) this.#reset()
        throw err
      }
      if (reply !== undefined) {
        this.#stats.replies++
        return reply
      }
      // Timed out: a new socket, so that a late reply to this try is never read.
      this.#reset()
      if (attempt >= this.#retries) {
        this.#stats.failures++
        throw new RequestTimeoutError(
          `No reply from service "${service}" after ${attempt} ${attempt === 1 ? "try" : "tries"}`,
          attempt,
          this.#endpoint,
        )
      }
      this.#stats.retries++
    }
  }

  /** One try: resolves with the final reply, or undefined when it timed out. */
  async #try(
    socket: Dealer,
    service: Buffer,
    frames: MessageLike[],
    onPartial: MajordomoRequestOptions["onPartial"],
    attempt: number,
  ): Promise<Buffer[] | undefined> {
    let controller = new AbortController()
    let deadline = Date.now() + this.#timeout
    let timer: NodeJS.Timeout | undefined
    const arm = () => {
      clearTimeout(timer)
      const remaining = Math.max(0, deadline - Date.now())
      const current = controller
      timer = setTimeout(() => current.abort(), remaining)
    }
    arm()
    try {
      const request = clientRequest(this.#dialect, service, frames)
      await socket.send(request, {signal: controller.signal})
      for (;;) {
        const reply = parseClientReply(
          this.#dialect,
          await socket.receive({signal: controller.signal}),
        )
        if (reply === undefined || !reply.service.equals(service)) {
          this.#stats.malformed++
          continue
        }
        if (reply.final) return reply.body
        onPartial?.(reply.body, attempt)
        // Progress: the timeout counts again from this partial.
        deadline = Date.now() + this.#timeout
        controller = new AbortController()
        arm()
      }
    } catch (err) {
      if (this.#closed) throw zmqError("EBADF")
      if (controller.signal.aborted) return undefined
      throw err
    } finally {
      clearTimeout(timer)
    }
  }
}

// Argument errors reject (the promise-returning API never throws).
rejectInsteadOfThrowing(MajordomoClient.prototype, "request")
