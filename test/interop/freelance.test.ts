import {expect} from "chai"
import {FreelanceClient} from "../../lib/patterns"
import {killAll, startProcess, until} from "../helpers"
import {killPythons, requirePyzmq, startPython} from "./helpers"

/**
 * One of our Freelance servers as a process: answers [body] with [body, NAME] and
 * SIGKILLs itself on request number DIE_ON. The guide's clients address a server by the
 * endpoint they connect to, which it must announce as its routing id: so it binds a
 * concrete port, one that a plain TCP server found free.
 */
const serverSource = `
  import {createServer} from "node:net"
  import {FreelanceServer} from "zeromq-napi/patterns"
  const dieOn = Number(process.env.DIE_ON || 0)
  let served = 0
  const handler = ([body]) => {
    if (++served === dieOn) {
      console.log("dying on " + body)
      process.kill(process.pid, "SIGKILL")
    }
    return [body, process.env.NAME]
  }
  const probe = createServer()
  await new Promise(resolve => probe.listen(0, "127.0.0.1", resolve))
  const endpoint = "tcp://127.0.0.1:" + probe.address().port
  await new Promise(resolve => probe.close(resolve))
  const server = new FreelanceServer(handler)
  await server.bind(endpoint)
  console.log("bound " + endpoint)
`

describe("interop: Freelance with pyzmq peers", function () {
  this.timeout(30000)
  before(() => {
    requirePyzmq()
  })

  const clients: FreelanceClient[] = []
  afterEach(async () => {
    await killPythons()
    await killAll()
    for (const client of clients.splice(0)) await client.close()
  })

  it("serves our client from three Python servers (flserver3), the first SIGKILLed on its 4th request", async () => {
    const servers = ["py1", "py2", "py3"].map((name, i) =>
      startPython("fl_server.py", ["--name", name, "--die-on", i === 0 ? "4" : "0"]),
    )
    const endpoints = await Promise.all(
      servers.map(async server => (await server.line(/^bound /)).slice(6)),
    )
    const client = new FreelanceClient({
      timeout: 4000,
      tryTimeout: 500,
      heartbeatInterval: 100,
      liveness: 5,
    })
    clients.push(client)
    for (const endpoint of endpoints) client.connect(endpoint)
    await until("three live servers", () => client.servers.every(server => server.alive))

    const ask = async (body: string) => (await client.request(body)).map(String)
    const oneByOne: string[][] = []
    for (let i = 0; i < 8; i++) oneByOne.push(await ask(`r${i}`))
    const atOnce = await Promise.all(Array.from({length: 12}, (_, i) => ask(`r${i + 8}`)))
    const replies = [...oneByOne, ...atOnce]
    expect(replies.map(([body]) => body)).to.deep.equal(Array.from({length: 20}, (_, i) => `r${i}`))
    // The first live server (in connect order) takes requests until it dies on r3.
    expect(replies.slice(0, 3).map(([, name]) => name)).to.deep.equal(["py1", "py1", "py1"])
    expect(await servers[0].exited).to.equal("SIGKILL")
    expect(await servers[0].line(/^dying on /)).to.equal("dying on r3")
    for (const [, name] of replies.slice(3)) expect(name).to.be.oneOf(["py2", "py3"])
    expect(client.servers.map(server => server.alive)).to.deep.equal([false, true, true])
  })

  it("serves the Python client (flcliapi) from three of our servers, the first SIGKILLed on its 4th request", async () => {
    const servers = ["ts1", "ts2", "ts3"].map((name, i) =>
      startProcess(serverSource, {NAME: name, DIE_ON: i === 0 ? "4" : "0"}),
    )
    const endpoints = await Promise.all(
      servers.map(async server => (await server.line(/^bound /)).slice(6)),
    )
    const client = startPython("fl_client.py", [
      ...endpoints,
      "--ping",
      "100",
      "--ttl",
      "500",
      "--try",
      "500",
      "--timeout",
      "4000",
    ])
    for (const endpoint of endpoints) await client.line(new RegExp(`^alive ${endpoint}$`))
    const bodies = Array.from({length: 20}, (_, i) => `r${i}`)
    for (const body of bodies) client.send(body)
    const isResult = (line: string) => /^(reply|failed) /.test(line)
    await until("20 results", () => client.lines.filter(isResult).length === 20, 20000)

    const results = client.lines.filter(isResult).map(line => line.split(" "))
    expect(results.filter(([outcome]) => outcome === "failed")).to.deep.equal([])
    expect(results.map(([, body]) => body)).to.deep.equal(bodies)
    const names = results.map(([, body, frames]) => {
      const [echo, name] = frames.split("|")
      expect(echo).to.equal(body)
      return name
    })
    expect(names.slice(0, 3)).to.deep.equal(["ts1", "ts1", "ts1"])
    expect(await servers[0].exited).to.equal("SIGKILL")
    expect(await servers[0].line(/^dying on /)).to.equal("dying on r3")
    for (const name of names.slice(3)) expect(name).to.be.oneOf(["ts2", "ts3"])
  })
})
