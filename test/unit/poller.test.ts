import {expect} from "chai"
import * as zmq from "../../lib"
import {bindAny, isPending, runChild, within} from "../helpers"

/** The rejection of a promise-returning call, which must not throw synchronously. */
async function rejection(call: () => Promise<unknown>): Promise<Error> {
  return call().then(
    () => {
      throw new Error("resolved")
    },
    (err: Error) => err,
  )
}

describe("the poller", () => {
  const sockets: zmq.Socket[] = []
  const track = <S extends zmq.Socket>(socket: S): S => (sockets.push(socket), socket)
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close()
  })

  async function pipes(count: number) {
    const pulls: zmq.Pull[] = []
    const pushes: zmq.Push[] = []
    for (let i = 0; i < count; i++) {
      const pull = track(new zmq.Pull())
      const push = track(new zmq.Push())
      push.connect(await bindAny(pull, "inproc"))
      pulls.push(pull)
      pushes.push(push)
    }
    return {pulls, pushes}
  }

  const readySockets = (events: readonly zmq.PollEvent[]) => events.map(event => event.socket)

  it("reports exactly the ready sockets among 100, in the order they were added", async () => {
    const {pulls, pushes} = await pipes(100)
    const poller = new zmq.Poller<zmq.Pull>()
    for (const pull of pulls) poller.add(pull)
    expect(poller.size).to.equal(100)
    expect(await poller.wait({timeout: 0})).to.have.length(0)

    await pushes[37].send("one")
    const [event, ...others] = await within(poller.wait(), 5000, "wait")
    expect(others).to.have.length(0)
    expect(event.socket).to.equal(pulls[37])
    expect(event.readable).to.equal(true)
    expect(event.writable).to.equal(false)
    await pulls[37].receive()

    await Promise.all([pushes[99].send("a"), pushes[5].send("b"), pushes[50].send("c")])
    const ready = await within(poller.wait(), 5000, "wait")
    expect(readySockets(ready)).to.deep.equal([pulls[5], pulls[50], pulls[99]])
  })

  it("wakes up when a message arrives while it waits", async () => {
    const {pulls, pushes} = await pipes(3)
    const poller = new zmq.Poller()
    for (const pull of pulls) poller.add(pull)
    const waiting = poller.wait()
    expect(await isPending(waiting)).to.equal(true)
    await pushes[2].send("wake up")
    expect(readySockets(await within(waiting, 5000, "wait"))).to.deep.equal([pulls[2]])
    // Polling consumed nothing: the message is still there.
    const [message] = await within(pulls[2].receive(), 5000, "receive")
    expect(message.toString()).to.equal("wake up")
  })

  it("resolves with an empty list when the timeout passes first", async () => {
    const {pulls} = await pipes(2)
    const poller = new zmq.Poller().add(pulls[0]).add(pulls[1])
    const started = Date.now()
    const ready = await within(poller.wait({timeout: 50}), 5000, "wait")
    const elapsed = Date.now() - started
    expect(ready).to.have.length(0)
    expect(elapsed).to.be.at.least(45).and.below(2000)
  })

  it("waits for room to send on sockets watched for writing", async () => {
    const push = track(new zmq.Push())
    const address = await bindAny(push, "inproc")
    const poller = new zmq.Poller().add(push, {writable: true})
    // No peer yet: nowhere to send.
    expect(await poller.wait({timeout: 0})).to.have.length(0)
    const waiting = poller.wait()
    track(new zmq.Pull()).connect(address)
    const [event] = await within(waiting, 5000, "wait")
    expect(event).to.include({socket: push, readable: false, writable: true})
  })

  it("reuses its result list and entries from call to call", async () => {
    const {pulls, pushes} = await pipes(2)
    const poller = new zmq.Poller().add(pulls[0]).add(pulls[1])
    await pushes[0].send("x")
    const first = await poller.wait()
    const entry = first[0]
    await pushes[1].send("y")
    const second = await poller.wait()
    expect(second).to.equal(first)
    expect(second[0]).to.equal(entry)
    expect(second).to.have.length(2)
    const empty = await poller.wait({timeout: 0}).then(() => poller.wait({timeout: 0}))
    expect(empty).to.equal(first)
  })

  it("changes the interest when a socket is added again, and forgets removed sockets", async () => {
    const dealer = track(new zmq.Dealer())
    const peer = track(new zmq.Dealer())
    peer.connect(await bindAny(dealer, "inproc"))
    await peer.send("ready to read")
    const poller = new zmq.Poller().add(dealer)
    expect(await poller.wait()).to.have.length(1)
    expect((await poller.wait())[0]).to.include({readable: true, writable: false})
    poller.add(dealer, {readable: true, writable: true})
    expect(poller.size).to.equal(1)
    expect((await poller.wait())[0]).to.include({readable: true, writable: true})
    expect(poller.remove(dealer)).to.equal(true)
    expect(poller.remove(dealer)).to.equal(false)
    expect(poller.has(dealer)).to.equal(false)
    expect(await poller.wait({timeout: 0})).to.have.length(0)
  })

  it("rejects with the signal's reason when aborted, and can wait again", async () => {
    const {pulls, pushes} = await pipes(1)
    const poller = new zmq.Poller().add(pulls[0])
    const controller = new AbortController()
    const waiting = poller.wait({signal: controller.signal})
    controller.abort()
    let thrown: unknown
    await waiting.catch(err => (thrown = err))
    expect(thrown).to.equal(controller.signal.reason)
    await pushes[0].send("after the abort")
    expect(readySockets(await within(poller.wait(), 5000, "wait"))).to.deep.equal([pulls[0]])
  })

  it("rejects a second wait() with EBUSY while one is pending", async () => {
    const {pulls} = await pipes(1)
    const poller = new zmq.Poller().add(pulls[0])
    const controller = new AbortController()
    const first = poller.wait({signal: controller.signal}).catch(() => undefined)
    let thrown: unknown
    await poller.wait().catch(err => (thrown = err))
    expect(thrown).to.be.instanceOf(zmq.ZmqError).with.property("code", "EBUSY")
    controller.abort()
    await first
  })

  it("rejects with EBADF when a watched socket is closed while it waits", async () => {
    const {pulls} = await pipes(2)
    const poller = new zmq.Poller().add(pulls[0]).add(pulls[1])
    const waiting = poller.wait()
    pulls[1].close()
    let thrown: unknown
    await within(waiting, 5000, "wait").catch(err => (thrown = err))
    expect(thrown).to.be.instanceOf(zmq.ZmqError).with.property("code", "EBADF")
    let again: unknown
    await poller.wait({timeout: 0}).catch(err => (again = err))
    expect(again).to.be.instanceOf(zmq.ZmqError).with.property("code", "EBADF")
    poller.remove(pulls[1])
    expect(await poller.wait({timeout: 0})).to.have.length(0)
  })

  it("rejects bad sockets, interests and options with TypeError or RangeError", async () => {
    const pull = track(new zmq.Pull())
    const poller = new zmq.Poller()
    const loose = poller as unknown as {
      add(socket: unknown, interest?: unknown): void
      wait(options?: unknown): Promise<unknown>
    }
    expect(() => loose.add({})).to.throw(TypeError, /must be a zeromq-napi Socket/)
    expect(() => loose.add(pull, {readable: "yes"})).to.throw(TypeError, /"readable"/)
    expect(() => loose.add(pull, {readable: false})).to.throw(RangeError, /asks for nothing/)
    expect(() => loose.add(pull, null)).to.throw(TypeError)
    expect(await rejection(() => poller.wait()))
      .to.be.instanceOf(RangeError)
      .with.property("message")
      .match(/never end/)
    poller.add(pull)
    expect(await rejection(() => loose.wait({timeout: -1}))).to.be.instanceOf(RangeError)
    expect(await rejection(() => loose.wait({timeout: "1"}))).to.be.instanceOf(TypeError)
    expect(await rejection(() => loose.wait({signal: {}})))
      .to.be.instanceOf(TypeError)
      .with.property("message")
      .match(/AbortSignal/)
    const closed = new zmq.Pull()
    closed.close()
    expect(() => poller.add(closed))
      .to.throw(zmq.ZmqError)
      .with.property("code", "EBADF")
  })

  it("lets the process exit after a wait: no socket stays registered", async () => {
    const result = await runChild(`
      import * as zmq from "zeromq-napi"
      const pull = new zmq.Pull()
      await pull.bind("tcp://127.0.0.1:*")
      const poller = new zmq.Poller().add(pull)
      const ready = await poller.wait({timeout: 20})
      console.log("ready", ready.length)
      // The socket is left open: only a leftover registration would keep the process up.
    `)
    expect(result.stdout.trim()).to.equal("ready 0")
    expect(result.code).to.equal(0)
    expect(result.ms).to.be.below(10000)
  })
})
