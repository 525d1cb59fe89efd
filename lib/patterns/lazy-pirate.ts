/**
 * Lazy Pirate: reliable request-reply on the client side alone (zguide chapter 4).
 * @module
 */
import {
  zmqError,
  checkMessage,
  OperationQueue,
  rejectInsteadOfThrowing,
  type Operation,
} from "../internal"
import {type MessageLike, Request, type SocketOptions} from "../index"
import {RequestTimeoutError} from "./errors"
import {timedOut, within} from "./retry"
import {
  checkCount,
  checkEndpoint,
  checkFunction,
  checkMs,
  checkOptions,
  checkSignal,
  isClosedError,
} from "./util"

/** A request waiting its turn. */
interface PendingRequest extends Operation<unknown> {
  task: () => Promise<unknown>
}

/** Options of a {@link LazyPirateClient}. */
export interface LazyPirateClientOptions {
  /** How long to wait for the reply to one try, in ms. Default 2500. */
  timeout?: number
  /** How many times a request is sent at most, the first try included. Default 3. */
  retries?: number
  /**
   * Options of every Request socket the client opens (`linger` defaults to 0: a request
   * given up is not worth delivering later). Include `context` to use another context.
   */
  socketOptions?: SocketOptions<Request>
  /**
   * Called before a request is sent again: `attempt` is the number of the try about to
   * start (2 or more), `error` says why the previous one was given up. An exception
   * thrown here rejects the request.
   */
  onRetry?: (attempt: number, error: RequestTimeoutError) => void
}

/** Options of {@link LazyPirateClient.request}. */
export interface LazyPirateRequestOptions {
  /** Gives the request up: it rejects with the signal's reason and the socket is reset. */
  signal?: AbortSignal
}

/**
 * The client side of the guide's Lazy Pirate pattern: a request that gets no reply
 * within `timeout` ms is sent again on a fresh Request socket (a Request socket that
 * waits for a reply cannot send, so the old one is closed with linger 0), at most
 * `retries` times in all. The server is any Reply socket (or a Router that keeps the
 * envelope), possibly behind a broker such as {@link ParanoidPirateQueue}.
 *
 * ```ts
 * const client = new LazyPirateClient("tcp://127.0.0.1:5555", {timeout: 1000, retries: 3})
 * const [reply] = await client.request("hello")
 * await client.close()
 * ```
 *
 * Requests made while another is under way wait their turn: they are sent one after
 * another, in call order. A reply always belongs to the request it resolves: the reply
 * to a try that was given up arrives (if ever) at a closed socket and is dropped there.
 * A server may therefore see a request more than once (one per try): make requests
 * safe to repeat, or let the server recognise repeats.
 */
export class LazyPirateClient {
  /** Closes it, for `await using` (TypeScript 5.2+, explicit resource management). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  /** The endpoint every socket connects to. */
  readonly endpoint: string
  readonly #timeout: number
  readonly #retries: number
  readonly #socketOptions: SocketOptions<Request>
  readonly #onRetry: LazyPirateClientOptions["onRetry"]
  #socket: Request | undefined
  #closed = false
  /** Settles when the last queued request is done: the next one starts after it. */
  /** Requests waiting for the one before them: one at a time on the REQ socket. */
  readonly #queue = new OperationQueue<PendingRequest>()
  #running = false

  /**
   * Connects a first Request socket to `endpoint` at once.
   * @throws TypeError or RangeError for a malformed endpoint or option (naming it), and
   *   ZmqError when the socket options or endpoint are refused by libzmq.
   */
  constructor(endpoint: string, options?: LazyPirateClientOptions) {
    const {
      timeout = 2500,
      retries = 3,
      socketOptions = {},
      onRetry,
    } = checkOptions("LazyPirateClient", options)
    this.endpoint = checkEndpoint("endpoint", endpoint)
    this.#timeout = checkMs("timeout", timeout)
    this.#retries = checkCount("retries", retries)
    this.#socketOptions = checkOptions("socketOptions", socketOptions)
    this.#onRetry = checkFunction("onRetry", onRetry)
    this.#socket = this.#open()
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this.#closed
  }

  /**
   * Sends a request and resolves with the frames of its reply.
   * @throws TypeError (synchronously) for anything that is not a message.
   * @returns Rejects with a {@link RequestTimeoutError} (code `"ETIMEDOUT"`) when
   *   `retries` tries got no reply, with the signal's reason when aborted, and with a
   *   ZmqError with code `"EBADF"` when the client is (or gets) closed.
   */
  request(
    message: MessageLike | MessageLike[],
    options?: LazyPirateRequestOptions,
  ): Promise<Buffer[]> {
    checkMessage(message)
    const signal = checkSignal(options)
    if (this.#closed) return Promise.reject(closedError())
    if (signal?.aborted) return Promise.reject(signal.reason)
    return this.#enqueue(() => this.#exchange(message, signal), signal)
  }

  /**
   * Closes the socket. The request under way and those waiting their turn reject with
   * a ZmqError with code `"EBADF"`.
   */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#socket?.close()
    this.#socket = undefined
  }

  /** Runs `task` once the requests before it are done; an abort while waiting skips it. */
  #enqueue<T>(task: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    const result = this.#queue.add<T>({task} as PendingRequest, {signal})
    this.#next()
    return result
  }

  #next(): void {
    if (this.#running) return
    const request = this.#queue.shift()
    if (request === undefined) return
    this.#running = true
    request
      .task()
      .then(request.resolve, request.reject)
      .finally(() => {
        this.#running = false
        this.#next()
      })
  }

  async #exchange(
    message: MessageLike | MessageLike[],
    signal: AbortSignal | undefined,
  ): Promise<Buffer[]> {
    for (let attempt = 1; ; attempt++) {
      if (this.#closed) throw closedError()
      const socket = (this.#socket ??= this.#open())
      let reply: Buffer[] | typeof timedOut
      try {
        reply = await within(sendAndReceive(socket, message), this.#timeout, signal)
      } catch (err) {
        // Aborted, or the socket failed: what it would do next is unknown.
        this.#reset(socket)
        throw this.#closed && isClosedError(err) ? closedError() : err
      }
      if (reply !== timedOut) return reply
      this.#reset(socket)
      const error = new RequestTimeoutError(
        `No reply from ${this.endpoint} to ${attempt} ${attempt === 1 ? "try" : "tries"} ` +
          `of ${this.#timeout} ms`,
        attempt,
        this.endpoint,
      )
      if (attempt >= this.#retries) throw error
      this.#onRetry?.(attempt + 1, error)
    }
  }

  #open(): Request {
    const socket = new Request({linger: 0, ...this.#socketOptions})
    try {
      socket.connect(this.endpoint)
    } catch (err) {
      socket.close()
      throw err
    }
    return socket
  }

  /** Drops a socket whose state machine waits for a reply that will not come. */
  #reset(socket: Request): void {
    if (this.#socket === socket) this.#socket = undefined
    socket.close()
  }
}

async function sendAndReceive(
  socket: Request,
  message: MessageLike | MessageLike[],
): Promise<Buffer[]> {
  await socket.send(message)
  return socket.receive()
}

function closedError() {
  return zmqError("EBADF", "The Lazy Pirate client is closed")
}

// Argument errors reject (the promise-returning API never throws).
rejectInsteadOfThrowing(LazyPirateClient.prototype, "request")
