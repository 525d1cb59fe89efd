import {expect} from "chai"
import {CloneClient, CloneServer, type CloneChange, type CloneEndpoints} from "../../lib/patterns"
import {killAll, startProcess, until, type RunningProcess} from "../helpers"
import {field, killPythons, requirePyzmq, startPython} from "./helpers"

// Python servers beat (HUGZ, Binary Star state) every 100 ms; our clients take a server
// silent for 1 s as gone.
const heartbeat = 100
const timeout = 1000

/** The map as `{key: value}` with string values. */
function asObject(source: {entries(): Iterable<[string, Buffer]>}): Record<string, string> {
  const object: Record<string, string> = {}
  for (const [key, value] of source.entries()) object[key] = value.toString()
  return object
}

/** `{k0: "v0", …}` for keys `from` to `to` (excluded). */
function keys(prefix: string, from: number, to: number, value = "v"): Record<string, string> {
  const object: Record<string, string> = {}
  for (let i = from; i < to; i++) object[`${prefix}${i}`] = `${value}${i}`
  return object
}

/** What a Python server printed when it had bound its sockets. */
function endpointsOf(line: string): CloneEndpoints {
  return {
    snapshot: field(line, "snapshot"),
    publisher: field(line, "publisher"),
    collector: field(line, "collector"),
  }
}

/** The map a Python client prints for "dump". */
async function dump(client: RunningProcess): Promise<Record<string, string>> {
  const before = client.lines.length
  client.send("dump")
  await until("the map", () => client.lines.slice(before).some(line => line.startsWith("map ")))
  const line = client.lines
    .slice(before)
    .find(line => line.startsWith("map "))!
    .slice(4)
  return line === "-" ? {} : Object.fromEntries(line.split(",").map(pair => pair.split("=")))
}

/**
 * One of our Clone servers as a process: binds ENDPOINTS (JSON) or any ports, with the
 * UPDATES path, and prints `endpoints <json>`.
 */
const serverSource = `
  import {CloneServer} from "zeromq-napi/patterns"
  const env = process.env
  const server = new CloneServer({heartbeatInterval: ${heartbeat}, updates: env.UPDATES})
  const endpoints = await server.bind(env.ENDPOINTS ? JSON.parse(env.ENDPOINTS) : "tcp://127.0.0.1:*")
  console.log("endpoints " + JSON.stringify(endpoints))
`

describe("interop: Clone with pyzmq peers (12/CHP)", function () {
  this.timeout(30000)
  before(() => {
    requirePyzmq()
  })

  const closing: {close(): unknown}[] = []
  afterEach(async () => {
    for (const thing of closing.splice(0).reverse()) await thing.close()
    await killPythons()
    await killAll()
  })

  function client(options: ConstructorParameters<typeof CloneClient>[0] = {}) {
    const changes: CloneChange[] = []
    const silences: unknown[] = []
    const errors: Error[] = []
    const clone = new CloneClient({
      timeout,
      onChange: change => changes.push(change),
      onSilent: event => silences.push(event),
      onError: error => errors.push(error),
      ...options,
    })
    closing.push(clone)
    return {clone, changes, silences, errors}
  }

  function pythonServer(model: 5 | 6, args: string[] = []) {
    return startPython("clone_server.py", [
      "--model",
      String(model),
      "--heartbeat",
      String(heartbeat),
      ...args,
    ])
  }

  it("follows a Python model-5 server, which sends no HUGZ, pushes updates to it, and resyncs after its restart", async () => {
    const first = pythonServer(5, ["--seed", "a=1", "b=2"])
    const endpoints = endpointsOf(await first.line(/^bound /))
    const writer = client({updates: "push-pull"})
    // Resolves with nothing ever published: the snapshot was asked for at once.
    await writer.clone.connect(endpoints)
    expect(asObject(writer.clone)).to.deep.equal({a: "1", b: "2"})
    expect(writer.clone.sequence).to.equal(2)
    await first.line(/^subscribed -$/)

    for (let i = 0; i < 10; i++) await writer.clone.set(`k${i}`, `v${i}`)
    await until("12 updates", () => writer.clone.sequence === 12)
    expect(asObject(writer.clone)).to.deep.equal({a: "1", b: "2", ...keys("k", 0, 10)})
    // A subtree client joining late: its snapshot and nothing else. (Without HUGZ it
    // cannot tell when its subscription took effect: the server tells the test.)
    const reader = client({updates: "push-pull", subtree: "k"})
    await reader.clone.connect(endpoints)
    expect(asObject(reader.clone)).to.deep.equal(keys("k", 0, 10))
    await first.line(/^subscribed k$/)
    await writer.clone.set("k3", "changed")
    await writer.clone.delete("a")
    await until("the subtree update", () => reader.clone.get("k3")?.toString() === "changed")
    await until("the delete", () => !writer.clone.has("a"))
    expect(reader.changes.filter(c => c.source === "update").map(c => c.key)).to.deep.equal(["k3"])

    // Killed: no HUGZ ever came, but its connection dropped: silent a timeout later.
    await first.kill()
    await until("the silence report", () => writer.silences.length === 1)
    const ports = [endpoints.snapshot, endpoints.publisher, endpoints.collector].map(endpoint =>
      endpoint.split(":").pop()!,
    )
    const second = pythonServer(5, ["--ports", ...ports, "--seed", "c=3"])
    expect(endpointsOf(await second.line(/^bound /))).to.deep.equal(endpoints)
    await until("the new snapshot", () => writer.clone.stats.snapshots === 2)
    expect(asObject(writer.clone)).to.deep.equal({c: "3"})
    expect(writer.clone.sequence).to.equal(1)
    await second.line(/^subscribed -$/)
    await writer.clone.set("d", "4")
    await until("update 2", () => writer.clone.sequence === 2)
    expect(asObject(writer.clone)).to.deep.equal({c: "3", d: "4"})
    expect(writer.errors).to.deep.equal([])
  })

  it("follows a Python model-6 pair (Binary Star), publishing updates to both, and fails over when the primary is SIGKILLed", async () => {
    const primary = pythonServer(6, ["--role", "primary"])
    const backup = pythonServer(6, ["--role", "backup"])
    const [primaryLine, backupLine] = await Promise.all([
      primary.line(/^bound /),
      backup.line(/^bound /),
    ])
    const peer = (line: string) =>
      ["state", "publisher", "snapshot"].map(name => `${name}=${field(line, name)}`).join(" ")
    primary.send(`peer ${peer(backupLine)}`)
    backup.send(`peer ${peer(primaryLine)}`)
    await Promise.all([primary.line(/^state active$/), backup.line(/^state passive$/)])

    const record = client() // updates: "pub-sub" (12/CHP), the default
    const servers = [endpointsOf(primaryLine), endpointsOf(backupLine)]
    await record.clone.connect(servers)
    expect(record.clone.server).to.deep.equal(servers[0])
    for (let i = 0; i < 10; i++) await record.clone.set(`k${i}`, `v${i}`)
    await until("10 updates", () => record.clone.sequence === 10)
    // The backup follows the primary's updates (and holds the client's copies).
    await backup.line(/^update 10 k9$/)

    await primary.kill()
    await until("the snapshot from the backup", () => record.clone.stats.snapshots === 2)
    expect(record.clone.server).to.deep.equal(servers[1])
    expect(await backup.line(/^state active$/)).to.equal("state active")
    expect(asObject(record.clone)).to.deep.equal(keys("k", 0, 10))
    expect(record.silences).to.have.length(1)

    for (let i = 10; i < 15; i++) await record.clone.set(`k${i}`, `v${i}`)
    await until("15 keys", () => record.clone.size === 15)
    expect(asObject(record.clone)).to.deep.equal(keys("k", 0, 15))
    expect(record.errors).to.deep.equal([])
  })

  it("serves Python model-5 clients (pushing updates), one SIGKILLed mid-flood, the other ending with the server's map", async () => {
    const server = new CloneServer({heartbeatInterval: heartbeat, updates: "push-pull"})
    closing.push(server)
    const endpoints = await server.bind("tcp://127.0.0.1:*")
    server.set("seed", "0")
    const server5 = `${endpoints.snapshot},${endpoints.publisher},${endpoints.collector}`
    const flooder = startPython("clone_client.py", ["--model", "5", "--server", server5])
    await flooder.line(/^synced 0 1 1$/)
    for (let i = 0; i < 300; i++) flooder.send(`set f${i % 40} v${i}`)
    await until("50 updates at the server", () => server.sequence >= 50)

    const late = startPython("clone_client.py", ["--model", "5", "--server", server5])
    await late.line(/^synced 0 /)
    await late.line(/^live$/)
    await flooder.kill()
    // Whatever the flooder got out before dying is stored and published: the late
    // client ends with the same map as the server.
    const sequence = server.sequence
    late.send("set after-kill yes")
    await until("the late client's own update", () => server.sequence === sequence + 1)
    await late.line(new RegExp(`^update ${server.sequence} after-kill yes$`))
    expect(await dump(late)).to.deep.equal(asObject(server))
    expect(server.stats.malformed).to.equal(0)
  })

  it("serves a Python model-6 client that publishes to both of our servers and fails over when the first is SIGKILLed", async () => {
    const processes = [0, 1].map(() => startProcess(serverSource, {UPDATES: "pub-sub"}))
    const servers = await Promise.all(
      processes.map(async server => {
        const line = await server.line(/^endpoints /)
        return JSON.parse(line.slice(10)) as CloneEndpoints
      }),
    )
    const args = servers.flatMap(e => ["--server", `${e.snapshot},${e.publisher},${e.collector}`])
    const python = startPython("clone_client.py", ["--model", "6", "--server-ttl", "500", ...args])
    await python.line(/^synced 0 0 0$/)
    await python.line(/^live$/)
    await python.line(/^publishing$/)
    for (let i = 0; i < 10; i++) python.send(`set k${i} v${i}`)
    await python.line(/^update 10 k9 v9$/)

    // Our servers are independent (no Binary Star pair), but each got every update.
    await processes[0].kill()
    await python.line(/^silent 0$/)
    expect(await python.line(/^synced 1 /)).to.equal("synced 1 10 10")
    expect(await dump(python)).to.deep.equal(keys("k", 0, 10))
    python.send("set after failover")
    await python.line(/^update 11 after failover$/)
  })
})
