/**
 * Socket options of transports: TCP, IPC, multicast, SOCKS, VMCI and the kernel's buffers.
 * Each doc comment is the option's documentation (generated into the typings).
 * Internal: not part of the public API.
 * @module
 */
import {
  ZMQ_BACKLOG,
  ZMQ_BINDTODEVICE,
  ZMQ_IPC_FILTER_GID,
  ZMQ_IPC_FILTER_PID,
  ZMQ_IPC_FILTER_UID,
  ZMQ_LOOPBACK_FASTPATH,
  ZMQ_MULTICAST_HOPS,
  ZMQ_MULTICAST_LOOP,
  ZMQ_MULTICAST_MAXTPDU,
  ZMQ_PRIORITY,
  ZMQ_RATE,
  ZMQ_RCVBUF,
  ZMQ_RECOVERY_IVL,
  ZMQ_SNDBUF,
  ZMQ_SOCKS_PASSWORD,
  ZMQ_SOCKS_PROXY,
  ZMQ_SOCKS_USERNAME,
  ZMQ_TCP_ACCEPT_FILTER,
  ZMQ_TCP_KEEPALIVE,
  ZMQ_TCP_KEEPALIVE_CNT,
  ZMQ_TCP_KEEPALIVE_IDLE,
  ZMQ_TCP_KEEPALIVE_INTVL,
  ZMQ_TCP_MAXRT,
  ZMQ_TOS,
  ZMQ_VMCI_BUFFER_MAX_SIZE,
  ZMQ_VMCI_BUFFER_MIN_SIZE,
  ZMQ_VMCI_BUFFER_SIZE,
  ZMQ_VMCI_CONNECT_TIMEOUT,
} from "../generated/zmq-constants"
import {OptionKind, sendingSockets, receivingSockets, type OptionSpec} from "./spec"

export const transportOptions = {
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

  /** Maximum length of the queue of pending incoming connections. Default 100. */
  backlog: {id: ZMQ_BACKLOG, kind: OptionKind.Int, value: "number", access: "rw", min: 0},

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

  /** SOCKS5 proxy (`host:port`) used for outgoing TCP connections. Default `null`. */
  socksProxy: {id: ZMQ_SOCKS_PROXY, kind: OptionKind.String, value: "string", access: "rw"},

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
   * Network interface (e.g. `"eth0"`, or a VRF device) TCP/UDP connections are bound to
   * (SO_BINDTODEVICE, Linux, needs CAP_NET_RAW). Default `null`.
   */
  interface: {id: ZMQ_BINDTODEVICE, kind: OptionKind.String, value: "string", access: "rw"},

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
