import {expect} from "chai"
import {Context, Dealer, Socket, ZmqError} from "../../lib"
import * as zmq from "../../lib/generated/zmq-constants"
import {closeAll, closing} from "../helpers"

/** zeromq v6's option methods by numeric id. */
describe("low-level option methods", function () {
  afterEach(closeAll)

  it("reads and writes int, bool, 64-bit and string options by id", function () {
    const dealer = closing(new Dealer({linger: 0}))
    dealer.setInt32Option(zmq.ZMQ_SNDHWM, 123)
    expect(dealer.getInt32Option(zmq.ZMQ_SNDHWM)).to.equal(123)
    expect(dealer.sendHighWaterMark).to.equal(123)
    dealer.setUint32Option(zmq.ZMQ_RCVHWM, 77)
    expect(dealer.getUint32Option(zmq.ZMQ_RCVHWM)).to.equal(77)
    dealer.setBoolOption(zmq.ZMQ_IMMEDIATE, true)
    expect(dealer.getBoolOption(zmq.ZMQ_IMMEDIATE)).to.equal(true)
    expect(dealer.immediate).to.equal(true)
    dealer.setInt64Option(zmq.ZMQ_MAXMSGSIZE, 4096)
    expect(dealer.getInt64Option(zmq.ZMQ_MAXMSGSIZE)).to.equal(4096)
    dealer.setUint64Option(zmq.ZMQ_AFFINITY, 3)
    expect(dealer.getUint64Option(zmq.ZMQ_AFFINITY)).to.equal(3)
    expect(dealer.getStringOption(zmq.ZMQ_ROUTING_ID)).to.equal(null)
    dealer.setStringOption(zmq.ZMQ_ROUTING_ID, "me")
    expect(dealer.getStringOption(zmq.ZMQ_ROUTING_ID)).to.equal("me")
    dealer.setStringOption(zmq.ZMQ_ROUTING_ID, Buffer.from("you"))
    expect(dealer.routingId).to.equal("you")
  })

  it("gives v6's errors for bad ids, values and options libzmq refuses", function () {
    const dealer = closing(new Dealer({linger: 0}))
    expect(() => dealer.getInt32Option("x" as never)).to.throw(
      TypeError,
      "Identifier must be a number",
    )
    expect(() => dealer.setInt32Option(zmq.ZMQ_SNDHWM, "1" as never)).to.throw(
      TypeError,
      "Option value must be a number",
    )
    expect(() => dealer.setBoolOption(zmq.ZMQ_IMMEDIATE, 1 as never)).to.throw(
      TypeError,
      "Option value must be a boolean",
    )
    expect(() => dealer.setStringOption(zmq.ZMQ_ROUTING_ID, 1 as never)).to.throw(
      TypeError,
      "Option value must be a string or buffer",
    )
    const err = (() => {
      try {
        dealer.setInt32Option(9999, 1)
      } catch (e) {
        return e
      }
    })() as ZmqError
    expect(err).to.be.instanceOf(ZmqError)
    expect(err).to.include({code: "EINVAL", message: "Invalid argument"})
  })

  it("works on a generic Socket and on a Context", async function () {
    const socket = closing(new Socket(zmq.ZMQ_DEALER, {sendHighWaterMark: 9}))
    expect(socket.getInt32Option(zmq.ZMQ_SNDHWM)).to.equal(9)
    const context = new Context()
    context.setInt32Option(zmq.ZMQ_MAX_SOCKETS, 64)
    expect(context.getInt32Option(zmq.ZMQ_MAX_SOCKETS)).to.equal(64)
    context.setBoolOption(zmq.ZMQ_BLOCKY, false)
    expect(context.getBoolOption(zmq.ZMQ_BLOCKY)).to.equal(false)
    await context.close()
  })
})
