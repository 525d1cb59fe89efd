import {expect} from "chai"
import * as zmq from "../../lib"
import {bindAny, closeAll, closing} from "../helpers"

// A multipart message reaches libzmq frame by frame, and libzmq cannot take a frame back:
// a frame refused after the first went out would glue the next message onto it.

/** A view of an ArrayBuffer whose memory was transferred away. */
function detachedView(): Uint8Array {
  const buffer = new ArrayBuffer(8)
  const view = new Uint8Array(buffer)
  structuredClone(buffer, {transfer: [buffer]})
  return view
}

function detachedDataView(): DataView {
  const buffer = new ArrayBuffer(8)
  const view = new DataView(buffer)
  structuredClone(buffer, {transfer: [buffer]})
  return view
}

/** Sends and reports the TypeError, whether the call throws it or its promise rejects. */
async function refused(send: () => Promise<void>): Promise<TypeError | undefined> {
  try {
    await send()
  } catch (err) {
    expect(err).to.be.instanceOf(TypeError)
    return err as TypeError
  }
  return undefined
}

describe("fault: refused messages", function () {
  this.timeout(30000)
  afterEach(closeAll)

  it("never lets a refused multipart message corrupt the messages after it", async () => {
    const pull = closing(new zmq.Pull())
    const push = closing(new zmq.Push({sendHighWaterMark: 0}))
    push.connect(await bindAny(pull, "inproc"))
    const invalid: unknown[] = [
      [Buffer.from("ok"), {}],
      ["ok", detachedView()],
      [Buffer.from("ok"), undefined],
      ["ok", Buffer.from("x"), true],
      [Buffer.from("ok"), Symbol("frame")],
      detachedView(),
      detachedView().buffer,
    ]
    const shared = new SharedArrayBuffer(2)
    new Uint8Array(shared).set([0, 1])
    let random = 7
    const valid: string[] = []
    let refusedCount = 0
    for (let i = 0; i < 10000; i++) {
      random = (random * 1103515245 + 12345) & 0x7fffffff
      if (random % 3 === 0) {
        const bad = invalid[random % invalid.length]
        if (await refused(() => push.send(bad as never))) refusedCount++
      } else if (random % 5 === 0) {
        // Shared memory is a valid frame (zeromq v6 accepts it too).
        await push.send([`v${i}`, shared])
        valid.push(JSON.stringify([`v${i}`, "\x00\x01"]))
      } else {
        const message = random % 2 === 0 ? `v${i}` : [`v${i}`, `part of ${i}`]
        await push.send(message)
        valid.push(JSON.stringify(Array.isArray(message) ? message : [message]))
      }
    }
    expect(refusedCount).to.be.greaterThan(3000)
    for (const expected of valid) {
      const message = await pull.receive()
      expect(JSON.stringify(message.map(String))).to.equal(expected)
    }
    expect(pull.readable).to.equal(false)
  })

  it("sends a SharedArrayBuffer, alone and as a part, as the bytes it holds", async () => {
    const pull = closing(new zmq.Pull())
    const push = closing(new zmq.Push())
    push.connect(await bindAny(pull, "inproc"))
    const shared = new SharedArrayBuffer(4)
    new Uint8Array(shared).set([1, 2, 3, 4])
    const large = new SharedArrayBuffer(zmq.zeroCopyMin)
    new Uint8Array(large).fill(9)
    await push.send(shared)
    await push.send([Buffer.from("head"), shared])
    await push.sendMany([shared, [shared, "tail"]])
    await push.send(large)
    expect((await pull.receive()).map(frame => [...frame])).to.deep.equal([[1, 2, 3, 4]])
    expect((await pull.receive()).map(String)).to.deep.equal(["head", "\x01\x02\x03\x04"])
    expect((await pull.receive()).map(frame => [...frame])).to.deep.equal([[1, 2, 3, 4]])
    expect((await pull.receive()).map(String)).to.deep.equal(["\x01\x02\x03\x04", "tail"])
    const [big] = await pull.receive()
    expect(big.length).to.equal(zmq.zeroCopyMin)
    expect(big.every(byte => byte === 9)).to.equal(true)
  })

  it("refuses a detached ArrayBuffer, or a view of one, with a TypeError that says so", async () => {
    const pull = closing(new zmq.Pull())
    const push = closing(new zmq.Push())
    push.connect(await bindAny(pull, "inproc"))
    const buffer = new ArrayBuffer(16)
    structuredClone(buffer, {transfer: [buffer]})
    for (const frame of [buffer, detachedView(), detachedDataView()]) {
      const error = await refused(() => push.send(frame))
      expect(error?.message).to.match(/detached/)
      const part = await refused(() => push.send(["head", frame]))
      expect(part?.message).to.match(/frame 1 is a detached/)
    }
    // An empty buffer that was never transferred is an empty frame, not an error.
    expect(await refused(() => push.send(new ArrayBuffer(0)))).to.equal(undefined)
    expect((await pull.receive()).map(frame => frame.length)).to.deep.equal([0])
  })

  it("never changes the array given to sendMany() when it converts frames", async () => {
    const pull = closing(new zmq.Pull())
    const push = closing(new zmq.Push())
    push.connect(await bindAny(pull, "inproc"))
    const shared = new SharedArrayBuffer(2)
    const list = [shared, "b"]
    await push.sendMany(list)
    expect(list[0]).to.equal(shared)
    expect((await pull.receive()).map(frame => frame.length)).to.deep.equal([2])
  })
})
