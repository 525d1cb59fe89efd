import {expect} from "chai"
import {Context, Observer, Poller, Proxy, Pull, Push, Router, Dealer} from "../../lib"
import {LazyPirateClient, MajordomoBroker} from "../../lib/patterns"

/** Explicit resource management: `using` / `await using` close what they hold. */
describe("Symbol.dispose and Symbol.asyncDispose", function () {
  it("closes a socket at the end of an `await using` block, and with `using`", async function () {
    let outer: Push
    {
      await using push = new Push({linger: 0})
      outer = push
      expect(push.closed).to.equal(false)
    }
    expect(outer.closed).to.equal(true)
    let pull: Pull
    {
      using inner = new Pull({linger: 0})
      pull = inner
    }
    expect(pull.closed).to.equal(true)
  })

  it("closes a context, an observer, a poller's watch list and a proxy", async function () {
    const context = new Context()
    await context[Symbol.asyncDispose]()
    expect(context.closed).to.equal(true)

    const socket = new Dealer({linger: 0})
    const observer = new Observer(socket)
    observer[Symbol.dispose]()
    expect(observer.closed).to.equal(true)

    const poller = new Poller()
    poller.add(socket, {readable: true})
    poller[Symbol.dispose]()
    expect(poller.size).to.equal(0)

    const front = new Router({linger: 0})
    await front.bind("inproc://dispose-front")
    await socket.bind("inproc://dispose-back")
    const proxy = new Proxy(front, socket)
    const run = proxy.run()
    await proxy[Symbol.asyncDispose]()
    expect(proxy.running).to.equal(false)
    await run
    front.close()
    socket.close()
  })

  it("closes the pattern classes", async function () {
    const broker = new MajordomoBroker()
    await broker[Symbol.asyncDispose]()
    const client = new LazyPirateClient("tcp://127.0.0.1:1")
    await client[Symbol.asyncDispose]()
    for (const instance of [broker, client]) {
      expect(instance[Symbol.asyncDispose]).to.be.a("function")
    }
  })
})
