"use strict"
import {expect} from "chai"
import {Context, Dealer, Observer, Proxy, Push, Router, Socket, SocketType} from "../../lib"
import {closeAll, closing} from "../helpers"

/**
 * Sockets and contexts are sealed as in zeromq v6 (observers and proxies too, which v6
 * leaves open): in strict code a misspelt property is a TypeError, and read-only options
 * have getters only.
 */
describe("sealed objects", function () {
  afterEach(closeAll)

  function assign(target: object, key: string, value: unknown): void {
    ;(target as Record<string, unknown>)[key] = value
  }

  it("refuses unknown properties on sockets, contexts, observers and proxies", async function () {
    const dealer = closing(new Dealer({linger: 0}))
    const router = closing(new Router({linger: 0}))
    const context = new Context()
    const observer = new Observer(dealer)
    const proxy = new Proxy(router, dealer)
    for (const target of [dealer, context, observer, proxy, closing(new Socket(SocketType.Push))]) {
      expect(Object.isSealed(target)).to.equal(true)
      expect(() => assign(target, "lingr", 0)).to.throw(
        TypeError,
        "Cannot add property lingr, object is not extensible",
      )
    }
    dealer.linger = 5 // known options still work
    expect(dealer.linger).to.equal(5)
    observer.close()
    await context.close()
  })

  it("gives read-only options getters only, with the language's own error", function () {
    const push = closing(new Push({linger: 0}))
    const descriptor = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(push), "type")
    expect(descriptor?.get).to.be.a("function")
    expect(descriptor?.set).to.equal(undefined)
    expect(() => assign(push, "type", 1)).to.throw(
      TypeError,
      "Cannot set property type of #<Push> which has only a getter",
    )
    expect(() => new Push({type: 1} as never)).to.throw(TypeError, "which has only a getter")
    const context = new Context()
    expect(() => assign(context, "maxSocketsLimit", 1)).to.throw(TypeError, "only a getter")
  })

  it("leaves instances of user subclasses extensible (their fields come after super())", function () {
    class Tagged extends Dealer {
      tag = "mine"
    }
    const tagged = closing(new Tagged({linger: 0}))
    expect(tagged.tag).to.equal("mine")
    expect(Object.isSealed(tagged)).to.equal(false)
    // Options given to the constructor are still checked.
    expect(() => new Tagged({lingr: 0} as never)).to.throw(TypeError, "not extensible")
  })
})
