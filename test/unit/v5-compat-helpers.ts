// Helpers of the v5-compat tests: sockets closed after each test (an open v5 socket that
// receives keeps the process running), endpoints, and waiting for `message` events.
import * as zmq from "../../lib/v5-compat"
import {bindAddress, within, type Transport} from "../helpers"

/** Buffers of a received message, one per frame. */
export type Frames = Buffer[]

/**
 * A `socket()` whose sockets are closed (linger 0) after each test of the enclosing
 * describe block.
 */
export function socketFactory(): typeof zmq.socket {
  const sockets: zmq.Socket[] = []
  afterEach(() => {
    for (const socket of sockets.splice(0)) {
      if (socket.closed) continue
      socket.linger = 0
      socket.close()
    }
  })
  return (type, options) => {
    const socket = zmq.socket(type, options)
    sockets.push(socket)
    return socket
  }
}

/** Binds `socket` (bindSync) and returns the endpoint peers connect to. */
export function bound(socket: zmq.Socket, transport: Transport): string {
  socket.bindSync(bindAddress(transport))
  return socket.last_endpoint as string
}

/**
 * The next `count` messages of `socket`, as frame arrays, within `ms`; messages whose
 * first frame starts with `skip` (pub/sub probes) are not counted.
 */
export function messages(
  socket: zmq.Socket,
  count: number,
  ms = 5000,
  skip?: string,
): Promise<Frames[]> {
  const received: Frames[] = []
  let listener!: (...frames: Frames) => void
  const all = new Promise<Frames[]>(resolve => {
    listener = (...frames) => {
      if (skip !== undefined && frames[0].toString().startsWith(skip)) return
      received.push(frames)
      if (received.length === count) resolve(received)
    }
    socket.on("message", listener)
  })
  return within(all, ms, `${count} messages (got ${received.length})`).finally(() =>
    socket.off("message", listener),
  )
}

/** The next message of `socket` as strings, one per frame. */
export async function nextText(socket: zmq.Socket, ms = 5000): Promise<string[]> {
  const [frames] = await messages(socket, 1, ms)
  return frames.map(frame => frame.toString())
}

/** Resolves on the next `event` of `emitter` with its arguments, within `ms`. */
export function nextEvent(
  emitter: {once(event: string, listener: (...args: unknown[]) => void): unknown},
  event: string,
  ms = 5000,
): Promise<unknown[]> {
  return within(
    new Promise<unknown[]>(resolve => emitter.once(event, (...args) => resolve(args))),
    ms,
    `event ${event}`,
  )
}

/**
 * Publishes `probe` every 10 ms until `sub` receives it (pub/sub's slow joiner: messages
 * published before the subscription reached the publisher are dropped).
 */
export async function untilSubscribed(
  pub: zmq.Socket,
  sub: zmq.Socket,
  probe: string,
): Promise<void> {
  const timer = setInterval(() => pub.send(probe), 10)
  pub.send(probe)
  try {
    for (;;) {
      const [frame] = await nextText(sub)
      if (frame === probe) return
    }
  } finally {
    clearInterval(timer)
  }
}
