/**
 * zeromq 5.x's `proxy(frontend, backend, capture)`: forwards messages between two sockets
 * in JavaScript, through their `message` events (the sockets stay usable; their other
 * listeners still see every message).
 * @module
 */
import type {Message} from "../message"
import {ZMQ_DEALER, ZMQ_PULL, ZMQ_PUSH, ZMQ_ROUTER, ZMQ_XPUB, ZMQ_XSUB} from "./constants"
import {Socket, socketTypeId} from "./socket"

/** The pairs of socket types a proxy joins, frontend first; router/dealer frames carry an envelope. */
const pairs = [
  {frontend: ZMQ_PUSH, backend: ZMQ_PULL, envelope: 0},
  {frontend: ZMQ_PULL, backend: ZMQ_PUSH, envelope: 0},
  {frontend: ZMQ_XPUB, backend: ZMQ_XSUB, envelope: 0},
  {frontend: ZMQ_ROUTER, backend: ZMQ_DEALER, envelope: 2},
]

function checkSocket(what: string, socket: unknown): Socket {
  if (!(socket instanceof Socket)) throw new TypeError(`proxy(): ${what} must be a socket`)
  return socket
}

/**
 * Forwards every message the frontend receives to the backend and back, all frames of
 * it: push/pull (either way round), xpub/xsub and router/dealer (xrep/xreq). With a
 * `capture` socket, the messages going from the backend to the frontend are also sent
 * there (for router/dealer, the frames after the peer's identity and the empty
 * delimiter), as in 5.x.
 * @throws TypeError for another pair of socket types.
 */
export function proxy(frontend: Socket, backend: Socket, capture?: Socket): void {
  checkSocket("frontend", frontend)
  checkSocket("backend", backend)
  if (capture !== undefined) checkSocket("capture", capture)
  const front = socketTypeId(frontend.type)
  const back = socketTypeId(backend.type)
  const pair = pairs.find(p => p.frontend === front && p.backend === back)
  if (pair === undefined) {
    throw new TypeError(
      `proxy(): wrong socket order to proxy (${frontend.type}/${backend.type}); it joins ` +
        "push/pull, pull/push, xpub/xsub and router/dealer",
    )
  }
  frontend.on("message", (...frames: Message[]) => backend.send(frames))
  backend.on("message", (...frames: Message[]) => {
    frontend.send(frames)
    capture?.send(pair.envelope > 0 ? frames.slice(pair.envelope) : frames)
  })
}
