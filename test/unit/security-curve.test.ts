import {expect} from "chai"
import * as fs from "node:fs"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import {
  Authenticator,
  capability,
  Certificate,
  Context,
  curveKeyPair,
  Pull,
  Push,
  Reply,
  Request,
  z85,
  ZmqError,
  type AuthDecision,
  type CurveKeyPair,
} from "../../lib"
import {within} from "../helpers"
import {expectNothingDelivered, nextDecision, nextEvent, startRelay} from "./security-helpers"

describe("CURVE security", () => {
  let context: Context
  let auth: Authenticator
  let decisions: AuthDecision[]
  let server: CurveKeyPair

  beforeEach(() => {
    context = new Context()
    decisions = []
    auth = new Authenticator({context, onDecision: decision => decisions.push(decision)})
    server = curveKeyPair()
  })

  afterEach(async () => {
    auth.stop()
    await context.close()
  })

  async function curveServer(): Promise<Pull> {
    const pull = new Pull({context, curveServer: true, curveSecretKey: server.secretKey, linger: 0})
    await pull.bind("tcp://127.0.0.1:*")
    return pull
  }

  function curveClient(keys: CurveKeyPair, serverKey = server.publicKey): Push {
    return new Push({
      context,
      curveServerKey: serverKey,
      curvePublicKey: keys.publicKey,
      curveSecretKey: keys.secretKey,
      linger: 0,
    })
  }

  it("carries a request and its reply encrypted, and says which crypto library does it", async () => {
    expect(capability.curve).to.equal(true)
    expect(capability.curveLibrary).to.be.oneOf(["libsodium", "tweetnacl"])
    auth.configureCurve("any").start()
    const reply = new Reply({context, curveServer: true, curveSecretKey: server.secretKey})
    await reply.bind("tcp://127.0.0.1:*")
    const keys = curveKeyPair()
    const request = new Request({
      context,
      curveServerKey: z85.decode(server.publicKey),
      curvePublicKey: keys.publicKey,
      curveSecretKey: z85.decode(keys.secretKey),
    })
    request.connect(reply.lastEndpoint!)

    await request.send("ping")
    const [question] = await reply.receive()
    await reply.send(`pong (${question.toString()})`)
    const [answer] = await request.receive()
    expect(answer.toString()).to.equal("pong (ping)")
    expect(reply.securityMechanism).to.equal("curve")
    expect(decisions[0]).to.deep.include({
      mechanism: "CURVE",
      identity: keys.publicKey,
      userId: keys.publicKey,
      allowed: true,
      reason: "CURVE: any key is allowed",
    })
  })

  it("puts no plaintext on the wire, where NULL security does (captured by a TCP relay)", async () => {
    const secret = "the-launch-code-is-0000-and-it-must-stay-secret"

    async function capture(secure: boolean): Promise<Buffer> {
      const pull = secure
        ? await curveServer()
        : await (async () => {
            const plain = new Pull({context, linger: 0})
            await plain.bind("tcp://127.0.0.1:*")
            return plain
          })()
      const relay = await startRelay(pull.lastEndpoint!)
      try {
        const push = secure ? curveClient(curveKeyPair()) : new Push({context, linger: 0})
        push.connect(relay.endpoint)
        await push.send(["frame one", secret])
        const [, body] = await pull.receive()
        expect(body.toString()).to.equal(secret)
        push.close()
        pull.close()
        return relay.captured()
      } finally {
        await relay.close()
      }
    }

    auth.configureCurve("any").start()
    const encrypted = await capture(true)
    expect(encrypted.includes("CURVE")).to.equal(true) // the greeting names the mechanism
    expect(encrypted.includes(secret)).to.equal(false)
    expect(encrypted.includes("frame one")).to.equal(false)
    expect(encrypted.includes(server.secretKey)).to.equal(false)
    expect(encrypted.includes(z85.decode(server.secretKey))).to.equal(false)

    // The same capture without CURVE shows the message: the relay does see the payload.
    const clear = await capture(false)
    expect(clear.includes(secret)).to.equal(true)
  })

  it("refuses a client that has the wrong server key: a protocol event, no ZAP request, nothing delivered", async () => {
    auth.configureCurve("any").start()
    const pull = await curveServer()
    const failed = nextEvent(pull, "handshake:error:protocol")
    const push = curveClient(curveKeyPair(), curveKeyPair().publicKey)
    push.connect(pull.lastEndpoint!)
    void push.send("must not arrive").catch(() => {})

    const event = await failed
    expect(event.error.code).to.equal("ERR_ZMTP_CRYPTOGRAPHIC")
    expect(event.address).to.equal(pull.lastEndpoint)
    await expectNothingDelivered(pull)
    // The server could not even read the client's key: nothing was asked.
    expect(decisions).to.deep.equal([])
  })

  it("admits the keys of its set and refuses an unknown client key on both sides", async () => {
    const known = curveKeyPair()
    const stranger = curveKeyPair()
    auth.configureCurve([known.publicKey]).start()
    const pull = await curveServer()

    const serverRefused = nextEvent(pull, "handshake:error:auth")
    const decided = nextDecision(auth, decision => decision.identity === stranger.publicKey)
    const intruder = curveClient(stranger)
    const clientRefused = nextEvent(intruder, "handshake:error:auth")
    intruder.connect(pull.lastEndpoint!)
    void intruder.send("must not arrive").catch(() => {})
    expect((await serverRefused).error.status).to.equal(400)
    expect((await clientRefused).error.status).to.equal(400)
    expect(await decided).to.include({
      address: "127.0.0.1",
      allowed: false,
      statusCode: 400,
      reason: "CURVE: key is not in the allowed set",
    })
    await expectNothingDelivered(pull)

    const friend = curveClient(known)
    friend.connect(pull.lastEndpoint!)
    await friend.send("hello")
    pull.receiveTimeout = -1
    expect((await pull.receive())[0].toString()).to.equal("hello")
  })

  it("admits the clients of a certificate directory, including one added while running", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zmq-napi-curve-"))
    try {
      const alice = Certificate.create({name: "alice"})
      alice.toPublic().savePublic(path.join(dir, "alice"))
      const bob = Certificate.create({name: "bob"})
      auth.configureCurve({directory: dir}).start()
      const pull = await curveServer()

      const aliceSocket = new Push({context, curveServerKey: server.publicKey, linger: 0})
      alice.apply(aliceSocket)
      aliceSocket.connect(pull.lastEndpoint!)
      await aliceSocket.send("from alice")
      expect((await pull.receive())[0].toString()).to.equal("from alice")

      const refused = nextDecision(auth, decision => decision.identity === bob.publicKey)
      const bobSocket = new Push({context, curveServerKey: server.publicKey, linger: 0})
      bob.apply(bobSocket)
      bobSocket.connect(pull.lastEndpoint!)
      void bobSocket.send("must not arrive").catch(() => {})
      expect((await refused).reason).to.equal(`CURVE: no certificate in ${dir}`)
      await expectNothingDelivered(pull)
      bobSocket.close()

      // Bob's certificate arrives: his next connection is let in.
      bob.toPublic().savePublic(path.join(dir, "bob"))
      const admitted = nextDecision(auth, decision => decision.identity === bob.publicKey)
      const bobAgain = new Push({context, curveServerKey: server.publicKey, linger: 0})
      bob.apply(bobAgain)
      bobAgain.connect(pull.lastEndpoint!)
      await bobAgain.send("from bob")
      pull.receiveTimeout = -1
      expect((await pull.receive())[0].toString()).to.equal("from bob")
      expect((await admitted).reason).to.equal(`CURVE: certificate found in ${dir}`)
    } finally {
      auth.stop()
      fs.rmSync(dir, {recursive: true, force: true})
    }
  })

  it("asks an async callback with the client's key and address", async () => {
    const allowed = curveKeyPair()
    auth
      .configureCurve(async ({publicKey, address}) => {
        await new Promise(resolve => setImmediate(resolve))
        return publicKey === allowed.publicKey && address === "127.0.0.1"
          ? {allowed: true, userId: "allowed-client"}
          : false
      })
      .start()
    const pull = await curveServer()

    const refused = nextEvent(pull, "handshake:error:auth")
    const other = curveClient(curveKeyPair())
    other.connect(pull.lastEndpoint!)
    void other.send("must not arrive").catch(() => {})
    expect((await refused).error.status).to.equal(400)
    await expectNothingDelivered(pull)

    const decided = nextDecision(auth, decision => decision.allowed)
    const client = curveClient(allowed)
    client.connect(pull.lastEndpoint!)
    await client.send("welcome")
    pull.receiveTimeout = -1
    expect((await pull.receive())[0].toString()).to.equal("welcome")
    expect(await decided).to.include({
      identity: allowed.publicKey,
      userId: "allowed-client",
      reason: "CURVE: accepted by the callback",
    })
  })

  it("rejects a malformed key when it is set, naming the option", () => {
    // zeromq v6's EINVAL, our explanation in `detail`.
    expect(() => new Push({context, curveServerKey: "too short"}))
      .to.throw(ZmqError, "Invalid argument")
      .with.property("detail")
      .match(/curveServerKey.*40-character/)
    expect(() => new Push({context, curvePublicKey: Buffer.alloc(31)}))
      .to.throw(ZmqError)
      .with.property("detail")
      .match(/curvePublicKey.*32-byte/)
    expect(() => new Push({context, curveSecretKey: 7 as unknown as string}))
      .to.throw(TypeError, "Option value must be a string or buffer")
      .with.property("option", "curveSecretKey")
    expect(() => new Push({context, curveServerKey: "\u00e9".repeat(40)}))
      .to.throw(ZmqError)
      .with.property("detail")
      .match(/curveServerKey.*Z85/)
  })

  it("refuses a peer whose HELLO carries a malformed key: a protocol event, nothing delivered", async () => {
    auth.configureCurve("any").start()
    const pull = await curveServer()
    const failed = nextEvent(pull, "handshake:error:protocol")
    const [, port] = /:(\d+)$/.exec(pull.lastEndpoint!)!

    // A ZMTP 3.0 greeting for CURVE, then a HELLO whose transient key is cut to 16 bytes
    // (a valid HELLO is 200 bytes: the server must refuse this one before any crypto).
    const greeting = Buffer.alloc(64)
    greeting[0] = 0xff
    greeting[9] = 0x7f
    greeting[10] = 3
    greeting.write("CURVE", 12, "latin1")
    const body = Buffer.concat([
      Buffer.from("\x05HELLO", "latin1"),
      Buffer.from([1, 0]),
      Buffer.alloc(72),
      Buffer.alloc(16, 0xab),
    ])
    const hello = Buffer.concat([Buffer.from([0x04, body.length]), body])
    const raw = net.connect(Number(port), "127.0.0.1")
    const closed = new Promise<void>(resolve => raw.on("close", () => resolve()))
    raw.on("error", () => {})
    raw.resume() // read (and drop) the server's greeting, so its closing reaches "close"
    raw.write(Buffer.concat([greeting, hello]))

    try {
      const event = await failed
      expect(event.error.code).to.equal("ERR_ZMTP_MALFORMED_COMMAND_HELLO")
      await within(closed, 5000, "the server closing the connection")
      await expectNothingDelivered(pull)
      expect(decisions).to.deep.equal([])
    } finally {
      raw.destroy()
    }
  })
})
