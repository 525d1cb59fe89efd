import {expect} from "chai"
import {Dealer, ZmqError} from "../../lib"
import {closeAll, closing} from "../helpers"

/**
 * zeromq v6's error texts: nothing appended to messages; the endpoint is in `address`,
 * the option and our detailed explanation in `option` and `detail`.
 */
describe("v6 error texts", function () {
  afterEach(closeAll)

  function caught(fn: () => unknown): ZmqError {
    try {
      fn()
    } catch (err) {
      return err as ZmqError
    }
    throw new Error("did not throw")
  }

  it("invalid and unsupported endpoints: libzmq's text, the endpoint in address", async function () {
    const dealer = closing(new Dealer({linger: 0}))
    const cases: [() => unknown, string, string, string][] = [
      [() => dealer.connect("foo-bar"), "EINVAL", "Invalid argument", "foo-bar"],
      [() => dealer.connect("cat://foo"), "EPROTONOSUPPORT", "Protocol not supported", "cat://foo"],
      [() => dealer.bindSync("foo-bar"), "EINVAL", "Invalid argument", "foo-bar"],
    ]
    for (const [call, code, message, address] of cases) {
      const err = caught(call)
      expect(err).to.be.instanceOf(ZmqError)
      expect(err).to.include({code, message, address})
    }
    const bindError = (await dealer.bind("foo-bar").catch((e: unknown) => e)) as ZmqError
    expect(bindError).to.include({code: "EINVAL", message: "Invalid argument", address: "foo-bar"})
  })

  it("unbind/disconnect of an unknown endpoint: ENOENT, No such endpoint", async function () {
    const dealer = closing(new Dealer({linger: 0}))
    const disconnect = caught(() => dealer.disconnect("tcp://127.0.0.1:1"))
    expect(disconnect).to.include({
      code: "ENOENT",
      errno: 2,
      message: "No such endpoint",
      address: "tcp://127.0.0.1:1",
    })
    const unbind = (await dealer.unbind("tcp://127.0.0.1:1").catch((e: unknown) => e)) as ZmqError
    expect(unbind).to.include({code: "ENOENT", message: "No such endpoint"})
  })

  it("option values: v6's TypeError text or EINVAL, with option and detail", function () {
    const dealer = closing(new Dealer({linger: 0}))
    const type = caught(() => (dealer.sendHighWaterMark = "x" as never)) as unknown as TypeError & {
      option: string
      detail: string
    }
    expect(type).to.be.instanceOf(TypeError)
    expect(type.message).to.equal("Option value must be a number")
    expect(type.option).to.equal("sendHighWaterMark")
    expect(type.detail).to.include("sendHighWaterMark")
    const range = caught(() => (dealer.sendHighWaterMark = -5))
    expect(range).to.be.instanceOf(ZmqError)
    expect(range).to.include({
      code: "EINVAL",
      message: "Invalid argument",
      option: "sendHighWaterMark",
    })
    expect(range.detail).to.match(/>= 0, got -5/)
  })

  it("types code as the union of known codes", function () {
    const err = new ZmqError("x", "EAGAIN")
    const known: "EAGAIN" | "EBUSY" | (string & {}) = err.code
    expect(known).to.equal("EAGAIN")
  })
})
