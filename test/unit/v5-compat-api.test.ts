import {expect} from "chai"
import * as core from "../../lib"
import * as zmq from "../../lib/v5-compat"
import {runNode} from "../helpers"
import {socketFactory} from "./v5-compat-helpers"

// zeromq v6's own implementation of the same API: the reference for its shape.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const v6 = require("zeromq/v5-compat") as Record<string, unknown> & {
  Socket: {prototype: object}
  options: Record<string, number>
}

describe("v5-compat API", () => {
  const socket = socketFactory()

  it("exports every name of zeromq v6's v5-compat, with its values", () => {
    const ours = zmq as unknown as Record<string, unknown>
    for (const name of Object.keys(v6)) {
      expect(ours, name).to.have.property(name)
      const value = v6[name]
      // 5.x numbered libzmq 2's ZMQ_RECOVERY_IVL_MSEC 20; v6 changed it to 9.
      if (typeof value === "number" && name !== "ZMQ_RECOVERY_IVL_MSEC") {
        expect(ours[name], name).to.equal(value)
      }
    }
    expect(zmq.ZMQ_RECOVERY_IVL_MSEC).to.equal(20)
    expect(zmq.options).to.include(v6.options)
  })

  it("gives its sockets every method and option property of zeromq v6's v5-compat sockets", () => {
    const names = Object.getOwnPropertyNames(v6.Socket.prototype).filter(
      name => !["_recv", "_send"].includes(name),
    )
    // `in`: reading the accessors on the prototype itself would throw.
    for (const name of [...names, ...Object.keys(zmq.options)]) {
      expect(name in zmq.Socket.prototype, name).to.equal(true)
    }
  })

  it("has zeromq 5.x's tables of socket types, option names and monitor events", () => {
    expect(zmq.types).to.include({pub: zmq.ZMQ_PUB, xreq: zmq.ZMQ_DEALER, xrep: zmq.ZMQ_ROUTER})
    expect(Object.keys(zmq.types)).to.have.length(14)
    expect(zmq.options).to.include({identity: zmq.ZMQ_IDENTITY, hwm: zmq.ZMQ_HWM, _fd: zmq.ZMQ_FD})
    expect(Object.values(zmq.events)).to.deep.equal([
      "connect",
      "connect_delay",
      "connect_retry",
      "listen",
      "bind_error",
      "accept",
      "accept_error",
      "close",
      "close_error",
      "disconnect",
    ])
  })

  it("makes sockets from type names, old names and numbers, keeping the type as given", () => {
    for (const [name, type] of Object.entries(zmq.types)) {
      const made = socket(name as zmq.SocketType)
      expect(made.type).to.equal(name)
      expect(made.getsockopt(zmq.ZMQ_TYPE)).to.equal(type)
    }
    const byNumber = socket(zmq.ZMQ_PUSH)
    expect(byNumber.type).to.equal(zmq.ZMQ_PUSH)
    expect(new zmq.Socket("pull"))
      .to.be.instanceOf(zmq.Socket)
      .and.satisfy((s: zmq.Socket) => {
        s.close()
        return true
      })
    expect(zmq.createSocket).to.equal(zmq.socket)
  })

  it("chains the methods that returned the socket in 5.x", () => {
    const sub = socket("sub")
    expect(sub.subscribe("a").unsubscribe("a").setsockopt("linger", 0)).to.equal(sub)
    expect(sub.connect("inproc://v5-chain").disconnect("inproc://v5-chain")).to.equal(sub)
    expect(sub.bindSync("inproc://v5-chain-bind").unbindSync("inproc://v5-chain-bind")).to.equal(
      sub,
    )
    expect(sub.monitor().unmonitor()).to.equal(sub)
  })

  it("tells the libzmq version and makes CURVE key pairs", () => {
    expect(zmq.version).to.equal(core.version)
    const pair = zmq.curveKeypair()
    expect(pair.public).to.match(/^[\x21-\x7e]{40}$/)
    expect(pair.secret).to.match(/^[\x21-\x7e]{40}$/)
    expect(core.curvePublicKey(pair.secret)).to.equal(pair.public)
  })

  it("sets the default context through Context's static methods, which cannot be instantiated", () => {
    expect(zmq.Context.getMaxThreads()).to.equal(core.context.ioThreads)
    expect(zmq.Context.getMaxSockets()).to.equal(core.context.maxSockets)
    const sockets = zmq.Context.getMaxSockets()
    zmq.Context.setMaxSockets(sockets + 1)
    expect(core.context.maxSockets).to.equal(sockets + 1)
    zmq.Context.setMaxSockets(sockets)
    expect(() => new zmq.Context()).to.throw(Error, /cannot be instantiated/)
  })

  it("takes the default context's I/O threads from ZMQ_IO_THREADS, as 5.x did", async () => {
    const code = 'console.log(require("zeromq-napi/v5-compat").Context.getMaxThreads())'
    const set = await runNode(["-e", code], 20000, {ZMQ_IO_THREADS: "3"})
    expect(set.stdout.trim()).to.equal("3")
    const invalid = await runNode(["-e", code], 20000, {ZMQ_IO_THREADS: "many"})
    expect(invalid.stdout.trim()).to.equal("1")
    expect(invalid.stderr).to.contain("Invalid number in ZMQ_IO_THREADS (many)")
  })
})
