/**
 * The socket classes, one per libzmq socket type, with the options and methods of
 * that type only.
 * @module
 */
import * as zmq from "./generated/zmq-constants"
import type {MessageLike} from "./message"
import {
  socketOptions,
  type OptionSpec,
  type OptionReadValue,
  type OptionWriteValue,
} from "./options"
import {
  makeReadable,
  makeWritable,
  Socket,
  type Readable,
  type SocketOptions,
  type Writable,
} from "./socket"

type Table = typeof socketOptions
type Name = keyof Table & string

/** The option names a socket class has: every option without `sockets`, or listing the class. */
type OptionNameOf<C extends string> = {
  [K in Name]: Table[K] extends {sockets: readonly (infer S)[]} ? (C extends S ? K : never) : K
}[Name]

/** The typed option properties of socket class `C`, with the table's docs. */
export type SocketOptionProperties<C extends string> = {
  -readonly [
    K in OptionNameOf<C> as Table[K]["access"] extends "rw" | "w" ? K : never
  ]: OptionWriteValue<Table[K]>
} & {
  readonly [K in OptionNameOf<C> as Table[K]["access"] extends "r" ? K : never]: OptionReadValue<
    Table[K]
  >
}

/**
 * Gives a socket class its option accessors and its list of option names (for
 * constructor checks and "did you mean" hints).
 * @internal
 */
export function defineSocketClass(
  cls: {prototype: object; name: string},
  className = cls.name,
): void {
  const names = new Set<string>()
  for (const [name, spec] of Object.entries(socketOptions) as [string, OptionSpec][]) {
    if (spec.sockets !== undefined && !(spec.sockets as readonly string[]).includes(className))
      continue
    names.add(name)
    if (Object.getOwnPropertyDescriptor(cls.prototype, name)) continue
    // Accessors throw for the wrong direction: silently ignoring an assignment to a
    // read-only option (sloppy-mode code) would hide a bug.
    Object.defineProperty(cls.prototype, name, {
      get(this: Socket) {
        if (spec.access === "w") throw new TypeError(`Option "${name}" is write-only`)
        return this._getOption(name)
      },
      set(this: Socket, value: unknown) {
        if (spec.access === "r") throw new TypeError(`Option "${name}" is read-only`)
        this._setOption(name, value)
      },
      configurable: true,
      enumerable: false,
    })
  }
  Object.defineProperty(cls, "_optionNames", {value: names})
}

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
    socket._setRawOption(zmq.ZMQ_CONNECT_ROUTING_ID, options.routingId)
  }
  // The base method: Router and Stream override connect() with this function.
  Socket.prototype.connect.call(socket, address)
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
  constructor(options?: SocketOptions<Pair>) {
    super(zmq.ZMQ_PAIR, options)
  }
}
export interface Pair extends Readable, Writable, SocketOptionProperties<"Pair"> {}

/** Publishes messages to every subscriber whose subscription prefixes match. */
export class Publisher extends Socket {
  constructor(options?: SocketOptions<Publisher>) {
    super(zmq.ZMQ_PUB, options)
  }
}
export interface Publisher extends Writable, SocketOptionProperties<"Publisher"> {}

/** Receives the messages of publishers that match its subscriptions (none at first). */
export class Subscriber extends Socket {
  constructor(options?: SocketOptions<Subscriber>) {
    super(zmq.ZMQ_SUB, options)
  }

  /**
   * Subscribes to messages whose first frame starts with one of `prefixes`; with no
   * argument, to every message.
   */
  subscribe(...prefixes: Array<Buffer | string>): void {
    if (prefixes.length === 0) prefixes = [""]
    for (const prefix of checkPrefixes("subscribe", prefixes))
      this._setRawOption(zmq.ZMQ_SUBSCRIBE, prefix)
  }

  /** Removes subscriptions made with {@link subscribe} (no argument: the "all" one). */
  unsubscribe(...prefixes: Array<Buffer | string>): void {
    if (prefixes.length === 0) prefixes = [""]
    for (const prefix of checkPrefixes("unsubscribe", prefixes))
      this._setRawOption(zmq.ZMQ_UNSUBSCRIBE, prefix)
  }
}
export interface Subscriber extends Readable, SocketOptionProperties<"Subscriber"> {}

/** Sends requests and receives their replies, strictly alternating. */
export class Request extends Socket {
  constructor(options?: SocketOptions<Request>) {
    super(zmq.ZMQ_REQ, options)
  }
}
export interface Request extends Readable, Writable, SocketOptionProperties<"Request"> {}

/** Receives requests and sends their replies, strictly alternating. */
export class Reply extends Socket {
  constructor(options?: SocketOptions<Reply>) {
    super(zmq.ZMQ_REP, options)
  }
}
export interface Reply extends Readable, Writable, SocketOptionProperties<"Reply"> {}

/** Asynchronous requests: sends round-robin, receives fair-queued. */
export class Dealer extends Socket {
  constructor(options?: SocketOptions<Dealer>) {
    super(zmq.ZMQ_DEALER, options)
  }
}
export interface Dealer extends Readable, Writable, SocketOptionProperties<"Dealer"> {}

/**
 * Asynchronous replies: every received message starts with the sender's routing id,
 * and every sent message starts with the routing id of its destination.
 */
export class Router extends Socket {
  constructor(options?: SocketOptions<Router>) {
    super(zmq.ZMQ_ROUTER, options)
  }

  /** Connects, optionally giving the peer a routing id of your choice. */
  override connect(address: string, options?: RouterConnectOptions): void {
    connectWithRoutingId(this, address, options)
  }
}
export interface Router extends Readable, Writable, SocketOptionProperties<"Router"> {}

/** Receives messages from pushers (fair-queued): the sink of a pipeline. */
export class Pull extends Socket {
  constructor(options?: SocketOptions<Pull>) {
    super(zmq.ZMQ_PULL, options)
  }
}
export interface Pull extends Readable, SocketOptionProperties<"Pull"> {}

/** Sends messages round-robin to pullers: the source of a pipeline. */
export class Push extends Socket {
  constructor(options?: SocketOptions<Push>) {
    super(zmq.ZMQ_PUSH, options)
  }
}
export interface Push extends Writable, SocketOptionProperties<"Push"> {}

/** A publisher that also receives the subscription messages of its subscribers. */
export class XPublisher extends Socket {
  constructor(options?: SocketOptions<XPublisher>) {
    super(zmq.ZMQ_XPUB, options)
  }
}
export interface XPublisher extends Readable, Writable, SocketOptionProperties<"XPublisher"> {}

/** A subscriber that subscribes by sending subscription messages (`\x01topic`). */
export class XSubscriber extends Socket {
  constructor(options?: SocketOptions<XSubscriber>) {
    super(zmq.ZMQ_XSUB, options)
  }
}
export interface XSubscriber extends Readable, Writable, SocketOptionProperties<"XSubscriber"> {}

/**
 * Raw TCP: every received message is `[routingId, data]` (empty data on connect and
 * disconnect), and every sent message is `[routingId, data]`.
 */
export class Stream extends Socket {
  constructor(options?: SocketOptions<Stream>) {
    super(zmq.ZMQ_STREAM, options)
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
    SocketOptionProperties<"Stream"> {}

for (const cls of [
  Pair,
  Publisher,
  Subscriber,
  Request,
  Reply,
  Dealer,
  Router,
  Pull,
  Push,
  XPublisher,
  XSubscriber,
  Stream,
]) {
  defineSocketClass(cls)
}
for (const cls of [
  Pair,
  Subscriber,
  Request,
  Reply,
  Dealer,
  Router,
  Pull,
  XPublisher,
  XSubscriber,
  Stream,
]) {
  makeReadable(cls)
}
for (const cls of [
  Pair,
  Publisher,
  Request,
  Reply,
  Dealer,
  Router,
  Push,
  XPublisher,
  XSubscriber,
  Stream,
]) {
  makeWritable(cls)
}

/** The libzmq socket type numbers, by class name. */
export const SocketType = {
  Pair: zmq.ZMQ_PAIR,
  Publisher: zmq.ZMQ_PUB,
  Subscriber: zmq.ZMQ_SUB,
  Request: zmq.ZMQ_REQ,
  Reply: zmq.ZMQ_REP,
  Dealer: zmq.ZMQ_DEALER,
  Router: zmq.ZMQ_ROUTER,
  Pull: zmq.ZMQ_PULL,
  Push: zmq.ZMQ_PUSH,
  XPublisher: zmq.ZMQ_XPUB,
  XSubscriber: zmq.ZMQ_XSUB,
  Stream: zmq.ZMQ_STREAM,
  Server: zmq.ZMQ_SERVER,
  Client: zmq.ZMQ_CLIENT,
  Radio: zmq.ZMQ_RADIO,
  Dish: zmq.ZMQ_DISH,
  Gather: zmq.ZMQ_GATHER,
  Scatter: zmq.ZMQ_SCATTER,
  Datagram: zmq.ZMQ_DGRAM,
  Peer: zmq.ZMQ_PEER,
  Channel: zmq.ZMQ_CHANNEL,
} as const
