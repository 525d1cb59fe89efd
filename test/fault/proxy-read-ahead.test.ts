import {expect} from "chai"
import * as zmq from "../../lib"
import {bindAny, closeAll, closing} from "../helpers"

// A receive takes up to 256 messages out of libzmq at once into the socket's own queue.
// A proxy runs on libzmq's sockets, so it must forward those first, or lose them.

async function receiveStrings(socket: zmq.Pull, count: number): Promise<string[][]> {
  const received: string[][] = []
  for (let i = 0; i < count; i++) received.push((await socket.receive()).map(String))
  return received
}

describe("fault: a proxy takes over sockets that read ahead", function () {
  this.timeout(30000)
  let proxies: zmq.Proxy[] = []
  let runs: Promise<unknown>[] = []
  afterEach(async () => {
    // A failed test may leave a proxy running: end it before closing its sockets.
    for (const proxy of proxies) if (proxy.running) proxy.terminate()
    await Promise.all(runs)
    proxies = []
    runs = []
    await closeAll()
  })

  function start(frontEnd: zmq.Socket, backEnd: zmq.Socket, capture?: zmq.Socket) {
    const proxy = new zmq.Proxy(frontEnd, backEnd, capture)
    proxies.push(proxy)
    const done = proxy.run()
    runs.push(done.catch(() => undefined))
    return {proxy, done}
  }

  it("forwards the messages a receive read ahead first, in order, then the rest", async () => {
    const frontEnd = closing(new zmq.Pull())
    const source = closing(new zmq.Push())
    source.connect(await bindAny(frontEnd, "inproc"))
    const backEnd = closing(new zmq.Push())
    const sink = closing(new zmq.Pull())
    sink.connect(await bindAny(backEnd, "inproc"))
    const capture = closing(new zmq.Push())
    const copies = closing(new zmq.Pull())
    copies.connect(await bindAny(capture, "inproc"))

    for (let i = 0; i < 10; i++) await source.send(i % 3 ? `m${i}` : [`m${i}`, "part"])
    // Takes m0 and reads m1..m9 ahead into the socket's queue.
    expect((await frontEnd.receive()).map(String)).to.deep.equal(["m0", "part"])
    const {proxy, done} = start(frontEnd, backEnd, capture)
    for (let i = 10; i < 13; i++) await source.send(`m${i}`)

    const expected = Array.from({length: 12}, (_, k) => {
      const i = k + 1
      return i % 3 || i >= 10 ? [`m${i}`] : [`m${i}`, "part"]
    })
    expect(await receiveStrings(sink, 12)).to.deep.equal(expected)
    expect(await receiveStrings(copies, 12)).to.deep.equal(expected)
    proxy.terminate()
    await done
  })

  it("completes and forwards a multipart message of which a receive read only the start", async () => {
    const frontEnd = closing(new zmq.Pull())
    const source = closing(new zmq.Push())
    source.connect(await bindAny(frontEnd, "inproc"))
    const backEnd = closing(new zmq.Push())
    const sink = closing(new zmq.Pull())
    sink.connect(await bindAny(backEnd, "inproc"))
    // One native receive describes at most 1024 frames: it stops inside the long message.
    const long = Array.from({length: 1500}, (_, i) => `f${i}`)
    await source.sendMany(["first", long, "last"])
    expect((await frontEnd.receive()).map(String)).to.deep.equal(["first"])
    const {proxy, done} = start(frontEnd, backEnd)
    expect((await sink.receive()).map(String)).to.deep.equal(long)
    expect((await sink.receive()).map(String)).to.deep.equal(["last"])
    proxy.terminate()
    await done
  })

  it("forwards the back end's read-ahead messages through the front end", async () => {
    // A Dealer pair each way: the proxy carries both directions.
    const frontEnd = closing(new zmq.Dealer())
    const client = closing(new zmq.Dealer())
    client.connect(await bindAny(frontEnd, "inproc"))
    const backEnd = closing(new zmq.Dealer())
    const worker = closing(new zmq.Dealer())
    worker.connect(await bindAny(backEnd, "inproc"))

    for (let i = 0; i < 5; i++) await worker.send(`reply ${i}`)
    expect((await backEnd.receive()).map(String)).to.deep.equal(["reply 0"])
    const {proxy, done} = start(frontEnd, backEnd)
    for (let i = 1; i < 5; i++) {
      expect((await client.receive()).map(String)).to.deep.equal([`reply ${i}`])
    }
    await client.send("request")
    expect((await worker.receive()).map(String)).to.deep.equal(["request"])
    proxy.terminate()
    await done
  })

  it("keeps the read-ahead messages for receive() when the proxy cannot start", async () => {
    const frontEnd = closing(new zmq.Pull())
    const source = closing(new zmq.Push())
    source.connect(await bindAny(frontEnd, "inproc"))
    const backEnd = closing(new zmq.Push())
    await bindAny(backEnd, "inproc")
    for (let i = 0; i < 4; i++) await source.send(`m${i}`)
    expect((await frontEnd.receive()).map(String)).to.deep.equal(["m0"])

    // Another proxy holds the back end: this one cannot take it, and starts nothing.
    const idle = closing(new zmq.Pull())
    idle.connect("tcp://127.0.0.1:1") // a proxy's ends must be bound or connected (v6's check)
    const {proxy: other, done: otherDone} = start(idle, backEnd)
    const refused = await start(frontEnd, backEnd).done.then(
      () => undefined,
      (err: zmq.ZmqError) => err,
    )
    expect(refused?.code).to.equal("EBUSY")
    expect(await receiveStrings(frontEnd, 3)).to.deep.equal([["m1"], ["m2"], ["m3"]])
    other.terminate()
    await otherDone
  })
})
