import {expect} from "chai"
import {Dealer, Proxy, Pull, Push, Router, ZmqError} from "../../lib"
import {bindAny, closeAll, closing, within} from "../helpers"

/** zeromq v6's proxy checks, and close() of a socket a proxy holds. */
describe("proxy checks", function () {
  afterEach(closeAll)

  it("rejects run() when an end is neither bound nor connected, with v6's texts", async function () {
    const front = closing(new Router({linger: 0}))
    const back = closing(new Dealer({linger: 0}))
    const unbound = (await new Proxy(front, back).run().catch((e: unknown) => e)) as ZmqError
    expect(unbound).to.be.instanceOf(ZmqError)
    expect(unbound).to.include({
      code: "EINVAL",
      message: "Front-end socket must be bound or connected",
    })
    await bindAny(front)
    const backOnly = (await new Proxy(front, back).run().catch((e: unknown) => e)) as ZmqError
    expect(backOnly).to.include({
      code: "EINVAL",
      message: "Back-end socket must be bound or connected",
    })
    // Unbinding counts too: a socket whose only endpoint is gone reaches nobody.
    back.connect("tcp://127.0.0.1:1")
    back.disconnect("tcp://127.0.0.1:1")
    const again = (await new Proxy(front, back).run().catch((e: unknown) => e)) as ZmqError
    expect(again.message).to.equal("Back-end socket must be bound or connected")
  })

  it("close() of a socket a running proxy holds ends the proxy and closes it, never throwing", async function () {
    const front = closing(new Pull({linger: 0}))
    const back = closing(new Push({linger: 0}))
    const producer = closing(new Push({linger: 0}))
    const consumer = closing(new Pull({linger: 0}))
    producer.connect(await bindAny(front))
    consumer.connect(await bindAny(back))
    const proxy = new Proxy(front, back)
    const run = proxy.run()
    await producer.send("through")
    expect(String((await within(consumer.receive(), 5000))[0])).to.equal("through")
    expect(() => front.close()).not.to.throw()
    expect(front.closed).to.equal(true)
    await within(run, 5000)
    expect(proxy.running).to.equal(false)
    expect(back.closed).to.equal(false)
    // The other end is usable again.
    await back.send("direct")
    expect(String((await within(consumer.receive(), 5000))[0])).to.equal("direct")
  })
})
