/**
 * Draft socket types (libzmq's thread-safe and UDP sockets), from
 * `zeromq-napi/draft`. They need a libzmq built with draft APIs: check
 * `capability.draft`; constructing one without it throws a ZmqError with code
 * `ENOTSUP`.
 * @module
 */
import {zmqError} from "./errors"
// socket.events needs the observer module registered, also when only "./draft" is imported.
import "./observer"
import * as zmq from "./generated/zmq-constants"
import type {Message, MessageLike} from "./message"
import {binding} from "./native"
import {
  makeReadable,
  makeWritable,
  Socket,
  type DraftReceiveInfo,
  type OperationOptions,
  type Readable,
  type SocketOptions,
  type Writable,
} from "./socket"
import {defineSocketClass, type SocketOptionProperties} from "./socket-types"

function draftSocket(type: number, name: string): number {
  if (!binding.capability.draft) {
    throw zmqError(
      "ENOTSUP",
      `${name} is a draft socket type, and this build of libzmq has no draft APIs ` +
        "(capability.draft is false)",
    )
  }
  return type
}

function checkGroup(method: string, group: unknown): string {
  if (typeof group !== "string") throw new TypeError(`${method}(): group must be a string`)
  // libzmq's limit (ZMQ_GROUP_MAX_LENGTH) counts bytes.
  if (Buffer.byteLength(group) > 15)
    throw new RangeError(`${method}(): group "${group}" is longer than 15 bytes`)
  return group
}

/** Routing information of a message received by a {@link Server} or {@link Peer}. */
export interface RoutingInfo {
  routingId: number
}
/** Send options of a {@link Server} or {@link Peer}: whom to send to. */
export interface RoutingOptions extends OperationOptions {
  routingId: number
}
/** Group of a message received by a {@link Dish}. */
export interface GroupInfo {
  group: string
}
/** Send options of a {@link Radio}: which group to publish to. */
export interface GroupOptions extends OperationOptions {
  group: string
}

function withRoutingId(parts: Message[], info: DraftReceiveInfo): unknown {
  return [parts[0], {routingId: info.routingId}]
}

/** Replies to {@link Client}s; every message carries the client's routing id. */
export class Server extends Socket {
  constructor(options?: SocketOptions<Server>) {
    super(draftSocket(zmq.ZMQ_SERVER, "Server"), options)
  }
  protected override _draftMessage(parts: Message[], info: DraftReceiveInfo): unknown {
    return withRoutingId(parts, info)
  }
}
export interface Server
  extends
    Readable<[Message, RoutingInfo]>,
    Writable<MessageLike, RoutingOptions>,
    SocketOptionProperties<"Server"> {}

/** Talks to a {@link Server}: single-part messages, round-robin over servers. */
export class Client extends Socket {
  constructor(options?: SocketOptions<Client>) {
    super(draftSocket(zmq.ZMQ_CLIENT, "Client"), options)
  }
}
export interface Client extends Readable, Writable<MessageLike>, SocketOptionProperties<"Client"> {}

/** Publishes single-part messages to groups; {@link Dish}es join the groups they want. */
export class Radio extends Socket {
  constructor(options?: SocketOptions<Radio>) {
    super(draftSocket(zmq.ZMQ_RADIO, "Radio"), options)
  }
}
export interface Radio
  extends Writable<MessageLike, GroupOptions>, SocketOptionProperties<"Radio"> {}

/** Receives the messages of {@link Radio}s for the groups it joined. */
export class Dish extends Socket {
  constructor(options?: SocketOptions<Dish>) {
    super(draftSocket(zmq.ZMQ_DISH, "Dish"), options)
  }

  /** Joins groups (each at most 15 bytes). */
  join(...groups: string[]): void {
    for (const group of groups) this._call(native => native.join(checkGroup("join", group)))
  }

  /** Leaves groups joined with {@link join}. */
  leave(...groups: string[]): void {
    for (const group of groups) this._call(native => native.leave(checkGroup("leave", group)))
  }

  protected override _draftMessage(parts: Message[], info: DraftReceiveInfo): unknown {
    return [parts[0], {group: info.group}]
  }
}
export interface Dish extends Readable<[Message, GroupInfo]>, SocketOptionProperties<"Dish"> {}

/** Collects single-part messages from {@link Scatter}s (fair-queued). */
export class Gather extends Socket {
  constructor(options?: SocketOptions<Gather>) {
    super(draftSocket(zmq.ZMQ_GATHER, "Gather"), options)
  }
}
export interface Gather extends Readable, SocketOptionProperties<"Gather"> {}

/** Distributes single-part messages to {@link Gather}s (round-robin). */
export class Scatter extends Socket {
  constructor(options?: SocketOptions<Scatter>) {
    super(draftSocket(zmq.ZMQ_SCATTER, "Scatter"), options)
  }
}
export interface Scatter extends Writable<MessageLike>, SocketOptionProperties<"Scatter"> {}

/**
 * UDP datagrams: every message is `[address, data]`, the address being
 * `"ip:port"` of the peer (received, as libzmq gives it: with a trailing NUL byte)
 * or of the destination (sent). UDP may drop datagrams, and libzmq opens a bound
 * port shortly after `bind()` returns. libzmq 4.3.4 cannot bind `udp://…:*`.
 */
export class Datagram extends Socket {
  constructor(options?: SocketOptions<Datagram>) {
    super(draftSocket(zmq.ZMQ_DGRAM, "Datagram"), options)
  }
}
export interface Datagram
  extends
    Readable<[Message, Message]>,
    Writable<[MessageLike, MessageLike]>,
    SocketOptionProperties<"Datagram"> {}

/** Like {@link Server}, but can also connect: {@link connectPeer} returns the peer's routing id. */
export class Peer extends Socket {
  constructor(options?: SocketOptions<Peer>) {
    super(draftSocket(zmq.ZMQ_PEER, "Peer"), options)
  }

  /** Connects to a peer and returns the routing id to send to it with. */
  connectPeer(address: string): number {
    if (typeof address !== "string")
      throw new TypeError("connectPeer(address): address must be a string")
    const routingId = this._call(native => native.connectPeer(address), address)
    this._recheck()
    return routingId
  }

  protected override _draftMessage(parts: Message[], info: DraftReceiveInfo): unknown {
    return withRoutingId(parts, info)
  }
}
export interface Peer
  extends
    Readable<[Message, RoutingInfo]>,
    Writable<MessageLike, RoutingOptions>,
    SocketOptionProperties<"Peer"> {}

/** A thread-safe {@link Pair}: one peer, both directions, single-part messages. */
export class Channel extends Socket {
  constructor(options?: SocketOptions<Channel>) {
    super(draftSocket(zmq.ZMQ_CHANNEL, "Channel"), options)
  }
}
export interface Channel
  extends Readable, Writable<MessageLike>, SocketOptionProperties<"Channel"> {}

for (const cls of [Server, Client, Radio, Dish, Gather, Scatter, Datagram, Peer, Channel]) {
  defineSocketClass(cls)
}
for (const cls of [Server, Client, Dish, Gather, Datagram, Peer, Channel]) makeReadable(cls)
for (const cls of [Client, Scatter, Datagram, Channel]) makeWritable(cls)
for (const cls of [Server, Radio, Peer]) makeWritable(cls, true)
