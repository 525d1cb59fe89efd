import {expect} from "chai"
import * as zmq from "../../lib"
import {Client, Server} from "../../lib/draft"
import {bindAddress, bindAny, isPending, runChild, within} from "../helpers"

/** ZMTP property encoding, as ZAP replies carry metadata: name length, name, value length, value. */
function zapMetadata(properties: Record<string, string>): Buffer {
  const parts: Buffer[] = []
  for (const [name, value] of Object.entries(properties)) {
    const length = Buffer.alloc(4)
    length.writeUInt32BE(Buffer.byteLength(value))
    parts.push(Buffer.from([name.length]), Buffer.from(name), length, Buffer.from(value))
  }
  return Buffer.concat(parts)
}

describe("message frames", () => {
  const sockets: zmq.Socket[] = []
  const track = <S extends zmq.Socket>(socket: S): S => (sockets.push(socket), socket)
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close()
  })

  it("carry the peer's address and socket type over tcp", async () => {
    const pull = track(new zmq.Pull({collectMetadata: true}))
    const push = track(new zmq.Push())
    push.connect(await bindAny(pull, "tcp"))
    await push.send(["first", "second"])
    const frames = await within(pull.receiveFrames(), 5000)
    expect(frames.map(f => [f.data.toString(), f.more])).to.deep.equal([
      ["first", true],
      ["second", false],
    ])
    for (const frame of frames) {
      expect(frame.metadata["Peer-Address"]).to.equal("127.0.0.1")
      expect(frame.metadata["Socket-Type"]).to.equal("PUSH")
    }
  })

  it("carry the peer's socket type over ipc", async () => {
    const pull = track(new zmq.Pull({collectMetadata: true}))
    const push = track(new zmq.Push())
    push.connect(await bindAny(pull, "ipc"))
    await push.send("hello")
    const [frame] = await within(pull.receiveFrames(), 5000)
    expect(frame.metadata["Socket-Type"]).to.equal("PUSH")
  })

  it("carry no connection properties over inproc, where libzmq has none", async () => {
    const pull = track(new zmq.Pull({collectMetadata: true}))
    const push = track(new zmq.Push())
    push.connect(await bindAny(pull, "inproc"))
    await push.send("hello")
    const [frame] = await within(pull.receiveFrames(), 5000)
    expect(frame.data.toString()).to.equal("hello")
    expect(frame.metadata).to.deep.equal({})
  })

  it("are empty of metadata unless collecting was switched on", async () => {
    const pull = track(new zmq.Pull())
    const push = track(new zmq.Push())
    push.connect(await bindAny(pull, "inproc"))
    await push.send("plain")
    const [frame] = await within(pull.receiveFrames(), 5000)
    expect(frame.data.toString()).to.equal("plain")
    expect(frame.metadata).to.deep.equal({})
    expect(() => (pull.collectMetadata = 1 as never)).to.throw(TypeError, /collectMetadata/)
  })

  it("carry the user id and ZAP properties set by the authenticator after PLAIN", async () => {
    // A minimal ZAP handler (RFC 27) that accepts alice and names her.
    const zap = track(new zmq.Router())
    await zap.bind("inproc://zeromq.zap.01")
    void (async () => {
      for await (const [id, empty, version, requestId, , , , mechanism, username] of zap) {
        expect(mechanism.toString()).to.equal("PLAIN")
        const ok = username.toString() === "alice"
        await zap.send([
          id,
          empty,
          version,
          requestId,
          ok ? "200" : "400",
          ok ? "OK" : "denied",
          ok ? "alice" : "",
          ok ? zapMetadata({Department: "research"}) : Buffer.alloc(0),
        ])
      }
    })()

    const server = track(
      new zmq.Pull({plainServer: true, zapDomain: "test", collectMetadata: ["Department"]}),
    )
    const client = track(new zmq.Push({plainUsername: "alice", plainPassword: "secret"}))
    client.connect(await bindAny(server, "tcp"))
    await client.send("authenticated")
    const [frame] = await within(server.receiveFrames(), 5000)
    expect(frame.data.toString()).to.equal("authenticated")
    expect(frame.metadata["User-Id"]).to.equal("alice")
    expect(frame.metadata["Department"]).to.equal("research")
  })

  it("carry the routing id on Server sockets", async () => {
    const server = track(new Server({collectMetadata: true}))
    const client = track(new Client())
    client.connect(await bindAny(server, "tcp"))
    await client.send("question")
    const [frame] = await within(server.receiveFrames(), 5000)
    expect(frame.data.toString()).to.equal("question")
    expect(frame.routingId).to.be.a("number").and.above(0)
    expect(frame.metadata["Socket-Type"]).to.equal("CLIENT")
  })
})

describe("release tracking of sent buffers", () => {
  const sockets: zmq.Socket[] = []
  const track = <S extends zmq.Socket>(socket: S): S => (sockets.push(socket), socket)
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close()
  })

  it("resolves after a large message left, and changing the buffer then changes nothing", async () => {
    const pull = track(new zmq.Pull())
    const push = track(new zmq.Push())
    push.connect(await bindAny(pull, "tcp"))
    const big = Buffer.alloc(4 * zmq.zeroCopyMin, "a")
    const {sent, released} = push.sendTracked(big)
    await sent
    await within(released, 5000, "release")
    big.fill("b")
    const [received] = await within(pull.receive(), 5000)
    expect(received.length).to.equal(big.length)
    expect(received.every(byte => byte === "a".charCodeAt(0))).to.equal(true)
  })

  it("resolves at once for small messages, which are copied", async () => {
    const pull = track(new zmq.Pull())
    const push = track(new zmq.Push())
    push.connect(await bindAny(pull, "inproc"))
    const small = Buffer.from("small")
    const {released} = push.sendTracked(small)
    await within(released, 1000)
    small.fill("x")
    expect((await pull.receive())[0].toString()).to.equal("small")
  })

  it("resolves for a tracked message that had to wait for its peer", async () => {
    // `immediate`: no queue before a connection is up, so the send has to wait until the
    // peer binds. An ipc path nobody has used: a tcp port could still be held by libzmq.
    const endpoint = bindAddress("ipc")
    const push = track(new zmq.Push({immediate: true}))
    push.connect(endpoint)
    const big = Buffer.alloc(zmq.zeroCopyMin, 1)
    const {sent, released} = push.sendTracked(["header", big])
    expect(await isPending(sent)).to.equal(true)
    const pull = track(new zmq.Pull())
    await pull.bind(endpoint)
    await within(sent, 5000, "send")
    const [header, body] = await within(pull.receive(), 5000)
    expect(header.toString()).to.equal("header")
    expect(body.equals(big)).to.equal(true)
    await within(released, 5000, "release")
  })

  it("keeps no buffer alive after its release", async () => {
    const result = await runChild(
      `
      import * as zmq from "zeromq-napi"
      const pull = new zmq.Pull(); await pull.bind("tcp://127.0.0.1:*")
      const push = new zmq.Push(); push.connect(pull.lastEndpoint)
      const registry = new FinalizationRegistry(() => console.log("collected"))
      // Waiting for a release does not keep the process alive: this timer does.
      const alive = setInterval(() => {}, 1000)
      await (async () => {
        const big = Buffer.alloc(4 * zmq.zeroCopyMin, 3)
        registry.register(big, 0)
        const {released} = push.sendTracked(big)
        const [msg] = await pull.receive()
        await released
      })()
      for (let i = 0; i < 10; i++) { globalThis.gc(); await new Promise(r => setTimeout(r, 10)) }
      clearInterval(alive)
      push.close(); pull.close()
      `,
      ["--expose-gc"],
    )
    expect(result.stderr).to.equal("")
    expect(result.stdout.trim()).to.equal("collected")
  })

  it("lets a large buffer sent with send() go once libzmq released it", async () => {
    // Releases of untracked buffers reach the JS thread in groups (by count and bytes):
    // a lone one must not wait for a group that never fills.
    const result = await runChild(
      `
      import * as zmq from "zeromq-napi"
      const pull = new zmq.Pull(); await pull.bind("tcp://127.0.0.1:*")
      const push = new zmq.Push(); push.connect(pull.lastEndpoint)
      let collected = false
      const registry = new FinalizationRegistry(() => (collected = true))
      const alive = setInterval(() => {}, 1000)
      await (async () => {
        const big = Buffer.alloc(zmq.zeroCopyMin, 5)
        registry.register(big, 0)
        await push.send(big)
        await pull.receive()
      })()
      for (let round = 0; round < 300 && !collected; round++) {
        globalThis.gc(); await new Promise(r => setTimeout(r, 10))
      }
      clearInterval(alive)
      console.log(collected ? "collected" : "still referenced")
      push.close(); pull.close()
      `,
      ["--expose-gc"],
    )
    expect(result.stderr).to.equal("")
    expect(result.stdout.trim()).to.equal("collected")
  })

  it("shares a sent frame's memory over inproc from zeroCopyMin on, and copies below", async () => {
    // Changing a buffer after sending it is what the docs forbid: here it shows whether
    // the receiver got the sender's memory or a copy of it.
    expect(zmq.externalFrameMin).to.be.above(zmq.zeroCopyMin)
    const a = track(new zmq.Pair())
    const b = track(new zmq.Pair())
    b.connect(await bindAny(a, "inproc"))
    for (const size of [
      zmq.zeroCopyMin - 1,
      zmq.zeroCopyMin,
      zmq.externalFrameMin - 1,
      zmq.externalFrameMin,
    ]) {
      const sent = Buffer.alloc(size, 1)
      await a.send(sent)
      const [received] = await within(b.receive(), 5000)
      sent[0] = 2
      expect(received[0], `${size} B`).to.equal(size >= zmq.zeroCopyMin ? 2 : 1)
    }
  })

  it("shares memory sent without copying over inproc in bursts too, not only one at a time", async () => {
    // Frames of libzmq's own memory below externalFrameMin are copied when they come in
    // bursts (V8 frees copies sooner); memory this thread sent without copying arrives as
    // it is over inproc, and copying it would cost what the send saved.
    const a = track(new zmq.Pair())
    const b = track(new zmq.Pair())
    b.connect(await bindAny(a, "inproc"))
    const shared: boolean[] = []
    for (let i = 0; i < 4; i++) {
      const sent = Buffer.alloc(zmq.zeroCopyMin, 1)
      await a.send(sent)
      const [received] = await within(b.receive(), 5000)
      sent[0] = 2
      shared.push(received[0] === 2)
    }
    expect(shared).to.deep.equal([true, true, true, true])
    const burst = Array.from({length: 8}, () => Buffer.alloc(zmq.zeroCopyMin, 1))
    await a.sendMany(burst)
    const received = (await within(b.receiveMany(8), 5000)).map(([frame]) => frame)
    for (const sent of burst) sent[0] = 2
    expect(received.map(frame => frame[0] === 2)).to.deep.equal(Array(8).fill(true))
  })

  it("hands back the same Buffer, not a copy, when a large frame returns over inproc", async () => {
    // libzmq passes the memory itself over inproc: echoed back, it is memory this thread
    // has already wrapped, and wrapping it twice is not allowed.
    const a = track(new zmq.Pair())
    const b = track(new zmq.Pair())
    b.connect(await bindAny(a, "inproc"))
    await a.send(Buffer.alloc(2 * zmq.zeroCopyMin, 7))
    const [atB] = await within(b.receive(), 5000)
    await b.send(atB)
    const [backAtA] = await within(a.receive(), 5000)
    expect(backAtA).to.equal(atB)
    expect(backAtA.every(byte => byte === 7)).to.equal(true)
  })

  it("does not crash when one received buffer is shared by two subscribers", async () => {
    // Over inproc libzmq hands both subscribers the same memory; wrapping it twice as
    // external buffers would abort the process.
    const pub = track(new zmq.Publisher())
    const endpoint = await bindAny(pub, "inproc")
    const subs = [track(new zmq.Subscriber()), track(new zmq.Subscriber())]
    for (const sub of subs) {
      sub.subscribe()
      sub.connect(endpoint)
    }
    const big = Buffer.alloc(2 * zmq.zeroCopyMin, 9)
    await pub.send(big)
    const [a, b] = await within(Promise.all(subs.map(sub => sub.receive())), 5000)
    expect(a[0].equals(big)).to.equal(true)
    expect(b[0].equals(big)).to.equal(true)
  })
})
