/**
 * The registry of socket kinds: each libzmq socket type once, with what it can do. The
 * socket classes, which options each class has, and the typings are derived from it.
 * Internal: not part of the public API.
 * @module
 */
import * as zmq from "../generated/zmq-constants"

/** What a received message of a draft socket carries besides its one frame. */
export type Routing = "routingId" | "group"

export interface SocketKind {
  /** The libzmq socket type (`ZMQ_*`). */
  readonly type: number
  /** Whether the socket sends (`send()`, `sendMany()`, …). */
  readonly sends: boolean
  /** Whether the socket receives (`receive()`, iteration, …). */
  readonly receives: boolean
  /** A DRAFT socket type of libzmq: needs a libzmq built with draft APIs. */
  readonly draft: boolean
  /** libzmq's thread-safe sockets: no ZMQ_FD, single-part messages only. */
  readonly threadSafe: boolean
  /** Draft sockets whose messages carry a routing id or a group. */
  readonly routing?: Routing
}

function kind(
  type: number,
  sends: boolean,
  receives: boolean,
  draft: Partial<Pick<SocketKind, "threadSafe" | "routing">> | undefined = undefined,
): SocketKind {
  return {
    type,
    sends,
    receives,
    draft: draft !== undefined,
    threadSafe: draft?.threadSafe ?? false,
    routing: draft?.routing,
  }
}

/** Every socket class name, with its kind. Names follow zeromq v6. */
export const socketKinds = {
  /** `ZMQ_PAIR`. */
  Pair: kind(zmq.ZMQ_PAIR, true, true),
  /** `ZMQ_PUB`. */
  Publisher: kind(zmq.ZMQ_PUB, true, false),
  /** `ZMQ_SUB`. */
  Subscriber: kind(zmq.ZMQ_SUB, false, true),
  /** `ZMQ_XPUB`. */
  XPublisher: kind(zmq.ZMQ_XPUB, true, true),
  /** `ZMQ_XSUB`. */
  XSubscriber: kind(zmq.ZMQ_XSUB, true, true),
  /** `ZMQ_REQ`. */
  Request: kind(zmq.ZMQ_REQ, true, true),
  /** `ZMQ_REP`. */
  Reply: kind(zmq.ZMQ_REP, true, true),
  /** `ZMQ_DEALER`. */
  Dealer: kind(zmq.ZMQ_DEALER, true, true),
  /** `ZMQ_ROUTER`. */
  Router: kind(zmq.ZMQ_ROUTER, true, true),
  /** `ZMQ_PUSH`. */
  Push: kind(zmq.ZMQ_PUSH, true, false),
  /** `ZMQ_PULL`. */
  Pull: kind(zmq.ZMQ_PULL, false, true),
  /** `ZMQ_STREAM`. */
  Stream: kind(zmq.ZMQ_STREAM, true, true),
  /** `ZMQ_SERVER` (draft). */
  Server: kind(zmq.ZMQ_SERVER, true, true, {threadSafe: true, routing: "routingId"}),
  /** `ZMQ_CLIENT` (draft). */
  Client: kind(zmq.ZMQ_CLIENT, true, true, {threadSafe: true}),
  /** `ZMQ_RADIO` (draft). */
  Radio: kind(zmq.ZMQ_RADIO, true, false, {threadSafe: true, routing: "group"}),
  /** `ZMQ_DISH` (draft). */
  Dish: kind(zmq.ZMQ_DISH, false, true, {threadSafe: true, routing: "group"}),
  /** `ZMQ_GATHER` (draft). */
  Gather: kind(zmq.ZMQ_GATHER, false, true, {threadSafe: true}),
  /** `ZMQ_SCATTER` (draft). */
  Scatter: kind(zmq.ZMQ_SCATTER, true, false, {threadSafe: true}),
  /** `ZMQ_DGRAM` (draft). */
  Datagram: kind(zmq.ZMQ_DGRAM, true, true, {}),
  /** `ZMQ_PEER` (draft). */
  Peer: kind(zmq.ZMQ_PEER, true, true, {threadSafe: true, routing: "routingId"}),
  /** `ZMQ_CHANNEL` (draft). */
  Channel: kind(zmq.ZMQ_CHANNEL, true, true, {threadSafe: true}),
} as const satisfies Record<string, SocketKind>

/** A socket class name: `"Dealer"`, `"Push"`, … */
export type SocketClassName = keyof typeof socketKinds

/** Every socket class name, in the registry's order. */
export const socketClassNames = Object.keys(socketKinds) as SocketClassName[]

/** The names of the kinds for which `test` holds. */
export function kindsWhere(test: (kind: SocketKind) => boolean): SocketClassName[] {
  return socketClassNames.filter(name => test(socketKinds[name]))
}

/**
 * The libzmq socket type numbers, by class name (mapped over the registry, so that each entry
 * keeps its doc comment).
 */
export const SocketType = Object.freeze(
  Object.fromEntries(socketClassNames.map(name => [name, socketKinds[name].type])),
) as {readonly [N in keyof typeof socketKinds]: number}

/** The class name of a libzmq socket type, or undefined. */
export function kindNameOf(type: number): SocketClassName | undefined {
  return socketClassNames.find(name => socketKinds[name].type === type)
}
