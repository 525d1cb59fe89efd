/**
 * Readiness and scheduling: waiting for the socket's descriptor (through the addon's
 * event-loop integration) exactly while operations are pending, and sharing the event
 * loop fairly: a socket moves at most TURN_BUDGET messages before timers and I/O get a turn.
 *
 * libzmq's descriptor is edge-triggered, and any call into libzmq (a send, a receive, a
 * connect) may consume its signal: after such a call, pending operations of the other
 * direction look at the socket's events again (recheck), or they could wait forever.
 * Internal: not part of the public API.
 * @module
 */
import {binding, type NativeSocket} from "../addon"
import {Event} from "../generated/protocol"

export const READABLE = Event.Readable
export const WRITABLE = Event.Writable

/** Messages moved without returning to the event loop; then timers and I/O get a turn. */
const TURN_BUDGET = 4096

/** What the readiness loop drives: the socket engine. */
export interface Driven {
  readonly closed: boolean
  readonly native: NativeSocket
  /** Pending operations of every kind. */
  pendingCount(): number
  /** Pending receives and sends (READABLE, WRITABLE bits), and what pollers wait for. */
  interest(): number
  /** What pollers wait for. */
  watchInterest(): number
  /** The socket can receive: pending receives take their messages. */
  receiveReady(): void
  /** The socket can send: pending sends go out. */
  sendReady(): void
  /** Pollers whose interest the events meet are told. */
  watchReady(events: number): void
  /** Waiting failed: every pending operation rejects with the error. */
  failAll(error: unknown): void
}

/**
 * Sockets with pending operations: strongly held, so that garbage collection cannot close
 * a socket somebody waits on. One per thread.
 */
const busy = new Set<Driven>()

binding.setReadyHandler(function (this: NativeSocket, events: number) {
  ;(this.owner as Readiness).onReady(events)
})

export class Readiness {
  /** Messages this socket may still move in this turn of the event loop. */
  budget = TURN_BUDGET
  /**
   * A bind or unbind runs on another thread (see SocketEngine.endpointAsync): the addon
   * refuses every call until it ends, so operations queue (a zero budget sends them to
   * the queues) and nothing waits for the descriptor.
   */
  blocked = false
  #yielding = false
  readonly #engine: Driven

  constructor(engine: Driven) {
    this.#engine = engine
    engine.native.owner = this
  }

  /** Counts messages moved; the first overdraft of a turn schedules the budget's reset. */
  spend(count: number): void {
    this.budget -= count
    if (this.budget < 0 && !this.#yielding) this.yieldTurn()
  }

  /**
   * Looks at the socket's events again after a call that went through libzmq without
   * waiting (a send, a receive, a connect…): libzmq may have consumed the descriptor's
   * signal there, which pending operations (of the other direction, or a Poller) wait for.
   */
  recheck(): void {
    if (this.#engine.pendingCount() > 0) this.arm()
  }

  /** A bind or unbind starts on another thread: operations queue until unblock(). */
  block(): void {
    this.blocked = true
    this.budget = 0
  }

  /** The bind or unbind ended: queued operations go on. */
  unblock(): void {
    this.blocked = false
    this.budget = TURN_BUDGET
    this.arm()
  }

  /** The socket stopped: nothing waits any more. */
  release(): void {
    busy.delete(this.#engine)
  }

  /** Called by the addon (on the JS thread) when an awaited event is ready. */
  onReady(events: number): void {
    const engine = this.#engine
    this.budget = TURN_BUDGET
    if (events & READABLE) engine.receiveReady()
    if (events & WRITABLE) engine.sendReady()
    if (engine.watchInterest() !== 0) engine.watchReady(events)
    this.arm()
  }

  /**
   * Waits for what the pending operations need, or processes them at once when the
   * socket is ready already (a send can make the socket readable without the descriptor
   * signalling).
   */
  arm(): void {
    const engine = this.#engine
    for (;;) {
      if (engine.closed || this.#yielding) return
      if (this.blocked) {
        // Held from garbage collection while operations wait for the bind to end.
        if (engine.pendingCount() > 0) busy.add(engine)
        return
      }
      const watching = engine.watchInterest()
      const interest = engine.interest()
      let events: number
      try {
        events = engine.native.wait(interest)
      } catch (err) {
        return engine.failAll(err)
      }
      if (interest === 0) {
        busy.delete(engine)
        return
      }
      busy.add(engine)
      const ready = events & interest
      if (ready === 0) return
      if (this.budget <= 0) return this.yieldTurn()
      const before = engine.pendingCount()
      if (ready & READABLE) engine.receiveReady()
      if (ready & WRITABLE) engine.sendReady()
      if (watching & ready) engine.watchReady(events)
      // Ready but stuck: try again on the next turn rather than spin.
      if (engine.pendingCount() === before) return this.yieldTurn()
    }
  }

  /** Gives the event loop a turn (timers, I/O) before moving more messages. */
  yieldTurn(): void {
    if (this.#yielding) return
    this.#yielding = true
    const engine = this.#engine
    busy.add(engine)
    setImmediate(() => {
      this.#yielding = false
      if (engine.closed || this.blocked) return
      this.budget = TURN_BUDGET
      engine.receiveReady()
      engine.sendReady()
      this.arm()
    })
  }
}
