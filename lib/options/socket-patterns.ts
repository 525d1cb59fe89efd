/**
 * Socket options of particular socket types: routers, publishers, requests, subscriptions.
 * Each doc comment is the option's documentation (generated into the typings).
 * Internal: not part of the public API.
 * @module
 */
import {
  ZMQ_CONFLATE,
  ZMQ_CONNECT_ROUTING_ID,
  ZMQ_INVERT_MATCHING,
  ZMQ_NOTIFY_CONNECT,
  ZMQ_NOTIFY_DISCONNECT,
  ZMQ_ONLY_FIRST_SUBSCRIBE,
  ZMQ_PROBE_ROUTER,
  ZMQ_REQ_CORRELATE,
  ZMQ_REQ_RELAXED,
  ZMQ_ROUTER_HANDOVER,
  ZMQ_ROUTER_MANDATORY,
  ZMQ_ROUTER_NOTIFY,
  ZMQ_ROUTER_RAW,
  ZMQ_ROUTING_ID,
  ZMQ_STREAM_NOTIFY,
  ZMQ_SUBSCRIBE,
  ZMQ_UNSUBSCRIBE,
  ZMQ_XPUB_MANUAL,
  ZMQ_XPUB_MANUAL_LAST_VALUE,
  ZMQ_XPUB_NODROP,
  ZMQ_XPUB_VERBOSER,
  ZMQ_XPUB_WELCOME_MSG,
} from "../generated/zmq-constants"
import {OptionKind, conflatingSockets, routingIdSockets, noProperty, type OptionSpec} from "./spec"

export const patternOptions = {
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
} as const satisfies Record<string, OptionSpec>
