/**
 * The proxy: libzmq's steerable proxy, forwarding between two sockets on a thread
 * of its own.
 * @module
 */
import {randomUUID} from "node:crypto"
import {endianness} from "node:os"
import {binding, type NativeProxy, type NativeSocket} from "./addon"
import {withCallerStack, zmqError} from "./errors"
import {Pair} from "./socket/classes"
import {engineOf} from "./socket/internals"
import {Socket} from "./socket/socket"

/**
 * What a proxy counted on one of its sockets since {@link Proxy.run} started. A
 * multipart message counts once; its bytes are those of all its frames.
 */
export interface ProxySocketStatistics {
  /** Messages the proxy received from this socket. */
  messagesReceived: number
  /** Bytes of the messages received from this socket. */
  bytesReceived: number
  /** Messages the proxy sent through this socket. */
  messagesSent: number
  /** Bytes of the messages sent through this socket. */
  bytesSent: number
}

/** The counters of a running proxy: what {@link Proxy.statistics} resolves with. */
export interface ProxyStatistics {
  /** The front-end socket's counters. */
  frontEnd: ProxySocketStatistics
  /** The back-end socket's counters. */
  backEnd: ProxySocketStatistics
}

type State = "idle" | "running" | "terminating" | "ending"

/** Running proxies: strongly held (and their sockets with them) until they end. */
const running = new Set<Proxy>()

const littleEndian = endianness() === "LE"

function noop(): void {}

function notRunning(): Error {
  return zmqError("EBADF", "Proxy is not running")
}

/**
 * Forwards messages between a front-end and a back-end socket in both directions,
 * on a thread of its own (libzmq's `zmq_proxy_steerable`): the event loop never
 * waits for it. Bind or connect the sockets and set their options first, then call
 * {@link run}:
 *
 * ```ts
 * const frontEnd = new XSubscriber() // connects to the publishers
 * frontEnd.connect("tcp://127.0.0.1:5555")
 * const backEnd = new XPublisher() // subscribers connect here
 * await backEnd.bind("tcp://127.0.0.1:5556")
 * const proxy = new Proxy(frontEnd, backEnd)
 * const done = proxy.run() // resolves after terminate()
 * ```
 *
 * Messages a socket had already taken from libzmq for `receive()` (its read-ahead) are
 * forwarded first, in order, and copied to the capture socket; the statistics count only
 * what the proxy took from libzmq itself.
 *
 * While it runs, the proxy owns its sockets: every call on them (`send`, `receive`,
 * `bind`, options, `close`, …) fails with a `ZmqError` with code `EBUSY`. When
 * it has ended they work again (zeromq v6 closes them instead: close them yourself).
 * A running proxy keeps the process alive, and is not garbage collected.
 */
export class Proxy<
  F extends Socket = Socket,
  B extends Socket = Socket,
  C extends Socket = Socket,
> {
  readonly #frontEnd: F
  readonly #backEnd: B
  readonly #capture: C | undefined
  readonly #native: NativeProxy
  #state: State = "idle"
  /** The proxy's end of the control pair: lent to the proxy, which reads the commands. */
  #control: Pair | undefined
  /** Our end: sends the commands, receives the statistics. */
  #peer: Pair | undefined
  /** Statistics replies not received yet. */
  readonly #replies = new Set<Promise<unknown>>()

  /**
   * @param frontEnd The front-end socket.
   * @param backEnd The back-end socket.
   * @param capture A socket that gets a copy of every message the proxy forwards, in
   *   either direction (and, from libzmq, of every command: `PAUSE`, `RESUME`,
   *   `STATISTICS`, `TERMINATE`). It must not block: a `Push` whose peer stops
   *   reading (or that has no peer yet) stalls the whole proxy, `terminate()`
   *   included. A `Publisher` never blocks.
   * @throws TypeError when an argument is not a socket, is closed, is given twice, or
   *   when `capture` cannot send.
   */
  constructor(frontEnd: F, backEnd: B, capture?: C) {
    checkSocket(frontEnd, "frontEnd")
    checkSocket(backEnd, "backEnd")
    if ((frontEnd as Socket) === backEnd) {
      throw new TypeError("Proxy: frontEnd and backEnd must be different sockets")
    }
    if (capture !== undefined && capture !== null) {
      checkSocket(capture, "capture")
      if (capture === (frontEnd as Socket) || capture === (backEnd as Socket)) {
        throw new TypeError("Proxy: capture must be a socket of its own")
      }
      if (!engineOf(capture).kind.sends) {
        throw new TypeError(
          `Proxy: capture must be a socket that can send, got a ${nameOf(capture)}`,
        )
      }
    }
    this.#frontEnd = frontEnd
    this.#backEnd = backEnd
    this.#capture = capture ?? undefined
    this.#native = new binding.Proxy()
  }

  /** The front-end socket. */
  get frontEnd(): F {
    return this.#frontEnd
  }

  /** The back-end socket. */
  get backEnd(): B {
    return this.#backEnd
  }

  /** The capture socket, if one was given. */
  get capture(): C | undefined {
    return this.#capture
  }

  /** Whether the proxy runs: from {@link run} until the promise it returned settles. */
  get running(): boolean {
    return this.#state !== "idle"
  }

  /**
   * Starts the proxy on a thread of its own, and resolves when it has ended (after
   * {@link terminate}), its sockets given back. A proxy that ended can run again;
   * its statistics start from zero then.
   * @throws ZmqError (rejected): code `EBUSY` when this proxy runs already or one of
   *   its sockets is used by another proxy, `EBADF` when one was closed, and the
   *   libzmq error that ended the proxy, if any.
   */
  run(): Promise<void> {
    if (this.#state !== "idle") return Promise.reject(zmqError("EBUSY", "Proxy is already running"))
    const context = this.#frontEnd.context
    // inproc needs the peers in one context; the shared context spans worker threads.
    const endpoint = `inproc://zeromq-napi.proxy.${randomUUID()}`
    let control: Pair | undefined
    let peer: Pair | undefined
    let ended: Promise<void>
    try {
      control = new Pair({context, linger: 0})
      // Closed with the proxy, not by context.close(): the proxy holds them until it ends.
      engineOf(control).context.untrack(engineOf(control))
      control.bindSync(endpoint)
      peer = new Pair({context, linger: 0})
      engineOf(peer).context.untrack(engineOf(peer))
      peer.connect(endpoint)
      const frontEnd = nativeOf(this.#frontEnd)
      const backEnd = nativeOf(this.#backEnd)
      const capture = this.#capture === undefined ? null : nativeOf(this.#capture)
      // Messages the sockets read ahead are no longer in libzmq: the proxy thread forwards
      // them first, or they would be lost.
      ended = this.#native.run(
        frontEnd,
        backEnd,
        capture,
        nativeOf(control),
        nativeOf(peer),
        engineOf(this.#frontEnd).receiver.readAhead(),
        engineOf(this.#backEnd).receiver.readAhead(),
      )
      engineOf(this.#frontEnd).receiver.dropReadAhead()
      engineOf(this.#backEnd).receiver.dropReadAhead()
    } catch (err) {
      control?.close()
      peer?.close()
      return Promise.reject(err)
    }
    this.#control = control
    this.#peer = peer
    this.#state = "running"
    running.add(this)
    return withCallerStack(this.#whenEnded(ended))
  }

  async #whenEnded(ended: Promise<void>): Promise<void> {
    try {
      await ended
    } catch (err) {
      await this.#end(false)
      throw err
    }
    await this.#end(true)
  }

  /**
   * Suspends forwarding: messages wait in the sockets' queues (up to their high-water
   * marks) until {@link resume}. Takes effect when the proxy thread reads the command,
   * very soon but not at once: `await proxy.statistics()` afterwards to be sure.
   * @throws ZmqError with code `EBADF` when the proxy is not running.
   */
  pause(): void {
    this.#command("PAUSE")
  }

  /**
   * Resumes forwarding after {@link pause}.
   * @throws ZmqError with code `EBADF` when the proxy is not running.
   */
  resume(): void {
    this.#command("RESUME")
  }

  /**
   * Asks the proxy to end; {@link run}'s promise resolves when it has. Commands given
   * before are carried out first. Calling it again while the proxy ends does nothing.
   * @throws ZmqError with code `EBADF` when the proxy is not running.
   */
  terminate(): void {
    if (this.#state === "idle") throw notRunning()
    if (this.#state !== "running") return
    this.#command("TERMINATE")
    this.#state = "terminating"
  }

  /**
   * Resolves with what the proxy counted since it started (libzmq's `STATISTICS`
   * command), for each socket: messages and bytes received and sent. Commands given
   * before are carried out first, so after `pause()` the figures are final until
   * `resume()`.
   * @throws ZmqError (rejected) with code `EBADF` when the proxy is not running, or
   *   ends before answering.
   */
  statistics(): Promise<ProxyStatistics> {
    if (this.#state !== "running") return Promise.reject(notRunning())
    const peer = this.#peer!
    peer.send("STATISTICS").catch(noop)
    // Replies come in the order of the requests, and receives complete in call order.
    const reply = peer.receive()
    const settled = () => this.#replies.delete(reply)
    this.#replies.add(reply)
    reply.then(settled, settled)
    return withCallerStack(
      reply.then(decodeStatistics, () => {
        throw notRunning()
      }),
    )
  }

  #command(command: string): void {
    if (this.#state !== "running") throw notRunning()
    // Accepted at once (inproc, nothing queued ahead); a rejection can only come from
    // closing the peer when the proxy has ended.
    this.#peer!.send(command).catch(noop)
  }

  async #end(terminated: boolean): Promise<void> {
    this.#state = "ending"
    // The proxy answered every STATISTICS sent before TERMINATE before it ended: the
    // replies are on their way. After a failure none may come.
    if (terminated && this.#replies.size > 0) await Promise.allSettled([...this.#replies])
    this.#control?.close()
    this.#peer?.close()
    this.#control = undefined
    this.#peer = undefined
    this.#state = "idle"
    running.delete(this)
    // Operations that were pending when the proxy took the sockets wait again.
    for (const socket of [this.#frontEnd, this.#backEnd, this.#capture]) {
      if (socket !== undefined) engineOf(socket).rearm()
    }
  }
}

function checkSocket(socket: unknown, name: string): void {
  if (!(socket instanceof Socket)) {
    throw new TypeError(`Proxy: ${name} must be a socket, got ${describe(socket)}`)
  }
  if (socket.closed) throw new TypeError(`Proxy: ${name} is closed`)
}

function nameOf(socket: Socket): string {
  return socket.constructor.name
}

function describe(value: unknown): string {
  if (value === null) return "null"
  if (typeof value === "object") return `a ${(value as object).constructor?.name ?? "object"}`
  return typeof value
}

/** The addon's socket of a socket (EBADF when it is closed). */
function nativeOf(socket: Socket): NativeSocket {
  return engineOf(socket).call(native => native)
}

/** Decodes libzmq's reply: eight frames of a uint64 each, in the machine's byte order. */
function decodeStatistics(frames: Buffer[]): ProxyStatistics {
  if (frames.length !== 8 || frames.some(frame => frame.length !== 8)) {
    throw new Error("zeromq-napi: unexpected statistics reply from the proxy")
  }
  const [a, b, c, d, e, f, g, h] = frames.map(frame =>
    Number(littleEndian ? frame.readBigUInt64LE(0) : frame.readBigUInt64BE(0)),
  )
  return {
    frontEnd: {messagesReceived: a, bytesReceived: b, messagesSent: c, bytesSent: d},
    backEnd: {messagesReceived: e, bytesReceived: f, messagesSent: g, bytesSent: h},
  }
}
