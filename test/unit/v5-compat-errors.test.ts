import {expect} from "chai"
import * as zmq from "../../lib/v5-compat"
import {ZmqError} from "../../lib"
import {bound, nextEvent, socketFactory} from "./v5-compat-helpers"

describe("v5-compat errors", () => {
  const socket = socketFactory()

  function mandatoryRouter(): zmq.Socket {
    const router = socket("router")
    router.setsockopt(zmq.ZMQ_ROUTER_MANDATORY, 1)
    return router
  }

  it("gives a failed send's error to its callback, before send() returns", () => {
    const router = mandatoryRouter()
    let error: unknown
    router.send(["nobody", "hello"], 0, err => (error = err))
    expect(error).to.be.instanceOf(ZmqError).and.include({code: "EHOSTUNREACH"})
  })

  it("emits a failed send's error as an error event when there is no callback", () => {
    const router = mandatoryRouter()
    const errors: unknown[] = []
    router.on("error", err => errors.push(err))
    router.send(["nobody", "hello"])
    expect(errors).to.have.length(1)
    expect(errors[0]).to.include({code: "EHOSTUNREACH"})
  })

  it("throws from send() when nobody listens for the error event (an EventEmitter's rule)", () => {
    const router = mandatoryRouter()
    expect(() => router.send(["nobody", "hello"])).to.throw(ZmqError, /Host unreachable/i)
  })

  it("reports libzmq's refusal to send on a receive-only socket", () => {
    const pull = socket("pull")
    let error: unknown
    pull.send("x", 0, err => (error = err))
    expect(error).to.include({code: "ENOTSUP"})
  })

  it("gives a failed bind's error to its callback, with the address", async () => {
    const first = socket("rep")
    const endpoint = bound(first, "tcp")
    const second = socket("rep")
    const [error] = await new Promise<unknown[]>(resolve =>
      second.bind(endpoint, (...args) => resolve(args)),
    )
    expect(error).to.be.instanceOf(ZmqError).and.include({code: "EADDRINUSE", address: endpoint})
  })

  it("emits a failed bind's error as an error event when there is no callback", async () => {
    const first = socket("rep")
    const endpoint = bound(first, "tcp")
    const second = socket("rep")
    const error = nextEvent(second, "error")
    second.bind(endpoint)
    expect((await error)[0]).to.include({code: "EADDRINUSE"})
  })

  it("emits bind, then calls back, when bind() succeeds", async () => {
    const rep = socket("rep")
    const order: string[] = []
    rep.on("bind", address => order.push(`event ${address}`))
    await new Promise<void>(resolve =>
      rep.bind("inproc://v5-bind-order", err => {
        expect(err).to.equal(undefined)
        order.push("callback")
        resolve()
      }),
    )
    expect(order).to.deep.equal(["event inproc://v5-bind-order", "callback"])
    const unbound = nextEvent(rep, "unbind")
    rep.unbind("inproc://v5-bind-order")
    expect(await unbound).to.deep.equal(["inproc://v5-bind-order"])
  })

  it("throws libzmq's errors from the synchronous endpoint methods", () => {
    const rep = socket("rep")
    expect(() => rep.bindSync("tcp://127.0.0.1"))
      .to.throw(ZmqError)
      .with.property("code", "EINVAL")
    expect(() => rep.connect("nonsense://x"))
      .to.throw(ZmqError)
      .with.property("code", "EPROTONOSUPPORT")
    expect(() => rep.unbindSync("inproc://never-bound")).to.throw(ZmqError)
    expect(() => rep.connect(42 as never)).to.throw(TypeError, /address must be a string/)
  })

  it("calls back with EBADF for a send after close(), and says nothing without a callback", () => {
    const push = socket("push")
    push.close()
    let error: unknown
    push.send("late", 0, err => (error = err))
    expect(error).to.include({code: "EBADF"})
    push.on("error", () => expect.fail("no error event for a send after close()"))
    push.send("late")
  })

  it("refuses unknown socket types and options with TypeErrors", () => {
    expect(() => zmq.socket("nope" as never)).to.throw(TypeError, /Unknown socket type "nope"/)
    expect(() => zmq.socket(99 as never)).to.throw(TypeError, /Unknown socket type 99/)
    const push = socket("push")
    expect(() => push.setsockopt("lingerie", 0)).to.throw(TypeError, /Unknown socket option/)
    expect(() => push.setsockopt(zmq.ZMQ_LINGER, "0")).to.throw(TypeError, /integer/)
    expect(() => push.setsockopt(zmq.ZMQ_LINGER, 1.5)).to.throw(RangeError)
    expect(() => push.setsockopt(zmq.ZMQ_IDENTITY, 5)).to.throw(TypeError, /string or a Buffer/)
  })

  it("reports options libzmq refuses as ZmqError EINVAL, libzmq 2's ids included", () => {
    const push = socket("push")
    expect(() => push.setsockopt(zmq.ZMQ_HWM, 10))
      .to.throw(ZmqError)
      .with.property("code", "EINVAL")
    expect(() => (push.swap = 1))
      .to.throw(ZmqError)
      .with.property("code", "EINVAL")
    expect(() => push.getsockopt(zmq.ZMQ_SUBSCRIBE)).to.throw(ZmqError)
    expect(() => push.setsockopt(zmq.ZMQ_TYPE, 1))
      .to.throw(ZmqError)
      .with.property("code", "EINVAL")
  })

  it("throws EBADF for options and endpoints of a closed socket", () => {
    const push = socket("push")
    push.close()
    expect(() => push.linger)
      .to.throw(ZmqError)
      .with.property("code", "EBADF")
    expect(() => push.setsockopt("linger", 0))
      .to.throw(ZmqError)
      .with.property("code", "EBADF")
    expect(() => push.connect("inproc://x"))
      .to.throw(ZmqError)
      .with.property("code", "EBADF")
  })
})
