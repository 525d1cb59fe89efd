import {expect} from "chai"
import * as net from "node:net"
import * as zmq from "../../lib"
import {runChild, within} from "../helpers"

/** Resolves with the next event of `type` (emitter mode), then removes the listener. */
function next<E extends zmq.EventType>(events: zmq.Observer, type: E): Promise<zmq.EventOfType<E>> {
  return within(
    new Promise(resolve => {
      const listener = (event: zmq.EventOfType<E>) => {
        events.off(type, listener)
        resolve(event)
      }
      events.on(type, listener)
    }),
    5000,
    `event ${type}`,
  )
}

/** Resolves with the next event that is not of one of the `ignored` types (receive mode). */
async function receiveExcept(events: zmq.Observer, ...ignored: zmq.EventType[]) {
  for (;;) {
    const event = await within(events.receive(), 5000, "event")
    if (!ignored.includes(event.type)) return event
  }
}

/** A TCP port nobody listens on: the OS picked it, then it was closed. */
async function closedPort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>(resolve => server.listen(0, "127.0.0.1", resolve))
  const {port} = server.address() as net.AddressInfo
  await new Promise(resolve => server.close(resolve))
  return port
}

describe("the socket observer", () => {
  const sockets: zmq.Socket[] = []
  const track = <S extends zmq.Socket>(socket: S): S => (sockets.push(socket), socket)
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close()
  })

  it("reports bind with the endpoint that lastEndpoint reads back", async () => {
    const router = track(new zmq.Router())
    const events = router.events
    await router.bind("tcp://127.0.0.1:*")
    const event = await within(events.receive(), 5000, "bind event")
    expect(event).to.deep.equal({type: "bind", address: router.lastEndpoint})
  })

  it("reports bind:error with the errno when the address is in use", async () => {
    const first = track(new zmq.Router())
    await first.bind("tcp://127.0.0.1:*")
    const second = track(new zmq.Router())
    const failed = next(second.events, "bind:error")
    let thrown: unknown
    await second.bind(first.lastEndpoint!).catch(err => (thrown = err))
    expect(thrown).to.be.instanceOf(zmq.ZmqError).with.property("code", "EADDRINUSE")
    const event = await failed
    // libzmq names the failed address without its transport.
    expect(event.address).to.equal(first.lastEndpoint!.replace("tcp://", ""))
    expect(event.error).to.be.instanceOf(zmq.ZmqError)
    expect(event.error.code).to.equal("EADDRINUSE")
    expect(event.error.errno).to.equal((thrown as zmq.ZmqError).errno)
  })

  it("reports accept, connect and handshake on both ends of a connection", async () => {
    const server = track(new zmq.Router())
    const accepted = next(server.events, "accept")
    const serverHandshake = next(server.events, "handshake")
    await server.bind("tcp://127.0.0.1:*")
    const client = track(new zmq.Dealer())
    const connected = next(client.events, "connect")
    const clientHandshake = next(client.events, "handshake")
    client.connect(server.lastEndpoint!)
    const address = server.lastEndpoint
    expect(await accepted).to.deep.equal({type: "accept", address})
    expect(await connected).to.deep.equal({type: "connect", address})
    expect(await serverHandshake).to.deep.equal({type: "handshake", address})
    expect(await clientHandshake).to.deep.equal({type: "handshake", address})
  })

  it("reports connect:delay, close, then connect:retry with the interval, against a closed port", async () => {
    const address = `tcp://127.0.0.1:${await closedPort()}`
    const dealer = track(new zmq.Dealer({reconnectInterval: 50}))
    const events = dealer.events
    dealer.connect(address)
    expect(await within(events.receive(), 5000, "delay")).to.deep.equal({
      type: "connect:delay",
      address,
    })
    // The refused attempt's descriptor is closed before the retry is scheduled.
    expect(await within(events.receive(), 5000, "close")).to.deep.equal({type: "close", address})
    const retry = await within(events.receive(), 5000, "retry")
    expect(retry.type).to.equal("connect:retry")
    if (retry.type !== "connect:retry") return
    expect(retry.address).to.equal(address)
    // libzmq adds a random jitter below one interval.
    expect(retry.interval).to.be.at.least(50).and.below(100)
  })

  it("reports handshake:error:auth with the ZAP status when a PLAIN password is refused", async () => {
    // A ZAP handler (RFC 27) that refuses everyone with status 400.
    const zap = track(new zmq.Router())
    await zap.bind("inproc://zeromq.zap.01")
    const requests: string[][] = []
    void (async () => {
      for await (const [id, empty, , requestId, ...request] of zap) {
        requests.push(request.map(String))
        await zap.send([id, empty, "1.0", requestId, "400", "Wrong password", "", ""])
      }
    })()
    const server = track(new zmq.Router({plainServer: true, zapDomain: "test"}))
    const serverFailed = next(server.events, "handshake:error:auth")
    await server.bind("tcp://127.0.0.1:*")
    const client = track(new zmq.Dealer({plainUsername: "admin", plainPassword: "wrong"}))
    const clientFailed = next(client.events, "handshake:error:auth")
    client.connect(server.lastEndpoint!)

    const event = await serverFailed
    expect(event.address).to.equal(server.lastEndpoint)
    expect(event.error).to.be.instanceOf(zmq.ZmqError)
    expect(event.error.status).to.equal(400)
    expect(event.error.code).to.equal("EACCES")
    expect((await clientFailed).error.status).to.equal(400)
    // domain, address, identity, mechanism, then the PLAIN credentials
    expect(requests[0][0]).to.equal("test")
    expect(requests[0].slice(3)).to.deep.equal(["PLAIN", "admin", "wrong"])
  })

  it("reports handshake:error:protocol with a code when the security mechanisms differ", async () => {
    const server = track(new zmq.Router())
    const serverFailed = next(server.events, "handshake:error:protocol")
    await server.bind("tcp://127.0.0.1:*")
    const client = track(new zmq.Dealer({plainUsername: "admin", plainPassword: "secret"}))
    const clientFailed = next(client.events, "handshake:error:protocol")
    client.connect(server.lastEndpoint!)
    for (const event of [await serverFailed, await clientFailed]) {
      expect(event.address).to.equal(server.lastEndpoint)
      expect(event.error).to.be.instanceOf(zmq.ZmqError)
      expect(event.error.code).to.equal("ERR_ZMTP_MECHANISM_MISMATCH")
      expect(event.error.message).to.equal("ZMTP protocol error (mechanism mismatch)")
    }
  })

  it("reports handshake:error:other with the errno when a peer hangs up mid-handshake", async () => {
    const server = track(new zmq.Router())
    const failed = next(server.events, "handshake:error:other")
    await server.bind("tcp://127.0.0.1:*")
    const port = Number(new URL(server.lastEndpoint!).port)
    const peer = net.connect(port, "127.0.0.1", () => peer.destroy())
    peer.on("error", () => {})
    const event = await failed
    expect(event.address).to.equal(server.lastEndpoint)
    expect(event.error).to.be.instanceOf(zmq.ZmqError)
    expect(event.error.code).to.be.oneOf(["ECONNRESET", "EPIPE"])
    expect(event.error.errno).to.be.above(0)
  })

  it("reports accept:error when the accept filter refuses a peer", async () => {
    const server = track(new zmq.Router())
    server.tcpAcceptFilter = "127.0.0.2" // peers come from 127.0.0.1
    const refused = next(server.events, "accept:error")
    await server.bind("tcp://127.0.0.1:*")
    const client = track(new zmq.Dealer())
    client.connect(server.lastEndpoint!)
    const event = await refused
    expect(event.address).to.equal(server.lastEndpoint)
    expect(event.error).to.be.instanceOf(zmq.ZmqError)
  })

  it("reports disconnect when the peer goes away", async () => {
    const server = track(new zmq.Router())
    const handshake = next(server.events, "handshake")
    await server.bind("tcp://127.0.0.1:*")
    const client = new zmq.Dealer()
    client.connect(server.lastEndpoint!)
    await handshake
    const disconnected = next(server.events, "disconnect")
    client.close()
    expect(await disconnected).to.deep.equal({type: "disconnect", address: server.lastEndpoint})
  })

  it("reports close when an endpoint is unbound", async () => {
    const router = track(new zmq.Router())
    const events = router.events
    await router.bind("tcp://127.0.0.1:*")
    await router.unbind(router.lastEndpoint!)
    expect(await receiveExcept(events, "bind")).to.deep.equal({
      type: "close",
      address: router.lastEndpoint,
    })
  })

  it("ends iteration with an end event when the socket closes", async () => {
    const router = track(new zmq.Router())
    const seen: zmq.EventType[] = []
    let markBound!: () => void
    const bound = new Promise<void>(resolve => (markBound = resolve))
    const iterated = (async () => {
      for await (const event of router.events) {
        seen.push(event.type)
        // The event can come before bind() resolved: until then (zeromq v6's rule) an
        // unbind() fails with EBUSY.
        if (event.type === "bind") await bound.then(() => router.unbind(event.address))
        if (event.type === "close") router.close()
      }
    })()
    await router.bind("tcp://127.0.0.1:*")
    markBound()
    await within(iterated, 5000, "iteration")
    expect(seen).to.deep.equal(["bind", "close", "end"])
    expect(router.events.closed).to.equal(true)
    let thrown: unknown
    await router.events.receive().catch(err => (thrown = err))
    expect(thrown).to.be.instanceOf(zmq.ZmqError).with.property("code", "EBADF")
  })

  it("delivers the events reported before close() and then end", async () => {
    const router = track(new zmq.Router())
    const events = router.events
    await router.bind("tcp://127.0.0.1:*")
    events.close()
    expect(events.closed).to.equal(true)
    expect((await within(events.receive(), 5000, "bind")).type).to.equal("bind")
    expect((await within(events.receive(), 5000, "end")).type).to.equal("end")
    // Monitoring stopped: later endpoints are not reported, and the socket still works.
    await router.bind("tcp://127.0.0.1:*")
    let thrown: unknown
    await events.receive().catch(err => (thrown = err))
    expect(thrown).to.be.instanceOf(zmq.ZmqError).with.property("code", "EBADF")
  })

  it("calls the listeners of each type, and no longer after off()", async () => {
    const router = track(new zmq.Router())
    const binds: string[] = []
    const onBind = (event: zmq.EventOfType<"bind">) => binds.push(event.address)
    router.events.on("bind", onBind)
    await router.bind("tcp://127.0.0.1:*")
    const first = router.lastEndpoint
    // Listen first: unbind() runs on another thread, and its event may come before it
    // resolves (an event with no listener of its type is dropped in emitter mode).
    const firstClose = next(router.events, "close")
    await router.unbind(first!)
    await firstClose
    router.events.off("bind", onBind)
    await router.bind("tcp://127.0.0.1:*")
    const secondClose = next(router.events, "close")
    await router.unbind(router.lastEndpoint!)
    // Events come in order: once this close arrived, the second bind went by.
    expect((await secondClose).address).to.equal(router.lastEndpoint)
    expect(binds).to.deep.equal([first])
  })

  it("gives the next listener the events that came while none was attached", async () => {
    const router = track(new zmq.Router())
    const ignore = () => {}
    router.events.on("close", ignore).off("close", ignore) // emitter mode, no listener
    await router.bind("tcp://127.0.0.1:*")
    const event = await next(router.events, "bind")
    expect(event.address).to.equal(router.lastEndpoint)
  })

  it("refuses receive() in emitter mode, and on() while a receive() is pending", async () => {
    const emitting = track(new zmq.Router())
    emitting.events.on("bind", () => {})
    // Rejects: promise-returning methods never throw.
    const refused = await emitting.events.receive().catch((err: unknown) => err)
    expect(refused).to.be.instanceOf(zmq.ZmqError).with.property("code", "EBUSY")

    const receiving = track(new zmq.Router())
    const pending = receiving.events.receive()
    expect(() => receiving.events.on("bind", () => {}))
      .to.throw(zmq.ZmqError)
      .with.property("code", "EBUSY")
    await receiving.bind("tcp://127.0.0.1:*")
    expect((await within(pending, 5000, "bind")).type).to.equal("bind")
  })

  it("rejects unknown event types and listeners that are no functions with a TypeError", () => {
    const router = track(new zmq.Router())
    const events = router.events as unknown as {on(type: unknown, listener: unknown): void}
    expect(() => events.on("connected", () => {})).to.throw(TypeError, /unknown event type/)
    expect(() => events.on("connect", "listener")).to.throw(TypeError, /must be a function/)
  })

  it("rejects an aborted receive() with the signal's reason and keeps the event", async () => {
    const router = track(new zmq.Router())
    const controller = new AbortController()
    const aborted = router.events.receive({signal: controller.signal})
    controller.abort()
    let thrown: unknown
    await aborted.catch(err => (thrown = err))
    expect(thrown).to.equal(controller.signal.reason)
    await router.bind("tcp://127.0.0.1:*")
    expect((await within(router.events.receive(), 5000, "bind")).type).to.equal("bind")
  })

  it("is one object per socket, through socket.events or new Observer(socket)", () => {
    const router = track(new zmq.Router())
    expect(new zmq.Observer(router)).to.equal(router.events)
    expect(router.events).to.equal(router.events)
    const closed = new zmq.Dealer()
    closed.close()
    expect(() => closed.events)
      .to.throw(zmq.ZmqError)
      .with.property("code", "EBADF")
  })

  it("stops monitoring cleanly when its socket's context closes", async () => {
    const context = new zmq.Context()
    const router = new zmq.Router({context})
    const events = router.events
    await router.bind("tcp://127.0.0.1:*")
    expect((await within(events.receive(), 5000, "bind")).type).to.equal("bind")
    const rest: zmq.EventType[] = []
    const iterated = (async () => {
      for await (const event of events) rest.push(event.type)
    })()
    await within(context.close(), 5000, "context.close()")
    await within(iterated, 5000, "iteration")
    expect(rest).to.deep.equal(["end"])
    expect(router.closed).to.equal(true)
  })

  it("never blocks libzmq when nobody reads the events", async () => {
    // libzmq sends monitor events blocking: a full queue would hang this thread for good.
    const result = await runChild(`
      import * as zmq from "zeromq-napi"
      const router = new zmq.Router()
      const events = router.events
      for (let i = 0; i < 3000; i++) {
        router.bindSync("tcp://127.0.0.1:*")
        router.unbindSync(router.lastEndpoint)
      }
      // Counts binds only: libzmq may still be closing listeners (close events) here.
      let binds = 0
      for await (const event of events) if (event.type === "bind" && ++binds === 3000) break
      console.log(binds)
      router.close()
    `)
    expect(result.stderr).to.equal("")
    expect(result.stdout.trim()).to.equal("3000")
    expect(result.code).to.equal(0)
  }).timeout(30000)

  it("keeps libzmq working when observed sockets are garbage collected", async () => {
    const result = await runChild(
      `
      import * as zmq from "zeromq-napi"
      for (let round = 0; round < 3; round++) {
        ;(() => {
          for (let i = 0; i < 10; i++) {
            const router = new zmq.Router()
            router.events // a monitor runs, nobody reads it
            router.bindSync("tcp://127.0.0.1:*")
            const dealer = new zmq.Dealer()
            dealer.events
            dealer.connect(router.lastEndpoint)
          }
        })()
        globalThis.gc()
        await new Promise(resolve => setImmediate(resolve))
      }
      // TCP needs libzmq's I/O thread, which a blocked monitor would stall.
      const pull = new zmq.Pull()
      await pull.bind("tcp://127.0.0.1:*")
      const push = new zmq.Push()
      push.connect(pull.lastEndpoint)
      await push.send("still working")
      const stuck = setTimeout(() => { console.log("stuck"); process.exit(1) }, 5000)
      console.log((await pull.receive()).toString())
      clearTimeout(stuck)
      pull.close()
      push.close()
      `,
      ["--expose-gc"],
    )
    expect(result.stderr).to.equal("")
    expect(result.stdout.trim()).to.equal("still working")
    expect(result.code).to.equal(0)
  })

  it("reports a listener that throws as an uncaught exception and goes on", async () => {
    const result = await runChild(`
      import * as zmq from "zeromq-napi"
      let uncaught = 0
      const twice = new Promise(resolve => process.on("uncaughtException", err => {
        console.log("uncaught", err.message)
        if (++uncaught === 2) resolve()
      }))
      const router = new zmq.Router()
      let binds = 0
      router.events.on("bind", () => { binds++; throw new Error("listener failed") })
      router.events.on("end", () => console.log("binds", binds))
      await router.bind("tcp://127.0.0.1:*")
      await router.bind("tcp://127.0.0.1:*")
      await twice
      router.close()
    `)
    expect(result.stdout.trim().split("\n")).to.deep.equal([
      "uncaught listener failed",
      "uncaught listener failed",
      "binds 2",
    ])
    expect(result.code).to.equal(0)
  })
})
