import {expect} from "chai"
import * as zmq from "../../lib"
import {bindAny, closeAll, closing, runChild} from "../helpers"

// postMessage and structuredClone with a transfer list move an ArrayBuffer's memory to
// another owner and leave the original empty. Received frames that share memory, and
// frames libzmq still reads after a zero-copy send, must survive that.

/** What a transfer of the frame's ArrayBuffer does, as postMessage with a transfer list would. */
function transfer(frame: Buffer): void {
  try {
    const buffer = frame.buffer as ArrayBuffer
    structuredClone(buffer, {transfer: [buffer]})
  } catch (err) {
    // Node 22 on refuses buffers marked untransferable outright (Node 20 copies them).
    expect((err as Error).name).to.equal("DataCloneError")
  }
}

describe("fault: transferring memory", function () {
  this.timeout(30000)
  afterEach(closeAll)

  for (const [kind, size] of [
    ["small pooled", 100],
    ["mid-sized copied", 4096],
    ["large copied in a burst", zmq.zeroCopyMin],
    ["external", zmq.externalFrameMin * 2],
  ] as const) {
    it(`keeps every other message intact when a received ${kind} frame is transferred`, async () => {
      const pull = closing(new zmq.Pull())
      const push = closing(new zmq.Push())
      push.connect(await bindAny(pull, "tcp"))
      const message = (i: number) => Buffer.alloc(size, i + 1)
      // Queued together, so that one native receive reads several ahead.
      await push.sendMany(Array.from({length: 10}, (_, i) => message(i)))
      const [first] = await pull.receive()
      const [second] = await pull.receive()
      transfer(first)
      expect(second.equals(message(1))).to.equal(true, "a message the application holds")
      for (let i = 2; i < 10; i++) {
        const [next] = await pull.receive()
        expect(next.equals(message(i))).to.equal(true, `message ${i}, read ahead`)
      }
    })
  }

  it("keeps the messages of a batch intact when one of its frames is transferred", async () => {
    const pull = closing(new zmq.Pull())
    const push = closing(new zmq.Push())
    push.connect(await bindAny(pull, "inproc"))
    await push.sendMany(["a", "b", "c", "d"])
    const frames: Buffer[] = []
    while (frames.length < 4) {
      const batch = await pull.receiveBatch()
      for (let i = 0; i < batch.length; i++) frames.push(batch.frame(i))
    }
    transfer(frames[0])
    expect(frames.slice(1).map(String)).to.deep.equal(["b", "c", "d"])
  })

  it("survives transfers and collection of buffers that libzmq still sends without copying", async () => {
    // In a child: without the protection, libzmq reads freed memory and the process dies.
    const result = await runChild(
      `
      import * as zmq from "zeromq-napi"
      import {MessageChannel} from "node:worker_threads"
      const size = 1024 * 1024
      const endpoint = "inproc://transferred"
      // Connected before anyone binds: libzmq queues every message, holding its memory.
      const push = new zmq.Push({sendHighWaterMark: 100})
      push.connect(endpoint)
      const {port1, port2} = new MessageChannel()
      for (let i = 0; i < 40; i++) {
        const frame = Buffer.alloc(size, i)
        await push.send(i % 2 ? frame : [String(i), frame])
        try {
          if (i % 4 < 2) structuredClone(frame.buffer, {transfer: [frame.buffer]})
          else port1.postMessage(frame.buffer, [frame.buffer])
        } catch (err) {
          if (err.name !== "DataCloneError") throw err
        }
      }
      port1.close()
      port2.close()
      globalThis.gc()
      globalThis.gc()
      // Memory freed by now would be reused by new allocations.
      const filler = Array.from({length: 40}, () => Buffer.alloc(size, 0xee))
      const pull = new zmq.Pull()
      await pull.bind(endpoint)
      let intact = 0
      for (let i = 0; i < 40; i++) {
        const message = await pull.receive()
        const frame = message[message.length - 1]
        if (frame.length === size && frame.every(byte => byte === i)) intact++
      }
      console.log("intact:", intact, "filler:", filler.length)
      push.close()
      pull.close()
      `,
      ["--expose-gc"],
    )
    expect(result.stderr).to.equal("")
    expect(result.signal).to.equal(null)
    expect(result.code).to.equal(0)
    expect(result.stdout.trim()).to.equal("intact: 40 filler: 40")
  })

  it("copies a large resizable buffer, which could shrink under libzmq, when sending it", async () => {
    const pull = closing(new zmq.Pull())
    const push = closing(new zmq.Push())
    push.connect(await bindAny(pull, "tcp"))
    // ES2024's resizable buffers: newer than the typings this project compiles against.
    const Resizable = ArrayBuffer as unknown as new (
      size: number,
      options: {maxByteLength: number},
    ) => ArrayBuffer & {resize(size: number): void}
    const buffer = new Resizable(4 * zmq.zeroCopyMin, {maxByteLength: 8 * zmq.zeroCopyMin})
    new Uint8Array(buffer).fill(5)
    await push.send(new Uint8Array(buffer))
    // libzmq's I/O thread writes the frame to the connection later, from its copy.
    buffer.resize(0)
    const [frame] = await pull.receive()
    expect(frame.length).to.equal(4 * zmq.zeroCopyMin)
    expect(frame.every(byte => byte === 5)).to.equal(true)
  })
})
