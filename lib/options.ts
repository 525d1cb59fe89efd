// The single source of truth for socket and context options: ids, native value kinds,
// JS value conventions, access, ranges and which socket classes expose each option.
// Socket/context classes, typings and docs are all derived from these tables, so an
// option is added or changed here and nowhere else.
//
// Names follow zeromq v6 (the npm package this library is a drop-in superset of)
// wherever v6 has the option; value conventions (ms as numbers, -1 = infinite,
// booleans, `null` for unset strings, enum strings) follow v6 too.

import {
  ZMQ_AFFINITY,
  ZMQ_BACKLOG,
  ZMQ_BINDTODEVICE,
  ZMQ_BLOCKY,
  ZMQ_CONFLATE,
  ZMQ_CONNECT_ROUTING_ID,
  ZMQ_CONNECT_TIMEOUT,
  ZMQ_CURVE,
  ZMQ_CURVE_PUBLICKEY,
  ZMQ_CURVE_SECRETKEY,
  ZMQ_CURVE_SERVER,
  ZMQ_CURVE_SERVERKEY,
  ZMQ_DISCONNECT_MSG,
  ZMQ_EVENTS,
  ZMQ_FD,
  ZMQ_GSSAPI,
  ZMQ_GSSAPI_NT_HOSTBASED,
  ZMQ_GSSAPI_NT_KRB5_PRINCIPAL,
  ZMQ_GSSAPI_NT_USER_NAME,
  ZMQ_GSSAPI_PLAINTEXT,
  ZMQ_GSSAPI_PRINCIPAL,
  ZMQ_GSSAPI_PRINCIPAL_NAMETYPE,
  ZMQ_GSSAPI_SERVER,
  ZMQ_GSSAPI_SERVICE_PRINCIPAL,
  ZMQ_GSSAPI_SERVICE_PRINCIPAL_NAMETYPE,
  ZMQ_HANDSHAKE_IVL,
  ZMQ_HEARTBEAT_IVL,
  ZMQ_HEARTBEAT_TIMEOUT,
  ZMQ_HEARTBEAT_TTL,
  ZMQ_HELLO_MSG,
  ZMQ_IMMEDIATE,
  ZMQ_IN_BATCH_SIZE,
  ZMQ_INVERT_MATCHING,
  ZMQ_IO_THREADS,
  ZMQ_IPC_FILTER_GID,
  ZMQ_IPC_FILTER_PID,
  ZMQ_IPC_FILTER_UID,
  ZMQ_IPV4ONLY,
  ZMQ_IPV6,
  ZMQ_LAST_ENDPOINT,
  ZMQ_LINGER,
  ZMQ_LOOPBACK_FASTPATH,
  ZMQ_MAX_MSGSZ,
  ZMQ_MAX_SOCKETS,
  ZMQ_MAXMSGSIZE,
  ZMQ_MECHANISM,
  ZMQ_METADATA,
  ZMQ_MSG_T_SIZE,
  ZMQ_MULTICAST_HOPS,
  ZMQ_MULTICAST_LOOP,
  ZMQ_MULTICAST_MAXTPDU,
  ZMQ_NOTIFY_CONNECT,
  ZMQ_NOTIFY_DISCONNECT,
  ZMQ_NULL,
  ZMQ_ONLY_FIRST_SUBSCRIBE,
  ZMQ_OUT_BATCH_SIZE,
  ZMQ_PLAIN,
  ZMQ_PLAIN_PASSWORD,
  ZMQ_PLAIN_SERVER,
  ZMQ_PLAIN_USERNAME,
  ZMQ_PRIORITY,
  ZMQ_PROBE_ROUTER,
  ZMQ_RATE,
  ZMQ_RCVBUF,
  ZMQ_RCVHWM,
  ZMQ_RCVMORE,
  ZMQ_RCVTIMEO,
  ZMQ_RECONNECT_IVL,
  ZMQ_RECONNECT_IVL_MAX,
  ZMQ_RECONNECT_STOP,
  ZMQ_RECOVERY_IVL,
  ZMQ_REQ_CORRELATE,
  ZMQ_REQ_RELAXED,
  ZMQ_ROUTER_HANDOVER,
  ZMQ_ROUTER_MANDATORY,
  ZMQ_ROUTER_NOTIFY,
  ZMQ_ROUTER_RAW,
  ZMQ_ROUTING_ID,
  ZMQ_SNDBUF,
  ZMQ_SNDHWM,
  ZMQ_SNDTIMEO,
  ZMQ_SOCKET_LIMIT,
  ZMQ_SOCKS_PASSWORD,
  ZMQ_SOCKS_PROXY,
  ZMQ_SOCKS_USERNAME,
  ZMQ_STREAM_NOTIFY,
  ZMQ_SUBSCRIBE,
  ZMQ_TCP_ACCEPT_FILTER,
  ZMQ_TCP_KEEPALIVE,
  ZMQ_TCP_KEEPALIVE_CNT,
  ZMQ_TCP_KEEPALIVE_IDLE,
  ZMQ_TCP_KEEPALIVE_INTVL,
  ZMQ_TCP_MAXRT,
  ZMQ_THREAD_AFFINITY_CPU_ADD,
  ZMQ_THREAD_AFFINITY_CPU_REMOVE,
  ZMQ_THREAD_NAME_PREFIX,
  ZMQ_THREAD_PRIORITY,
  ZMQ_THREAD_SAFE,
  ZMQ_THREAD_SCHED_POLICY,
  ZMQ_TOS,
  ZMQ_TYPE,
  ZMQ_UNSUBSCRIBE,
  ZMQ_USE_FD,
  ZMQ_VMCI_BUFFER_MAX_SIZE,
  ZMQ_VMCI_BUFFER_MIN_SIZE,
  ZMQ_VMCI_BUFFER_SIZE,
  ZMQ_VMCI_CONNECT_TIMEOUT,
  ZMQ_XPUB_MANUAL,
  ZMQ_XPUB_MANUAL_LAST_VALUE,
  ZMQ_XPUB_NODROP,
  ZMQ_XPUB_VERBOSE,
  ZMQ_XPUB_VERBOSER,
  ZMQ_XPUB_WELCOME_MSG,
  ZMQ_ZAP_DOMAIN,
  ZMQ_ZAP_ENFORCE_DOMAIN,
  ZMQ_ZERO_COPY_RECV,
} from "./generated/zmq-constants"

/** How the native `getOption`/`setOption` pass a value to libzmq. */
export const OptionKind = {Int: 0, Int64: 1, Uint64: 2, String: 3, Bytes: 4} as const
export type OptionKind = (typeof OptionKind)[keyof typeof OptionKind]

/**
 * The JS-side convention of an option value:
 * - `"number"`: an integer.
 * - `"boolean"`: stored by libzmq as int 0/1.
 * - `"string"`: a string, or `null` when unset (libzmq's empty string).
 * - `"buffer"`: binary-safe; written as Buffer, string or `null`, read back as Buffer or `null`.
 * - `"key"`: a CURVE key; written as a 40-character Z85 string or a 32-byte Buffer, read
 *   back as a Z85 string.
 * - `"enum"`: a JS string (or `null`) standing for one of libzmq's integer constants.
 */
export type OptionValueType = "number" | "boolean" | "string" | "buffer" | "key" | "enum"

/** Every socket class, including the DRAFT ones. */
export const socketClassNames = [
  "Pair",
  "Publisher",
  "Subscriber",
  "XPublisher",
  "XSubscriber",
  "Request",
  "Reply",
  "Dealer",
  "Router",
  "Push",
  "Pull",
  "Stream",
  "Server",
  "Client",
  "Radio",
  "Dish",
  "Gather",
  "Scatter",
  "Datagram",
  "Peer",
  "Channel",
] as const
export type SocketClassName = (typeof socketClassNames)[number]

export interface OptionSpec {
  /** libzmq option id (a `ZMQ_*` constant). */
  readonly id: number
  readonly kind: OptionKind
  readonly value: OptionValueType
  readonly access: "rw" | "r" | "w"
  /** Smallest accepted value (number options); libzmq rejects anything lower with EINVAL. */
  readonly min?: number
  /** Largest accepted value (number options). */
  readonly max?: number
  /** Enum options: JS string -> libzmq integer. */
  readonly values?: Readonly<Record<string, number>>
  /** Enum options where v6 uses `null` for one state: the integer that `null` stands for. */
  readonly nullValue?: number
  /** Buffer size to pass to the native getter (e.g. 41 makes libzmq return a Z85 key). */
  readonly size?: number
  /** The id is in the DRAFT section of zmq.h. */
  readonly draft?: boolean
  /**
   * Socket classes that expose the option as a property. Omitted: every socket. Empty:
   * none; the entry only exists so methods (subscribe, connect, ...) can use its id.
   */
  readonly sockets?: readonly SocketClassName[]
  /**
   * The option takes effect even after bind/connect. zeromq v6 warns when any other
   * option is set on a socket that already has endpoints.
   */
  readonly appliesLive?: boolean
  /** Needs custom code instead of a plain `setOption(id, kind, value)`; see the helper named here. */
  readonly special?: "xpubVerbosity"
}

// The socket classes v6 gives send-side and receive-side options (plus the DRAFT Peer
// and Channel, which v6 lacks but which both send and receive).
const sendingSockets = [
  "Pair",
  "Publisher",
  "Request",
  "Reply",
  "Dealer",
  "Router",
  "Push",
  "XPublisher",
  "XSubscriber",
  "Stream",
  "Server",
  "Client",
  "Radio",
  "Scatter",
  "Datagram",
  "Peer",
  "Channel",
] as const satisfies readonly SocketClassName[]

const receivingSockets = [
  "Pair",
  "Subscriber",
  "Request",
  "Reply",
  "Dealer",
  "Router",
  "Pull",
  "XPublisher",
  "XSubscriber",
  "Stream",
  "Server",
  "Client",
  "Dish",
  "Gather",
  "Datagram",
  "Peer",
  "Channel",
] as const satisfies readonly SocketClassName[]

const conflatingSockets = [
  "Pull",
  "Push",
  "Subscriber",
  "Publisher",
  "Dealer",
  "Scatter",
  "Gather",
] as const satisfies readonly SocketClassName[]

const routingIdSockets = [
  "Request",
  "Reply",
  "Router",
  "Dealer",
] as const satisfies readonly SocketClassName[]

const noProperty = [] as const satisfies readonly SocketClassName[]

// Documented libzmq 4.3 options that are deliberately absent:
// - ZMQ_IDENTITY, ZMQ_CONNECT_RID: deprecated aliases of routingId / connectRoutingId.
// - ZMQ_XPUB_VERBOSE, ZMQ_XPUB_VERBOSER: folded into XPublisher `verbosity`, as in v6.
// - ZMQ_WSS_*: undocumented in 4.3.4 and need a TLS-enabled libzmq, which is not vendored.

/** Socket options. Each doc comment becomes the property's documentation. */
export const socketOptions = {
  /**
   * I/O thread affinity bitmask: bit n set means new connections are handled by I/O
   * thread n of the context. Default 0 (any thread); bits above 2^53 cannot be represented.
   */
  affinity: {id: ZMQ_AFFINITY, kind: OptionKind.Uint64, value: "number", access: "rw", min: 0},

  /**
   * Identity (1 to 255 bytes, not starting with a zero byte) announced to a Router peer
   * when connecting. Default `null`: the Router assigns a random one.
   */
  routingId: {
    id: ZMQ_ROUTING_ID,
    kind: OptionKind.String,
    value: "string",
    access: "rw",
    sockets: routingIdSockets,
  },

  /**
   * Adds a message prefix filter (ZMQ_SUBSCRIBE); `null` or empty subscribes to everything.
   * Used by `Subscriber.subscribe()` and by XPublisher manual mode, not exposed as a property.
   */
  subscribePrefix: {
    id: ZMQ_SUBSCRIBE,
    kind: OptionKind.Bytes,
    value: "buffer",
    access: "w",
    sockets: noProperty,
    appliesLive: true,
  },

  /**
   * Removes a prefix filter added with subscribe (ZMQ_UNSUBSCRIBE). Used by
   * `Subscriber.unsubscribe()`, not exposed as a property.
   */
  unsubscribePrefix: {
    id: ZMQ_UNSUBSCRIBE,
    kind: OptionKind.Bytes,
    value: "buffer",
    access: "w",
    sockets: noProperty,
    appliesLive: true,
  },

  /** Maximum multicast data rate in kilobits per second (pgm, epgm, norm). Default 100. */
  rate: {id: ZMQ_RATE, kind: OptionKind.Int, value: "number", access: "rw", min: 1},

  /**
   * How long in milliseconds a multicast receiver may be absent before unrecoverable data
   * loss. Default 10000.
   */
  recoveryInterval: {
    id: ZMQ_RECOVERY_IVL,
    kind: OptionKind.Int,
    value: "number",
    access: "rw",
    min: 0,
  },

  /** Kernel transmit buffer size (SO_SNDBUF) in bytes. Default -1: keep the OS default. */
  sendBufferSize: {
    id: ZMQ_SNDBUF,
    kind: OptionKind.Int,
    value: "number",
    access: "rw",
    min: -1,
    sockets: sendingSockets,
  },

  /** Kernel receive buffer size (SO_RCVBUF) in bytes. Default -1: keep the OS default. */
  receiveBufferSize: {
    id: ZMQ_RCVBUF,
    kind: OptionKind.Int,
    value: "number",
    access: "rw",
    min: -1,
    sockets: receivingSockets,
  },

  /**
   * Whether the last received frame is followed by more parts. Internal: `receive()`
   * always returns whole multipart messages.
   */
  receiveMore: {
    id: ZMQ_RCVMORE,
    kind: OptionKind.Int,
    value: "boolean",
    access: "r",
    sockets: noProperty,
  },

  /**
   * File descriptor that signals socket events. Internal: the binding owns polling (and on
   * Windows the value is a 64-bit SOCKET, which this Int entry cannot read).
   */
  fileDescriptor: {
    id: ZMQ_FD,
    kind: OptionKind.Int,
    value: "number",
    access: "r",
    sockets: noProperty,
  },

  /**
   * Pending events as a ZMQ_POLLIN | ZMQ_POLLOUT bitmask. Internal: `readable` and
   * `writable` expose the same information.
   */
  pollEvents: {
    id: ZMQ_EVENTS,
    kind: OptionKind.Int,
    value: "number",
    access: "r",
    sockets: noProperty,
  },

  /** The libzmq socket type number (e.g. ZMQ_DEALER = 5); prefer `instanceof` checks. */
  type: {id: ZMQ_TYPE, kind: OptionKind.Int, value: "number", access: "r"},

  /**
   * How long in milliseconds unsent messages are kept after `close()`: -1 waits forever,
   * 0 discards them. Default -1, or 0 when the context is not `blocky`.
   */
  linger: {
    id: ZMQ_LINGER,
    kind: OptionKind.Int,
    value: "number",
    access: "rw",
    min: -1,
    appliesLive: true,
  },

  /**
   * Milliseconds to wait before reconnecting a dropped connection; -1 disables
   * reconnection. Default 100.
   */
  reconnectInterval: {
    id: ZMQ_RECONNECT_IVL,
    kind: OptionKind.Int,
    value: "number",
    access: "rw",
    min: -1,
  },

  /** Maximum length of the queue of pending incoming connections. Default 100. */
  backlog: {id: ZMQ_BACKLOG, kind: OptionKind.Int, value: "number", access: "rw", min: 0},

  /**
   * Upper bound in milliseconds for the exponentially growing reconnect interval. Default
   * 0: no backoff, always wait `reconnectInterval`.
   */
  reconnectMaxInterval: {
    id: ZMQ_RECONNECT_IVL_MAX,
    kind: OptionKind.Int,
    value: "number",
    access: "rw",
    min: 0,
  },

  /**
   * Largest inbound message in bytes; a peer sending a bigger one is disconnected.
   * Default -1: no limit.
   */
  maxMessageSize: {
    id: ZMQ_MAXMSGSIZE,
    kind: OptionKind.Int64,
    value: "number",
    access: "rw",
    min: -1,
  },

  /**
   * Maximum number of outgoing messages queued per peer before the socket blocks or drops,
   * depending on its type; 0 means no limit. Default 1000.
   */
  sendHighWaterMark: {
    id: ZMQ_SNDHWM,
    kind: OptionKind.Int,
    value: "number",
    access: "rw",
    min: 0,
    sockets: sendingSockets,
    appliesLive: true,
  },

  /**
   * Maximum number of incoming messages queued per peer before the socket stops reading;
   * 0 means no limit. Default 1000.
   */
  receiveHighWaterMark: {
    id: ZMQ_RCVHWM,
    kind: OptionKind.Int,
    value: "number",
    access: "rw",
    min: 0,
    sockets: receivingSockets,
    appliesLive: true,
  },

  /**
   * Time-to-live (network hops) of outgoing multicast packets. Default 1: stay in the
   * local network.
   */
  multicastHops: {
    id: ZMQ_MULTICAST_HOPS,
    kind: OptionKind.Int,
    value: "number",
    access: "rw",
    min: 1,
    sockets: sendingSockets,
  },

  /**
   * Milliseconds `receive()` waits for a message before rejecting with EAGAIN; 0 fails
   * immediately, -1 (default) waits forever.
   */
  receiveTimeout: {
    id: ZMQ_RCVTIMEO,
    kind: OptionKind.Int,
    value: "number",
    access: "rw",
    min: -1,
    sockets: receivingSockets,
    appliesLive: true,
  },

  /**
   * Milliseconds `send()` waits to queue a message before rejecting with EAGAIN; 0 fails
   * immediately, -1 (default) waits forever.
   */
  sendTimeout: {
    id: ZMQ_SNDTIMEO,
    kind: OptionKind.Int,
    value: "number",
    access: "rw",
    min: -1,
    sockets: sendingSockets,
    appliesLive: true,
  },

  /**
   * Restricts TCP to IPv4 when `true` (default). Deprecated in libzmq: use `ipv6`, its
   * inverse.
   * @deprecated Use `ipv6`.
   */
  ipv4Only: {id: ZMQ_IPV4ONLY, kind: OptionKind.Int, value: "boolean", access: "rw"},

  /**
   * The endpoint most recently bound, with wildcards resolved (e.g. the port chosen for
   * `tcp://127.0.0.1:*`); `null` before the first bind.
   */
  lastEndpoint: {id: ZMQ_LAST_ENDPOINT, kind: OptionKind.String, value: "string", access: "r"},

  /**
   * When `true`, `send()` fails with EHOSTUNREACH for unroutable messages and waits when a
   * peer's high water mark is reached, instead of silently dropping. Default `false`.
   */
  mandatory: {
    id: ZMQ_ROUTER_MANDATORY,
    kind: OptionKind.Int,
    value: "boolean",
    access: "w",
    sockets: ["Router"],
    appliesLive: true,
  },

  /** Overrides SO_KEEPALIVE: 1 on, 0 off, -1 (default) keeps the OS default. */
  tcpKeepalive: {
    id: ZMQ_TCP_KEEPALIVE,
    kind: OptionKind.Int,
    value: "number",
    access: "rw",
    min: -1,
    max: 1,
  },

  /** Overrides TCP_KEEPCNT (probes before dropping). Default -1: keep the OS default. */
  tcpKeepaliveCount: {
    id: ZMQ_TCP_KEEPALIVE_CNT,
    kind: OptionKind.Int,
    value: "number",
    access: "rw",
    min: -1,
  },

  /**
   * Overrides TCP_KEEPIDLE (seconds idle before the first probe). Default -1: keep the OS
   * default.
   */
  tcpKeepaliveIdle: {
    id: ZMQ_TCP_KEEPALIVE_IDLE,
    kind: OptionKind.Int,
    value: "number",
    access: "rw",
    min: -1,
  },

  /** Overrides TCP_KEEPINTVL (seconds between probes). Default -1: keep the OS default. */
  tcpKeepaliveInterval: {
    id: ZMQ_TCP_KEEPALIVE_INTVL,
    kind: OptionKind.Int,
    value: "number",
    access: "rw",
    min: -1,
  },

  /**
   * Adds an IPv4/IPv6 CIDR filter for incoming TCP connections (each assignment adds one);
   * `null` clears them all. Default: accept any address.
   */
  tcpAcceptFilter: {
    id: ZMQ_TCP_ACCEPT_FILTER,
    kind: OptionKind.String,
    value: "string",
    access: "w",
  },

  /**
   * When `true`, messages are queued only to completed connections, so round-robin sockets
   * don't fill queues of peers still connecting. Default `false`.
   */
  immediate: {id: ZMQ_IMMEDIATE, kind: OptionKind.Int, value: "boolean", access: "rw"},

  /**
   * Which duplicate (un)subscriptions are passed up: `null` (default) only unique ones,
   * `"allSubs"` every subscribe, `"allSubsUnsubs"` every subscribe and unsubscribe.
   */
  verbosity: {
    // ZMQ_XPUB_VERBOSE and ZMQ_XPUB_VERBOSER each reset the other's effect, so v6 merges
    // them into one write-only property. Set it with `xpubVerbosityWrite()`, which picks
    // the id; `id` here only names the pair.
    id: ZMQ_XPUB_VERBOSER,
    kind: OptionKind.Int,
    value: "enum",
    access: "w",
    values: {allSubs: 1, allSubsUnsubs: 2},
    nullValue: 0,
    sockets: ["XPublisher"],
    appliesLive: true,
    special: "xpubVerbosity",
  },

  /**
   * Raw mode: the Router talks to non-ZeroMQ TCP peers without the ZMTP handshake.
   * Default `false`.
   * @deprecated Use a `Stream` socket.
   */
  raw: {
    id: ZMQ_ROUTER_RAW,
    kind: OptionKind.Int,
    value: "boolean",
    access: "w",
    sockets: ["Router"],
  },

  /**
   * Enables IPv6, so TCP sockets connect to and accept both IPv4 and IPv6 hosts. Default
   * `false`, or the context's `ipv6`.
   */
  ipv6: {id: ZMQ_IPV6, kind: OptionKind.Int, value: "boolean", access: "rw"},

  /**
   * The security mechanism implied by the security options set so far: `null` (none),
   * `"plain"`, `"curve"` or `"gssapi"`.
   */
  securityMechanism: {
    id: ZMQ_MECHANISM,
    kind: OptionKind.Int,
    value: "enum",
    access: "r",
    values: {plain: ZMQ_PLAIN, curve: ZMQ_CURVE, gssapi: ZMQ_GSSAPI},
    nullValue: ZMQ_NULL,
  },

  /** Makes the socket a PLAIN server that authenticates clients. Default `false`. */
  plainServer: {id: ZMQ_PLAIN_SERVER, kind: OptionKind.Int, value: "boolean", access: "rw"},

  /**
   * PLAIN username (up to 255 bytes) for outgoing connections; setting it selects the PLAIN
   * mechanism. Default `null`.
   */
  plainUsername: {
    id: ZMQ_PLAIN_USERNAME,
    kind: OptionKind.String,
    value: "string",
    access: "rw",
  },

  /**
   * PLAIN password (up to 255 bytes) for outgoing connections; setting it selects the PLAIN
   * mechanism. Default `null`.
   */
  plainPassword: {
    id: ZMQ_PLAIN_PASSWORD,
    kind: OptionKind.String,
    value: "string",
    access: "rw",
  },

  /**
   * Makes the socket a CURVE server; it then needs `curveSecretKey` but no public key.
   * Default `false`.
   */
  curveServer: {id: ZMQ_CURVE_SERVER, kind: OptionKind.Int, value: "boolean", access: "rw"},

  /**
   * This socket's long-term CURVE public key (required on clients), as a 40-character Z85
   * string or 32-byte Buffer; see `curveKeyPair()`.
   */
  curvePublicKey: {
    id: ZMQ_CURVE_PUBLICKEY,
    kind: OptionKind.String,
    value: "key",
    access: "rw",
    size: 41,
  },

  /**
   * This socket's long-term CURVE secret key (required on clients and servers), as a
   * 40-character Z85 string or 32-byte Buffer.
   */
  curveSecretKey: {
    id: ZMQ_CURVE_SECRETKEY,
    kind: OptionKind.String,
    value: "key",
    access: "rw",
    size: 41,
  },

  /**
   * The server's public key, set on CURVE clients, as a 40-character Z85 string or 32-byte
   * Buffer.
   */
  curveServerKey: {
    id: ZMQ_CURVE_SERVERKEY,
    kind: OptionKind.String,
    value: "key",
    access: "rw",
    size: 41,
  },

  /**
   * When `true`, an empty message is sent to each new peer so a Router learns about it.
   * Only for sockets talking to a Router. Default `false`.
   */
  probeRouter: {
    id: ZMQ_PROBE_ROUTER,
    kind: OptionKind.Int,
    value: "boolean",
    access: "w",
    sockets: ["Router", "Dealer", "Request"],
    appliesLive: true,
  },

  /**
   * When `true`, requests carry a request id and replies not matching the last request are
   * discarded. Default `false`.
   */
  correlate: {
    id: ZMQ_REQ_CORRELATE,
    kind: OptionKind.Int,
    value: "boolean",
    access: "w",
    sockets: ["Request"],
    appliesLive: true,
  },

  /**
   * When `true`, a new request may be sent before the previous reply arrived; enable
   * `correlate` too so late replies are not mistaken. Default `false`.
   */
  relaxed: {
    id: ZMQ_REQ_RELAXED,
    kind: OptionKind.Int,
    value: "boolean",
    access: "w",
    sockets: ["Request"],
    appliesLive: true,
  },

  /**
   * When `true`, only the most recent message is kept in each queue (high water marks are
   * ignored; not for multipart messages). Default `false`.
   */
  conflate: {
    id: ZMQ_CONFLATE,
    kind: OptionKind.Int,
    value: "boolean",
    access: "rw",
    sockets: conflatingSockets,
  },

  /**
   * ZAP (RFC 27) authentication domain; with NULL security ZAP only runs when it is set.
   * Default `null`.
   */
  zapDomain: {id: ZMQ_ZAP_DOMAIN, kind: OptionKind.String, value: "string", access: "rw"},

  /**
   * When `true`, a peer connecting with a routing id already in use takes over that id and
   * the old connection is dropped; otherwise it is rejected. Default `false`.
   */
  handover: {
    id: ZMQ_ROUTER_HANDOVER,
    kind: OptionKind.Int,
    value: "boolean",
    access: "w",
    sockets: ["Router"],
    appliesLive: true,
  },

  /** IP Type-of-Service byte (DSCP + ECN) of outgoing packets. Default 0. */
  typeOfService: {id: ZMQ_TOS, kind: OptionKind.Int, value: "number", access: "rw", min: 0},

  /**
   * Adds a process id allowed to connect over IPC (Linux); each assignment adds one.
   * @deprecated Use ZAP authentication.
   */
  ipcFilterPid: {
    id: ZMQ_IPC_FILTER_PID,
    kind: OptionKind.Int,
    value: "number",
    access: "w",
    min: 0,
  },

  /**
   * Adds a user id allowed to connect over IPC (Linux, macOS); each assignment adds one.
   * @deprecated Use ZAP authentication.
   */
  ipcFilterUid: {
    id: ZMQ_IPC_FILTER_UID,
    kind: OptionKind.Int,
    value: "number",
    access: "w",
    min: 0,
  },

  /**
   * Adds a group id allowed to connect over IPC (Linux, macOS); each assignment adds one.
   * @deprecated Use ZAP authentication.
   */
  ipcFilterGid: {
    id: ZMQ_IPC_FILTER_GID,
    kind: OptionKind.Int,
    value: "number",
    access: "w",
    min: 0,
  },

  /**
   * Routing id (1 to 255 bytes) given to the peer of the next `connect()` of a Router or
   * Stream. Used by their `connect(address, {routingId})`, not exposed as a property.
   */
  connectRoutingId: {
    id: ZMQ_CONNECT_ROUTING_ID,
    kind: OptionKind.Bytes,
    value: "buffer",
    access: "w",
    sockets: noProperty,
    appliesLive: true,
  },

  /** Makes the socket a GSSAPI server. Default `false`. */
  gssapiServer: {id: ZMQ_GSSAPI_SERVER, kind: OptionKind.Int, value: "boolean", access: "rw"},

  /** Name of this socket's GSSAPI principal (up to 255 bytes). Default `null`. */
  gssapiPrincipal: {
    id: ZMQ_GSSAPI_PRINCIPAL,
    kind: OptionKind.String,
    value: "string",
    access: "rw",
  },

  /** Name of the GSSAPI principal of the server a client connects to. Default `null`. */
  gssapiServicePrincipal: {
    id: ZMQ_GSSAPI_SERVICE_PRINCIPAL,
    kind: OptionKind.String,
    value: "string",
    access: "rw",
  },

  /** When `true`, GSSAPI authenticates but does not encrypt messages. Default `false`. */
  gssapiPlainText: {
    id: ZMQ_GSSAPI_PLAINTEXT,
    kind: OptionKind.Int,
    value: "boolean",
    access: "rw",
  },

  /**
   * Milliseconds a new connection may take to complete the ZMTP handshake before it is
   * closed; 0 means no limit. Default 30000.
   */
  handshakeInterval: {
    id: ZMQ_HANDSHAKE_IVL,
    kind: OptionKind.Int,
    value: "number",
    access: "rw",
    min: 0,
  },

  /** SOCKS5 proxy (`host:port`) used for outgoing TCP connections. Default `null`. */
  socksProxy: {id: ZMQ_SOCKS_PROXY, kind: OptionKind.String, value: "string", access: "rw"},

  /**
   * When `true`, `send()` waits or fails with EAGAIN when a subscriber's high water mark is
   * reached, instead of silently dropping. Default `false`.
   */
  noDrop: {
    id: ZMQ_XPUB_NODROP,
    kind: OptionKind.Int,
    value: "boolean",
    access: "w",
    sockets: ["XPublisher", "Publisher", "Radio"],
  },

  /**
   * When `true`, subscriptions are not applied automatically: the application receives them
   * and subscribes on the peers' behalf. Default `false`.
   */
  manual: {
    id: ZMQ_XPUB_MANUAL,
    kind: OptionKind.Int,
    value: "boolean",
    access: "w",
    sockets: ["XPublisher"],
  },

  /**
   * Message sent to every new subscriber when it connects (it must subscribe to it);
   * `null` (default) sends none.
   */
  welcomeMessage: {
    id: ZMQ_XPUB_WELCOME_MSG,
    kind: OptionKind.Bytes,
    value: "buffer",
    access: "w",
    sockets: ["XPublisher"],
  },

  /**
   * When `true` (default), a zero-length message is received whenever a peer connects or
   * disconnects.
   */
  notify: {
    id: ZMQ_STREAM_NOTIFY,
    kind: OptionKind.Int,
    value: "boolean",
    access: "w",
    sockets: ["Stream"],
  },

  /**
   * When `true`, prefix matching is inverted: messages go to (or are received from) peers
   * whose subscriptions do NOT match. Both sides must set it. Default `false`.
   */
  invertMatching: {
    id: ZMQ_INVERT_MATCHING,
    kind: OptionKind.Int,
    value: "boolean",
    access: "rw",
    sockets: ["Publisher", "Subscriber", "XPublisher"],
  },

  /**
   * Milliseconds between ZMTP PING heartbeats sent to each peer; 0 (default) disables
   * heartbeats.
   */
  heartbeatInterval: {
    id: ZMQ_HEARTBEAT_IVL,
    kind: OptionKind.Int,
    value: "number",
    access: "rw",
    min: 0,
  },

  /**
   * Milliseconds the remote peer should wait for traffic before timing out the connection,
   * rounded down to tenths of a second. Default 0: no timeout.
   */
  heartbeatTimeToLive: {
    id: ZMQ_HEARTBEAT_TTL,
    kind: OptionKind.Int,
    value: "number",
    access: "rw",
    min: 0,
    // libzmq stores deciseconds in 16 bits: 65535 * 100 + 99.
    max: 6553599,
  },

  /**
   * Milliseconds to wait for any traffic after a PING before closing the connection.
   * Default -1: use `heartbeatInterval`.
   */
  heartbeatTimeout: {
    id: ZMQ_HEARTBEAT_TIMEOUT,
    kind: OptionKind.Int,
    value: "number",
    access: "rw",
    min: 0,
  },

  /**
   * Milliseconds before a pending TCP `connect()` system call times out. Default 0: the OS
   * timeout.
   */
  connectTimeout: {
    id: ZMQ_CONNECT_TIMEOUT,
    kind: OptionKind.Int,
    value: "number",
    access: "rw",
    min: 0,
  },

  /**
   * Milliseconds before unacknowledged TCP retransmissions time out (TCP_MAXRT, where
   * supported). Default 0: the OS default.
   */
  tcpMaxRetransmitTimeout: {
    id: ZMQ_TCP_MAXRT,
    kind: OptionKind.Int,
    value: "number",
    access: "rw",
    min: 0,
  },

  /** Whether the socket may be used from several threads (only some DRAFT socket types). */
  threadSafe: {id: ZMQ_THREAD_SAFE, kind: OptionKind.Int, value: "boolean", access: "r"},

  /**
   * Maximum transport data unit in bytes of outgoing multicast packets; keep it at or below
   * the path MTU. Default 1500.
   */
  multicastMaxTransportDataUnit: {
    id: ZMQ_MULTICAST_MAXTPDU,
    kind: OptionKind.Int,
    value: "number",
    access: "rw",
    min: 1,
  },

  /** Buffer size in bytes negotiated for `vmci://` connections. Default 65546. */
  vmciBufferSize: {
    id: ZMQ_VMCI_BUFFER_SIZE,
    kind: OptionKind.Uint64,
    value: "number",
    access: "w",
    min: 0,
  },

  /** Minimum buffer size in bytes for `vmci://` connections. Default 128. */
  vmciBufferMinSize: {
    id: ZMQ_VMCI_BUFFER_MIN_SIZE,
    kind: OptionKind.Uint64,
    value: "number",
    access: "w",
    min: 0,
  },

  /** Maximum buffer size in bytes for `vmci://` connections. Default 262144. */
  vmciBufferMaxSize: {
    id: ZMQ_VMCI_BUFFER_MAX_SIZE,
    kind: OptionKind.Uint64,
    value: "number",
    access: "w",
    min: 0,
  },

  /** Connect timeout in milliseconds for `vmci://` connections. Default -1: none. */
  vmciConnectTimeout: {
    id: ZMQ_VMCI_CONNECT_TIMEOUT,
    kind: OptionKind.Int,
    value: "number",
    access: "w",
  },

  /**
   * A pre-created, already bound file descriptor for the next `bind()` to use (TCP/IPC).
   * Default -1: create one.
   */
  useFd: {id: ZMQ_USE_FD, kind: OptionKind.Int, value: "number", access: "rw", min: -1},

  /** How `gssapiPrincipal` is interpreted. Default `"hostBased"`. */
  gssapiPrincipalNameType: {
    id: ZMQ_GSSAPI_PRINCIPAL_NAMETYPE,
    kind: OptionKind.Int,
    value: "enum",
    access: "rw",
    values: {
      hostBased: ZMQ_GSSAPI_NT_HOSTBASED,
      userName: ZMQ_GSSAPI_NT_USER_NAME,
      krb5Principal: ZMQ_GSSAPI_NT_KRB5_PRINCIPAL,
    },
  },

  /** How `gssapiServicePrincipal` is interpreted. Default `"hostBased"`. */
  gssapiServicePrincipalNameType: {
    id: ZMQ_GSSAPI_SERVICE_PRINCIPAL_NAMETYPE,
    kind: OptionKind.Int,
    value: "enum",
    access: "rw",
    values: {
      hostBased: ZMQ_GSSAPI_NT_HOSTBASED,
      userName: ZMQ_GSSAPI_NT_USER_NAME,
      krb5Principal: ZMQ_GSSAPI_NT_KRB5_PRINCIPAL,
    },
  },

  /**
   * Network interface (e.g. `"eth0"`, or a VRF device) TCP/UDP connections are bound to
   * (SO_BINDTODEVICE, Linux, needs CAP_NET_RAW). Default `null`.
   */
  interface: {id: ZMQ_BINDTODEVICE, kind: OptionKind.String, value: "string", access: "rw"},

  /**
   * When `true`, ZAP authentication requires a domain as RFC 27 says; older libzmq accepted
   * an empty one. Default `false`.
   */
  zapEnforceDomain: {
    id: ZMQ_ZAP_ENFORCE_DOMAIN,
    kind: OptionKind.Int,
    value: "boolean",
    access: "rw",
    draft: true,
  },

  /**
   * When `true`, TCP loopback connections use the Windows fast path for lower latency.
   * Default `false`.
   */
  loopbackFastPath: {
    id: ZMQ_LOOPBACK_FASTPATH,
    kind: OptionKind.Int,
    value: "boolean",
    access: "rw",
    draft: true,
  },

  /**
   * Adds an application metadata property `"X-name:value"` sent to peers during the
   * handshake; each assignment adds one.
   */
  metadata: {
    id: ZMQ_METADATA,
    kind: OptionKind.String,
    value: "string",
    access: "w",
    draft: true,
  },

  /** Whether UDP multicast messages are looped back to the sending host. Default `true`. */
  multicastLoop: {
    id: ZMQ_MULTICAST_LOOP,
    kind: OptionKind.Int,
    value: "boolean",
    access: "rw",
    draft: true,
    sockets: ["Radio"],
  },

  /**
   * Receive an empty-bodied message from each peer when it `"connect"`s, `"disconnect"`s or
   * both (`"connectAndDisconnect"`). Default `null`: no notifications.
   */
  routerNotify: {
    id: ZMQ_ROUTER_NOTIFY,
    kind: OptionKind.Int,
    value: "enum",
    access: "rw",
    values: {
      connect: ZMQ_NOTIFY_CONNECT,
      disconnect: ZMQ_NOTIFY_DISCONNECT,
      connectAndDisconnect: ZMQ_NOTIFY_CONNECT | ZMQ_NOTIFY_DISCONNECT,
    },
    nullValue: 0,
    draft: true,
    sockets: ["Router"],
  },

  /**
   * Like `manual`, and additionally a new subscriber receives only the last message sent
   * after its subscription is applied. Default `false`.
   */
  manualLastValue: {
    id: ZMQ_XPUB_MANUAL_LAST_VALUE,
    kind: OptionKind.Int,
    value: "boolean",
    access: "w",
    draft: true,
    sockets: ["XPublisher"],
  },

  /**
   * Username for SOCKS5 proxy authentication (up to 255 bytes); `null` (default) disables
   * authentication.
   */
  socksUsername: {
    id: ZMQ_SOCKS_USERNAME,
    kind: OptionKind.String,
    value: "string",
    access: "rw",
    draft: true,
  },

  /** Password for SOCKS5 proxy authentication (up to 255 bytes). Default `null`. */
  socksPassword: {
    id: ZMQ_SOCKS_PASSWORD,
    kind: OptionKind.String,
    value: "string",
    access: "rw",
    draft: true,
  },

  /** Maximum number of bytes read from the network in one batch. Default 8192. */
  inBatchSize: {
    id: ZMQ_IN_BATCH_SIZE,
    kind: OptionKind.Int,
    value: "number",
    access: "rw",
    min: 1,
    draft: true,
  },

  /** Maximum number of bytes written to the network in one batch. Default 8192. */
  outBatchSize: {
    id: ZMQ_OUT_BATCH_SIZE,
    kind: OptionKind.Int,
    value: "number",
    access: "rw",
    min: 1,
    draft: true,
  },

  /**
   * When `true`, only the first part of a multipart message is processed as a
   * (un)subscription; the rest passes through. Default `false`.
   */
  onlyFirstSubscribe: {
    id: ZMQ_ONLY_FIRST_SUBSCRIBE,
    kind: OptionKind.Int,
    value: "boolean",
    access: "w",
    draft: true,
    sockets: ["XPublisher", "XSubscriber"],
  },

  /**
   * When to stop reconnecting: a bitmask of ZMQ_RECONNECT_STOP_CONN_REFUSED and
   * ZMQ_RECONNECT_STOP_HANDSHAKE_FAILED (or ..._AFTER_DISCONNECT). Default 0: never stop.
   */
  reconnectStop: {
    id: ZMQ_RECONNECT_STOP,
    kind: OptionKind.Int,
    value: "number",
    access: "rw",
    min: 0,
    draft: true,
  },

  /** Message sent to each new peer as soon as it connects. Default `null`: none. */
  helloMessage: {
    id: ZMQ_HELLO_MSG,
    kind: OptionKind.Bytes,
    value: "buffer",
    access: "w",
    draft: true,
    sockets: ["Router", "Dealer", "Client", "Server", "Peer"],
  },

  /**
   * Message the socket receives on behalf of a peer when that peer disconnects. Default
   * `null`: none.
   */
  disconnectMessage: {
    id: ZMQ_DISCONNECT_MSG,
    kind: OptionKind.Bytes,
    value: "buffer",
    access: "w",
    draft: true,
    sockets: ["Router", "Server", "Peer"],
  },

  /** SO_PRIORITY of the underlying connections (Linux). Default 0. */
  priority: {
    id: ZMQ_PRIORITY,
    kind: OptionKind.Int,
    value: "number",
    access: "rw",
    min: 0,
    draft: true,
  },
} as const satisfies Record<string, OptionSpec>

/** Context options. Each doc comment becomes the property's documentation. */
export const contextOptions = {
  /**
   * When `true` (default), terminating the context waits for queued messages to be sent;
   * when `false`, new sockets get `linger` 0 so exit never blocks.
   */
  blocky: {id: ZMQ_BLOCKY, kind: OptionKind.Int, value: "boolean", access: "rw"},

  /**
   * Number of I/O threads; 0 is enough for `inproc://` only. Default 1; only applies
   * before the first socket is created.
   */
  ioThreads: {id: ZMQ_IO_THREADS, kind: OptionKind.Int, value: "number", access: "rw", min: 0},

  /** Largest message in bytes that sockets of this context send. Default 2147483647. */
  maxMessageSize: {
    id: ZMQ_MAX_MSGSZ,
    kind: OptionKind.Int,
    value: "number",
    access: "rw",
    min: 0,
  },

  /** Maximum number of sockets in the context, up to `maxSocketsLimit`. Default 1023. */
  maxSockets: {
    id: ZMQ_MAX_SOCKETS,
    kind: OptionKind.Int,
    value: "number",
    access: "rw",
    min: 1,
  },

  /** The largest value `maxSockets` accepts on this system. */
  maxSocketsLimit: {id: ZMQ_SOCKET_LIMIT, kind: OptionKind.Int, value: "number", access: "r"},

  /** Default `ipv6` of sockets created from now on. Default `false`. */
  ipv6: {id: ZMQ_IPV6, kind: OptionKind.Int, value: "boolean", access: "rw"},

  /**
   * Scheduling priority of the I/O threads (meaning depends on the policy; not on Windows).
   * Default -1: OS default; only applies before the first socket is created.
   */
  threadPriority: {
    id: ZMQ_THREAD_PRIORITY,
    kind: OptionKind.Int,
    value: "number",
    // Not readable: zmq_ctx_get(3) answers ZMQ_SOCKET_LIMIT, which shares the number 3.
    access: "w",
    min: 0,
  },

  /**
   * Scheduling policy of the I/O threads (a SCHED_* value of sched.h; not on Windows).
   * Default -1: OS default; only applies before the first socket is created.
   */
  threadSchedulingPolicy: {
    id: ZMQ_THREAD_SCHED_POLICY,
    kind: OptionKind.Int,
    value: "number",
    access: "rw",
    min: 0,
  },

  /** Size in bytes of libzmq's zmq_msg_t structure (for diagnostics only). */
  msgTSize: {id: ZMQ_MSG_T_SIZE, kind: OptionKind.Int, value: "number", access: "r"},

  /**
   * Adds a CPU the I/O threads may run on (Linux); default: no explicit affinity. Only
   * applies before the first socket is created.
   */
  threadAffinityCpuAdd: {
    id: ZMQ_THREAD_AFFINITY_CPU_ADD,
    kind: OptionKind.Int,
    value: "number",
    access: "w",
    min: 0,
  },

  /** Removes a CPU previously added with `threadAffinityCpuAdd` (Linux). */
  threadAffinityCpuRemove: {
    id: ZMQ_THREAD_AFFINITY_CPU_REMOVE,
    kind: OptionKind.Int,
    value: "number",
    access: "w",
    min: 0,
  },

  /**
   * Numeric prefix of the I/O thread names, to tell processes apart in `top -H` or gdb
   * (Linux). Only applies before the first socket is created.
   */
  threadNamePrefix: {
    id: ZMQ_THREAD_NAME_PREFIX,
    // An Int: string prefixes need the DRAFT zmq_ctx_set_ext, which the addon does not use.
    kind: OptionKind.Int,
    value: "number",
    access: "rw",
  },

  /**
   * When `true` (default), large received messages are decoded without copying, at the cost
   * of possibly higher memory use.
   */
  zeroCopyRecv: {
    id: ZMQ_ZERO_COPY_RECV,
    kind: OptionKind.Int,
    value: "boolean",
    access: "rw",
    draft: true,
  },
} as const satisfies Record<string, OptionSpec>

export type SocketOptionName = keyof typeof socketOptions
export type ContextOptionName = keyof typeof contextOptions

/** Whether socket class `className` exposes the option as a property. */
export function optionAppliesTo(spec: OptionSpec, className: SocketClassName): boolean {
  return spec.sockets === undefined || spec.sockets.includes(className)
}

/** Names of the socket options that class `C` exposes as properties. */
export type SocketOptionNameFor<C extends SocketClassName> = {
  [K in SocketOptionName]: (typeof socketOptions)[K] extends {
    readonly sockets: readonly (infer N)[]
  }
    ? C extends N
      ? K
      : never
    : K
}[SocketOptionName]

type EnumName<S extends OptionSpec> = Extract<keyof NonNullable<S["values"]>, string>
type EnumNull<S extends OptionSpec> = S extends {readonly nullValue: number} ? null : never

/** What reading the option returns. */
export type OptionReadValue<S extends OptionSpec> = S["value"] extends "number"
  ? number
  : S["value"] extends "boolean"
    ? boolean
    : S["value"] extends "string"
      ? string | null
      : S["value"] extends "buffer"
        ? Buffer | null
        : S["value"] extends "key"
          ? string
          : S["value"] extends "enum"
            ? EnumName<S> | EnumNull<S>
            : never

/** What writing the option accepts. */
export type OptionWriteValue<S extends OptionSpec> = S["value"] extends "buffer"
  ? Buffer | string | null
  : S["value"] extends "key"
    ? string | Buffer
    : OptionReadValue<S>

/**
 * The type of the option's property: the read type for readable options, the write type
 * for write-only ones. Use the two types above when getter and setter are typed apart.
 */
export type OptionValue<S extends OptionSpec> = S["access"] extends "w"
  ? OptionWriteValue<S>
  : OptionReadValue<S>

const kindRanges: Record<OptionKind, {min: number; max: number} | undefined> = {
  [OptionKind.Int]: {min: -0x80000000, max: 0x7fffffff},
  [OptionKind.Int64]: {min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER},
  [OptionKind.Uint64]: {min: 0, max: Number.MAX_SAFE_INTEGER},
  [OptionKind.String]: undefined,
  [OptionKind.Bytes]: undefined,
}

const z85Alphabet = /^[0-9a-zA-Z.\-:+=^!/*?&<>()[\]{}@%$#]*$/

function describeType(value: unknown): string {
  if (value === null) return "null"
  if (Buffer.isBuffer(value)) return "Buffer"
  if (Array.isArray(value)) return "array"
  return typeof value
}

function describeValue(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value)
}

function enumChoices(spec: OptionSpec): string {
  const names = Object.keys(spec.values ?? {}).map(name => JSON.stringify(name))
  if (spec.nullValue !== undefined) names.push("null")
  return names.length > 1
    ? `${names.slice(0, -1).join(", ")} or ${names[names.length - 1]}`
    : names.join("")
}

function toBuffer(value: Uint8Array): Buffer {
  return Buffer.isBuffer(value)
    ? value
    : Buffer.from(value.buffer, value.byteOffset, value.byteLength)
}

/**
 * Validates `value` for option `name` and converts it to what the native
 * `setOption(id, kind, value)` takes: a number for Int/Int64/Uint64 kinds (booleans and
 * enums become integers), and a string, Buffer or `null` for String/Bytes kinds.
 *
 * @throws TypeError when the option is read-only or the value has the wrong type.
 * @throws RangeError when the value has the right type but is not acceptable (not an
 *   integer, out of range, unknown enum name, bad key length).
 */
export function encodeOption(
  name: string,
  spec: OptionSpec,
  value: unknown,
): number | boolean | string | Buffer | null {
  const prefix = `Option "${name}"`
  if (spec.access === "r") throw new TypeError(`${prefix} is read-only`)

  switch (spec.value) {
    case "number": {
      if (typeof value !== "number") {
        throw new TypeError(`${prefix} must be an integer, got ${describeType(value)}`)
      }
      if (!Number.isInteger(value)) {
        throw new RangeError(`${prefix} must be an integer, got ${describeValue(value)}`)
      }
      const range = kindRanges[spec.kind] ?? kindRanges[OptionKind.Int]!
      const min = Math.max(spec.min ?? range.min, range.min)
      const max = Math.min(spec.max ?? range.max, range.max)
      if (value < min || value > max) {
        const bounds =
          max === range.max && spec.max === undefined ? `>= ${min}` : `between ${min} and ${max}`
        throw new RangeError(`${prefix} must be an integer ${bounds}, got ${value}`)
      }
      return value
    }

    case "boolean":
      if (typeof value !== "boolean") {
        throw new TypeError(`${prefix} must be a boolean, got ${describeType(value)}`)
      }
      return value ? 1 : 0

    case "string":
      // v6's native setter also takes Buffers for string options; JS callers rely on it.
      if (value === null || typeof value === "string" || Buffer.isBuffer(value)) return value
      throw new TypeError(`${prefix} must be a string or null, got ${describeType(value)}`)

    case "buffer":
      if (value === null || typeof value === "string") return value
      if (value instanceof Uint8Array) return toBuffer(value)
      throw new TypeError(
        `${prefix} must be a Buffer, a string or null, got ${describeType(value)}`,
      )

    case "key":
      if (typeof value === "string") {
        if (value.length !== 40) {
          throw new RangeError(
            `${prefix} must be a 40-character Z85 key, got ${value.length} characters`,
          )
        }
        if (!z85Alphabet.test(value)) {
          throw new RangeError(`${prefix} must be a Z85 key, got characters outside Z85`)
        }
        return value
      }
      if (value instanceof Uint8Array) {
        if (value.byteLength !== 32) {
          throw new RangeError(
            `${prefix} must be a 32-byte key Buffer, got ${value.byteLength} bytes`,
          )
        }
        return toBuffer(value)
      }
      throw new TypeError(
        `${prefix} must be a 40-character Z85 string or a 32-byte Buffer, ` +
          `got ${describeType(value)}`,
      )

    case "enum": {
      if (value === null && spec.nullValue !== undefined) return spec.nullValue
      if (typeof value !== "string") {
        throw new TypeError(`${prefix} must be ${enumChoices(spec)}, got ${describeType(value)}`)
      }
      const values = spec.values ?? {}
      if (!Object.prototype.hasOwnProperty.call(values, value)) {
        throw new RangeError(`${prefix} must be ${enumChoices(spec)}, got ${describeValue(value)}`)
      }
      return values[value]!
    }
  }
}

/**
 * Converts what the native `getOption` returned into the option's JS value. An enum
 * integer without a name is returned as the number, so a newer libzmq value is not lost.
 */
export function decodeOption(spec: OptionSpec, raw: unknown): unknown {
  switch (spec.value) {
    case "number":
      return typeof raw === "bigint" ? Number(raw) : raw

    case "boolean":
      return typeof raw === "number" ? raw !== 0 : Boolean(raw)

    case "string":
    case "key": {
      const text = Buffer.isBuffer(raw) ? raw.toString() : raw
      return text === "" || text === undefined ? null : text
    }

    case "buffer": {
      const bytes = typeof raw === "string" ? Buffer.from(raw) : raw
      return Buffer.isBuffer(bytes) && bytes.length === 0 ? null : (bytes ?? null)
    }

    case "enum": {
      if (spec.nullValue !== undefined && raw === spec.nullValue) return null
      for (const [name, number] of Object.entries(spec.values ?? {})) {
        if (number === raw) return name
      }
      return raw
    }
  }
}

/**
 * The native writes that set XPublisher `verbosity` (see its table entry): `null` clears
 * both verbose modes, `"allSubs"` sets ZMQ_XPUB_VERBOSE, `"allSubsUnsubs"` ZMQ_XPUB_VERBOSER.
 */
export function xpubVerbosityWrite(value: unknown): {id: number; kind: OptionKind; value: 0 | 1} {
  const level = encodeOption("verbosity", socketOptions.verbosity, value)
  const {allSubs, allSubsUnsubs} = socketOptions.verbosity.values
  switch (level) {
    case allSubs:
      return {id: ZMQ_XPUB_VERBOSE, kind: OptionKind.Int, value: 1}
    case allSubsUnsubs:
      return {id: ZMQ_XPUB_VERBOSER, kind: OptionKind.Int, value: 1}
    default:
      // Turning ZMQ_XPUB_VERBOSE off also turns off the unsubscribe half of VERBOSER.
      return {id: ZMQ_XPUB_VERBOSE, kind: OptionKind.Int, value: 0}
  }
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({length: b.length + 1}, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution)
    }
    previous = current
  }
  return previous[b.length]!
}

function isSubsequence(short: string, long: string): boolean {
  let index = 0
  for (const char of long) {
    if (char === short[index]) index++
    if (index === short.length) return true
  }
  return short.length === 0
}

// Finds the option a caller probably meant: the same name in another case, a small typo,
// or an abbreviation in libzmq style ("sndHwm", "ZMQ_SNDHWM" -> "sendHighWaterMark").
function closestName(name: string, known: Iterable<string>): string | undefined {
  const wanted = name.toLowerCase()
  const abbreviation = wanted.replace(/^zmq_/, "").replace(/[_-]/g, "")
  const limit = wanted.length <= 4 ? 1 : wanted.length <= 8 ? 2 : 3

  let best: {name: string; distance: number} | undefined
  let bestAbbreviated: string | undefined
  for (const candidate of known) {
    const lower = candidate.toLowerCase()
    if (lower === wanted) return candidate
    const distance = editDistance(wanted, lower)
    if (distance <= limit && (best === undefined || distance < best.distance)) {
      best = {name: candidate, distance}
    }
    if (
      abbreviation.length >= 3 &&
      lower[0] === abbreviation[0] &&
      isSubsequence(abbreviation, lower) &&
      (bestAbbreviated === undefined || candidate.length < bestAbbreviated.length)
    ) {
      bestAbbreviated = candidate
    }
  }
  return best?.name ?? bestAbbreviated
}

/** The error for an option name that does not exist, suggesting the closest known name. */
export function unknownOptionError(name: string, known: Iterable<string>): TypeError {
  const suggestion = closestName(name, known)
  const hint = suggestion === undefined ? "" : `; did you mean "${suggestion}"?`
  return new TypeError(`Unknown option "${name}"${hint}`)
}
