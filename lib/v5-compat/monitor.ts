/**
 * zeromq 5.x's socket monitor: after `socket.monitor()` the socket emits `connect`,
 * `listen`, `accept`, `disconnect`, … (the names of `events`) with libzmq's value (a file
 * descriptor, an errno or the reconnect interval), the endpoint, and for the `*_error`
 * events the error. Built on the library's Observer, which delivers events as they
 * come: 5.x polled for them on a timer.
 * Not exported. (No "internal" doc tag on this comment: it would strip the first declaration
 * from the typings.)
 * @module
 */
import type {EventEmitter} from "node:events"
import {Observer, rawEvent, type Event, type ObservableSocket} from "../observer"
import {runCallback} from "./callbacks"
import {events} from "./constants"

type RawEvent = {[rawEvent]?: {id: number; value: number}}

export class Monitor {
  readonly #observer: Observer
  #stopped = false

  /** Starts monitoring `socket`, whose events `owner` emits. */
  constructor(socket: ObservableSocket, owner: EventEmitter) {
    this.#observer = new Observer(socket)
    void this.#forward(owner)
  }

  /** Stops monitoring: no event is emitted from now on. */
  stop(): void {
    if (this.#stopped) return
    this.#stopped = true
    this.#observer.close()
  }

  async #forward(owner: EventEmitter): Promise<void> {
    try {
      for await (const event of this.#observer) {
        if (this.#stopped) break
        const raw = (event as Event & RawEvent)[rawEvent]
        const name = raw === undefined ? undefined : events[raw.id as keyof typeof events]
        // The handshake events are newer than 5.x: it never emitted them.
        if (name === undefined) continue
        const {address, error} = event as {address: string; error?: Error}
        runCallback(() => owner.emit(name, raw!.value, address, error))
      }
    } catch (err) {
      if (!this.#stopped) runCallback(() => owner.emit("monitor_error", err))
    }
  }
}
