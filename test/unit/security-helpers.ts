import {expect} from "chai"
import * as net from "node:net"
import {
  ZmqError,
  type AuthDecision,
  type Authenticator,
  type EventOfType,
  type EventType,
  type Socket,
} from "../../lib"
import {within} from "../helpers"

/** Resolves with the next event of `type` on the socket (listen before connecting). */
export function nextEvent<E extends EventType>(
  socket: Socket,
  type: E,
  ms = 5000,
): Promise<EventOfType<E>> {
  return within(
    new Promise<EventOfType<E>>(resolve => {
      const listener = (event: EventOfType<E>) => {
        socket.events.off(type, listener)
        resolve(event)
      }
      socket.events.on(type, listener)
    }),
    ms,
    `a "${type}" event`,
  )
}

/** Resolves with the next decision of the authenticator that matches `filter`. */
export function nextDecision(
  auth: Authenticator,
  filter: (decision: AuthDecision) => boolean = () => true,
  ms = 5000,
): Promise<AuthDecision> {
  return within(
    new Promise<AuthDecision>(resolve => {
      const listener = (decision: AuthDecision) => {
        if (!filter(decision)) return
        auth.off("decision", listener)
        resolve(decision)
      }
      auth.on("decision", listener)
    }),
    ms,
    "an authentication decision",
  )
}

/** Asserts that nothing arrives: a receive bounded by receiveTimeout fails with EAGAIN. */
export async function expectNothingDelivered(socket: {
  receiveTimeout: number
  receive(): Promise<unknown>
}): Promise<void> {
  socket.receiveTimeout = 200
  const error = await socket.receive().then(
    message => {
      throw new Error(`a message was delivered: ${String(message)}`)
    },
    (err: unknown) => err,
  )
  expect(error).to.be.instanceOf(ZmqError)
  expect((error as ZmqError).code).to.equal("EAGAIN")
}

/** A TCP relay in front of `target` ("tcp://host:port") that records every byte it passes. */
export interface Relay {
  /** The endpoint clients connect to instead of the target. */
  endpoint: string
  /** Everything sent in either direction so far. */
  captured(): Buffer
  close(): Promise<void>
}

export async function startRelay(target: string): Promise<Relay> {
  const [, host, port] = /^tcp:\/\/(.+):(\d+)$/.exec(target)!
  const chunks: Buffer[] = []
  const sockets = new Set<net.Socket>()
  const server = net.createServer(client => {
    const upstream = net.connect(Number(port), host)
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on("data", chunk => chunks.push(Buffer.from(chunk)))
      socket.on("error", () => {})
      socket.on("close", () => {
        sockets.delete(socket)
        client.destroy()
        upstream.destroy()
      })
    }
    client.pipe(upstream)
    upstream.pipe(client)
  })
  await new Promise<void>(resolve => server.listen(0, "127.0.0.1", resolve))
  const address = server.address() as net.AddressInfo
  return {
    endpoint: `tcp://127.0.0.1:${address.port}`,
    captured: () => Buffer.concat(chunks),
    close: () =>
      new Promise<void>(resolve => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}
