/**
 * The typed loader: the only module that loads the compiled addon.
 * @internal
 * @module
 */
import * as fs from "node:fs"
import * as path from "node:path"

/** The native socket: moves bytes and watches ZMQ_FD; everything else lives in TypeScript. */
export interface NativeSocket {
  readonly closed: boolean
  /** Whether a proxy thread uses the socket now. */
  readonly lent: boolean
  close(): void
  bind(address: string): void
  unbind(address: string): void
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

export interface Capability {
  ipc: boolean
  pgm: boolean
  tipc: boolean
  norm: boolean
  curve: boolean
  gssapi: boolean
  draft: boolean
  /**
   * The CURVE crypto libzmq was built with: `"libsodium"` (a static libsodium, when the
   * build found one) or `"tweetnacl"` (libzmq's bundled copy).
   */
  curveLibrary: "libsodium" | "tweetnacl"
}

export interface NativeBinding {
  version: string
  capability: Capability
  hasLibuv: boolean
  /** Whether large frames are sent without copying here (main thread only). */
  zeroCopySends: boolean
  Context: new (shared: boolean) => NativeContext
  Socket: {
    new (context: NativeContext, type: number): NativeSocket
    readonly zeroCopyMin: number
    readonly externalMin: number
    readonly packedMore: number
    readonly poolFrameMax: number
  }
  Proxy: new () => NativeProxy
  setReadyHandler(handler: (this: NativeSocket, events: number) => void): void
  /** Called with the track ids whose zero-copy buffers libzmq released. */
  setReleaseHandler(handler: (tracks: number[]) => void): void
  curveKeyPair(): {publicKey: string; secretKey: string}
  curvePublic(secretKey: string): string
  z85Encode(data: Buffer): string
  z85Decode(text: string): Buffer
}

/** Frame flags in the receive metadata (mirrors native/socket.h). */
export const FrameFlag = {More: 1, Extra: 2, Group: 4, Metadata: 8} as const

function packageRoot(): string {
  // lib/ when run from source, dist/cjs/ when compiled.
  let dir = __dirname
  for (;;) {
    const manifest = path.join(dir, "package.json")
    if (fs.existsSync(manifest)) {
      const {name} = JSON.parse(fs.readFileSync(manifest, "utf8")) as {name?: string}
      if (name === "zeromq-napi") return dir
    }
    const parent = path.dirname(dir)
    if (parent === dir) throw new Error(`zeromq-napi: package.json not found above ${__dirname}`)
    dir = parent
  }
}

function load(): NativeBinding {
  // ZEROMQ_NAPI_ADDON=/path/to/zeromq_napi.node loads that binary instead of the normal
  // search: how the sanitizer run (`npm run test:asan`) loads its build-asan/ addon while
  // build/Release stays the normal one.
  const override = process.env.ZEROMQ_NAPI_ADDON
  if (override) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(path.resolve(override)) as NativeBinding
  }
  const root = packageRoot()
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const nodeGypBuild = require("node-gyp-build") as (dir: string) => unknown
    return nodeGypBuild(root) as NativeBinding
  } catch (err) {
    const platform = `${process.platform}-${process.arch}`
    const reason = err instanceof Error ? err.message : String(err)
    throw new Error(
      [
        `zeromq-napi could not load its native addon for ${platform} (Node ${process.version}, ` +
          `Node-API ${process.versions.napi}).`,
        `Tried, in order: ${path.join(root, "build", "Release")}, ${path.join(root, "build", "Debug")}` +
          `, ${path.join(root, "prebuilds", platform)}${process.env.PREBUILDS_ONLY ? " (PREBUILDS_ONLY is set: prebuilds only)" : ""}.`,
        `Reason: ${reason}`,
        "To fix it:",
        "  - build it from source: `npm rebuild zeromq-napi` (needs cmake and a C++17 compiler;",
        "    libzmq's source is fetched, or set ZEROMQ_NAPI_LIBZMQ_ARCHIVE to its archive), or",
        "  - build against a system libzmq: `npm run build:gyp` in the package folder (needs pkg-config),",
        "  - or install on a platform with a prebuilt binary (see the README's platform table).",
      ].join("\n"),
      {cause: err},
    )
  }
}

/** The loaded addon. */
export const binding: NativeBinding = load()
