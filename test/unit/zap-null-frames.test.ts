import {expect} from "chai"
import {Context, Pull, Push, Router} from "../../lib"
import {bindAny, closeAll, closing, within} from "../helpers"

/**
 * A ZAP handler written the usual zeromq v6 way: a Router on inproc://zeromq.zap.01 that
 * replies `[id, "", "1.0", requestId, "200", "OK", null, null]`. `null` frames are empty
 * frames, so libzmq accepts the reply and the handshake completes.
 */
describe("a v6-style ZAP handler replying with null frames", function () {
  afterEach(closeAll)

  it("authenticates a PLAIN client and lets its messages through", async function () {
    const context = new Context()
    closing({close: () => context.close()})
    const handler = closing(new Router({context, linger: 0}))
    await handler.bind("inproc://zeromq.zap.01")
    const requests: string[][] = []
    void (async () => {
      for await (const [
        id,
        delimiter,
        version,
        requestId,
        ,
        ,
        ,
        mechanism,
        user,
        password,
      ] of handler) {
        requests.push([String(mechanism), String(user), String(password)])
        const ok = String(user) === "admin" && String(password) === "secret"
        await handler.send([
          id,
          delimiter,
          version,
          requestId,
          ok ? "200" : "400",
          ok ? "OK" : "Denied",
          null,
          null,
        ])
      }
    })()

    const server = closing(new Pull({context, plainServer: true, linger: 0}))
    const endpoint = await bindAny(server)
    const client = closing(
      new Push({context, plainUsername: "admin", plainPassword: "secret", linger: 0}),
    )
    client.connect(endpoint)
    await client.send("authenticated")
    const [message] = await within(server.receive(), 5000, "the message after ZAP")
    expect(String(message)).to.equal("authenticated")
    expect(requests).to.deep.equal([["PLAIN", "admin", "secret"]])
  })
})
