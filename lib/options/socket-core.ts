/**
 * Socket options of every socket: queues, timeouts, reconnection, identity, heartbeats.
 * Each doc comment is the option's documentation (generated into the typings).
 * Internal: not part of the public API.
 * @module
 */
import {
  ZMQ_AFFINITY,
  ZMQ_CONNECT_TIMEOUT,
  ZMQ_DISCONNECT_MSG,
  ZMQ_EVENTS,
  ZMQ_FD,
  ZMQ_HANDSHAKE_IVL,
  ZMQ_HEARTBEAT_IVL,
  ZMQ_HEARTBEAT_TIMEOUT,
  ZMQ_HEARTBEAT_TTL,
  ZMQ_HELLO_MSG,
  ZMQ_IMMEDIATE,
  ZMQ_IN_BATCH_SIZE,
  ZMQ_IPV4ONLY,
  ZMQ_IPV6,
  ZMQ_LAST_ENDPOINT,
  ZMQ_LINGER,
  ZMQ_MAXMSGSIZE,
  ZMQ_METADATA,
  ZMQ_OUT_BATCH_SIZE,
  ZMQ_RCVHWM,
  ZMQ_RCVMORE,
  ZMQ_RCVTIMEO,
  ZMQ_RECONNECT_IVL,
  ZMQ_RECONNECT_IVL_MAX,
  ZMQ_RECONNECT_STOP,
  ZMQ_SNDHWM,
  ZMQ_SNDTIMEO,
  ZMQ_THREAD_SAFE,
  ZMQ_TYPE,
  ZMQ_USE_FD,
} from "../generated/zmq-constants"
import {OptionKind, sendingSockets, receivingSockets, noProperty, type OptionSpec} from "./spec"

export const coreOptions = {
  /**
   * I/O thread affinity bitmask: bit n set means new connections are handled by I/O
   * thread n of the context. Default 0 (any thread); bits above 2^53 cannot be represented.
   */
  affinity: {id: ZMQ_AFFINITY, kind: OptionKind.Uint64, value: "number", access: "rw", min: 0},

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
   * How long in milliseconds unsent messages are kept after `close()` (and so how long the
   * process may wait for them at exit): -1 waits forever, 0 discards them. Default 1000
   * (`defaultLinger`): libzmq's own default, -1, keeps a process with undeliverable
   * messages from ever exiting.
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
   * When `true`, messages are queued only to completed connections, so round-robin sockets
   * don't fill queues of peers still connecting. Default `false`.
   */
  immediate: {id: ZMQ_IMMEDIATE, kind: OptionKind.Int, value: "boolean", access: "rw"},

  /**
   * Enables IPv6, so TCP sockets connect to and accept both IPv4 and IPv6 hosts. Default
   * `false`, or the context's `ipv6`.
   */
  ipv6: {id: ZMQ_IPV6, kind: OptionKind.Int, value: "boolean", access: "rw"},

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

  /** Whether the socket may be used from several threads (only some DRAFT socket types). */
  threadSafe: {id: ZMQ_THREAD_SAFE, kind: OptionKind.Int, value: "boolean", access: "r"},

  /**
   * A pre-created, already bound file descriptor for the next `bind()` to use (TCP/IPC).
   * Default -1: create one.
   */
  useFd: {id: ZMQ_USE_FD, kind: OptionKind.Int, value: "number", access: "rw", min: -1},

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
} as const satisfies Record<string, OptionSpec>
