/**
 * What the compiled addon exports: the native socket, context and proxy, and helpers.
 * Internal: not part of the public API.
 * @module
 */

/** The native socket: moves bytes and watches ZMQ_FD; everything else lives in TypeScript. */
export interface NativeSocket {
  readonly closed: boolean
  /** Whether a proxy thread uses the socket now. */
  readonly lent: boolean
  close(): void
  bind(address: string): void
  unbind(address: string): void
  /**
   * zmq_bind (or zmq_unbind) on the thread pool; every other call fails with EBUSY until
   * the promise settles.
   */
  endpointAsync(address: string, unbind: boolean): Promise<void>
  connect(address: string): void
  disconnect(address: string): void
  getOption(id: number, kind: number, size?: number): number | string | Buffer
  setOption(id: number, kind: number, value: number | boolean | string | Buffer | null): void
  /** ZMQ_EVENTS: bit 1 readable, bit 2 writable. */
  events(): number
  /**
   * Waits (one shot) until one of the `interest` bits is ready, then calls the
   * ready handler. Returns the current events: when they already match, it does
   * not wait and the caller goes on. `wait(0)` stops waiting and returns 0.
   */
  wait(interest: number): number
  /**
   * Sends one message (a frame or an array of frames); false when libzmq would block.
   * A `track` id tags its zero-copy frames: their release is reported to the release handler.
   */
  send(message: unknown, track?: number): boolean
  /** Sends messages list[start..end); returns how many were accepted. */
  sendMany(list: readonly unknown[], start: number, end: number): number
  /**
   * Sends the first `frames` frames packed in the buffers given to setSendBuffers():
   * `sizes[i]` is the length of frame i (the frames lie back to back in `data`), with
   * `packedMore` set when another part of its message follows. Returns how many whole
   * messages libzmq accepted.
   */
  sendPacked(frames: number): number
  setSendBuffers(data: Uint8Array, sizes: Uint32Array): void
  /** Draft sockets: sends one frame with a routing id and/or group. */
  sendDraft(frame: unknown, routingId: number | undefined, group: string | undefined): boolean
  setReceiveBuffers(meta: Uint32Array, extras: unknown[]): void
  /** Message properties (zmq_msg_gets) to report once per received message; null: none. */
  setMetadata(names: readonly string[] | null): void
  /**
   * Receives up to `maxMessages` whole messages without blocking. Frames up to
   * `poolFrameMax` bytes are copied into `pool` from `offset` on; the others,
   * and groups, are appended to the extras array. Returns the frame count;
   * `meta` holds (size, flags, routing id) per frame.
   */
  receive(pool: Buffer, offset: number, maxMessages: number): number
  monitor(address: string | null, events: number): void
  /** Dish: joins a group. */
  join(group: string): void
  /** Dish: leaves a group. */
  leave(group: string): void
  /** Peer: connects and returns the routing id of the new peer. */
  connectPeer(address: string): number
  /** Set by the TypeScript socket that owns this native socket. */
  owner?: unknown
}

export interface NativeContext {
  readonly shared: boolean
  getOption(id: number): number
  setOption(id: number, value: number): void
  terminate(): Promise<void>
}

/** The native proxy: lends sockets to a thread running libzmq's steerable proxy. */
export interface NativeProxy {
  readonly running: boolean
  /**
   * Lends frontEnd, backEnd, capture and control to a new thread, which sends the
   * messages each end had read ahead through the other end (and to capture), then runs
   * zmq_proxy_steerable; `peer` (connected to control) stays with the caller, which
   * sends the commands. Resolves when the thread has ended and the sockets are back;
   * rejects with the proxy's libzmq error.
   */
  run(
    frontEnd: NativeSocket,
    backEnd: NativeSocket,
    capture: NativeSocket | null,
    control: NativeSocket,
    peer: NativeSocket,
    frontEndReadAhead: readonly (readonly Uint8Array[])[],
    backEndReadAhead: readonly (readonly Uint8Array[])[],
  ): Promise<void>
}

/** What the loaded libzmq was built with (libzmq's `zmq_has()`), as `capability`. */
export interface Capability {
  /** The `ipc://` transport (Unix domain sockets). */
  ipc: boolean
  /** The `pgm://` and `epgm://` multicast transports (not in the bundled build). */
  pgm: boolean
  /** The `tipc://` transport (Linux TIPC, where the build machine's headers have it). */
  tipc: boolean
  /** The `norm://` transport (NACK-oriented multicast; not in the bundled build). */
  norm: boolean
  /** The CURVE security mechanism (see {@link curveLibrary}). */
  curve: boolean
  /** The GSSAPI (Kerberos) security mechanism (not in the bundled build). */
  gssapi: boolean
  /** libzmq's draft APIs: the sockets of `zeromq-napi/draft` and the draft options. */
  draft: boolean
  /**
   * The CURVE crypto libzmq was built with: `"libsodium"` (a static libsodium, when the
   * build found one) or `"tweetnacl"` (libzmq's bundled copy).
   */
  curveLibrary: "libsodium" | "tweetnacl"
  /**
   * How sockets wait for libzmq in this runtime: `"libuv"` (the runtime's own event loop:
   * Node, Electron), `"thread"` (a watcher thread per thread of JavaScript: Bun, Deno and
   * other runtimes) or `null` (neither works: sockets cannot wait).
   * `ZEROMQ_NAPI_EVENT_LOOP=uv` or `=thread` forces either; see docs/runtimes.md.
   */
  eventLoop: "libuv" | "thread" | null
}

export interface NativeBinding {
  version: string
  capability: Omit<Capability, "eventLoop">
  /** How sockets wait here: libuv's poll handles, a watcher thread, or nothing (null). */
  eventLoop: "libuv" | "thread" | null
  /** Whether large frames are sent without copying here (main thread only). */
  zeroCopySends: boolean
  Context: new (shared: boolean) => NativeContext
  Socket: new (context: NativeContext, type: number) => NativeSocket
  Proxy: new () => NativeProxy
  setReadyHandler(handler: (this: NativeSocket, events: number) => void): void
  /** Called with the track ids whose zero-copy buffers libzmq released. */
  setReleaseHandler(handler: (tracks: number[]) => void): void
  /** The class of every error the addon throws for a libzmq failure: (message, code, errno). */
  setErrorClass(errorClass: new (message: string, code: string, errno: number) => Error): void
  /** The protocol constants the addon was compiled with (native/protocol.h). */
  protocol: Record<string, Record<string, number>>
  /** The numbers of the errno names the addon knows, on this platform. */
  errnos: Readonly<Record<string, number>>
  curveKeyPair(): {publicKey: string; secretKey: string}
  curvePublic(secretKey: string): string
  z85Encode(data: Buffer): string
  z85Decode(text: string): Buffer
}
