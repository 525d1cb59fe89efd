import {expect} from "chai"
import {Dealer, Pair, Pull} from "../../lib"
import {closeAll, closing} from "../helpers"

/** Promise-returning methods reject on bad arguments; they never throw synchronously. */
describe("promise methods reject, never throw", function () {
  afterEach(closeAll)

  async function rejection(call: () => Promise<unknown>): Promise<unknown> {
    let promise: Promise<unknown>
    try {
      promise = call()
    } catch (err) {
      throw new Error(`threw synchronously: ${String(err)}`)
    }
    return promise.then(
      () => expect.fail("resolved"),
      (err: unknown) => err,
    )
  }

  it("send(), sendMany() and sendTracked().sent reject a bad message with a TypeError", async function () {
    const pair = closing(new Pair({linger: 0}))
    expect(await rejection(() => pair.send(undefined as never))).to.be.instanceOf(TypeError)
    expect(await rejection(() => pair.send({} as never))).to.be.instanceOf(TypeError)
    expect(await rejection(() => pair.send([] as never))).to.be.instanceOf(TypeError)
    expect(await rejection(() => pair.sendMany([{}] as never))).to.be.instanceOf(TypeError)
    const tracked = pair.sendTracked(true as never)
    expect(await rejection(() => tracked.sent)).to.be.instanceOf(TypeError)
    await tracked.released
    // `.catch()` sees it: nothing escapes as an uncaught exception.
    let caught: unknown
    await pair.send(Symbol("x") as never).catch((err: unknown) => (caught = err))
    expect(caught).to.be.instanceOf(TypeError)
  })

  it("receiveMany() and receiveBatch() reject a bad max with a RangeError", async function () {
    const pull = closing(new Pull({linger: 0}))
    expect(await rejection(() => pull.receiveMany(0))).to.be.instanceOf(RangeError)
    expect(await rejection(() => pull.receiveBatch(-1))).to.be.instanceOf(RangeError)
  })

  it("bind() and unbind() reject a non-string address with v6's TypeError", async function () {
    const dealer = closing(new Dealer({linger: 0}))
    const err = await rejection(() => dealer.bind(1 as never))
    expect(err).to.be.instanceOf(TypeError)
    expect((err as Error).message).to.equal("Address must be a string")
    expect(await rejection(() => dealer.unbind(null as never))).to.be.instanceOf(TypeError)
  })

  it("sends null as an empty frame and a number as its decimal string, as v6", async function () {
    const a = closing(new Pair({linger: 0}))
    const b = closing(new Pair({linger: 0}))
    await a.bind("inproc://send-rejects-null")
    b.connect("inproc://send-rejects-null")
    await b.send([null, 42, -1.5, "x"])
    await b.send(null)
    await b.send(7)
    expect((await a.receive()).map(String)).to.deep.equal(["", "42", "-1.5", "x"])
    expect((await a.receive()).map(String)).to.deep.equal([""])
    expect((await a.receive()).map(String)).to.deep.equal(["7"])
  })
})
