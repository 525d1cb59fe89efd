import {expect} from "chai"
import {Dealer, lateOptionWarning, setLateOptionWarnings} from "../../lib"
import * as zmq from "../../lib/generated/zmq-constants"
import {closeAll, closing} from "../helpers"

/** zeromq v6's warning for options that only affect later connections. */
describe("late option warnings", function () {
  const warnings: string[] = []
  const listener = (warning: Error) => warnings.push(warning.message)

  beforeEach(() => {
    warnings.length = 0
    process.on("warning", listener)
  })
  afterEach(async () => {
    process.off("warning", listener)
    setLateOptionWarnings(true)
    await closeAll()
  })

  /** Warnings are emitted on the next tick. */
  const tick = () => new Promise(resolve => setImmediate(resolve))

  it("warns with v6's text after connect or bind, not before, not for immediate options", async function () {
    const dealer = closing(new Dealer({linger: 0}))
    dealer.routingId = "before"
    dealer.sendHighWaterMark = 5
    await tick()
    expect(warnings).to.deep.equal([])
    dealer.connect("tcp://127.0.0.1:1")
    dealer.linger = 10 // immediate
    dealer.sendHighWaterMark = 6 // immediate since libzmq 4.2
    dealer.sendTimeout = 100 // kept by the library
    await tick()
    expect(warnings).to.deep.equal([])
    dealer.routingId = "after"
    dealer.setInt32Option(zmq.ZMQ_RECONNECT_IVL, 50)
    await tick()
    expect(warnings).to.deep.equal([lateOptionWarning, lateOptionWarning])
    expect(lateOptionWarning).to.equal(
      "Socket option will not take effect until next connect/bind.",
    )
    dealer.disconnect("tcp://127.0.0.1:1")
    dealer.routingId = "again"
    await tick()
    expect(warnings).to.have.length(2)
  })

  it("can be turned off", async function () {
    const dealer = closing(new Dealer({linger: 0}))
    await dealer.bind("tcp://127.0.0.1:*")
    setLateOptionWarnings(false)
    dealer.routingId = "quiet"
    await tick()
    expect(warnings).to.deep.equal([])
    setLateOptionWarnings(true)
    dealer.routingId = "loud"
    await tick()
    expect(warnings).to.deep.equal([lateOptionWarning])
  })
})
