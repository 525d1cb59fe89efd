/**
 * Receiving the zeromq 5.x way: every message is emitted as a `message` event, one
 * argument per frame, as soon as the socket has it, until the socket is paused or closed.
 *
 * Messages are taken from the engine synchronously, many per wake-up: a wait for
 * readability costs one promise for all the messages that are there when it ends. After
 * BURST messages the loop lets timers and I/O run (5.x emptied the socket in one go,
 * starving them under a steady stream).
 *
 * REQ and REP sockets refuse a receive out of turn (EFSM): there, as in 5.x, a message is
 * taken only when libzmq reports one (ZMQ_POLLIN).
 * Not exported. (No "internal" doc tag on this comment: it would strip the first declaration
 * from the typings.)
 * @module
 */
import type {EventEmitter} from "node:events"
import type {Message} from "../message"
import type {SocketEngine} from "../socket/engine"
import {READABLE} from "../socket/readiness"
import {runCallback} from "./callbacks"

/** Messages emitted before the event loop gets a turn. */
const BURST = 4096

export class Inbox {
  readonly #engine: SocketEngine
  /** The socket, which emits the messages. */
  readonly #owner: EventEmitter
  /** REQ, REP: a receive waits until libzmq reports the socket readable. */
  readonly #gated: boolean
  #paused = false
  /** Inside the emitting loop (a listener may call pause(), resume() or read()). */
  #reading = false
  /** A wait for readability is pending. */
  #waiting = false
  /** The loop goes on after the event loop's turn. */
  #later = false

  constructor(engine: SocketEngine, owner: EventEmitter, gated: boolean) {
    this.#engine = engine
    this.#owner = owner
    this.#gated = gated
    this.#awaitReadable()
  }

  /**
   * Stops emitting. Messages wait: up to a batch that was read ahead, the rest in libzmq,
   * where the high-water mark applies.
   */
  pause(): void {
    this.#paused = true
  }

  /** Emits again, starting with the messages that arrived meanwhile. */
  resume(): void {
    this.#paused = false
    this.#read()
  }

  /** The next message if one is there (zeromq 5.x's `read()`), else null. */
  read(): Message[] | null {
    const engine = this.#engine
    if (engine.closed || (this.#gated && !engine.readable)) return null
    return (engine.tryReceive() as Message[] | undefined) ?? null
  }

  #read(): void {
    if (this.#paused || this.#reading) return
    const engine = this.#engine
    const owner = this.#owner
    const gated = this.#gated
    this.#reading = true
    try {
      for (let count = 0; ; count++) {
        if (this.#paused || engine.closed) return
        if (count === BURST) return this.#readLater()
        let message: Message[] | undefined
        try {
          if (!gated || engine.readable) message = engine.tryReceive() as Message[] | undefined
        } catch (err) {
          this.#readLater()
          owner.emit("error", err)
          return
        }
        if (message === undefined) return this.#awaitReadable()
        try {
          if (message.length === 1) owner.emit("message", message[0])
          else owner.emit("message", ...message)
        } catch (err) {
          // The listener's exception goes on; the messages after it still come.
          this.#readLater()
          throw err
        }
      }
    } finally {
      this.#reading = false
    }
  }

  #readLater(): void {
    if (this.#later) return
    this.#later = true
    setImmediate(() => {
      this.#later = false
      this.#read()
    })
  }

  #awaitReadable(): void {
    if (this.#waiting || this.#engine.closed) return
    this.#waiting = true
    this.#engine.whenReady(READABLE).then(this.#onReadable, this.#onWaitFailed)
  }

  readonly #onReadable = (): void => {
    this.#waiting = false
    runCallback(() => this.#read())
  }

  readonly #onWaitFailed = (err: unknown): void => {
    this.#waiting = false
    if (this.#engine.closed) return
    runCallback(() => this.#owner.emit("error", err))
    this.#readLater()
  }
}
