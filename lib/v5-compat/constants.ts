/**
 * The constants and name tables of the `zeromq` 5.x API: socket types, socket option ids,
 * poll and send flags, and the maps from the names 5.x code uses to them. Values come
 * from libzmq's header (lib/generated/zmq-constants.ts); only the names libzmq 4 no longer
 * has are spelled out here.
 * @module
 */
import * as zmq from "../generated/zmq-constants"

// ---- socket types ---------------------------------------------------------------------

/** Socket type `pair`. */
export const ZMQ_PAIR = zmq.ZMQ_PAIR
/** Socket type `pub`. */
export const ZMQ_PUB = zmq.ZMQ_PUB
/** Socket type `sub`. */
export const ZMQ_SUB = zmq.ZMQ_SUB
/** Socket type `req`. */
export const ZMQ_REQ = zmq.ZMQ_REQ
/** Socket type `rep`. */
export const ZMQ_REP = zmq.ZMQ_REP
/** Socket type `dealer`. */
export const ZMQ_DEALER = zmq.ZMQ_DEALER
/** Socket type `xreq`: the old name of `dealer`. */
export const ZMQ_XREQ = zmq.ZMQ_DEALER
/** Socket type `router`. */
export const ZMQ_ROUTER = zmq.ZMQ_ROUTER
/** Socket type `xrep`: the old name of `router`. */
export const ZMQ_XREP = zmq.ZMQ_ROUTER
/** Socket type `pull`. */
export const ZMQ_PULL = zmq.ZMQ_PULL
/** Socket type `push`. */
export const ZMQ_PUSH = zmq.ZMQ_PUSH
/** Socket type `xpub`. */
export const ZMQ_XPUB = zmq.ZMQ_XPUB
/** Socket type `xsub`. */
export const ZMQ_XSUB = zmq.ZMQ_XSUB
/** Socket type `stream`. */
export const ZMQ_STREAM = zmq.ZMQ_STREAM

// ---- socket options (ids for setsockopt/getsockopt) -----------------------------------

/** libzmq 2's high-water mark: libzmq 4 refuses it with EINVAL (use ZMQ_SNDHWM, ZMQ_RCVHWM). */
export const ZMQ_HWM = 1
/** libzmq 2's swap size: libzmq 4 refuses it with EINVAL. */
export const ZMQ_SWAP = 3
/** I/O thread affinity bitmask. */
export const ZMQ_AFFINITY = zmq.ZMQ_AFFINITY
/** The socket's identity (libzmq 4: its routing id). */
export const ZMQ_IDENTITY = zmq.ZMQ_ROUTING_ID
/** Adds a subscription (`sub`). */
export const ZMQ_SUBSCRIBE = zmq.ZMQ_SUBSCRIBE
/** Removes a subscription (`sub`). */
export const ZMQ_UNSUBSCRIBE = zmq.ZMQ_UNSUBSCRIBE
/** Multicast data rate (kbit/s). */
export const ZMQ_RATE = zmq.ZMQ_RATE
/** Multicast recovery interval (ms). */
export const ZMQ_RECOVERY_IVL = zmq.ZMQ_RECOVERY_IVL
/** libzmq 2's multicast loopback: libzmq 4 refuses it with EINVAL. */
export const ZMQ_MCAST_LOOP = 10
/** Kernel send buffer size (bytes). */
export const ZMQ_SNDBUF = zmq.ZMQ_SNDBUF
/** Kernel receive buffer size (bytes). */
export const ZMQ_RCVBUF = zmq.ZMQ_RCVBUF
/** Whether more frames follow: always 0 here, as messages are received whole. */
export const ZMQ_RCVMORE = zmq.ZMQ_RCVMORE
/** The socket's file descriptor (read-only; never read from it or close it). */
export const ZMQ_FD = zmq.ZMQ_FD
/** The socket's readiness: ZMQ_POLLIN and ZMQ_POLLOUT bits (read-only). */
export const ZMQ_EVENTS = zmq.ZMQ_EVENTS
/** The socket's libzmq type number (read-only). */
export const ZMQ_TYPE = zmq.ZMQ_TYPE
/** How long (ms) closing waits to deliver queued messages. */
export const ZMQ_LINGER = zmq.ZMQ_LINGER
/** Reconnection interval (ms). */
export const ZMQ_RECONNECT_IVL = zmq.ZMQ_RECONNECT_IVL
/** Listen backlog. */
export const ZMQ_BACKLOG = zmq.ZMQ_BACKLOG
/**
 * zeromq 5.x's number for libzmq 2's millisecond recovery interval: libzmq 4 refuses it
 * with EINVAL (ZMQ_RECOVERY_IVL is in milliseconds there).
 */
export const ZMQ_RECOVERY_IVL_MSEC = 20
/** Maximum reconnection interval (ms). */
export const ZMQ_RECONNECT_IVL_MAX = zmq.ZMQ_RECONNECT_IVL_MAX
/** Largest message accepted (bytes; -1: no limit). */
export const ZMQ_MAXMSGSIZE = zmq.ZMQ_MAXMSGSIZE
/** Send high-water mark (messages). */
export const ZMQ_SNDHWM = zmq.ZMQ_SNDHWM
/** Receive high-water mark (messages). */
export const ZMQ_RCVHWM = zmq.ZMQ_RCVHWM
/** Multicast hops. */
export const ZMQ_MULTICAST_HOPS = zmq.ZMQ_MULTICAST_HOPS
/** libzmq's receive timeout (ms): no effect on `message` events. */
export const ZMQ_RCVTIMEO = zmq.ZMQ_RCVTIMEO
/** libzmq's send timeout (ms): no effect on `send()`, which never blocks. */
export const ZMQ_SNDTIMEO = zmq.ZMQ_SNDTIMEO
/** IPv4 only (1, the default) or IPv6 too (0). */
export const ZMQ_IPV4ONLY = zmq.ZMQ_IPV4ONLY
/** The last endpoint bound or connected (read-only). */
export const ZMQ_LAST_ENDPOINT = zmq.ZMQ_LAST_ENDPOINT
/** `router`: fail sends to unknown peers (EHOSTUNREACH) instead of dropping them. */
export const ZMQ_ROUTER_MANDATORY = zmq.ZMQ_ROUTER_MANDATORY
/** TCP keepalive (-1 system default, 0 off, 1 on). */
export const ZMQ_TCP_KEEPALIVE = zmq.ZMQ_TCP_KEEPALIVE
/** TCP keepalive probe count. */
export const ZMQ_TCP_KEEPALIVE_CNT = zmq.ZMQ_TCP_KEEPALIVE_CNT
/** TCP keepalive idle time (s). */
export const ZMQ_TCP_KEEPALIVE_IDLE = zmq.ZMQ_TCP_KEEPALIVE_IDLE
/** TCP keepalive probe interval (s). */
export const ZMQ_TCP_KEEPALIVE_INTVL = zmq.ZMQ_TCP_KEEPALIVE_INTVL
/** Adds a TCP accept filter (deprecated by libzmq). */
export const ZMQ_TCP_ACCEPT_FILTER = zmq.ZMQ_TCP_ACCEPT_FILTER
/** Queue messages only to completed connections (libzmq 4: ZMQ_IMMEDIATE). */
export const ZMQ_DELAY_ATTACH_ON_CONNECT = zmq.ZMQ_IMMEDIATE
/** `xpub`: pass every subscription on, not only new ones (write-only). */
export const ZMQ_XPUB_VERBOSE = zmq.ZMQ_XPUB_VERBOSE
/** `router`: raw TCP mode (deprecated by libzmq; use `stream`). */
export const ZMQ_ROUTER_RAW = zmq.ZMQ_ROUTER_RAW
/** Enables IPv6. */
export const ZMQ_IPV6 = zmq.ZMQ_IPV6
/** The security mechanism: 0 null, 1 PLAIN, 2 CURVE, 3 GSSAPI (read-only). */
export const ZMQ_MECHANISM = zmq.ZMQ_MECHANISM
/** PLAIN server role. */
export const ZMQ_PLAIN_SERVER = zmq.ZMQ_PLAIN_SERVER
/** PLAIN user name. */
export const ZMQ_PLAIN_USERNAME = zmq.ZMQ_PLAIN_USERNAME
/** PLAIN password. */
export const ZMQ_PLAIN_PASSWORD = zmq.ZMQ_PLAIN_PASSWORD
/** CURVE server role. */
export const ZMQ_CURVE_SERVER = zmq.ZMQ_CURVE_SERVER
/** CURVE public key (Z85 string or 32 bytes). */
export const ZMQ_CURVE_PUBLICKEY = zmq.ZMQ_CURVE_PUBLICKEY
/** CURVE secret key (Z85 string or 32 bytes). */
export const ZMQ_CURVE_SECRETKEY = zmq.ZMQ_CURVE_SECRETKEY
/** The server's CURVE public key, for clients (Z85 string or 32 bytes). */
export const ZMQ_CURVE_SERVERKEY = zmq.ZMQ_CURVE_SERVERKEY
/** ZAP domain. */
export const ZMQ_ZAP_DOMAIN = zmq.ZMQ_ZAP_DOMAIN
/** `router`: a new peer with a known identity takes it over. */
export const ZMQ_ROUTER_HANDOVER = zmq.ZMQ_ROUTER_HANDOVER
/** Heartbeat interval (ms). */
export const ZMQ_HEARTBEAT_IVL = zmq.ZMQ_HEARTBEAT_IVL
/** Heartbeat time to live, told to the peer (ms). */
export const ZMQ_HEARTBEAT_TTL = zmq.ZMQ_HEARTBEAT_TTL
/** Heartbeat timeout (ms). */
export const ZMQ_HEARTBEAT_TIMEOUT = zmq.ZMQ_HEARTBEAT_TIMEOUT
/** Connect timeout (ms). */
export const ZMQ_CONNECT_TIMEOUT = zmq.ZMQ_CONNECT_TIMEOUT

// ---- context options, flags, states --------------------------------------------------

/** Context option: the number of I/O threads. */
export const ZMQ_IO_THREADS = zmq.ZMQ_IO_THREADS
/** Context option: the most sockets a context may have. */
export const ZMQ_MAX_SOCKETS = zmq.ZMQ_MAX_SOCKETS

/** `ZMQ_EVENTS` bit: a message can be received. */
export const ZMQ_POLLIN = zmq.ZMQ_POLLIN
/** `ZMQ_EVENTS` bit: a message can be sent. */
export const ZMQ_POLLOUT = zmq.ZMQ_POLLOUT
/** `ZMQ_EVENTS` bit: an error (never set by libzmq sockets). */
export const ZMQ_POLLERR = zmq.ZMQ_POLLERR

/** `send()` flag: more parts of this message follow in later `send()` calls. */
export const ZMQ_SNDMORE = zmq.ZMQ_SNDMORE

/** The socket state numbers of zeromq 5.x's native socket (kept for code that names them). */
export const STATE_READY = 0
/** See {@link STATE_READY}. */
export const STATE_BUSY = 1
/** See {@link STATE_READY}. */
export const STATE_CLOSED = 2

/** zeromq 5.x's feature flags: everything is available with libzmq 4. */
export const ZMQ_CAN_MONITOR = 1
/** See {@link ZMQ_CAN_MONITOR}. */
export const ZMQ_CAN_DISCONNECT = 1
/** See {@link ZMQ_CAN_MONITOR}. */
export const ZMQ_CAN_UNBIND = 1
/** See {@link ZMQ_CAN_MONITOR}. */
export const ZMQ_CAN_SET_CTX = 1

// ---- name tables ----------------------------------------------------------------------

/** The socket type names of `socket(type)`, with their libzmq type numbers. */
export const types = Object.freeze({
  /** `Publisher` (`ZMQ_PUB`). */
  pub: ZMQ_PUB,
  /** `XPublisher` (`ZMQ_XPUB`). */
  xpub: ZMQ_XPUB,
  /** `Subscriber` (`ZMQ_SUB`). */
  sub: ZMQ_SUB,
  /** `XSubscriber` (`ZMQ_XSUB`). */
  xsub: ZMQ_XSUB,
  /** `Request` (`ZMQ_REQ`). */
  req: ZMQ_REQ,
  /** `Dealer`, under its old name (`ZMQ_XREQ`). */
  xreq: ZMQ_XREQ,
  /** `Reply` (`ZMQ_REP`). */
  rep: ZMQ_REP,
  /** `Router`, under its old name (`ZMQ_XREP`). */
  xrep: ZMQ_XREP,
  /** `Push` (`ZMQ_PUSH`). */
  push: ZMQ_PUSH,
  /** `Pull` (`ZMQ_PULL`). */
  pull: ZMQ_PULL,
  /** `Dealer` (`ZMQ_DEALER`). */
  dealer: ZMQ_DEALER,
  /** `Router` (`ZMQ_ROUTER`). */
  router: ZMQ_ROUTER,
  /** `Pair` (`ZMQ_PAIR`). */
  pair: ZMQ_PAIR,
  /** `Stream`: raw tcp (`ZMQ_STREAM`). */
  stream: ZMQ_STREAM,
} as const)

/** A socket type name of `socket(type)`. */
export type SocketType = keyof typeof types

/**
 * The option names of `setsockopt(name, value)`, `getsockopt(name)` and the socket's
 * option properties (`socket.linger = 0`), with their option ids: zeromq 5.x's names,
 * and the heartbeat and connect-timeout names zeromq v6's compatibility layer added.
 */
export const options = Object.freeze({
  /** The socket's file descriptor for event-loop integration (`ZMQ_FD`); read-only. */
  _fd: ZMQ_FD,
  /** Whether it can receive or send now: POLLIN, POLLOUT bits (`ZMQ_EVENTS`); read-only. */
  _ioevents: ZMQ_EVENTS,
  /** Whether more frames follow (`ZMQ_RCVMORE`): always 0 here, messages arrive whole. */
  _receiveMore: ZMQ_RCVMORE,
  /** Adds a subscription prefix (`ZMQ_SUBSCRIBE`); write-only. */
  _subscribe: ZMQ_SUBSCRIBE,
  /** Removes a subscription prefix (`ZMQ_UNSUBSCRIBE`); write-only. */
  _unsubscribe: ZMQ_UNSUBSCRIBE,
  /** I/O thread affinity bitmask (`ZMQ_AFFINITY`). */
  affinity: ZMQ_AFFINITY,
  /** Queue length of pending connections on a bound tcp or ipc endpoint (`ZMQ_BACKLOG`). */
  backlog: ZMQ_BACKLOG,
  /** libzmq 2's high-water mark: libzmq 4 refuses it with EINVAL (use ZMQ_SNDHWM, ZMQ_RCVHWM). */
  hwm: ZMQ_HWM,
  /** The socket's routing id (`ZMQ_ROUTING_ID`, formerly `ZMQ_IDENTITY`), up to 255 bytes. */
  identity: ZMQ_IDENTITY,
  /** Milliseconds unsent messages are kept after `close()` (`ZMQ_LINGER`); -1 forever, 0 none. */
  linger: ZMQ_LINGER,
  /** libzmq 2's multicast loopback: libzmq 4 refuses it with EINVAL. */
  mcast_loop: ZMQ_MCAST_LOOP,
  /** Multicast data rate in kbit/s (`ZMQ_RATE`). */
  rate: ZMQ_RATE,
  /** Kernel receive buffer size in bytes (`ZMQ_RCVBUF`); -1 keeps the system's default. */
  rcvbuf: ZMQ_RCVBUF,
  /** The endpoint last bound, with the port chosen for `*` (`ZMQ_LAST_ENDPOINT`); read-only. */
  last_endpoint: ZMQ_LAST_ENDPOINT,
  /** Milliseconds before reconnecting a dropped connection (`ZMQ_RECONNECT_IVL`); -1 never. */
  reconnect_ivl: ZMQ_RECONNECT_IVL,
  /** Multicast recovery interval in milliseconds (`ZMQ_RECOVERY_IVL`). */
  recovery_ivl: ZMQ_RECOVERY_IVL,
  /** Kernel send buffer size in bytes (`ZMQ_SNDBUF`); -1 keeps the system's default. */
  sndbuf: ZMQ_SNDBUF,
  /** libzmq 2's swap size: libzmq 4 refuses it with EINVAL. */
  swap: ZMQ_SWAP,
  /** The security mechanism in use: 0 NULL, 1 PLAIN, 2 CURVE (`ZMQ_MECHANISM`); read-only. */
  mechanism: ZMQ_MECHANISM,
  /** 1 makes the socket a PLAIN server (`ZMQ_PLAIN_SERVER`). */
  plain_server: ZMQ_PLAIN_SERVER,
  /** The PLAIN username a client sends (`ZMQ_PLAIN_USERNAME`). */
  plain_username: ZMQ_PLAIN_USERNAME,
  /** The PLAIN password a client sends (`ZMQ_PLAIN_PASSWORD`). */
  plain_password: ZMQ_PLAIN_PASSWORD,
  /** 1 makes the socket a CURVE server (`ZMQ_CURVE_SERVER`). */
  curve_server: ZMQ_CURVE_SERVER,
  /** The socket's CURVE public key, Z85 or 32 bytes (`ZMQ_CURVE_PUBLICKEY`). */
  curve_publickey: ZMQ_CURVE_PUBLICKEY,
  /** The socket's CURVE secret key, Z85 or 32 bytes (`ZMQ_CURVE_SECRETKEY`). */
  curve_secretkey: ZMQ_CURVE_SECRETKEY,
  /** A CURVE client's copy of the server's public key (`ZMQ_CURVE_SERVERKEY`). */
  curve_serverkey: ZMQ_CURVE_SERVERKEY,
  /** The ZAP domain the authenticator sees for this server (`ZMQ_ZAP_DOMAIN`). */
  zap_domain: ZMQ_ZAP_DOMAIN,
  /** Milliseconds between ZMTP heartbeats; 0 sends none (`ZMQ_HEARTBEAT_IVL`). */
  heartbeat_ivl: ZMQ_HEARTBEAT_IVL,
  /** How long in milliseconds the peer may go without a heartbeat from us (`ZMQ_HEARTBEAT_TTL`). */
  heartbeat_ttl: ZMQ_HEARTBEAT_TTL,
  /** Milliseconds to wait for traffic after a heartbeat before closing (ZMQ_HEARTBEAT_TIMEOUT). */
  heartbeat_timeout: ZMQ_HEARTBEAT_TIMEOUT,
  /** Milliseconds a tcp connect may take; 0 leaves it to the system (`ZMQ_CONNECT_TIMEOUT`). */
  connect_timeout: ZMQ_CONNECT_TIMEOUT,
} as const)

/** An option name of {@link options}. */
export type OptionName = keyof typeof options

/**
 * The monitor events (`socket.monitor()`), by libzmq event number: the names the socket
 * emits them under.
 */
export const events = Object.freeze({
  /** A connection was made. */
  [zmq.ZMQ_EVENT_CONNECTED]: "connect",
  /** A connect is under way. */
  [zmq.ZMQ_EVENT_CONNECT_DELAYED]: "connect_delay",
  /** A reconnect is scheduled. */
  [zmq.ZMQ_EVENT_CONNECT_RETRIED]: "connect_retry",
  /** An endpoint is bound. */
  [zmq.ZMQ_EVENT_LISTENING]: "listen",
  /** A bind failed. */
  [zmq.ZMQ_EVENT_BIND_FAILED]: "bind_error",
  /** A peer connected to a bound endpoint. */
  [zmq.ZMQ_EVENT_ACCEPTED]: "accept",
  /** Accepting a peer failed. */
  [zmq.ZMQ_EVENT_ACCEPT_FAILED]: "accept_error",
  /** A connection or listener was closed. */
  [zmq.ZMQ_EVENT_CLOSED]: "close",
  /** Closing failed. */
  [zmq.ZMQ_EVENT_CLOSE_FAILED]: "close_error",
  /** A peer went away. */
  [zmq.ZMQ_EVENT_DISCONNECTED]: "disconnect",
} as const)

/** The name of a monitor event (see {@link events}). */
export type MonitorEventName = (typeof events)[keyof typeof events]
