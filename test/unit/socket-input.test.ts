import {expect} from "chai"
import * as zmq from "../../lib"
import {bindAny} from "../helpers"

describe("bad input", () => {
  const sockets: zmq.Socket[] = []
  const track = <S extends zmq.Socket>(socket: S): S => (sockets.push(socket), socket)
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close()
  })

  it("rejects (never throws) messages that are not bytes, strings, numbers or null", async () => {
    const push = track(new zmq.Push())
    await bindAny(push, "inproc")
    for (const bad of [undefined, {}, [], true, Symbol("x"), () => 1, [Buffer.alloc(1), {}]]) {
      const err = await push.send(bad as never).then(
        () => expect.fail(`${String(bad)} was sent`),
        (e: unknown) => e,
      )
      expect(err, String(bad)).to.be.instanceOf(TypeError)
    }
    const many = await push.sendMany([Buffer.alloc(1), {}] as never).catch((e: unknown) => e)
    expect(many)
      .to.be.instanceOf(TypeError)
      .with.property("message")
      .match(/frame|message/)
  })

  it("rejects unknown and misspelled options with v6's TypeError, suggesting the name in detail", () => {
    const unknown = (make: () => unknown) => {
      try {
        make()
      } catch (err) {
        return err as TypeError & {detail?: string}
      }
      throw new Error("no error")
    }
    const sndHwm = unknown(() => new zmq.Dealer({sndHwm: 1} as never))
    expect(sndHwm).to.be.instanceOf(TypeError)
    expect(sndHwm.message).to.equal("Cannot add property sndHwm, object is not extensible")
    expect(unknown(() => new zmq.Dealer({sendHighWatermark: 1} as never)).detail).to.match(
      /did you mean "sendHighWaterMark"/,
    )
    // Router-only options do not exist on a Dealer.
    expect(() => new zmq.Dealer({mandatory: true} as never)).to.throw(TypeError, /mandatory/)
    expect(() => new zmq.Context({ioThread: 2} as never)).to.throw(TypeError, /ioThread/)
  })

  it("rejects option values of the wrong type or range (v6's texts; the option in `option`)", () => {
    const dealer = track(new zmq.Dealer())
    expect(() => (dealer.sendHighWaterMark = "10" as never))
      .to.throw(TypeError, "Option value must be a number")
      .with.property("option", "sendHighWaterMark")
    expect(() => (dealer.sendHighWaterMark = -1))
      .to.throw(zmq.ZmqError, "Invalid argument")
      .with.property("detail")
      .match(/sendHighWaterMark/)
    expect(() => (dealer.linger = 1.5))
      .to.throw(zmq.ZmqError)
      .with.property("option", "linger")
    expect(() => (dealer.immediate = 1 as never)).to.throw(
      TypeError,
      "Option value must be a boolean",
    )
    expect(() => (dealer.curveSecretKey = "too short"))
      .to.throw(zmq.ZmqError)
      .with.property("code", "EINVAL")
    expect(() => new zmq.Context({ioThreads: -1}))
      .to.throw(zmq.ZmqError)
      .with.property("option", "ioThreads")
  })

  it("rejects read-only options and options of closed sockets", () => {
    const dealer = track(new zmq.Dealer())
    // Getter-only, as in zeromq v6: strict code gets the language's own TypeError.
    expect(() => {
      "use strict"
      ;(dealer as {type: number}).type = 1
    }).to.throw(TypeError, /only a getter/)
    dealer.close()
    expect(() => dealer.linger).to.throw(zmq.ZmqError, /closed/)
  })

  it("rejects bad endpoints with a ZmqError that carries code, errno and address", async () => {
    const dealer = track(new zmq.Dealer())
    const error = await dealer.bind("nope://x").then(
      () => null,
      (err: zmq.ZmqError) => err,
    )
    expect(error).to.be.instanceOf(zmq.ZmqError)
    expect(error!.code).to.equal("EPROTONOSUPPORT")
    expect(error!.errno).to.be.a("number")
    expect(error!.address).to.equal("nope://x")
    expect(() => dealer.connect("tcp://"))
      .to.throw(zmq.ZmqError)
      .with.property("address", "tcp://")
    expect(() => dealer.connect(5 as never)).to.throw(TypeError)
  })

  it("reports EADDRINUSE with the address when binding twice", async () => {
    const a = track(new zmq.Pull())
    const endpoint = await bindAny(a, "tcp")
    const b = track(new zmq.Pull())
    const error = await b.bind(endpoint).then(
      () => null,
      (err: zmq.ZmqError) => err,
    )
    expect(error?.code).to.equal("EADDRINUSE")
    expect(error?.address).to.equal(endpoint)
  })

  it("unbinds with unbindSync (zeromq v6 bound instead)", async () => {
    const pull = track(new zmq.Pull())
    const endpoint = await bindAny(pull, "tcp")
    pull.unbindSync(endpoint)
    // libzmq forgets an endpoint once unbound: a second unbind has nothing to remove.
    expect(() => pull.unbindSync(endpoint))
      .to.throw(zmq.ZmqError)
      .with.property("code", "ENOENT")
    const again = await bindAny(pull, "tcp")
    await pull.unbind(again)
    await pull.unbind(again).then(
      () => expect.fail("the second unbind should fail"),
      (err: zmq.ZmqError) => expect(err.code).to.equal("ENOENT"),
    )
  })

  it("exposes only the methods of each socket type", () => {
    const push = track(new zmq.Push())
    const pull = track(new zmq.Pull())
    const pub = track(new zmq.Publisher())
    expect((push as unknown as {receive?: unknown}).receive).to.equal(undefined)
    expect((pull as unknown as {send?: unknown}).send).to.equal(undefined)
    expect((pub as unknown as {receive?: unknown}).receive).to.equal(undefined)
    expect(Symbol.asyncIterator in push).to.equal(false)
  })

  it("fails clearly when creating a socket on a closed context", async () => {
    const context = new zmq.Context()
    await context.close()
    expect(() => new zmq.Pair({context})).to.throw(zmq.ZmqError, /Context is closed/)
  })
})
