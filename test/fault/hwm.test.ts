import {expect} from "chai"
import * as zmq from "../../lib"
import {isPending, within} from "../helpers"

// High-water marks counted exactly. Over inproc libzmq's pipe holds exactly the sender's
// send HWM plus the receiver's receive HWM (tcp adds kernel buffers, which are not exact).
// Nothing is received until the counting is done: a receive prefetches into the socket's
// own queue and would move the limit.
const HWM = 10
const CAPACITY = 2 * HWM

let counter = 0
const address = () => `inproc://fault-hwm-${process.pid}-${++counter}`

/** Sends numbered messages and returns how many resolved before one stayed pending. */
async function fillUntilBlocked(send: (i: number) => Promise<void>, limit: number) {
  for (let i = 0; i < limit; i++) {
    const sent = send(i)
    if (await isPending(sent)) return {accepted: i, blocked: sent}
    await sent
  }
  throw new Error(`no send blocked within ${limit} messages`)
}

describe("fault matrix: high-water marks", function () {
  this.timeout(10000)
  const sockets: zmq.Socket[] = []
  const track = <S extends zmq.Socket>(socket: S): S => (sockets.push(socket), socket)
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close()
  })

  it("blocks a Push at exactly the summed high-water marks and resumes when read", async () => {
    const pull = track(new zmq.Pull({receiveHighWaterMark: HWM}))
    const endpoint = address()
    await pull.bind(endpoint)
    const push = track(new zmq.Push({sendHighWaterMark: HWM}))
    push.connect(endpoint)

    const {accepted, blocked} = await fillUntilBlocked(i => push.send(String(i)), 10 * CAPACITY)
    expect(accepted).to.equal(CAPACITY)
    // Still blocked later: a blocked send is not dropped or failed.
    expect(await isPending(blocked)).to.equal(true)

    const received: string[] = []
    for (let i = 0; i <= CAPACITY; i++) received.push((await pull.receive())[0].toString())
    await within(blocked, 2000, "the blocked send")
    expect(received).to.deep.equal(Array.from({length: CAPACITY + 1}, (_, i) => String(i)))
  })

  it("drops a Publisher's messages beyond the summed high-water marks without blocking", async () => {
    const pub = track(new zmq.Publisher({sendHighWaterMark: HWM}))
    const endpoint = address()
    await pub.bind(endpoint)
    const sub = track(new zmq.Subscriber({receiveHighWaterMark: HWM}))
    sub.subscribe()
    sub.connect(endpoint)
    // The publisher drops everything until it has processed the subscription: probe until
    // one arrives, then read up to a marker so the queue starts empty. The reader acknowledges
    // reads to the writer only every (hwm + 1) / 2 messages, so these few synchronising
    // messages still count against the pipe: they are subtracted below.
    let synchronising = 0
    const first = sub.receive()
    for (let i = 0; i < 200 && (await isPending(first)); i++) {
      await pub.send("probe")
      await new Promise(resolve => setTimeout(resolve, 5))
    }
    await within(first, 1000, "the first probe")
    synchronising++
    await pub.send("synced")
    while ((synchronising++, (await sub.receive())[0].toString() !== "synced"));
    expect(synchronising).to.be.below(HWM) // fewer than the acknowledgement interval
    const capacity = CAPACITY - synchronising

    // Every send resolves at once: PUB never blocks, it drops.
    for (let i = 0; i < 10 * CAPACITY; i++) await within(pub.send(String(i)), 1000, `send ${i}`)
    const received: string[] = []
    for (let i = 0; i < capacity; i++) received.push((await sub.receive())[0].toString())
    // The queue is empty now: the next message is the marker, so exactly CAPACITY got through.
    // The publisher learns of the freed room only when it next processes commands, so it may
    // drop a marker or two: send until one arrives.
    const next = sub.receive()
    for (let i = 0; i < 200 && (await isPending(next)); i++) {
      await pub.send("end")
      await new Promise(resolve => setTimeout(resolve, 5))
    }
    received.push((await within(next, 1000, "the marker"))[0].toString())
    expect(received).to.deep.equal([...Array.from({length: capacity}, (_, i) => String(i)), "end"])
  })

  it("blocks an XPublisher with noDrop at the summed high-water marks instead of dropping", async () => {
    const xpub = track(new zmq.XPublisher({sendHighWaterMark: HWM, noDrop: true}))
    const endpoint = address()
    await xpub.bind(endpoint)
    const sub = track(new zmq.Subscriber({receiveHighWaterMark: HWM}))
    sub.subscribe()
    sub.connect(endpoint)
    // The subscription reaching the XPublisher proves the subscriber is attached.
    const [subscription] = await xpub.receive()
    expect([...subscription]).to.deep.equal([1])

    const {accepted, blocked} = await fillUntilBlocked(i => xpub.send(String(i)), 10 * CAPACITY)
    expect(accepted).to.equal(CAPACITY)
    const received: string[] = []
    for (let i = 0; i <= CAPACITY; i++) received.push((await sub.receive())[0].toString())
    await within(blocked, 2000, "the blocked send")
    expect(received).to.deep.equal(Array.from({length: CAPACITY + 1}, (_, i) => String(i)))
  })

  it("rejects a mandatory Router's send to an unknown peer with EHOSTUNREACH", async () => {
    const router = track(new zmq.Router({mandatory: true}))
    await router.bind(address())
    const error = await router.send(["nobody", "hello"]).then(
      () => null,
      (err: unknown) => err,
    )
    expect(error).to.be.instanceOf(zmq.ZmqError)
    expect((error as zmq.ZmqError).code).to.equal("EHOSTUNREACH")
    // The socket is still usable afterwards.
    expect(router.closed).to.equal(false)
  })

  it("blocks a mandatory Router at a known peer's summed high-water marks", async () => {
    const router = track(new zmq.Router({mandatory: true, sendHighWaterMark: HWM}))
    const endpoint = address()
    await router.bind(endpoint)
    const dealer = track(new zmq.Dealer({routingId: "d", receiveHighWaterMark: HWM}))
    dealer.connect(endpoint)
    await dealer.send("hello") // so the router knows the routing id
    const [id] = await router.receive()

    const {accepted, blocked} = await fillUntilBlocked(i => router.send([id, String(i)]), 100)
    expect(accepted).to.equal(CAPACITY)
    const received: string[] = []
    for (let i = 0; i <= CAPACITY; i++) received.push((await dealer.receive())[0].toString())
    await within(blocked, 2000, "the blocked send")
    expect(received).to.deep.equal(Array.from({length: CAPACITY + 1}, (_, i) => String(i)))
  })
})
