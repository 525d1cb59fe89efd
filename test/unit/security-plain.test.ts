import {expect} from "chai"
import {Authenticator, Context, Pull, Push, Reply, Request} from "../../lib"
import {expectNothingDelivered, nextDecision, nextEvent} from "./security-helpers"

describe("PLAIN security", () => {
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

  async function plainServer(zapDomain?: string): Promise<Pull> {
    const server = new Pull({context, plainServer: true, linger: 0})
    if (zapDomain !== undefined) server.zapDomain = zapDomain
    await server.bind("tcp://127.0.0.1:*")
    return server
  }

  function plainClient(username: string, password: string): Push {
    return new Push({context, plainUsername: username, plainPassword: password, linger: 0})
  }

  it("lets a client with the right password through and reports its username", async () => {
    auth.configurePlain({alice: "wonderland"}).start()
    const server = new Reply({context, plainServer: true, linger: 0})
    await server.bind("tcp://127.0.0.1:*")
    const decided = nextDecision(auth)
    const client = new Request({context, plainUsername: "alice", plainPassword: "wonderland"})
    client.connect(server.lastEndpoint!)

    await client.send("ping")
    const [request] = await server.receive()
    await server.send(`pong (${request.toString()})`)
    const [reply] = await client.receive()
    expect(reply.toString()).to.equal("pong (ping)")
    expect(server.securityMechanism).to.equal("plain")
    expect(await decided).to.deep.equal({
      domain: "",
      address: "127.0.0.1",
      mechanism: "PLAIN",
      identity: "alice",
      allowed: true,
      statusCode: 200,
      reason: 'PLAIN: password of "alice" accepted',
      userId: "alice",
    })
  })

  it("refuses a wrong password: auth events on both sides and no message delivered", async () => {
    auth.configurePlain(new Map([["alice", "wonderland"]])).start()
    const server = await plainServer()
    const serverRefused = nextEvent(server, "handshake:error:auth")
    const decided = nextDecision(auth)
    const client = plainClient("alice", "looking-glass")
    const clientRefused = nextEvent(client, "handshake:error:auth")
    client.connect(server.lastEndpoint!)
    void client.send("must not arrive").catch(() => {})

    expect((await serverRefused).error.status).to.equal(400)
    expect((await clientRefused).error.status).to.equal(400)
    expect(await decided).to.include({
      allowed: false,
      statusCode: 400,
      identity: "alice",
      reason: 'PLAIN: wrong password for "alice"',
    })
    await expectNothingDelivered(server)
  })

  it("refuses an unknown user", async () => {
    auth.configurePlain({alice: "wonderland"}).start()
    const server = await plainServer()
    const refused = nextEvent(server, "handshake:error:auth")
    const decided = nextDecision(auth)
    const client = plainClient("mallory", "wonderland")
    client.connect(server.lastEndpoint!)
    void client.send("must not arrive").catch(() => {})
    expect((await refused).error.status).to.equal(400)
    expect((await decided).reason).to.equal('PLAIN: unknown user "mallory"')
    await expectNothingDelivered(server)
  })

  it("refuses PLAIN clients of a domain without a PLAIN policy", async () => {
    auth.start()
    const server = await plainServer("nobody-configured-this")
    const decided = nextDecision(auth)
    const client = plainClient("alice", "wonderland")
    client.connect(server.lastEndpoint!)
    void client.send("must not arrive").catch(() => {})
    expect((await decided).reason).to.equal('PLAIN: no policy for domain "nobody-configured-this"')
    await expectNothingDelivered(server)
  })

  it("asks an async callback, which can refuse with its own reason and status 300", async () => {
    const asked: string[] = []
    auth
      .configurePlain(async ({username, password, address, domain}) => {
        asked.push(`${username}@${address}/${domain}`)
        await new Promise(resolve => setImmediate(resolve))
        if (username === "busy") return {allowed: false, statusCode: 300, reason: "try later"}
        return password === `${username}-pw`
      })
      .start()
    const server = await plainServer("shop")

    const good = plainClient("bob", "bob-pw")
    good.connect(server.lastEndpoint!)
    await good.send("from bob")
    const [message] = await server.receive()
    expect(message.toString()).to.equal("from bob")

    const refused = nextEvent(server, "handshake:error:auth")
    const decided = nextDecision(auth, decision => decision.identity === "busy")
    const busy = plainClient("busy", "whatever")
    busy.connect(server.lastEndpoint!)
    void busy.send("must not arrive").catch(() => {})
    expect((await refused).error.status).to.equal(300)
    expect(await decided).to.include({allowed: false, statusCode: 300, reason: "try later"})
    expect(asked).to.include.members(["bob@127.0.0.1/shop", "busy@127.0.0.1/shop"])
    await expectNothingDelivered(server)
  })

  it("uses a domain's own password table there and the default table elsewhere", async () => {
    auth
      .configurePlain({alice: "default-pw"})
      .configurePlain({alice: "ops-pw"}, {domain: "ops"})
      .start()
    const ops = await plainServer("ops")
    const shop = await plainServer("shop")

    const refused = nextDecision(auth, decision => decision.domain === "ops")
    const wrongForOps = plainClient("alice", "default-pw")
    wrongForOps.connect(ops.lastEndpoint!)
    void wrongForOps.send("must not arrive").catch(() => {})
    expect((await refused).allowed).to.equal(false)
    await expectNothingDelivered(ops)

    const rightForOps = plainClient("alice", "ops-pw")
    rightForOps.connect(ops.lastEndpoint!)
    await rightForOps.send("ops")
    ops.receiveTimeout = -1
    expect((await ops.receive())[0].toString()).to.equal("ops")

    const rightForShop = plainClient("alice", "default-pw")
    rightForShop.connect(shop.lastEndpoint!)
    await rightForShop.send("shop")
    expect((await shop.receive())[0].toString()).to.equal("shop")
  })
})
