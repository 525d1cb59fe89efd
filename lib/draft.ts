/**
 * Draft socket types (libzmq's thread-safe and UDP sockets), from
 * `zeromq-napi/draft`. They need a libzmq built with draft APIs: check
 * `capability.draft`; constructing one without it throws a ZmqError with code
 * `ENOTSUP`.
 * @module
 */
import {binding} from "./addon"
import {zmqError} from "./errors"
import type {
  ChannelOptionProperties,
  ChannelOptions,
  ClientOptionProperties,
  ClientOptions,
  DatagramOptionProperties,
  DatagramOptions,
  DishOptionProperties,
  DishOptions,
  GatherOptionProperties,
  GatherOptions,
  PeerOptionProperties,
  PeerOptions,
  RadioOptionProperties,
  RadioOptions,
  ScatterOptionProperties,
  ScatterOptions,
  ServerOptionProperties,
  ServerOptions,
} from "./generated/socket-option-types"
import type {Message, MessageLike} from "./message"
import {defineSocketClass} from "./socket/define"
import {engine} from "./socket/internals"
import {SocketType, type SocketClassName} from "./socket/kinds"
import type {OperationOptions, Readable} from "./socket/readable"
import {Socket} from "./socket/socket"
import type {Writable} from "./socket/writable"

function draftSocket(name: SocketClassName): number {
  if (!binding.capability.draft) {
    throw zmqError(
      "ENOTSUP",
      `${name} is a draft socket type, and this build of libzmq has no draft APIs ` +
        "(capability.draft is false)",
    )
  }
  return SocketType[name]
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
  /** The peer that sent the message: pass it as `routingId` to reply to that peer. */
  routingId: number
}
/** Send options of a {@link Server} or {@link Peer}: whom to send to. */
export interface RoutingOptions extends OperationOptions {
  /** The peer to send to, as received in {@link RoutingInfo}. */
  routingId: number
}
/** Group of a message received by a {@link Dish}. */
export interface GroupInfo {
  /** The group the message was published to. */
  group: string
}
/** Send options of a {@link Radio}: which group to publish to. */
export interface GroupOptions extends OperationOptions {
  /** The group to publish to: at most 15 bytes. */
  group: string
}

/** Replies to {@link Client}s; every message carries the client's routing id. */
export class Server extends Socket {
  /** A new Server with {@link ServerOptions}; a ZmqError `ENOTSUP` without draft APIs. */
  constructor(options?: ServerOptions) {
    super(draftSocket("Server"), options)
  }
}
export interface Server
  extends
    Readable<[Message, RoutingInfo]>,
    Writable<MessageLike, RoutingOptions>,
    ServerOptionProperties {}

/** Talks to a {@link Server}: single-part messages, round-robin over servers. */
export class Client extends Socket {
  /** A new Client with {@link ClientOptions}; a ZmqError `ENOTSUP` without draft APIs. */
  constructor(options?: ClientOptions) {
    super(draftSocket("Client"), options)
  }
}
export interface Client extends Readable, Writable<MessageLike>, ClientOptionProperties {}

/** Publishes single-part messages to groups; {@link Dish}es join the groups they want. */
export class Radio extends Socket {
  /** A new Radio with {@link RadioOptions}; a ZmqError `ENOTSUP` without draft APIs. */
  constructor(options?: RadioOptions) {
    super(draftSocket("Radio"), options)
  }
}
export interface Radio extends Writable<MessageLike, GroupOptions>, RadioOptionProperties {}

/** Receives the messages of {@link Radio}s for the groups it joined. */
export class Dish extends Socket {
  /** A new Dish with {@link DishOptions}; a ZmqError `ENOTSUP` without draft APIs. */
  constructor(options?: DishOptions) {
    super(draftSocket("Dish"), options)
  }

  /** Joins groups (each at most 15 bytes). */
  join(...groups: string[]): void {
    for (const group of groups) this[engine].call(native => native.join(checkGroup("join", group)))
  }

  /** Leaves groups joined with {@link join}. */
  leave(...groups: string[]): void {
    for (const group of groups) {
      this[engine].call(native => native.leave(checkGroup("leave", group)))
    }
  }
}
export interface Dish extends Readable<[Message, GroupInfo]>, DishOptionProperties {}

/** Collects single-part messages from {@link Scatter}s (fair-queued). */
export class Gather extends Socket {
  /** A new Gather with {@link GatherOptions}; a ZmqError `ENOTSUP` without draft APIs. */
  constructor(options?: GatherOptions) {
    super(draftSocket("Gather"), options)
  }
}
export interface Gather extends Readable, GatherOptionProperties {}

/** Distributes single-part messages to {@link Gather}s (round-robin). */
export class Scatter extends Socket {
  /** A new Scatter with {@link ScatterOptions}; a ZmqError `ENOTSUP` without draft APIs. */
  constructor(options?: ScatterOptions) {
    super(draftSocket("Scatter"), options)
  }
}
export interface Scatter extends Writable<MessageLike>, ScatterOptionProperties {}

/**
 * UDP datagrams: every message is `[address, data]`, the address being
 * `"ip:port"` of the peer (received, as libzmq gives it: with a trailing NUL byte)
 * or of the destination (sent). UDP may drop datagrams, and libzmq opens a bound
 * port shortly after `bind()` returns. libzmq 4.3.4 cannot bind `udp://…:*`.
 */
export class Datagram extends Socket {
  /** A new Datagram with {@link DatagramOptions}; a ZmqError `ENOTSUP` without draft APIs. */
  constructor(options?: DatagramOptions) {
    super(draftSocket("Datagram"), options)
  }
}
export interface Datagram
  extends
    Readable<[Message, Message]>,
    Writable<[MessageLike, MessageLike]>,
    DatagramOptionProperties {}

/** Like {@link Server}, but can also connect: {@link connectPeer} returns the peer's routing id. */
export class Peer extends Socket {
  /** A new Peer with {@link PeerOptions}; a ZmqError `ENOTSUP` without draft APIs. */
  constructor(options?: PeerOptions) {
    super(draftSocket("Peer"), options)
  }

  /** Connects to a peer and returns the routing id to send to it with. */
  connectPeer(address: string): number {
    if (typeof address !== "string")
      throw new TypeError("connectPeer(address): address must be a string")
    const socket = this[engine]
    const routingId = socket.call(native => native.connectPeer(address), address)
    socket.readiness.recheck()
    return routingId
  }
}
export interface Peer
  extends
    Readable<[Message, RoutingInfo]>,
    Writable<MessageLike, RoutingOptions>,
    PeerOptionProperties {}

/** A thread-safe {@link index!Pair}: one peer, both directions, single-part messages. */
export class Channel extends Socket {
  /** A new Channel with {@link ChannelOptions}; a ZmqError `ENOTSUP` without draft APIs. */
  constructor(options?: ChannelOptions) {
    super(draftSocket("Channel"), options)
  }
}
export interface Channel extends Readable, Writable<MessageLike>, ChannelOptionProperties {}

for (const [cls, name] of [
  [Server, "Server"],
  [Client, "Client"],
  [Radio, "Radio"],
  [Dish, "Dish"],
  [Gather, "Gather"],
  [Scatter, "Scatter"],
  [Datagram, "Datagram"],
  [Peer, "Peer"],
  [Channel, "Channel"],
] as const) {
  defineSocketClass(cls, name)
}
