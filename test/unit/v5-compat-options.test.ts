import {expect} from "chai"
import * as zmq from "../../lib/v5-compat"
import {bound, messages, socketFactory} from "./v5-compat-helpers"

describe("v5-compat options", () => {
  const socket = socketFactory()

  it("reads and writes integer options by id, by name and as properties", () => {
    const push = socket("push")
    push.setsockopt(zmq.ZMQ_LINGER, 250)
    expect(push.getsockopt(zmq.ZMQ_LINGER)).to.equal(250)
    push.setsockopt("linger", 300)
    expect(push.getsockopt("linger")).to.equal(300)
    push.linger = 0
    expect(push.linger).to.equal(0)
    push.setsockopt(zmq.ZMQ_SNDHWM, 7)
    expect(push.getsockopt(zmq.ZMQ_SNDHWM)).to.equal(7)
    push.reconnect_ivl = 500
    expect(push.getsockopt(zmq.ZMQ_RECONNECT_IVL)).to.equal(500)
  })

  it("defaults linger to 1000 ms, so a process may end with undelivered messages", () => {
    expect(socket("push").linger).to.equal(1000)
  })

  it("takes booleans as 0 and 1, and reads them back as numbers", () => {
    const router = socket("router")
    router.setsockopt(zmq.ZMQ_IPV6, true)
    expect(router.getsockopt(zmq.ZMQ_IPV6)).to.equal(1)
    router.setsockopt(zmq.ZMQ_DELAY_ATTACH_ON_CONNECT, 1)
    expect(router.getsockopt(zmq.ZMQ_DELAY_ATTACH_ON_CONNECT)).to.equal(1)
    router.setsockopt(zmq.ZMQ_ROUTER_MANDATORY, false)
  })

  it("sets byte options from strings and Buffers and reads them back as strings", () => {
    const dealer = socket("dealer")
    dealer.identity = "worker-1"
    expect(dealer.identity).to.equal("worker-1")
    expect(dealer.getsockopt(zmq.ZMQ_IDENTITY)).to.equal("worker-1")
    dealer.setsockopt(zmq.ZMQ_IDENTITY, Buffer.from("worker-2"))
    expect(dealer.getsockopt("identity")).to.equal("worker-2")
    dealer.zap_domain = "global"
    expect(dealer.zap_domain).to.equal("global")
  })

  it("reads CURVE keys back as Z85 text", () => {
    const {public: publicKey, secret} = zmq.curveKeypair()
    expect(publicKey).to.have.length(40)
    const rep = socket("rep")
    rep.curve_server = 1
    rep.curve_secretkey = secret
    rep.curve_publickey = publicKey
    expect(rep.curve_publickey).to.equal(publicKey)
    expect(rep.curve_server).to.equal(1)
    expect(rep.mechanism).to.equal(2)
  })

  it("reads the socket's type, last endpoint, events and receive-more flag", () => {
    const pull = socket("pull")
    const endpoint = bound(pull, "tcp")
    expect(endpoint).to.match(/^tcp:\/\/127\.0\.0\.1:\d+$/)
    expect(pull.getsockopt(zmq.ZMQ_TYPE)).to.equal(zmq.ZMQ_PULL)
    expect(pull._ioevents).to.equal(0)
    expect(pull._receiveMore).to.equal(0)
    expect(pull._fd).to.be.a("number")
    const push = socket("push")
    expect(push.getsockopt(zmq.ZMQ_EVENTS)).to.equal(0)
    push.connect(endpoint)
  })

  it("subscribes through the _subscribe property and ZMQ_SUBSCRIBE as through subscribe()", () => {
    const sub = socket("sub")
    sub._subscribe = "a"
    sub.setsockopt(zmq.ZMQ_SUBSCRIBE, "b")
    sub._unsubscribe = "a"
    expect(() => sub.subscribe(5 as never)).to.throw(TypeError)
  })

  it("sets ZMQ_XPUB_VERBOSE (part of verbosity in the option table): repeats reach the xpub", async () => {
    const xpub = socket("xpub")
    xpub.setsockopt(zmq.ZMQ_XPUB_VERBOSE, 1)
    const endpoint = bound(xpub, "inproc")
    const subscriptions = messages(xpub, 2)
    for (let i = 0; i < 2; i++) {
      const xsub = socket("xsub")
      xsub.connect(endpoint)
      xsub.send(Buffer.from("\x01topic"))
    }
    expect((await subscriptions).map(([frame]) => frame.toString())).to.deep.equal([
      "\x01topic",
      "\x01topic",
    ])
  })

  it("assigns the options of socket(type, options) to the new socket", () => {
    const dealer = socket("dealer", {identity: "made", linger: 5, sndbuf: 65536})
    expect([dealer.identity, dealer.linger, dealer.sndbuf]).to.deep.equal(["made", 5, 65536])
  })

  it("throws from socket(type, options) when an option value is refused", () => {
    expect(() => zmq.socket("dealer", {linger: "soon"})).to.throw(TypeError)
  })
})
