import {expect} from "chai"
import {runChild} from "../helpers"

/**
 * `await sendTracked(m).released` at the top level of an ES module: the process stays
 * alive while libzmq holds the message, so the await settles instead of the module ending
 * with exit code 13 (unsettled top-level await).
 */
describe("sendTracked released at the top level of a module", function () {
  this.timeout(120000)

  const source = `
    import {Pull, Push} from "zeromq-napi"
    const pull = new Pull({linger: 0})
    await pull.bind("tcp://127.0.0.1:*")
    const push = new Push({linger: 0})
    push.connect(pull.lastEndpoint)
    const {sent, released} = push.sendTracked(Buffer.alloc(1 << 20, 1))
    await sent
    await released
    console.log("released")
    const [frame] = await pull.receive()
    console.log("received", frame.length)
    push.close()
    pull.close()
  `

  it("settles in 10 runs out of 10 (never exit code 13)", async function () {
    const codes: (number | null)[] = []
    for (let run = 0; run < 10; run++) {
      const result = await runChild(source)
      codes.push(result.code)
      expect(result.stdout, result.stderr).to.equal("released\nreceived 1048576\n")
    }
    expect(codes).to.deep.equal(Array(10).fill(0))
  })

  it("lets the process end when the socket closes with the message still held", async function () {
    const result = await runChild(`
      import {Push} from "zeromq-napi"
      const push = new Push({linger: 0})
      push.connect("tcp://127.0.0.1:1") // nobody there: the message never leaves
      const {released} = push.sendTracked(Buffer.alloc(1 << 20))
      released.then(() => console.log("released"))
      setTimeout(() => push.close(), 50)
    `)
    expect(result.code, result.stderr).to.equal(0)
  })
})
