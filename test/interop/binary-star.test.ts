import {expect} from "chai"
import {BinaryStar, BinaryStarClient} from "../../lib/patterns"
import {killAll, startProcess, type RunningProcess} from "../helpers"
import {field, killPythons, requirePyzmq, startPython} from "./helpers"

const heartbeat = 100

/**
 * One of our Binary Star servers as a process (ROLE, NAME, DIE_ON): binds any ports,
 * prints `bound frontend=<e> state=<e>`, connects to the peer's state publisher when a
 * `peer <endpoint>` line comes on stdin, prints `state <s>` on changes, and SIGKILLs
 * itself on request number DIE_ON (printing `dying on <body>` first). It answers
 * [body] with [body, NAME], as the Python servers do.
 */
const serverSource = `
  import {writeSync} from "node:fs"
  import {createInterface} from "node:readline"
  import {BinaryStar} from "zeromq-napi/patterns"
  const env = process.env
  const say = line => writeSync(1, line + "\\n")
  let served = 0
  const star = new BinaryStar({
    role: env.ROLE,
    frontend: "tcp://127.0.0.1:*",
    localState: "tcp://127.0.0.1:*",
    heartbeatInterval: ${heartbeat},
    handler: ([body]) => {
      if (++served === Number(env.DIE_ON)) {
        say("dying on " + body)
        process.kill(process.pid, "SIGKILL")
      }
      return [body, env.NAME]
    },
    onStateChange: state => say("state " + state),
    onFatal: error => say("fatal " + error.message),
  })
  await star.start()
  say("bound frontend=" + star.frontendEndpoint + " state=" + star.localStateEndpoint)
  createInterface({input: process.stdin}).on("line", line => {
    if (line.startsWith("peer ")) star.connectPeer(line.slice(5))
  })
`

interface Peer {
  process?: RunningProcess
  star?: BinaryStar
  frontend: string
  state: string
  connect(peerState: string): void
}

describe("interop: Binary Star with pyzmq peers", function () {
  this.timeout(30000)
  before(() => {
    requirePyzmq()
  })

  const closing: {close(): unknown}[] = []
  afterEach(async () => {
    await killPythons()
    await killAll()
    for (const thing of closing.splice(0)) await thing.close()
  })

  async function python(role: "primary" | "backup", name: string, dieOn = 0): Promise<Peer> {
    const server = startPython("bstar_server.py", [
      "--role",
      role,
      "--heartbeat",
      String(heartbeat),
      "--name",
      name,
      "--die-on",
      String(dieOn),
    ])
    const bound = await server.line(/^bound /)
    return {
      process: server,
      frontend: field(bound, "frontend"),
      state: field(bound, "state"),
      connect: peerState => server.send(`peer ${peerState}`),
    }
  }

  async function ours(role: "primary" | "backup", name: string, dieOn = 0): Promise<Peer> {
    const server = startProcess(serverSource, {ROLE: role, NAME: name, DIE_ON: String(dieOn)})
    const bound = await server.line(/^bound /)
    return {
      process: server,
      frontend: field(bound, "frontend"),
      state: field(bound, "state"),
      connect: peerState => server.send(`peer ${peerState}`),
    }
  }

  /** Our server in this process (never killed here). */
  async function oursInProcess(role: "primary" | "backup", name: string): Promise<Peer> {
    const star = new BinaryStar({
      role,
      frontend: "tcp://127.0.0.1:*",
      localState: "tcp://127.0.0.1:*",
      heartbeatInterval: heartbeat,
      handler: ([body]) => [body, name],
    })
    closing.push(star)
    await star.start()
    return {
      star,
      frontend: star.frontendEndpoint!,
      state: star.localStateEndpoint!,
      connect: peerState => star.connectPeer(peerState),
    }
  }

  /** Pairs two servers and waits until the primary is active and the backup passive. */
  async function pair(primary: Peer, backup: Peer): Promise<void> {
    primary.connect(backup.state)
    backup.connect(primary.state)
    const settled = async (peer: Peer, state: string) => {
      if (peer.process) await peer.process.line(new RegExp(`^state ${state}$`))
      else while (peer.star!.state !== state) await new Promise(r => setTimeout(r, 10))
    }
    await Promise.all([settled(primary, "active"), settled(backup, "passive")])
  }

  /** Our client: 20 requests at once, each answered [body, server name]. */
  async function askWithOurClient(primary: Peer, backup: Peer): Promise<string[][]> {
    const client = new BinaryStarClient({
      primary: primary.frontend,
      backup: backup.frontend,
      timeout: 1000,
      retries: 4,
    })
    closing.push(client)
    const bodies = Array.from({length: 20}, (_, i) => `r${i}`)
    const replies = await Promise.all(bodies.map(body => client.request(body)))
    return replies.map(frames => frames.map(String))
  }

  /** The Python client (bstarcli): 20 requests one after another. */
  async function askWithPythonClient(primary: Peer, backup: Peer): Promise<string[][]> {
    const client = startPython("bstar_client.py", [
      "--primary",
      primary.frontend,
      "--backup",
      backup.frontend,
      "--count",
      "20",
      "--timeout",
      "1000",
    ])
    await client.line(/^done$/, 25000)
    const results = client.lines.filter(line => /^(reply|failed) /.test(line))
    expect(results.filter(line => line.startsWith("failed"))).to.deep.equal([])
    return results.map(line => {
      const [, body, frames] = line.split(" ")
      const reply = frames.split("|")
      expect(reply[0]).to.equal(body)
      return reply
    })
  }

  /** Requests 1-7 (r0-r6) by the primary, which dies on r7; r7-r19 by the backup. */
  async function expectFailover(replies: string[][], primary: Peer, names: [string, string]) {
    expect(replies.map(([body]) => body)).to.deep.equal(Array.from({length: 20}, (_, i) => `r${i}`))
    expect(replies.map(([, name]) => name)).to.deep.equal([
      ...Array<string>(7).fill(names[0]),
      ...Array<string>(13).fill(names[1]),
    ])
    expect(await primary.process!.exited).to.equal("SIGKILL")
    expect(await primary.process!.line(/^dying on /)).to.equal("dying on r7")
  }

  it("a Python pair (bstarsrv2) serves our client, the primary SIGKILLed on its 8th request", async () => {
    const primary = await python("primary", "py-primary", 8)
    const backup = await python("backup", "py-backup")
    await pair(primary, backup)
    const replies = await askWithOurClient(primary, backup)
    await expectFailover(replies, primary, ["py-primary", "py-backup"])
    expect(await backup.process!.line(/^state active$/)).to.equal("state active")
  })

  it("our pair serves the Python client (bstarcli), the primary SIGKILLed on its 8th request", async () => {
    const primary = await ours("primary", "ts-primary", 8)
    const backup = await ours("backup", "ts-backup")
    await pair(primary, backup)
    const replies = await askWithPythonClient(primary, backup)
    await expectFailover(replies, primary, ["ts-primary", "ts-backup"])
    expect(await backup.process!.line(/^state active$/)).to.equal("state active")
  })

  it("a Python primary pairs with our backup, which takes over for our client when the primary is SIGKILLed", async () => {
    const primary = await python("primary", "py-primary", 8)
    const backup = await oursInProcess("backup", "ts-backup")
    await pair(primary, backup)
    const replies = await askWithOurClient(primary, backup)
    await expectFailover(replies, primary, ["py-primary", "ts-backup"])
    expect(backup.star!.state).to.equal("active")
  })

  it("our primary pairs with a Python backup, which takes over for the Python client when the primary is SIGKILLed", async () => {
    const primary = await ours("primary", "ts-primary", 8)
    const backup = await python("backup", "py-backup")
    await pair(primary, backup)
    const replies = await askWithPythonClient(primary, backup)
    await expectFailover(replies, primary, ["ts-primary", "py-backup"])
    expect(await backup.process!.line(/^state active$/)).to.equal("state active")
  })
})
