/**
 * Context options. Each doc comment is the option's documentation (generated into the
 * typings).
 * Internal: not part of the public API.
 * @module
 */
import {
  ZMQ_BLOCKY,
  ZMQ_IO_THREADS,
  ZMQ_IPV6,
  ZMQ_MAX_MSGSZ,
  ZMQ_MAX_SOCKETS,
  ZMQ_MSG_T_SIZE,
  ZMQ_SOCKET_LIMIT,
  ZMQ_THREAD_AFFINITY_CPU_ADD,
  ZMQ_THREAD_AFFINITY_CPU_REMOVE,
  ZMQ_THREAD_NAME_PREFIX,
  ZMQ_THREAD_PRIORITY,
  ZMQ_THREAD_SCHED_POLICY,
  ZMQ_ZERO_COPY_RECV,
} from "../generated/zmq-constants"
import {OptionKind, type OptionSpec} from "./spec"

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
