import {expect} from "chai"
import * as zmq from "../../lib"
import {bindAny, transports, within} from "../helpers"

for (const transport of transports) {
  describe(`socket patterns over ${transport}`, () => {
    const sockets: zmq.Socket[] = []
    const track = <S extends zmq.Socket>(socket: S): S => (sockets.push(socket), socket)
    afterEach(() => {
      for (const socket of sockets.splice(0)) socket.close()
    })

    it("delivers request and reply between Request and Reply", async () => {
      const rep = track(new zmq.Reply())
      const req = track(new zmq.Request())
      req.connect(await bindAny(rep, transport))
      for (let i = 0; i < 3; i++) {
        await req.send(`ping ${i}`)
        const [request] = await rep.receive()
        await rep.send(["pong", request])
        const [pong, echoed] = await req.receive()
        expect(pong.toString()).to.equal("pong")
        expect(echoed.toString()).to.equal(`ping ${i}`)
      }
    })

    it("filters Publisher messages by the Subscriber's topic prefixes", async () => {
      const pub = track(new zmq.Publisher())
      const sub = track(new zmq.Subscriber())
      sub.subscribe("weather", "news")
      sub.connect(await bindAny(pub, transport))
      // A late subscriber misses early messages: publish until the first arrives.
      const first = sub.receive()
      const timer = setInterval(() => void pub.send(["weather", "warmup"]), 5)
      await within(first, 5000, "first subscription message")
      clearInterval(timer)
      await pub.send(["sports", "skipped"])
      await pub.send(["news", "kept"])
      await pub.send(["weatherman", "kept too"])
      const seen: string[] = []
      while (seen.length < 2) {
        const [topic, body] = await sub.receive()
        if (body.toString() !== "warmup") seen.push(`${topic}:${body}`)
      }
      expect(seen).to.deep.equal(["news:kept", "weatherman:kept too"])
    })

    it("fans PUSH messages out to several Pulls and back in to one", async () => {
      // The source connects to each worker: libzmq creates every pipe at connect
      // time, so round-robin covers both workers from the first message.
      const workers = [track(new zmq.Pull()), track(new zmq.Pull())]
      const source = track(new zmq.Push())
      for (const worker of workers) source.connect(await bindAny(worker, transport))
      const sink = track(new zmq.Pull())
      const sinkAddress = await bindAny(sink, transport)
      const outputs = workers.map(() => {
        const output = track(new zmq.Push())
        output.connect(sinkAddress)
        return output
      })

      const total = 100
      const relays = workers.map(async (worker, i) => {
        let count = 0
        for await (const [task] of worker) {
          if (task.toString() === "stop") break
          count++
          await outputs[i].send(task)
        }
        return count
      })
      for (let i = 0; i < total; i++) await source.send(String(i))
      await source.send("stop")
      await source.send("stop")
      const received: string[] = []
      while (received.length < total)
        received.push((await within(sink.receive(), 5000))[0].toString())
      const counts = await within(Promise.all(relays), 5000, "relays")
      expect(new Set(received).size).to.equal(total)
      expect(counts).to.deep.equal([total / 2, total / 2])
    })

    it("routes replies from a Router back to the Dealer with the routing id", async () => {
      const router = track(new zmq.Router())
      const address = await bindAny(router, transport)
      const dealers = ["alpha", "beta"].map(id => {
        const dealer = track(new zmq.Dealer({routingId: id}))
        dealer.connect(address)
        return dealer
      })
      await dealers[0].send("from alpha")
      await dealers[1].send("from beta")
      for (let i = 0; i < 2; i++) {
        const [id, body] = await router.receive()
        expect(body.toString()).to.equal(`from ${id.toString()}`)
        await router.send([id, `reply to ${id.toString()}`])
      }
      expect((await dealers[0].receive())[0].toString()).to.equal("reply to alpha")
      expect((await dealers[1].receive())[0].toString()).to.equal("reply to beta")
    })

    it("lets a Router connect with a chosen routing id", async () => {
      const server = track(new zmq.Router())
      const address = await bindAny(server, transport)
      const client = track(new zmq.Router({mandatory: true}))
      client.connect(address, {routingId: "server-1"})
      const hello = async () => {
        for (;;) {
          try {
            return await client.send(["server-1", "hello"])
          } catch (err) {
            // Mandatory routing fails until the connection is up.
            if ((err as zmq.ZmqError).code !== "EHOSTUNREACH") throw err
            await new Promise(r => setTimeout(r, 5))
          }
        }
      }
      await within(hello(), 5000, "routed hello")
      const [, body] = await server.receive()
      expect(body.toString()).to.equal("hello")
    })

    it("passes subscriptions from XSubscriber to XPublisher and data back", async () => {
      const xpub = track(new zmq.XPublisher())
      const xsub = track(new zmq.XSubscriber())
      xsub.connect(await bindAny(xpub, transport))
      await xsub.send(Buffer.from("\x01topic"))
      const [subscription] = await within(xpub.receive(), 5000, "subscription")
      expect(subscription.toString()).to.equal("\x01topic")
      await xpub.send("topic data")
      await xpub.send("other data")
      const [data] = await xsub.receive()
      expect(data.toString()).to.equal("topic data")
      await xsub.send(Buffer.from("\x00topic"))
      const [unsubscription] = await xpub.receive()
      expect(unsubscription.toString()).to.equal("\x00topic")
    })

    it("exchanges messages both ways between Pairs", async () => {
      const a = track(new zmq.Pair())
      const b = track(new zmq.Pair())
      b.connect(await bindAny(a, transport))
      await a.send("to b")
      await b.send("to a")
      expect((await b.receive())[0].toString()).to.equal("to b")
      expect((await a.receive())[0].toString()).to.equal("to a")
    })

    it("keeps multipart messages whole, with empty and binary frames", async () => {
      const pull = track(new zmq.Pull())
      const push = track(new zmq.Push())
      push.connect(await bindAny(pull, transport))
      const binary = Buffer.from([0, 1, 2, 255])
      const large = Buffer.alloc(200_000, 7)
      await push.send(["head", Buffer.alloc(0), binary, large, new Uint16Array([1, 2]), "tail"])
      const parts = await pull.receive()
      expect(parts).to.have.length(6)
      expect(parts[0].toString()).to.equal("head")
      expect(parts[1]).to.have.length(0)
      expect(parts[2]).to.deep.equal(binary)
      expect(parts[3].equals(large)).to.equal(true)
      expect(parts[4]).to.deep.equal(Buffer.from(new Uint16Array([1, 2]).buffer))
      expect(parts[5].toString()).to.equal("tail")
    })
  })
}
