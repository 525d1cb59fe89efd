import {expect} from "chai"
import {LazyPirateClient} from "../../lib/patterns"
import {killPythons, requirePyzmq, startPython} from "./helpers"

describe("interop: Lazy Pirate with pyzmq peers", function () {
  this.timeout(30000)
  before(() => {
    requirePyzmq()
  })

  const clients: LazyPirateClient[] = []
  afterEach(async () => {
    await killPythons()
    for (const client of clients.splice(0)) await client.close()
  })

  it("gets every answer, once and in order, from a Python Reply server SIGKILLed twice and restarted on its port", async () => {
    const first = startPython("lp_server.py", ["--die-on", "4"])
    const endpoint = (await first.line(/^bound /)).slice(6)
    const port = endpoint.split(":").pop()!
    const client = new LazyPirateClient(endpoint, {timeout: 500, retries: 8})
    clients.push(client)
    const bodies = Array.from({length: 12}, (_, i) => `r${i}`)
    // Issued at once: the client sends them one after another, in call order.
    const replies = Promise.all(bodies.map(body => client.request(body)))

    // Each death is followed by a restart on the same port; the client keeps retrying.
    expect(await first.exited).to.equal("SIGKILL")
    const second = startPython("lp_server.py", ["--port", port, "--die-on", "5"])
    expect(await second.exited).to.equal("SIGKILL")
    const third = startPython("lp_server.py", ["--port", port])

    expect((await replies).map(frames => frames.map(String))).to.deep.equal(
      bodies.map(body => [body]),
    )
    const served = (server: typeof first) =>
      server.lines.filter(line => line.startsWith("served ")).map(line => line.slice(7))
    // Each server saw the requests from where the last one died: r3 and r7 were lost
    // with their server and sent again.
    // (Lines come on another pipe than replies: wait for the last one of each.)
    expect(await first.line(/^dying on/)).to.equal("dying on r3")
    expect(served(first)).to.deep.equal(["r0", "r1", "r2"])
    expect(await second.line(/^dying on/)).to.equal("dying on r7")
    expect(served(second)).to.deep.equal(["r3", "r4", "r5", "r6"])
    await third.line(/^served r11$/)
    expect(served(third)).to.deep.equal(["r7", "r8", "r9", "r10", "r11"])
  })
})
