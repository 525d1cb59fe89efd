import {expect} from "chai"
import * as net from "node:net"
import * as zmq from "../../lib/v5-compat"
import {transports, within} from "../helpers"
import {bound, messages, nextText, socketFactory, untilSubscribed} from "./v5-compat-helpers"

const text = (frames: Buffer[]) => frames.map(frame => frame.toString())

describe("v5-compat messaging", () => {
  const socket = socketFactory()

  for (const transport of transports) {
    describe(`over ${transport}`, () => {
      it("req/rep: ten requests sent in a row are each answered, in order", async () => {
        const rep = socket("rep")
        rep.on("message", request => rep.send(`world (${request})`))
        const req = socket("req")
        req.connect(bound(rep, transport))
        const replies = messages(req, 10)
        // REQ may only send after the previous reply: the sends wait their turn.
        for (let i = 0; i < 10; i++) req.send(`hello ${i}`)
        expect((await replies).map(text)).to.deep.equal(
          Array.from({length: 10}, (_, i) => [`world (hello ${i})`]),
        )
      })

      it("pub/sub: a subscriber gets exactly the messages that start with its prefixes", async () => {
        const pub = socket("pub")
        const sub = socket("sub")
        sub.subscribe("probe").subscribe("a").subscribe(Buffer.from("bb"))
        sub.connect(bound(pub, transport))
        await untilSubscribed(pub, sub, "probe")
        const received = messages(sub, 4, 5000, "probe")
        for (const topic of ["a1", "b1", "bb1", "c1", "a2", "ba", "bb2"]) pub.send(topic)
        expect((await received).map(text)).to.deep.equal([["a1"], ["bb1"], ["a2"], ["bb2"]])

        sub.unsubscribe("a")
        // (Un)subscriptions reach the publisher in order: once "probe2" arrives, so did that.
        sub.subscribe("probe2")
        await untilSubscribed(pub, sub, "probe2")
        const after = messages(sub, 2, 5000, "probe")
        for (const topic of ["a3", "bb3", "a4", "bb4"]) pub.send(topic)
        expect((await after).map(text)).to.deep.equal([["bb3"], ["bb4"]])
      })

      it("push/pull: a thousand sends of a synchronous loop arrive whole and in order", async () => {
        const pull = socket("pull")
        const push = socket("push")
        push.connect(bound(pull, transport))
        const received = messages(pull, 1000)
        for (let i = 0; i < 1000; i++) push.send(`task ${i}`)
        const tasks = (await received).map(frames => frames[0].toString())
        expect(tasks).to.deep.equal(Array.from({length: 1000}, (_, i) => `task ${i}`))
      })

      it("router/dealer: the router sees each dealer's identity and answers it alone", async () => {
        const router = socket("router")
        const endpoint = bound(router, transport)
        const dealers = ["alpha", "beta"].map(identity => {
          const dealer = socket("dealer", {identity})
          dealer.connect(endpoint)
          return dealer
        })
        router.on("message", (identity, body) => router.send([identity, `${body} for ${identity}`]))
        const replies = dealers.map(dealer => nextText(dealer))
        dealers[0].send("one")
        dealers[1].send("two")
        expect(await Promise.all(replies)).to.deep.equal([["one for alpha"], ["two for beta"]])
        expect(dealers[0].identity).to.equal("alpha")
      })

      it("xpub/xsub: subscriptions travel up as messages, data comes down", async () => {
        const xpub = socket("xpub")
        const xsub = socket("xsub")
        xsub.connect(bound(xpub, transport))
        const subscription = nextText(xpub)
        xsub.send(Buffer.from("\x01news"))
        expect(await subscription).to.deep.equal(["\x01news"])
        const data = nextText(xsub)
        xpub.send("sports: ignored")
        xpub.send("news: hello")
        expect(await data).to.deep.equal(["news: hello"])
      })

      it("pair: both ends send and receive", async () => {
        const a = socket("pair")
        const b = socket("pair")
        b.connect(bound(a, transport))
        const atB = nextText(b)
        a.send("ping")
        expect(await atB).to.deep.equal(["ping"])
        const atA = nextText(a)
        b.send("pong")
        expect(await atA).to.deep.equal(["pong"])
      })

      it("sends ZMQ_SNDMORE parts and arrays as one multipart message", async () => {
        const pull = socket("pull")
        const push = socket("push")
        push.connect(bound(pull, transport))
        const received = messages(pull, 2)
        const calls: string[] = []
        push.send("a", zmq.ZMQ_SNDMORE, () => calls.push("a"))
        push.send(["b", Buffer.from("c")], zmq.ZMQ_SNDMORE)
        push.send("d", 0, () => calls.push("d"))
        push.send(["e", "f"])
        expect((await received).map(text)).to.deep.equal([
          ["a", "b", "c", "d"],
          ["e", "f"],
        ])
        expect(calls).to.deep.equal(["a", "d"])
      })
    })
  }

  it("stream (tcp, its only transport): talks to a plain TCP peer, frames led by its id", async () => {
    const stream = socket("stream")
    const endpoint = bound(stream, "tcp")
    const [, host, port] = /^tcp:\/\/(.*):(\d+)$/.exec(endpoint)!
    const client = net.connect(Number(port), host)
    try {
      // libzmq announces a new connection with an empty frame.
      const [[id, empty]] = await messages(stream, 1)
      expect(empty.length).to.equal(0)
      const request = messages(stream, 1)
      client.write("hello")
      const [[sameId, data]] = await request
      expect(sameId.equals(id)).to.equal(true)
      expect(data.toString()).to.equal("hello")
      const reply = within(
        new Promise<string>(resolve => client.once("data", d => resolve(d.toString()))),
        5000,
        "the reply",
      )
      stream.send([id, "world"])
      expect(await reply).to.equal("world")
    } finally {
      client.destroy()
    }
  })
})
