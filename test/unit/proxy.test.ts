import {expect} from "chai"
import * as zmq from "../../lib"
import {bindAddress, isPending, moduleWorker, runChild, within} from "../helpers"

/** What a statistics figure of one socket is made of. */
function counts(messagesReceived: number, bytesReceived: number, sent: number, bytesSent: number) {
  return {messagesReceived, bytesReceived, messagesSent: sent, bytesSent}
}

function size(message: string[]): number {
  return message.reduce((total, frame) => total + Buffer.byteLength(frame), 0)
}

function strings(message: Buffer[]): string[] {
  return message.map(frame => frame.toString())
}

describe("Proxy", function () {
  let sockets: zmq.Socket[] = []
  let proxies: zmq.Proxy[] = []
  let runs: Promise<unknown>[] = []

  function track<S extends zmq.Socket>(socket: S): S {
    sockets.push(socket)
    return socket
  }

  function proxy<F extends zmq.Socket, B extends zmq.Socket>(
    frontEnd: F,
    backEnd: B,
    capture?: zmq.Socket,
  ): zmq.Proxy<F, B> {
    const created = new zmq.Proxy(frontEnd, backEnd, capture)
    proxies.push(created)
    // Records every run, so that afterEach can wait for the ones a failed test left.
    const run = created.run.bind(created)
    created.run = () => {
      const done = run()
      runs.push(done.catch(() => undefined))
      return done
    }
    return created
  }

  afterEach(async () => {
    // A failed test may leave a proxy running: end it before closing its sockets.
    for (const p of proxies) if (p.running) p.terminate()
    await Promise.all(runs)
    for (const socket of sockets) socket.close()
    sockets = []
    proxies = []
    runs = []
  })

  /**
   * A pipeline through a proxy: producer → (inproc) → PULL front end | PUSH back end
   * → (tcp) → consumer. inproc hands a sent message to the front end at once, so
   * "sent while paused" is certain.
   */
  async function pipeline() {
    const frontEnd = track(new zmq.Pull())
    const inproc = bindAddress("inproc")
    await frontEnd.bind(inproc)
    const producer = track(new zmq.Push())
    producer.connect(inproc)
    const backEnd = track(new zmq.Push())
    await backEnd.bind("tcp://127.0.0.1:*")
    const consumer = track(new zmq.Pull())
    consumer.connect(backEnd.lastEndpoint!)
    return {frontEnd, backEnd, producer, consumer}
  }

  async function receiveStrings(socket: zmq.Pull | zmq.Subscriber, count: number) {
    const received: string[][] = []
    while (received.length < count) received.push(strings(await socket.receive()))
    return received
  }

  it("forwards pipeline messages from a PULL front end to a PUSH back end and counts them exactly", async () => {
    const {frontEnd, backEnd, producer, consumer} = await pipeline()
    const p = proxy(frontEnd, backEnd)
    const done = p.run()
    expect(p.running).to.equal(true)
    expect(await isPending(done)).to.equal(true)

    const messages = Array.from({length: 20}, (_, i) =>
      i % 5 === 0 ? [`part ${i}`, "x".repeat(i)] : [`message ${i}`],
    )
    await producer.sendMany(messages)
    expect(await within(receiveStrings(consumer, messages.length), 5000)).to.deep.equal(messages)

    const bytes = messages.reduce((total, message) => total + size(message), 0)
    expect(await p.statistics()).to.deep.equal({
      frontEnd: counts(20, bytes, 0, 0),
      backEnd: counts(0, 0, 20, bytes),
    })
    p.terminate()
    await within(done, 5000)
    expect(p.running).to.equal(false)
  })

  it("keeps every message sent while paused and forwards all of them after resume", async () => {
    const {frontEnd, backEnd, producer, consumer} = await pipeline()
    const p = proxy(frontEnd, backEnd)
    const done = p.run()
    p.pause()
    // Commands are handled in order: once statistics answer, the pause holds.
    expect((await p.statistics()).frontEnd.messagesReceived).to.equal(0)

    const messages = Array.from({length: 100}, (_, i) => [`paused ${i}`])
    await producer.sendMany(messages)
    const first = consumer.receive()
    const paused = await p.statistics()
    expect(paused.frontEnd).to.deep.equal(counts(0, 0, 0, 0))
    expect(paused.backEnd).to.deep.equal(counts(0, 0, 0, 0))
    expect(await isPending(first)).to.equal(true)

    p.resume()
    const received = [strings(await within(first, 5000))]
    received.push(...(await within(receiveStrings(consumer, 99), 5000)))
    expect(received).to.deep.equal(messages)

    const bytes = messages.reduce((total, message) => total + size(message), 0)
    expect(await p.statistics()).to.deep.equal({
      frontEnd: counts(100, bytes, 0, 0),
      backEnd: counts(0, 0, 100, bytes),
    })
    p.terminate()
    await within(done, 5000)
  })

  it("forwards subscriptions upstream and publications downstream between XSUB and XPUB, copying both to the capture socket", async () => {
    // The source is an XPUB so the test can see the subscription arrive through the proxy.
    const source = track(new zmq.XPublisher())
    await source.bind("tcp://127.0.0.1:*")
    const frontEnd = track(new zmq.XSubscriber())
    frontEnd.connect(source.lastEndpoint!)
    const backEnd = track(new zmq.XPublisher())
    await backEnd.bind("tcp://127.0.0.1:*")
    const capture = track(new zmq.Push())
    await capture.bind("tcp://127.0.0.1:*")
    const captured = track(new zmq.Pull())
    captured.connect(capture.lastEndpoint!)
    const subscriber = track(new zmq.Subscriber())
    subscriber.subscribe("weather")
    subscriber.connect(backEnd.lastEndpoint!)

    const p = proxy(frontEnd, backEnd, capture)
    expect(p.capture).to.equal(capture)
    const done = p.run()

    const [subscription] = await within(source.receive(), 5000, "the subscription")
    expect(subscription.toString("latin1")).to.equal("\x01weather")

    const reports = Array.from({length: 10}, (_, i) => ["weather", `report ${i}`])
    for (const report of reports) {
      await source.send(report)
      await source.send(["sports", `score ${report[1]}`]) // nobody subscribed: never forwarded
    }
    expect(await within(receiveStrings(subscriber, 10), 5000)).to.deep.equal(reports)

    const bytes = reports.reduce((total, report) => total + size(report), 0)
    const subscriptionBytes = subscription.length
    expect(subscriptionBytes).to.equal(8)
    expect(await p.statistics()).to.deep.equal({
      frontEnd: counts(10, bytes, 1, subscriptionBytes),
      backEnd: counts(1, subscriptionBytes, 10, bytes),
    })
    p.terminate()
    await within(done, 5000)

    // Everything forwarded, in order, then the commands (libzmq copies those too).
    const copies = await within(receiveStrings(captured, 13), 5000)
    expect(copies).to.deep.equal([["\x01weather"], ...reports, ["STATISTICS"], ["TERMINATE"]])
    expect(await isPending(captured.receive())).to.equal(true)
  })

  it("refuses calls on its sockets with EBUSY while it runs, and gives them back when it ends", async () => {
    const {frontEnd, backEnd, producer, consumer} = await pipeline()
    const p = proxy(frontEnd, backEnd)
    expect(p.frontEnd).to.equal(frontEnd)
    expect(p.backEnd).to.equal(backEnd)
    const done = p.run()

    const busy = {name: "ZmqError", code: "EBUSY", message: "Socket is in use by a proxy"}
    const receiveError = await frontEnd.receive().catch((err: unknown) => err)
    expect(receiveError).to.be.instanceOf(zmq.ZmqError).and.include(busy)
    const sendError = await backEnd.send("direct").catch((err: unknown) => err)
    expect(sendError).to.be.instanceOf(zmq.ZmqError).and.include(busy)

    p.terminate()
    await within(done, 5000)
    await producer.send("to the front end")
    expect(strings(await within(frontEnd.receive(), 5000))).to.deep.equal(["to the front end"])
    await backEnd.send("from the back end")
    expect(strings(await within(consumer.receive(), 5000))).to.deep.equal(["from the back end"])
  })

  it("completes a receive that was pending on a socket before the proxy took it", async () => {
    const {frontEnd, backEnd, producer} = await pipeline()
    const pending = frontEnd.receive()
    const p = proxy(frontEnd, backEnd)
    const done = p.run()
    p.terminate()
    await within(done, 5000)
    await producer.send("after the proxy")
    expect(strings(await within(pending, 5000))).to.deep.equal(["after the proxy"])
  })

  it("refuses to close a context while a proxy uses one of its sockets", async () => {
    const context = new zmq.Context()
    const frontEnd = track(new zmq.Pull({context}))
    await frontEnd.bind(bindAddress("inproc"))
    const backEnd = track(new zmq.Push({context}))
    await backEnd.bind(bindAddress("inproc"))
    const p = proxy(frontEnd, backEnd)
    const done = p.run()
    const error = await context.close().catch((err: unknown) => err)
    expect(error).to.be.instanceOf(zmq.ZmqError).and.include({code: "EBUSY"})
    expect(frontEnd.closed).to.equal(false)
    p.terminate()
    await within(done, 5000)
    await within(context.close(), 5000)
    expect(frontEnd.closed).to.equal(true)
  })

  it("runs again after it ended, counting from zero", async () => {
    const {frontEnd, backEnd, producer, consumer} = await pipeline()
    const p = proxy(frontEnd, backEnd)
    let done = p.run()
    await producer.send("first run")
    await within(consumer.receive(), 5000)
    p.terminate()
    await within(done, 5000)

    done = p.run()
    await producer.sendMany(["second run", "second run"])
    expect(await within(receiveStrings(consumer, 2), 5000)).to.have.length(2)
    expect((await p.statistics()).backEnd).to.deep.equal(counts(0, 0, 2, 20))
    p.terminate()
    await within(done, 5000)
  })

  it("answers statistics asked for before terminate()", async () => {
    const {frontEnd, backEnd, producer, consumer} = await pipeline()
    const p = proxy(frontEnd, backEnd)
    const done = p.run()
    await producer.send("one")
    await within(consumer.receive(), 5000)
    const statistics = p.statistics()
    p.terminate()
    expect((await within(statistics, 5000)).backEnd).to.deep.equal(counts(0, 0, 1, 3))
    await within(done, 5000)
  })

  it("rejects run() with EBUSY while it runs, and when another proxy uses one of its sockets", async () => {
    const {frontEnd, backEnd} = await pipeline()
    const p = proxy(frontEnd, backEnd)
    const done = p.run()
    const again = await p.run().catch((err: unknown) => err)
    expect(again).to.be.instanceOf(zmq.ZmqError).and.include({code: "EBUSY"})

    const other = track(new zmq.Push())
    other.connect("tcp://127.0.0.1:1") // v6's check: an end must be bound or connected
    const rival = proxy(other, frontEnd) // lends "other", then fails on frontEnd
    const shared = await rival.run().catch((err: unknown) => err)
    expect(shared).to.be.instanceOf(zmq.ZmqError).and.include({code: "EBUSY"})
    expect(rival.running).to.equal(false)
    expect(other.closed).to.equal(false)
    await other.bind("tcp://127.0.0.1:*") // the failed run gave it back

    p.terminate()
    await within(done, 5000)
  })

  it("throws EBADF from pause(), resume() and terminate(), and rejects statistics(), unless it runs", async () => {
    const {frontEnd, backEnd} = await pipeline()
    const p = proxy(frontEnd, backEnd)
    const check = async () => {
      for (const command of ["pause", "resume", "terminate"] as const) {
        expect(() => p[command]())
          .to.throw(zmq.ZmqError, "Socket is closed") // zeromq v6's text
          .with.property("code", "EBADF")
      }
      const error = await p.statistics().catch((err: unknown) => err)
      expect(error).to.be.instanceOf(zmq.ZmqError).and.include({code: "EBADF"})
    }
    await check() // not started

    const done = p.run()
    p.terminate()
    expect(() => p.terminate()).not.to.throw() // already ending: nothing to do
    expect(() => p.pause())
      .to.throw(zmq.ZmqError)
      .with.property("code", "EBADF")
    expect((await p.statistics().catch((err: unknown) => err)) as zmq.ZmqError).to.include({
      code: "EBADF",
    })
    await within(done, 5000)
    await check() // ended
  })

  it("throws a TypeError for a non-socket, a closed socket, the same socket twice or a capture that cannot send", () => {
    const pull = track(new zmq.Pull())
    const push = track(new zmq.Push())
    const closed = new zmq.Push()
    closed.close()
    const P = zmq.Proxy as unknown as new (...args: unknown[]) => zmq.Proxy
    expect(() => new P("tcp://127.0.0.1:5555", push)).to.throw(
      TypeError,
      "Front-end must be a socket object",
    )
    expect(() => new P(pull, {})).to.throw(TypeError, "Back-end must be a socket object")
    expect(() => new P(pull)).to.throw(TypeError, "Back-end must be a socket object")
    expect(() => new P(pull, push, 42)).to.throw(TypeError, "Capture must be a socket object")
    expect(() => new P(pull, closed)).to.throw(TypeError, "backEnd is closed")
    expect(() => new P(pull, pull)).to.throw(TypeError, "different sockets")
    expect(() => new P(pull, push, push)).to.throw(TypeError, "a socket of its own")
    expect(() => new P(pull, push, track(new zmq.Pull()))).to.throw(
      TypeError,
      "can send, got a Pull",
    )
    expect(new P(pull, push, undefined).capture).to.equal(undefined)
  })

  it("rejects run() with the libzmq error that ended the proxy, and gives the sockets back", async () => {
    const {frontEnd, backEnd, producer, consumer} = await pipeline()
    // A Request cannot send twice in a row: the second copy fails with EFSM.
    const reply = track(new zmq.Reply())
    await reply.bind("tcp://127.0.0.1:*")
    const capture = track(new zmq.Request())
    capture.connect(reply.lastEndpoint!)
    const p = proxy(frontEnd, backEnd, capture)
    const done = p.run()
    await producer.sendMany(["first", "second"])
    const error = await within(
      done.catch((err: unknown) => err),
      5000,
    )
    expect(error).to.be.instanceOf(zmq.ZmqError).and.include({code: "EFSM"})
    expect(p.running).to.equal(false)
    expect(strings(await within(reply.receive(), 5000))).to.deep.equal(["first"])
    // The Request waits for its reply, and can take it now that it is back.
    await reply.send("ack")
    expect(strings(await within(capture.receive(), 5000))).to.deep.equal(["ack"])
    await backEnd.send("and so is the back end")
    const received = await within(receiveStrings(consumer, 2), 5000)
    expect(received).to.deep.equal([["first"], ["and so is the back end"]])
  })

  it("rejects run() with EBADF when a socket was closed after construction", async () => {
    const {frontEnd, backEnd} = await pipeline()
    const p = proxy(frontEnd, backEnd)
    backEnd.close()
    const error = await p.run().catch((err: unknown) => err)
    expect(error).to.be.instanceOf(zmq.ZmqError).and.include({code: "EBADF"})
    expect(p.running).to.equal(false)
    // Nothing stayed lent: the front end still works.
    expect(frontEnd.readable).to.equal(false)
  })

  describe("lifetime", function () {
    this.timeout(30000)

    it("keeps a running proxy and its sockets alive through garbage collection", async () => {
      const result = await runChild(
        `
        import * as zmq from "zeromq-napi"
        const input = "inproc://proxy-gc-in"
        const output = "inproc://proxy-gc-out"
        ;(() => {
          const frontEnd = new zmq.Pull()
          frontEnd.bindSync(input)
          const backEnd = new zmq.Push()
          backEnd.bindSync(output)
          void new zmq.Proxy(frontEnd, backEnd).run()
        })()
        for (let i = 0; i < 5; i++) { globalThis.gc(); await new Promise(r => setImmediate(r)) }
        const producer = new zmq.Push()
        producer.connect(input)
        const consumer = new zmq.Pull()
        consumer.connect(output)
        await producer.send("through a collected proxy")
        const [message] = await consumer.receive()
        console.log(message.toString())
        process.exit(0) // the proxy still runs: the exit ends it
        `,
        ["--expose-gc"],
      )
      expect(result.stderr).to.equal("")
      expect(result.stdout.trim()).to.equal("through a collected proxy")
      expect(result.signal).to.equal(null)
      expect(result.code).to.equal(0)
    })

    it("collects a proxy that never ran, with its sockets", async () => {
      const result = await runChild(
        `
        import * as zmq from "zeromq-napi"
        const registry = new FinalizationRegistry(name => console.log("collected " + name))
        ;(() => {
          const proxy = new zmq.Proxy(new zmq.XSubscriber(), new zmq.XPublisher())
          registry.register(proxy, "proxy")
          registry.register(proxy.frontEnd, "frontEnd")
        })()
        for (let i = 0; i < 10; i++) { globalThis.gc(); await new Promise(r => setTimeout(r, 10)) }
        `,
        ["--expose-gc"],
      )
      expect(result.stderr).to.equal("")
      expect(result.stdout.trim().split("\n").sort()).to.deep.equal([
        "collected frontEnd",
        "collected proxy",
      ])
      expect(result.code).to.equal(0)
    })

    it("keeps the process alive while it runs, until terminate()", async () => {
      const result = await runChild(`
        import * as zmq from "zeromq-napi"
        const frontEnd = new zmq.Pull()
        await frontEnd.bind("tcp://127.0.0.1:*")
        const backEnd = new zmq.Push()
        await backEnd.bind("tcp://127.0.0.1:*")
        const proxy = new zmq.Proxy(frontEnd, backEnd)
        proxy.run().then(() => {
          console.log("ended")
          frontEnd.close()
          backEnd.close()
        })
        // Nothing else keeps the event loop busy: only the running proxy.
        setTimeout(() => { console.log("still running: " + proxy.running); proxy.terminate() }, 200).unref()
      `)
      expect(result.stderr).to.equal("")
      expect(result.stdout.trim().split("\n")).to.deep.equal(["still running: true", "ended"])
      expect(result.code).to.equal(0)
    })

    it("ends a running proxy when its worker thread is terminated", async () => {
      const result = await runChild(`
        import {Worker} from "${moduleWorker}"
        import * as zmq from "zeromq-napi"
        // The worker inherits --input-type=module: its code is a module too.
        const worker = new Worker(\`
          import {parentPort} from "node:worker_threads"
          import * as zmq from "zeromq-napi"
          const frontEnd = new zmq.Pull()
          frontEnd.bindSync("inproc://worker-proxy-in")
          const backEnd = new zmq.Push()
          backEnd.bindSync("inproc://worker-proxy-out")
          new zmq.Proxy(frontEnd, backEnd).run()
          parentPort.postMessage("running")
        \`)
        await new Promise(resolve => worker.once("message", resolve))
        // The shared context spans threads: forward one message through the worker's proxy.
        const producer = new zmq.Push()
        producer.connect("inproc://worker-proxy-in")
        const consumer = new zmq.Pull()
        consumer.connect("inproc://worker-proxy-out")
        await producer.send("via the worker")
        const [message] = await consumer.receive()
        console.log(message.toString())
        console.log("worker exit " + await worker.terminate())
        producer.close()
        consumer.close()
      `)
      expect(result.stderr).to.equal("")
      expect(result.stdout.trim().split("\n")).to.deep.equal(["via the worker", "worker exit 1"])
      expect(result.signal).to.equal(null)
      expect(result.code).to.equal(0)
    })
  })
})
