/**
 * The Majordomo broker (MDP/0.1 and MDP/0.2 peers at once).
 * @module
 */
import {zmqError, Fifo} from "../internal"
import {Router} from "../index"
import {checkCount, checkFunction, checkMs, checkOptions, isClosedError, warnError} from "./util"
import {
  clientReply,
  EMPTY,
  parseClientRequest,
  parseWorkerCommand,
  workerCommand,
  type Dialect,
  type WorkerCommand,
} from "./majordomo-protocol"

/** Options of a {@link MajordomoBroker}. */
export interface MajordomoBrokerOptions {
  /**
   * How often the broker sends HEARTBEAT to each worker, and the unit of worker expiry
   * (ms). Use the same value as the workers. Default 2500.
   */
  heartbeatInterval?: number
  /**
   * A worker that sent nothing for `liveness` heartbeat intervals is expired: removed,
   * sent DISCONNECT, and its request (if it had one) abandoned. Default 3.
   */
  liveness?: number
  /**
   * How long a request may wait for a worker of its service (ms) before the broker drops
   * it. Default 30000. The client's own retries give up earlier with the defaults.
   */
  requestExpiry?: number
  /**
   * Told of unexpected errors of the broker's socket (not of malformed messages, which
   * are only counted). Default: a process warning.
   */
  onError?: (error: Error) => void
}

/** What the broker knows about one service, for monitoring and tests. */
export interface MajordomoServiceInfo {
  /** The service name. */
  readonly name: string
  /** Registered workers, busy or idle. */
  readonly workers: number
  /** Workers waiting for a request. */
  readonly idle: number
  /** Requests waiting for a worker. */
  readonly waiting: number
}

/** Counters of a {@link MajordomoBroker}, from its creation. */
export interface MajordomoBrokerStats {
  /** Client requests accepted (including `mmi.*` queries). */
  requests: number
  /** Final replies sent to clients (including `mmi.*` answers). */
  replies: number
  /** Messages dropped as malformed (not MDP, or a command with the wrong frames). */
  malformed: number
  /**
   * Valid but unexpected worker commands answered with DISCONNECT: a second READY, a
   * READY for an `mmi.` service, a reply from a worker that has no request, a HEARTBEAT
   * from an unknown worker (how workers learn that a restarted broker forgot them).
   */
  refused: number
  /** Workers removed because they fell silent. */
  expiredWorkers: number
  /** Requests that waited longer than `requestExpiry` for a worker and were dropped. */
  expiredRequests: number
  /** Requests lost because their worker expired, disconnected or broke the protocol. */
  lostRequests: number
}

interface Request {
  client: Buffer
  /** The protocol the client speaks: its replies go back in it. */
  dialect: Dialect
  service: Buffer
  body: Buffer[]
  expiry: number
}

interface Worker {
  identity: Buffer
  key: string
  /** The protocol the worker registered with: every command to it uses it. */
  dialect: Dialect
  service: Service
  expiry: number
  /** The request being served. */
  request?: Request
}

interface Service {
  name: string
  requests: Fifo<Request>
  /** Idle workers, the one idle longest first. */
  idle: Worker[]
  workers: Set<Worker>
}

const MMI = "mmi."

/**
 * A Majordomo broker (the guide's chapter 4 "mdbroker"; protocols rfc.zeromq.org/spec:7
 * MDP/0.1 and spec:18 MDP/0.2, both at once): one Router socket for clients and workers. Workers register a service by
 * name; each client request goes to the worker of its service that has been idle
 * longest, or waits in the service's queue (at most `requestExpiry` ms) until one is.
 *
 * - Heartbeats: the broker sends HEARTBEAT to every worker each `heartbeatInterval`
 *   and expires a worker that sent nothing for `liveness` intervals (it is sent
 *   DISCONNECT; a request it was serving is abandoned: the client's retry recovers it).
 * - `mmi.service` (rfc.zeromq.org/spec:8/MMI) answers "200" when the service named in the
 *   request's last frame has a worker, else "404"; other `mmi.*` services answer "501".
 * - Malformed messages are counted ({@link stats}) and dropped; a worker that breaks the
 *   protocol is sent DISCONNECT and forgotten.
 * - Each peer is answered in the version it speaks: MDP/0.1 (headers "MDPC01",
 *   "MDPW01": the guide's clients and workers, Request-socket clients) or MDP/0.2
 *   ("MDPC02", "MDPW02"); any client reaches any worker. A 0.1 client gets only the final
 *   reply of a 0.2 worker that streams partials.
 *
 * ```ts
 * const broker = new MajordomoBroker()
 * await broker.bind("tcp://127.0.0.1:5555")
 * // … later
 * await broker.close()
 * ```
 */
export class MajordomoBroker {
  /** Closes it, for `await using` (TypeScript 5.2+, explicit resource management). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  readonly #router: Router
  readonly #heartbeatInterval: number
  readonly #liveness: number
  readonly #requestExpiry: number
  readonly #onError: (error: Error) => void
  readonly #services = new Map<string, Service>()
  readonly #workers = new Map<string, Worker>()
  readonly #stats: MajordomoBrokerStats = {
    requests: 0,
    replies: 0,
    malformed: 0,
    refused: 0,
    expiredWorkers: 0,
    expiredRequests: 0,
    lostRequests: 0,
  }
  #timer: NodeJS.Timeout | undefined
  #loop: Promise<void> | undefined
  #closed = false

  /**
   * @throws TypeError / RangeError for an invalid option (the message names it).
   */
  constructor(options?: MajordomoBrokerOptions) {
    const {
      heartbeatInterval = 2500,
      liveness = 3,
      requestExpiry = 30000,
      onError,
    } = checkOptions("MajordomoBroker", options)
    this.#heartbeatInterval = checkMs("heartbeatInterval", heartbeatInterval)
    this.#liveness = checkCount("liveness", liveness)
    this.#requestExpiry = checkMs("requestExpiry", requestExpiry)
    this.#onError = checkFunction("onError", onError) ?? warnError
    // Replies to a vanished client are worthless: never wait for them on close.
    this.#router = new Router({linger: 0})
  }

  /**
   * Binds the broker's socket (e.g. `tcp://127.0.0.1:*`; read the port back from
   * {@link MajordomoBroker.endpoint}) and starts serving. May be called again for more endpoints.
   * @throws ZmqError (rejected) when binding fails (`EADDRINUSE`, …) or after close
   *   (`EBADF`).
   */
  async bind(endpoint: string): Promise<void> {
    if (this.#closed) throw zmqError("EBADF")
    await this.#router.bind(endpoint)
    if (this.#loop === undefined) {
      this.#loop = this.#run()
      this.#timer = setInterval(() => this.#tick(), this.#heartbeatInterval)
    }
  }

  /** The endpoint last bound (with the real port), or null before {@link bind}. */
  get endpoint(): string | null {
    return this.#closed ? null : this.#router.lastEndpoint
  }

  /** The services the broker knows (with workers or waiting requests), by name. */
  get services(): MajordomoServiceInfo[] {
    return [...this.#services.values()].map(info)
  }

  /** One service's workers and waiting requests, or undefined when the broker has none. */
  service(name: string): MajordomoServiceInfo | undefined {
    const service = this.#services.get(name)
    return service && info(service)
  }

  /** A copy of the broker's counters. */
  get stats(): MajordomoBrokerStats {
    return {...this.#stats}
  }

  /**
   * Stops the heartbeat timer and closes the socket. Queued requests are dropped;
   * workers and clients notice through their own heartbeats and timeouts.
   */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    clearInterval(this.#timer)
    this.#router.close()
    await this.#loop
    this.#services.clear()
    this.#workers.clear()
  }

  async #run(): Promise<void> {
    try {
      for await (const frames of this.#router) {
        try {
          this.#message(frames)
        } catch (err) {
          // A bug here must not stop the broker: report it and serve the next message.
          this.#report(err)
        }
      }
    } catch (err) {
      if (!isClosedError(err)) this.#report(err)
    }
  }

  #report(err: unknown): void {
    const error = err instanceof Error ? err : new Error(String(err))
    try {
      this.#onError(error)
    } catch {
      // An onError that throws must not break the broker's loop.
    }
  }

  #send(frames: Buffer[]): void {
    // A Router never blocks (it drops what it cannot route); only close rejects.
    this.#router.send(frames).catch(err => {
      if (!isClosedError(err)) this.#report(err)
    })
  }

  #message(frames: Buffer[]): void {
    const sender = frames[0]
    const rest = frames.slice(1)
    const worker = parseWorkerCommand(rest)
    if (worker !== undefined)
      return this.#fromWorker(sender, worker.dialect, worker.command, worker.rest)
    const request = parseClientRequest(rest)
    if (request !== undefined)
      return this.#fromClient(sender, request.dialect, request.service, request.body)
    this.#malformed(sender)
  }

  /** Counts and drops an invalid message; a worker that sent it is treated as invalid. */
  #malformed(sender: Buffer): void {
    this.#stats.malformed++
    const worker = this.#workers.get(sender.toString("hex"))
    if (worker !== undefined) this.#deleteWorker(worker, true)
  }

  /** A client REQUEST (either version). */
  #fromClient(client: Buffer, dialect: Dialect, service: Buffer, body: Buffer[]): void {
    const name = service.toString()
    this.#stats.requests++
    const request: Request = {
      client,
      dialect,
      service,
      body,
      expiry: Date.now() + this.#requestExpiry,
    }
    if (name.startsWith(MMI)) return this.#mmi(name, request)
    const target = this.#service(name)
    target.requests.push(request)
    this.#dispatch(target)
  }

  /** The Majordomo Management Interface (8/MMI): answered by the broker itself. */
  #mmi(name: string, request: Request): void {
    let code = "501"
    if (name === "mmi.service") {
      const asked = this.#services.get(request.body[request.body.length - 1].toString())
      code = asked !== undefined && asked.workers.size > 0 ? "200" : "404"
    }
    this.#reply(request, true, [Buffer.from(code)])
  }

  /** Sends a PARTIAL (when `final` is false) or FINAL to a request's client. */
  #reply(request: Request, final: boolean, body: Buffer[]): void {
    // A 0.1 client (often a Request socket) takes exactly one reply: no partials.
    const frames = clientReply(request.dialect, final, request.service, body)
    if (frames !== undefined) this.#send([request.client, ...frames])
    if (final) this.#stats.replies++
  }

  /** A worker command (either version), `rest` being the frames after the command byte. */
  #fromWorker(
    sender: Buffer,
    dialect: Dialect,
    command: WorkerCommand | undefined,
    rest: Buffer[],
  ): void {
    let valid: boolean
    switch (command) {
      case "READY":
        valid = rest.length === 1 && rest[0].length > 0
        break
      case "PARTIAL":
      case "FINAL":
        // [client, "", body…]: one client address, the delimiter, at least one body frame.
        valid = rest.length >= 3 && rest[0].length > 0 && rest[1].length === 0
        break
      case "HEARTBEAT":
      case "DISCONNECT":
        valid = rest.length === 0
        break
      case "REQUEST":
        // Well-formed or not, a worker has no business sending it.
        valid = true
        break
      default:
        valid = false
    }
    if (!valid) return this.#malformed(sender)

    const key = sender.toString("hex")
    const worker = this.#workers.get(key)
    if (worker !== undefined && worker.dialect !== dialect) return this.#refuse(sender, dialect)
    if (worker !== undefined && command !== "DISCONNECT") {
      worker.expiry = Date.now() + this.#heartbeatInterval * this.#liveness
    }
    switch (command) {
      case "READY": {
        const name = rest[0].toString()
        if (worker !== undefined || name.startsWith(MMI)) return this.#refuse(sender, dialect)
        this.#addWorker(sender, key, dialect, name)
        return
      }
      case "PARTIAL":
      case "FINAL": {
        const request = worker?.request
        if (worker === undefined || request === undefined || !rest[0].equals(request.client)) {
          return this.#refuse(sender, dialect)
        }
        const final = command === "FINAL"
        this.#reply(request, final, rest.slice(2))
        if (final) {
          worker.request = undefined
          worker.service.idle.push(worker)
          this.#dispatch(worker.service)
        }
        return
      }
      case "HEARTBEAT":
        if (worker === undefined) this.#refuse(sender, dialect)
        return
      case "DISCONNECT":
        if (worker !== undefined) this.#deleteWorker(worker, false)
        return
      case "REQUEST":
        return this.#refuse(sender, dialect)
    }
  }

  /** Answers a valid but unexpected command with DISCONNECT and forgets the worker. */
  #refuse(sender: Buffer, dialect: Dialect): void {
    this.#stats.refused++
    const worker = this.#workers.get(sender.toString("hex"))
    if (worker !== undefined) {
      this.#deleteWorker(worker, true)
    } else {
      this.#sendWorker(sender, dialect, "DISCONNECT")
    }
  }

  #service(name: string): Service {
    let service = this.#services.get(name)
    if (service === undefined) {
      service = {name, requests: new Fifo(), idle: [], workers: new Set()}
      this.#services.set(name, service)
    }
    return service
  }

  #addWorker(identity: Buffer, key: string, dialect: Dialect, name: string): void {
    const service = this.#service(name)
    const worker: Worker = {
      identity,
      key,
      dialect,
      service,
      expiry: Date.now() + this.#heartbeatInterval * this.#liveness,
    }
    this.#workers.set(key, worker)
    service.workers.add(worker)
    service.idle.push(worker)
    this.#dispatch(service)
  }

  #deleteWorker(worker: Worker, sendDisconnect: boolean): void {
    if (sendDisconnect) this.#sendWorker(worker.identity, worker.dialect, "DISCONNECT")
    this.#workers.delete(worker.key)
    const service = worker.service
    service.workers.delete(worker)
    const index = service.idle.indexOf(worker)
    if (index >= 0) service.idle.splice(index, 1)
    // Not sent again: the client retries (on a new socket, so a late reply of this worker
    // could not reach it anyway), and a request that kills workers kills only as many as
    // the client has tries.
    if (worker.request !== undefined) this.#stats.lostRequests++
    worker.request = undefined
    this.#forgetIfUnused(service)
  }

  #forgetIfUnused(service: Service): void {
    if (service.workers.size === 0 && service.requests.length === 0) {
      this.#services.delete(service.name)
    }
  }

  /** Hands waiting requests to idle workers, the one idle longest first. */
  #dispatch(service: Service): void {
    const now = Date.now()
    while (service.idle.length > 0 && service.requests.length > 0) {
      const request = service.requests.shift()!
      if (request.expiry <= now) {
        this.#stats.expiredRequests++
        continue
      }
      const worker = service.idle.shift()!
      worker.request = request
      this.#sendWorker(worker.identity, worker.dialect, "REQUEST", [
        request.client,
        EMPTY,
        ...request.body,
      ])
    }
    this.#forgetIfUnused(service)
  }

  #sendWorker(identity: Buffer, dialect: Dialect, command: WorkerCommand, rest?: Buffer[]): void {
    this.#send([identity, ...(workerCommand(dialect, command, rest) as Buffer[])])
  }

  /** Each heartbeat interval: expire silent workers and old requests, send heartbeats. */
  #tick(): void {
    const now = Date.now()
    for (const worker of [...this.#workers.values()]) {
      if (worker.expiry <= now) {
        this.#stats.expiredWorkers++
        this.#deleteWorker(worker, true)
      } else {
        this.#sendWorker(worker.identity, worker.dialect, "HEARTBEAT")
      }
    }
    for (const service of [...this.#services.values()]) {
      // Queued in arrival order with the same expiry: the oldest are at the head.
      while ((service.requests.peek()?.expiry ?? Infinity) <= now) {
        service.requests.shift()
        this.#stats.expiredRequests++
      }
      this.#forgetIfUnused(service)
    }
  }
}

function info(service: Service): MajordomoServiceInfo {
  return {
    name: service.name,
    workers: service.workers.size,
    idle: service.idle.length,
    waiting: service.requests.length,
  }
}
