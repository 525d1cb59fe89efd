import {expect} from "chai"
import * as zmq from "../../lib/v5-compat"
import {transports} from "../helpers"
import {bound, messages, nextText, socketFactory, untilSubscribed} from "./v5-compat-helpers"

const text = (frames: Buffer[]) => frames.map(frame => frame.toString())

describe("v5-compat proxy", () => {
  const socket = socketFactory()

  for (const transport of transports) {
    describe(`over ${transport}`, () => {
      it("pull/push: forwards every message, all its frames, from producer to worker", async () => {
        const frontend = socket("pull")
        const backend = socket("push")
        const producer = socket("push")
        const worker = socket("pull")
        producer.connect(bound(frontend, transport))
        worker.connect(bound(backend, transport))
        zmq.proxy(frontend, backend)
        const received = messages(worker, 3)
        producer.send("one")
        producer.send(["two", "parts"])
        producer.send(["three", "", "frames"])
        expect((await received).map(text)).to.deep.equal([
          ["one"],
          ["two", "parts"],
          ["three", "", "frames"],
        ])
      })

      it("router/dealer: relays requests and replies, and captures the replies' bodies", async () => {
        const frontend = socket("router")
        const backend = socket("dealer")
        const capture = socket("push")
        const captured = socket("pull")
        capture.connect(bound(captured, transport))
        const clients = [socket("req"), socket("req")]
        for (const client of clients) client.connect(bound(frontend, transport))
        const worker = socket("rep")
        worker.connect(bound(backend, transport))
        worker.on("message", request => worker.send(`done: ${request}`))
        zmq.proxy(frontend, backend, capture)
        const captures = messages(captured, 2)
        const replies = clients.map(client => nextText(client))
        clients[0].send("job A")
        clients[1].send("job B")
        expect(await Promise.all(replies)).to.deep.equal([["done: job A"], ["done: job B"]])
        const bodies = (await captures).map(text).sort()
        expect(bodies).to.deep.equal([["done: job A"], ["done: job B"]])
      })

      it("xpub/xsub: passes subscriptions up and data down, capturing the data", async () => {
        const frontend = socket("xpub")
        const backend = socket("xsub")
        const capture = socket("push")
        const captured = socket("pull")
        capture.connect(bound(captured, transport))
        const pub = socket("pub")
        backend.connect(bound(pub, transport))
        const sub = socket("sub")
        sub.subscribe("news")
        sub.connect(bound(frontend, transport))
        zmq.proxy(frontend, backend, capture)
        await untilSubscribed(pub, sub, "news probe")
        const received = messages(sub, 1, 5000, "news probe")
        pub.send("sports: not wanted")
        pub.send("news: wanted")
        expect((await received).map(text)).to.deep.equal([["news: wanted"]])
        const firstCaptured = await nextText(captured)
        expect(firstCaptured[0]).to.match(/^(news probe|sports: not wanted|news: wanted)$/)
      })
    })
  }

  it("refuses other pairs of socket types, and what is no socket", () => {
    expect(() => zmq.proxy(socket("pub"), socket("sub"))).to.throw(TypeError, /\(pub\/sub\)/)
    expect(() => zmq.proxy(socket("dealer"), socket("router"))).to.throw(
      TypeError,
      /wrong socket order/,
    )
    expect(() => zmq.proxy({} as never, socket("push"))).to.throw(TypeError, /must be a socket/)
  })

  it("joins sockets made with type numbers and the old names xrep/xreq", async () => {
    const frontend = socket("xrep")
    const backend = socket(zmq.ZMQ_DEALER)
    zmq.proxy(frontend, backend)
    const client = socket("req")
    client.connect(bound(frontend, "inproc"))
    const worker = socket("rep")
    worker.connect(bound(backend, "inproc"))
    worker.on("message", () => worker.send("pong"))
    const reply = nextText(client)
    client.send("ping")
    expect(await reply).to.deep.equal(["pong"])
  })
})
