import {expect} from "chai"
import {runExample} from "../helpers"

describe("the examples", function () {
  this.timeout(30000)

  it("request-reply answers three requests", async () => {
    const {code, stdout, stderr} = await runExample("request-reply.ts")
    expect(stderr).to.equal("")
    expect(stdout.trim().split("\n")).to.deep.equal([
      "world (re: hello 1)",
      "world (re: hello 2)",
      "world (re: hello 3)",
    ])
    expect(code).to.equal(0)
  })

  it("publish-subscribe delivers only the subscribed topic", async () => {
    const {code, stdout, stderr} = await runExample("publish-subscribe.ts")
    expect(stderr).to.equal("")
    const lines = stdout.trim().split("\n")
    expect(lines).to.have.length(3)
    for (const line of lines) expect(line).to.match(/^kitty cats: meow \d+$/)
    expect(code).to.equal(0)
  })

  it("pipeline spreads tasks over the workers and sums the results", async () => {
    const {code, stdout, stderr} = await runExample("pipeline.ts")
    expect(stderr).to.equal("")
    expect(stdout).to.contain("sum of squares 1..20: 2870")
    expect(code).to.equal(0)
  })

  it("router-dealer broker relays every request to a worker and back", async () => {
    const {code, stdout, stderr} = await runExample("router-dealer-broker.ts")
    expect(stderr).to.equal("")
    const lines = stdout.trim().split("\n")
    expect(lines).to.have.length(3)
    lines.forEach((line, i) => expect(line).to.match(new RegExp(`^job ${i + 1} done by [AB]$`)))
    expect(code).to.equal(0)
  })

  it("pubsub-forwarder relays the subscribed topic through a proxy and reports its statistics", async () => {
    const {code, stdout, stderr} = await runExample("pubsub-forwarder.ts")
    expect(stderr).to.equal("")
    const lines = stdout.trim().split("\n")
    expect(lines).to.have.length(4)
    for (const line of lines.slice(0, 3)) expect(line).to.match(/^weather: sunny \d+$/)
    const summary = /^the proxy forwarded (\d+) messages down and 1 subscription up$/
    expect(lines[3]).to.match(summary)
    const forwarded = summary.exec(lines[3])![1]
    // Published every 10 ms: a few more than the three heard may be on their way.
    expect(Number(forwarded)).to.be.at.least(3)
    expect(code).to.equal(0)
  })

  it("curve request-reply admits the registered client and refuses a stranger", async () => {
    const {code, stdout, stderr} = await runExample("curve-request-reply.ts")
    expect(stderr).to.equal("")
    expect(stdout.trim().split("\n")).to.deep.equal([
      "auth: client admitted (CURVE: certificate found in <dir>/clients)",
      "client: world (re: hello 1)",
      "client: world (re: hello 2)",
      "auth: stranger refused (CURVE: no certificate in <dir>/clients)",
      "stranger: refused with ZAP status 400",
    ])
    expect(code).to.equal(0)
  })

  it("multiple-sockets serves tasks and weather updates from one poller loop", async () => {
    const {code, stdout, stderr} = await runExample("multiple-sockets.ts")
    expect(stderr).to.equal("")
    const lines = stdout.trim().split("\n")
    expect(lines.filter(line => /^task \d$/.test(line))).to.have.length(5)
    // Only the subscribed zip code arrives.
    expect(lines.filter(line => /^weather 10001 \d+°C$/.test(line))).to.have.length(5)
    expect(lines).to.have.length(11)
    expect(lines[10]).to.equal("5 tasks and 5 weather updates, served by one loop")
    expect(code).to.equal(0)
  })

  it("load-balancing-broker answers every client through the idle workers", async () => {
    const {code, stdout, stderr} = await runExample("load-balancing-broker.ts")
    expect(stderr).to.equal("")
    const lines = stdout.trim().split("\n")
    expect(lines).to.have.length(10)
    const workers = new Set<string>()
    lines.forEach((line, i) => {
      const match = new RegExp(`^Client-${i + 1}: OK from ([ABC])$`).exec(line)
      expect(match, line).to.not.equal(null)
      workers.add(match![1])
    })
    expect(workers.size).to.be.above(1)
    expect(code).to.equal(0)
  })
})
