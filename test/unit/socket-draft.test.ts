import {expect} from "chai"
import * as dgram from "node:dgram"
import * as zmq from "../../lib"
import * as draft from "../../lib/draft"
import {bindAny, within} from "../helpers"

/** libzmq 4.3.4 does not resolve "udp://…:*": ask the OS for a free port. */
async function freeUdpPort(): Promise<number> {
  const probe = dgram.createSocket("udp4")
  await new Promise<void>(resolve => probe.bind(0, "127.0.0.1", resolve))
  const {port} = probe.address()
  await new Promise<void>(resolve => probe.close(resolve))
  return port
}

describe("draft sockets", () => {
  const sockets: zmq.Socket[] = []
  const track = <S extends zmq.Socket>(socket: S): S => (sockets.push(socket), socket)
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close()
  })

  for (const transport of ["tcp", "inproc"] as const) {
    it(`routes Client requests and Server replies by routing id over ${transport}`, async () => {
      const server = track(new draft.Server())
      const client = track(new draft.Client())
      client.connect(await bindAny(server, transport))
      await client.send("question")
      const [msg, {routingId}] = await within(server.receive(), 5000)
      expect(msg.toString()).to.equal("question")
      expect(routingId).to.be.a("number").and.above(0)
      await server.send("answer", {routingId})
      expect((await within(client.receive(), 5000))[0].toString()).to.equal("answer")
    })
  }

  it("delivers Radio messages to the Dishes that joined the group", async () => {
    const radio = track(new draft.Radio())
    const dish = track(new draft.Dish())
    dish.join("news")
    dish.connect(await bindAny(radio, "inproc"))
    await radio.send("ignored", {group: "sports"})
    await radio.send("headline", {group: "news"})
    const [msg, {group}] = await within(dish.receive(), 5000)
    expect(msg.toString()).to.equal("headline")
    expect(group).to.equal("news")
    dish.leave("news")
    expect(() => dish.join("a group name over 15 bytes")).to.throw(RangeError)
  })

  it("moves single-part messages from Scatter to Gather", async () => {
    const gather = track(new draft.Gather())
    const scatter = track(new draft.Scatter())
    scatter.connect(await bindAny(gather, "tcp"))
    await scatter.send("scattered")
    expect((await within(gather.receive(), 5000))[0].toString()).to.equal("scattered")
  })

  it("sends UDP datagrams between Datagram sockets", async () => {
    const [port, senderPort] = await Promise.all([freeUdpPort(), freeUdpPort()])
    const receiver = track(new draft.Datagram())
    await receiver.bind(`udp://127.0.0.1:${port}`)
    const sender = track(new draft.Datagram())
    await sender.bind(`udp://127.0.0.1:${senderPort}`)
    // UDP is lossy and libzmq opens the receiving port on its I/O thread after
    // bind() returned: send until a datagram arrives.
    const received = receiver.receive()
    const resend = setInterval(() => void sender.send([`127.0.0.1:${port}`, "datagram"]), 10)
    const [from, data] = await within(received, 5000).finally(() => clearInterval(resend))
    expect(data.toString()).to.equal("datagram")
    // libzmq ends the address frame with a NUL byte.
    expect(from.toString()).to.equal(`127.0.0.1:${senderPort}\0`)
  })

  it("connects Peers and addresses them by routing id", async () => {
    const a = track(new draft.Peer())
    const b = track(new draft.Peer())
    const routingId = b.connectPeer(await bindAny(a, "tcp"))
    await b.send("hello peer", {routingId})
    const [msg, info] = await within(a.receive(), 5000)
    expect(msg.toString()).to.equal("hello peer")
    await a.send("hello back", {routingId: info.routingId})
    const [back, fromA] = await within(b.receive(), 5000)
    expect(back.toString()).to.equal("hello back")
    expect(fromA.routingId).to.equal(routingId)
  })

  it("wakes a thread-safe socket for every message, connection after connection", async () => {
    // Thread-safe sockets are woken through a zmq_poller's descriptor: a wake-up skipped
    // once (as for ordinary sockets after an empty receive) left some receives hanging.
    for (let i = 0; i < 20; i++) {
      const a = track(new draft.Peer())
      const b = track(new draft.Peer())
      const routingId = b.connectPeer(await bindAny(a, "tcp"))
      await b.send(`message ${i}`, {routingId})
      const [message] = await within(a.receive(), 5000, `message ${i}`)
      expect(message.toString()).to.equal(`message ${i}`)
    }
  })

  it("exchanges messages between Channels", async () => {
    const a = track(new draft.Channel())
    const b = track(new draft.Channel())
    b.connect(await bindAny(a, "inproc"))
    await b.send("over the channel")
    expect((await within(a.receive(), 5000))[0].toString()).to.equal("over the channel")
    await a.send("and back")
    expect((await within(b.receive(), 5000))[0].toString()).to.equal("and back")
  })
})
