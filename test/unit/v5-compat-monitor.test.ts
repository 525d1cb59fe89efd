import {expect} from "chai"
import * as net from "node:net"
import {ZmqError} from "../../lib"
import {bindAddress, transports} from "../helpers"
import {nextEvent, socketFactory} from "./v5-compat-helpers"

describe("v5-compat monitor", () => {
  const socket = socketFactory()

  // libzmq monitors connections over tcp and ipc; inproc has none to report.
  for (const transport of transports.filter(t => t !== "inproc")) {
    it(`emits listen, accept, connect and disconnect with their values over ${transport}`, async () => {
      const rep = socket("rep")
      rep.monitor(10, 0)
      const listen = nextEvent(rep, "listen")
      rep.bindSync(bindAddress(transport))
      const endpoint = rep.last_endpoint as string
      const [fd, address] = await listen
      expect(fd).to.be.a("number")
      expect(address).to.equal(endpoint)

      const req = socket("req")
      req.monitor()
      const accepted = nextEvent(rep, "accept")
      const connected = nextEvent(req, "connect")
      req.connect(endpoint)
      const [acceptFd, acceptAddress] = await accepted
      expect(acceptFd).to.be.a("number")
      expect(acceptAddress).to.equal(endpoint)
      expect((await connected)[1]).to.equal(endpoint)

      const disconnected = nextEvent(rep, "disconnect")
      req.close()
      expect((await disconnected)[1]).to.equal(endpoint)
    })
  }

  it("emits connect_delay and connect_retry, with the retry interval, while a peer is missing", async () => {
    // A port that was free a moment ago: nothing listens there.
    const server = net.createServer()
    await new Promise<void>(resolve => server.listen(0, "127.0.0.1", resolve))
    const {port} = server.address() as net.AddressInfo
    await new Promise(resolve => server.close(resolve))

    const req = socket("req")
    req.reconnect_ivl = 50
    req.monitor()
    const delayed = nextEvent(req, "connect_delay")
    const retried = nextEvent(req, "connect_retry")
    req.connect(`tcp://127.0.0.1:${port}`)
    expect((await delayed)[1]).to.equal(`tcp://127.0.0.1:${port}`)
    const [interval, address] = await retried
    // libzmq adds up to one interval of jitter.
    expect(interval).to.be.within(50, 100)
    expect(address).to.equal(`tcp://127.0.0.1:${port}`)
  })

  it("emits close when a listener goes away on unbind", async () => {
    const rep = socket("rep")
    rep.monitor()
    rep.bindSync(bindAddress("tcp"))
    const endpoint = rep.last_endpoint as string
    const closed = nextEvent(rep, "close")
    rep.unbindSync(endpoint)
    expect((await closed)[1]).to.equal(endpoint)
  })

  it("stops emitting after unmonitor()", async () => {
    const rep = socket("rep")
    rep.monitor()
    const listen = nextEvent(rep, "listen")
    rep.bindSync(bindAddress("tcp"))
    await listen
    rep.unmonitor()
    rep.on("accept", () => expect.fail("no accept event after unmonitor()"))
    const req = socket("req")
    const replied = new Promise(resolve => req.on("message", resolve))
    rep.on("message", () => rep.send("ok"))
    req.connect(rep.last_endpoint as string)
    req.send("hi")
    // The connection was accepted before the reply came.
    await replied
  })

  it("checks its arguments, and throws EBADF on a closed socket", () => {
    const rep = socket("rep")
    expect(() => rep.monitor(0)).to.throw(TypeError, /positive/)
    expect(() => rep.monitor(10, -1)).to.throw(TypeError, /numOfEvents/)
    rep.close()
    expect(() => rep.monitor())
      .to.throw(ZmqError)
      .with.property("code", "EBADF")
  })
})
