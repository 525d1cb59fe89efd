import {expect} from "chai"
import {
  Authenticator,
  Context,
  Dealer,
  Pull,
  Push,
  zapEndpoint,
  ZmqError,
  type AuthDecision,
} from "../../lib"
import {expectNothingDelivered, nextDecision, nextEvent} from "./security-helpers"

/** A ZAP request as libzmq sends it, after the routing id and the empty delimiter. */
function zapRequest(requestId: string, mechanism: string, ...credentials: string[]): string[] {
  return ["", "1.0", requestId, "domain", "127.0.0.1", "server-id", mechanism, ...credentials]
}

describe("the authenticator", () => {
  let context: Context
  let auth: Authenticator

  beforeEach(() => {
    context = new Context()
    auth = new Authenticator({context})
  })

  afterEach(async () => {
    auth.stop()
    await context.close()
  })

  /** A NULL server that asks the authenticator (libzmq asks ZAP for NULL only with a domain). */
  async function nullServer(zapDomain = "test"): Promise<Pull> {
    const server = new Pull({context, zapDomain, linger: 0})
    await server.bind("tcp://127.0.0.1:*")
    return server
  }

  function client(): Push {
    return new Push({context, linger: 0})
  }

  /** `tcp://127.0.0.1:port` as seen from the source address `source`. */
  function from(source: string, endpoint: string): string {
    return `tcp://${source}:0;${endpoint.slice("tcp://".length)}`
  }

  describe("lifecycle", () => {
    it("runs once per context: a second one on the same context is an EADDRINUSE error", () => {
      auth.start()
      expect(auth.running).to.equal(true)
      expect(Authenticator.runningOn(context)).to.equal(auth)
      const second = new Authenticator({context})
      expect(() => second.start())
        .to.throw(ZmqError, /another authenticator already runs on this context/)
        .with.property("code", "EADDRINUSE")
      expect(() => auth.start())
        .to.throw(ZmqError, /already running/)
        .with.property("code", "EADDRINUSE")
    })

    it("can be replaced after stop(), and runs independently on another context", async () => {
      auth.start()
      auth.stop()
      expect(auth.running).to.equal(false)
      expect(Authenticator.runningOn(context)).to.equal(undefined)
      const next = new Authenticator({context}).start()
      next.stop()

      const other = new Context()
      const elsewhere = new Authenticator({context: other}).start()
      try {
        auth.start()
        expect(Authenticator.runningOn(other)).to.equal(elsewhere)
      } finally {
        elsewhere.stop()
        await other.close()
      }
    })

    it("refuses to start when something else is bound to the ZAP endpoint", () => {
      const squatter = new Dealer({context, linger: 0})
      squatter.bindSync(zapEndpoint)
      expect(() => auth.start())
        .to.throw(ZmqError, /already bound to inproc:\/\/zeromq\.zap\.01/)
        .with.property("code", "EADDRINUSE")
      expect(auth.running).to.equal(false)
    })
  })

  describe("input checks", () => {
    it("names the bad option or argument", () => {
      expect(() => new Authenticator({context: {} as Context})).to.throw(TypeError, /"context"/)
      expect(() => new Authenticator({verbose: true} as object)).to.throw(TypeError, /"verbose"/)
      expect(() => new Authenticator({onDecision: 1 as unknown as () => void})).to.throw(
        TypeError,
        /"onDecision"/,
      )
      expect(() => auth.allow("localhost")).to.throw(RangeError, /"localhost" is not an IP/)
      expect(() => auth.deny(["10.0.0.0/33"])).to.throw(RangeError, /"10.0.0.0\/33"/)
      expect(() => auth.allow([1] as unknown as string[])).to.throw(TypeError, /got number/)
      expect(() => auth.configurePlain(42 as unknown as Record<string, string>)).to.throw(
        TypeError,
        /configurePlain\(policy\)/,
      )
      expect(() => auth.configurePlain({alice: 1} as unknown as Record<string, string>)).to.throw(
        TypeError,
        /password of "alice"/,
      )
      expect(() => auth.configureCurve("certs" as "any")).to.throw(
        TypeError,
        /\{directory: "certs"\}/,
      )
      expect(() => auth.configureCurve(["not a key"])).to.throw(RangeError, /key 0 must be/)
      expect(() => auth.configureCurve([Buffer.alloc(16)])).to.throw(RangeError, /32-byte/)
      expect(() => auth.configureCurve({directory: "/nonexistent/certs"})).to.throw(/ENOENT/)
      expect(() => auth.on("denied" as "decision", () => {})).to.throw(TypeError, /"denied"/)
    })
  })

  describe("ZAP protocol (RFC 27)", () => {
    it("answers a request with version, request id, status, reason, user id and metadata", async () => {
      auth.configurePlain({alice: "secret"}).start()
      const zap = new Dealer({context, linger: 0})
      zap.connect(zapEndpoint)
      await zap.send(zapRequest("req-1", "PLAIN", "alice", "secret"))
      const [delimiter, version, requestId, status, reason, userId, metadata] = await zap.receive()
      expect(delimiter.length).to.equal(0)
      expect(version.toString()).to.equal("1.0")
      expect(requestId.toString()).to.equal("req-1")
      expect(status.toString()).to.equal("200")
      expect(reason.toString()).to.match(/password of "alice" accepted/)
      expect(userId.toString()).to.equal("alice")
      expect(metadata.length).to.equal(0)

      await zap.send(zapRequest("req-2", "PLAIN", "alice", "wrong"))
      const refused = await zap.receive()
      expect(refused.map(frame => frame.toString()).slice(2, 5)).to.deep.equal([
        "req-2",
        "400",
        'PLAIN: wrong password for "alice"',
      ])
    })

    it("answers 500 to a request of another ZAP version", async () => {
      auth.start()
      const zap = new Dealer({context, linger: 0})
      zap.connect(zapEndpoint)
      const request = zapRequest("req-3", "NULL")
      request[1] = "2.0"
      await zap.send(request)
      const reply = await zap.receive()
      expect(reply.map(frame => frame.toString()).slice(1, 4)).to.deep.equal([
        "1.0",
        "req-3",
        "500",
      ])
    })

    it("refuses a mechanism it has no policy for", async () => {
      auth.start()
      const zap = new Dealer({context, linger: 0})
      zap.connect(zapEndpoint)
      const decided = nextDecision(auth)
      await zap.send(zapRequest("req-4", "GSSAPI", "token"))
      const reply = await zap.receive()
      expect(reply[3].toString()).to.equal("400")
      expect((await decided).reason).to.match(/GSSAPI is not supported/)
    })
  })

  describe("IP address rules", () => {
    it("refuses a denied address: an auth event, a decision, and no message delivered", async () => {
      const decisions: AuthDecision[] = []
      auth = new Authenticator({context, onDecision: decision => decisions.push(decision)})
      auth.deny("127.0.0.1").start()
      const server = await nullServer()
      const refused = nextEvent(server, "handshake:error:auth")
      const push = client()
      push.connect(server.lastEndpoint!)
      void push.send("must not arrive").catch(() => {})

      const event = await refused
      expect(event.error.status).to.equal(400)
      expect(event.address).to.equal(server.lastEndpoint)
      expect(decisions[0]).to.deep.equal({
        domain: "test",
        address: "127.0.0.1",
        mechanism: "NULL",
        identity: "",
        allowed: false,
        statusCode: 400,
        reason: "address 127.0.0.1 is denied",
        userId: "",
      })
      await expectNothingDelivered(server)
    })

    it("with an allow list, admits listed addresses and refuses the others", async () => {
      auth.allow(["127.0.0.1"]).start()
      const server = await nullServer()

      const refusedDecision = nextDecision(auth, d => d.address === "127.0.0.2")
      const refusedEvent = nextEvent(server, "handshake:error:auth")
      const outsider = client()
      outsider.connect(from("127.0.0.2", server.lastEndpoint!))
      void outsider.send("from outside").catch(() => {})
      const refused = await refusedDecision
      expect(refused.allowed).to.equal(false)
      expect(refused.reason).to.equal("address 127.0.0.2 is not on the allow list")
      expect((await refusedEvent).error.status).to.equal(400)
      await expectNothingDelivered(server)

      const allowedDecision = nextDecision(auth, d => d.address === "127.0.0.1")
      const insider = client()
      insider.connect(from("127.0.0.1", server.lastEndpoint!))
      await insider.send("from inside")
      server.receiveTimeout = -1
      const [message] = await server.receive()
      expect(message.toString()).to.equal("from inside")
      const allowed = await allowedDecision
      expect(allowed).to.include({allowed: true, statusCode: 200, mechanism: "NULL"})
      expect(allowed.reason).to.equal("address 127.0.0.1 is allowed")
    })

    it("matches CIDR ranges, and the deny list wins over the allow list", async () => {
      auth.allow("127.0.0.0/8").deny("127.0.0.2").start()
      const server = await nullServer()
      const refused = nextDecision(auth, d => d.address === "127.0.0.2")
      const denied = client()
      denied.connect(from("127.0.0.2", server.lastEndpoint!))
      expect((await refused).reason).to.equal("address 127.0.0.2 is denied")

      const admitted = client()
      admitted.connect(from("127.0.0.3", server.lastEndpoint!))
      await admitted.send("range")
      const [message] = await server.receive()
      expect(message.toString()).to.equal("range")
      expect(auth.addresses()).to.deep.equal({allowed: ["127.0.0.0/8"], denied: ["127.0.0.2"]})
    })

    it("applies a domain's own rules to that domain and the default rules to the others", async () => {
      auth.deny("127.0.0.1", {domain: "outside"}).start()
      const inside = await nullServer("inside")
      const outside = await nullServer("outside")

      const refused = nextEvent(outside, "handshake:error:auth")
      const toOutside = client()
      toOutside.connect(outside.lastEndpoint!)
      void toOutside.send("outside").catch(() => {})
      expect((await refused).error.status).to.equal(400)
      await expectNothingDelivered(outside)

      const admitted = nextDecision(auth, d => d.domain === "inside")
      const toInside = client()
      toInside.connect(inside.lastEndpoint!)
      await toInside.send("inside")
      const [message] = await inside.receive()
      expect(message.toString()).to.equal("inside")
      expect((await admitted).allowed).to.equal(true)
    })
  })

  describe("reporting", () => {
    it("reports every decision to onDecision and to each listener until it is removed", async () => {
      const seen: string[] = []
      auth = new Authenticator({context, onDecision: () => seen.push("callback")})
      const listener = () => seen.push("listener")
      auth.on("decision", listener).start()
      const zap = new Dealer({context, linger: 0})
      zap.connect(zapEndpoint)
      await zap.send(zapRequest("a", "NULL"))
      await zap.receive()
      auth.off("decision", listener)
      await zap.send(zapRequest("b", "NULL"))
      await zap.receive()
      expect(seen).to.deep.equal(["callback", "listener", "callback"])
    })

    it("turns a callback that throws into status 500, seen by the server socket", async () => {
      auth
        .configurePlain(() => {
          throw new Error("database down")
        })
        .start()
      const server = new Pull({context, plainServer: true, linger: 0})
      await server.bind("tcp://127.0.0.1:*")
      const event = nextEvent(server, "handshake:error:auth")
      const decision = nextDecision(auth)
      const push = new Push({context, plainUsername: "alice", plainPassword: "x", linger: 0})
      push.connect(server.lastEndpoint!)
      void push.send("lost").catch(() => {})
      expect((await event).error.status).to.equal(500)
      expect(await decision).to.include({
        allowed: false,
        statusCode: 500,
        identity: "alice",
        reason: "callback failed: database down",
      })
      await expectNothingDelivered(server)
    })
  })
})
