/**
 * The socket classes, one per libzmq socket type, with the options and methods of that
 * type only (see define.ts and the registry in kinds.ts).
 * @module
 */
import type {
  DealerOptionProperties,
  DealerOptions,
  PairOptionProperties,
  PairOptions,
  PublisherOptionProperties,
  PublisherOptions,
  PullOptionProperties,
  PullOptions,
  PushOptionProperties,
  PushOptions,
  ReplyOptionProperties,
  ReplyOptions,
  RequestOptionProperties,
  RequestOptions,
  RouterOptionProperties,
  RouterOptions,
  SocketOptionsByClass,
  StreamOptionProperties,
  StreamOptions,
  SubscriberOptionProperties,
  SubscriberOptions,
  XPublisherOptionProperties,
  XPublisherOptions,
  XSubscriberOptionProperties,
  XSubscriberOptions,
} from "../generated/socket-option-types"
import * as zmq from "../generated/zmq-constants"
import type {MessageLike} from "../message"
import {defineSocketClass} from "./define"
import {engine} from "./internals"
import {SocketType} from "./kinds"
import type {Readable} from "./readable"
import {Socket} from "./socket"
import type {Writable} from "./writable"

/** The typed option properties of socket class `C`, with their documentation. */
export type SocketOptionProperties<C extends keyof SocketOptionsByClass> = SocketOptionsByClass[C]

/** Options for {@link Router.connect} and {@link Stream.connect}. */
export interface RouterConnectOptions {
  /** The routing id the peer gets on this socket (instead of a generated one). */
  routingId?: string
}

/** Options for {@link Stream.connect}. */
export type StreamConnectOptions = RouterConnectOptions

function connectWithRoutingId(
  socket: Socket,
  address: string,
  options: RouterConnectOptions | undefined,
) {
  if (options?.routingId !== undefined) {
    if (typeof options.routingId !== "string") {
      throw new TypeError(`Option "routingId" must be a string, got ${typeof options.routingId}`)
    }
    socket[engine].setRawOption(zmq.ZMQ_CONNECT_ROUTING_ID, options.routingId)
  }
  socket[engine].endpoint("connect", address)
}

function checkPrefixes(method: string, prefixes: unknown[]): (string | Buffer)[] {
  for (const prefix of prefixes) {
    if (typeof prefix !== "string" && !Buffer.isBuffer(prefix)) {
      throw new TypeError(`${method}(): a prefix must be a string or Buffer, got ${typeof prefix}`)
    }
  }
  return prefixes as (string | Buffer)[]
}

/** An exclusive pair: one peer, both directions (usually over `inproc://`). */
export class Pair extends Socket {
  /** A new Pair socket with {@link PairOptions}; an unknown option is a TypeError. */
  constructor(options?: PairOptions) {
    super(SocketType.Pair, options)
  }
}
export interface Pair extends Readable, Writable, PairOptionProperties {}

/** Publishes messages to every subscriber whose subscription prefixes match. */
export class Publisher extends Socket {
  /** A new Publisher socket with {@link PublisherOptions}; an unknown option is a TypeError. */
  constructor(options?: PublisherOptions) {
    super(SocketType.Publisher, options)
  }
}
export interface Publisher extends Writable, PublisherOptionProperties {}

/** Receives the messages of publishers that match its subscriptions (none at first). */
export class Subscriber extends Socket {
  /** A new Subscriber socket with {@link SubscriberOptions}; an unknown option is a TypeError. */
  constructor(options?: SubscriberOptions) {
    super(SocketType.Subscriber, options)
  }

  /**
   * Subscribes to messages whose first frame starts with one of `prefixes`; with no
   * argument, to every message.
   */
  subscribe(...prefixes: Array<Buffer | string>): void {
    if (prefixes.length === 0) prefixes = [""]
    for (const prefix of checkPrefixes("subscribe", prefixes))
      this[engine].setRawOption(zmq.ZMQ_SUBSCRIBE, prefix)
  }

  /** Removes subscriptions made with {@link subscribe} (no argument: the "all" one). */
  unsubscribe(...prefixes: Array<Buffer | string>): void {
    if (prefixes.length === 0) prefixes = [""]
    for (const prefix of checkPrefixes("unsubscribe", prefixes))
      this[engine].setRawOption(zmq.ZMQ_UNSUBSCRIBE, prefix)
  }
}
export interface Subscriber extends Readable, SubscriberOptionProperties {}

/** Sends requests and receives their replies, strictly alternating. */
export class Request extends Socket {
  /** A new Request socket with {@link RequestOptions}; an unknown option is a TypeError. */
  constructor(options?: RequestOptions) {
    super(SocketType.Request, options)
  }
}
export interface Request extends Readable, Writable, RequestOptionProperties {}

/** Receives requests and sends their replies, strictly alternating. */
export class Reply extends Socket {
  /** A new Reply socket with {@link ReplyOptions}; an unknown option is a TypeError. */
  constructor(options?: ReplyOptions) {
    super(SocketType.Reply, options)
  }
}
export interface Reply extends Readable, Writable, ReplyOptionProperties {}

/** Asynchronous requests: sends round-robin, receives fair-queued. */
export class Dealer extends Socket {
  /** A new Dealer socket with {@link DealerOptions}; an unknown option is a TypeError. */
  constructor(options?: DealerOptions) {
    super(SocketType.Dealer, options)
  }
}
export interface Dealer extends Readable, Writable, DealerOptionProperties {}

/**
 * Asynchronous replies: every received message starts with the sender's routing id,
 * and every sent message starts with the routing id of its destination.
 */
export class Router extends Socket {
  /** A new Router socket with {@link RouterOptions}; an unknown option is a TypeError. */
  constructor(options?: RouterOptions) {
    super(SocketType.Router, options)
  }

  /** Connects, optionally giving the peer a routing id of your choice. */
  override connect(address: string, options?: RouterConnectOptions): void {
    connectWithRoutingId(this, address, options)
  }
}
export interface Router extends Readable, Writable, RouterOptionProperties {}

/** Receives messages from pushers (fair-queued): the sink of a pipeline. */
export class Pull extends Socket {
  /** A new Pull socket with {@link PullOptions}; an unknown option is a TypeError. */
  constructor(options?: PullOptions) {
    super(SocketType.Pull, options)
  }
}
export interface Pull extends Readable, PullOptionProperties {}

/** Sends messages round-robin to pullers: the source of a pipeline. */
export class Push extends Socket {
  /** A new Push socket with {@link PushOptions}; an unknown option is a TypeError. */
  constructor(options?: PushOptions) {
    super(SocketType.Push, options)
  }
}
export interface Push extends Writable, PushOptionProperties {}

/** A publisher that also receives the subscription messages of its subscribers. */
export class XPublisher extends Socket {
  /** A new XPublisher socket with {@link XPublisherOptions}; an unknown option is a TypeError. */
  constructor(options?: XPublisherOptions) {
    super(SocketType.XPublisher, options)
  }
}
export interface XPublisher extends Readable, Writable, XPublisherOptionProperties {}

/** A subscriber that subscribes by sending subscription messages (`\x01topic`). */
export class XSubscriber extends Socket {
  /** A new XSubscriber socket with {@link XSubscriberOptions}; an unknown option is a TypeError. */
  constructor(options?: XSubscriberOptions) {
    super(SocketType.XSubscriber, options)
  }
}
export interface XSubscriber extends Readable, Writable, XSubscriberOptionProperties {}

/**
 * Raw TCP: every received message is `[routingId, data]` (empty data on connect and
 * disconnect), and every sent message is `[routingId, data]`.
 */
export class Stream extends Socket {
  /** A new Stream socket with {@link StreamOptions}; an unknown option is a TypeError. */
  constructor(options?: StreamOptions) {
    super(SocketType.Stream, options)
  }

  /** Connects, optionally giving the peer a routing id of your choice. */
  override connect(address: string, options?: StreamConnectOptions): void {
    connectWithRoutingId(this, address, options)
  }
}
export interface Stream
  extends
    Readable<[Buffer, Buffer]>,
    Writable<[MessageLike, MessageLike]>,
    StreamOptionProperties {}

for (const [cls, name] of [
  [Pair, "Pair"],
  [Publisher, "Publisher"],
  [Subscriber, "Subscriber"],
  [Request, "Request"],
  [Reply, "Reply"],
  [Dealer, "Dealer"],
  [Router, "Router"],
  [Pull, "Pull"],
  [Push, "Push"],
  [XPublisher, "XPublisher"],
  [XSubscriber, "XSubscriber"],
  [Stream, "Stream"],
] as const) {
  defineSocketClass(cls, name)
}
