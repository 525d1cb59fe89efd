import {expect} from "chai"
import {Context, Dealer, Socket, SocketType, ZmqError} from "../../lib"
import * as zmq from "../../lib/generated/zmq-constants"
import {closeAll, closing} from "../helpers"

/** The generic `new Socket(type, options)` constructor and v6's constructor checks. */
describe("Socket and Context constructors", function () {
  afterEach(closeAll)

  it("makes a socket of a numeric type with options, as zeromq v6", async function () {
    const socket = closing(new Socket(zmq.ZMQ_DEALER, {sendHighWaterMark: 7, linger: 0}))
    expect(socket).to.be.instanceOf(Socket)
    expect(socket.getInt32Option(zmq.ZMQ_SNDHWM)).to.equal(7)
    expect(socket.getInt32Option(zmq.ZMQ_TYPE)).to.equal(SocketType.Dealer)
    await socket.bind("tcp://127.0.0.1:*")
    expect(socket.getStringOption(zmq.ZMQ_LAST_ENDPOINT)).to.match(/^tcp:/)
    expect(() => new Socket(zmq.ZMQ_DEALER, {lingr: 0})).to.throw(TypeError, "not extensible")
    expect(() => new Socket(zmq.ZMQ_DEALER, {type: 1})).to.throw(
      TypeError,
      "Cannot set property type of #<Socket> which has only a getter",
    )
  })

  it("refuses a bad type or options with v6's classes and texts", function () {
    const S = Socket as unknown as new (...args: unknown[]) => Socket
    expect(() => new S()).to.throw(TypeError, "Socket type must be a number")
    expect(() => new S("dealer")).to.throw(TypeError, "Socket type must be a number")
    expect(() => new S(zmq.ZMQ_DEALER, 1)).to.throw(TypeError, "Options must be an object")
    const err = (() => {
      try {
        new S(999)
      } catch (e) {
        return e
      }
    })()
    expect(err)
      .to.be.instanceOf(ZmqError)
      .and.include({code: "EINVAL", message: "Invalid argument"})
    const D = Dealer as unknown as new (...args: unknown[]) => Dealer
    expect(() => new D(1)).to.throw(TypeError, "Options must be an object")
    expect(closing(new D(null)).closed).to.equal(false)
    const C = Context as unknown as new (...args: unknown[]) => Context
    expect(() => new C(1)).to.throw(TypeError, "Options must be an object")
    expect(() => new C({foo: 1})).to.throw(
      TypeError,
      "Cannot add property foo, object is not extensible",
    )
  })
})
