import {expect} from "chai"
import {Dealer, Publisher, Router, Subscriber, XPublisher, ZmqError} from "../../lib"
import {
  CloneClient,
  CloneServer,
  decodeKvMsg,
  encodeKvMsg,
  type CloneChange,
  type CloneClientOptions,
  type CloneEndpoints,
  type CloneSilentEvent,
  type CloneSyncEvent,
} from "../../lib/patterns/clone"
import {RequestTimeoutError} from "../../lib/patterns/errors"
import {isPending, killAll, runExample, startProcess, type RunningProcess} from "../helpers"

// Servers beat every 100 ms. Clients that must not take a busy, loaded test process for
// a dead server wait 5 s; those that must notice a killed server wait 1 s (ten beats).
const heartbeatInterval = 100
const patient = 5000
const watchful = 1000

/** Polls `condition` every 10 ms until it holds; rejects after `ms`. */
async function waitFor(condition: () => boolean, what: string, ms = 10000): Promise<void> {
  const deadline = Date.now() + ms
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 10))
  }
}

/** The map as `{key: value}` with string values, for deep comparisons. */
function asObject(source: {entries(): Iterable<[string, Buffer]>}): Record<string, string> {
  const object: Record<string, string> = {}
  for (const [key, value] of source.entries()) object[key] = value.toString()
  return object
}

/** The error a promise rejects with (fails when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (err) {
    return err as Error
  }
  throw new Error("expected a rejection")
}

/** A sequence number frame: 8 bytes, big-endian. */
function sequence(n: number): Buffer {
  const frame = Buffer.alloc(8)
  frame.writeBigUInt64BE(BigInt(n))
  return frame
}

/** Integers from `first` to `last`, both included. */
function range(first: number, last: number): number[] {
  return Array.from({length: Math.max(0, last - first + 1)}, (_, i) => first + i)
}

/** Frames as strings, for comparisons. */
const text = (frames: Buffer[]) => frames.map(frame => frame.toString("latin1"))

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms))
}

/** A client that records what it is told; closed in afterEach. */
interface Recorder {
  client: CloneClient
  changes: CloneChange[]
  syncs: CloneSyncEvent[]
  silences: (CloneSilentEvent & {at: number})[]
  errors: Error[]
}

/**
 * A Clone server as a process: binds ENDPOINTS (JSON) or three free ports, stores STATE
 * (JSON object), prints `endpoints <json>` and keeps serving until killed.
 */
const serverSource = `
  import {CloneServer} from "zeromq-napi/patterns"
  const env = process.env
  const server = new CloneServer({heartbeatInterval: Number(env.HEARTBEAT)})
  const endpoints = await server.bind(env.ENDPOINTS ? JSON.parse(env.ENDPOINTS) : "tcp://127.0.0.1:*")
  for (const [key, value] of Object.entries(JSON.parse(env.STATE))) server.set(key, value)
  console.log("endpoints " + JSON.stringify(endpoints))
`

/**
 * Floods a server's collector with raw kvmsg frames (as a C client of the guide would
 * send them) until a "control/stop" update is published, then sends "flood/done" with
 * the number of updates sent. Every 7th update is a delete (empty body).
 */
const flooderSource = `
  import {randomBytes} from "node:crypto"
  import {Push, Subscriber} from "zeromq-napi"
  const endpoints = JSON.parse(process.env.ENDPOINTS)
  const noSequence = Buffer.alloc(8)
  const push = new Push()
  push.connect(endpoints.collector)
  const control = new Subscriber({linger: 0})
  control.subscribe("control/stop")
  control.connect(endpoints.publisher)
  let stop = false
  control.receive().then(() => (stop = true), () => {})
  let sent = 0
  while (!stop) {
    for (let i = 0; i < 10; i++, sent++) {
      const body = sent % 7 === 6 ? "" : "v" + sent
      await push.send(["flood/" + (sent % 50), noSequence, randomBytes(16), "", body])
    }
    if (sent === 10) console.log("flooding")
    await new Promise(resolve => setTimeout(resolve, 2))
  }
  await push.send(["flood/done", noSequence, Buffer.alloc(0), "", String(sent)])
  console.log("done " + sent)
  push.close()
  control.close()
`

describe("the Clone pattern", function () {
  this.timeout(30000)

  const servers: CloneServer[] = []
  const clients: CloneClient[] = []
  const sockets: {close(): void}[] = []

  afterEach(async () => {
    await Promise.all(clients.splice(0).map(client => client.close()))
    await Promise.all(servers.splice(0).map(server => server.close()))
    for (const socket of sockets.splice(0)) socket.close()
    await killAll()
  })

  async function startServer(
    options = {},
  ): Promise<{server: CloneServer; endpoints: CloneEndpoints}> {
    const server = new CloneServer({heartbeatInterval, ...options})
    servers.push(server)
    const endpoints = await server.bind("tcp://127.0.0.1:*")
    return {server, endpoints}
  }

  function recorder(options: CloneClientOptions = {}): Recorder {
    const record: Recorder = {
      changes: [],
      syncs: [],
      silences: [],
      errors: [],
    } as unknown as Recorder
    record.client = new CloneClient({
      timeout: patient,
      onChange: change => record.changes.push(change),
      onSync: event => record.syncs.push(event),
      onSilent: event => record.silences.push({...event, at: Date.now()}),
      onError: error => record.errors.push(error),
      ...options,
    })
    clients.push(record.client)
    return record
  }

  function startServerProcess(state: Record<string, string>, endpoints?: CloneEndpoints) {
    const env: NodeJS.ProcessEnv = {
      HEARTBEAT: String(heartbeatInterval),
      STATE: JSON.stringify(state),
    }
    if (endpoints) env.ENDPOINTS = JSON.stringify(endpoints)
    return startProcess(serverSource, env)
  }

  async function endpointsOf(process: RunningProcess): Promise<CloneEndpoints> {
    const line = await process.line(/^endpoints /)
    return JSON.parse(line.slice("endpoints ".length)) as CloneEndpoints
  }

  it("gives a late joiner the full state from the snapshot, then every later update once and in order", async () => {
    const {server, endpoints} = await startServer()
    const writer = recorder()
    await writer.client.connect(endpoints)
    for (let i = 0; i < 20; i++) await writer.client.set(`k${i}`, `first ${i}`)
    await waitFor(() => server.sequence === 20, "the first 20 updates")

    const late = recorder()
    await late.client.connect(endpoints)
    expect(late.client.sequence).to.equal(20)
    expect(asObject(late.client)).to.deep.equal(asObject(server))
    expect(late.changes.map(c => [c.source, c.key, c.value?.toString(), c.sequence])).to.deep.equal(
      range(0, 19).map(i => ["snapshot", `k${i}`, `first ${i}`, 20]),
    )

    // 30 more: overwrites, deletes and new keys.
    const expected: [string, string | undefined][] = []
    for (let i = 0; i < 10; i++) expected.push([`k${i}`, `second ${i}`])
    for (let i = 10; i < 15; i++) expected.push([`k${i}`, undefined])
    for (let i = 20; i < 35; i++) expected.push([`k${i}`, `first ${i}`])
    for (const [key, value] of expected) {
      if (value === undefined) await writer.client.delete(key)
      else await writer.client.set(key, value)
    }
    await waitFor(() => late.client.sequence === 50, "the late joiner at sequence 50")

    const updates = late.changes.filter(c => c.source === "update")
    expect(updates.map(c => c.sequence)).to.deep.equal(range(21, 50))
    expect(updates.map(c => [c.key, c.value?.toString()])).to.deep.equal(expected)
    expect(asObject(late.client)).to.deep.equal(asObject(server))
    expect(late.client.size).to.equal(30)
    expect(late.client.stats).to.deep.include({updates: 30, snapshots: 1, resyncs: 0, malformed: 0})
    expect(late.syncs).to.have.length(1)
    expect(late.errors).to.deep.equal([])
  })

  it("loses no update and applies none twice while clients take snapshots under a flood of updates", async () => {
    // The guide's model 5 update path: the flooder pushes raw kvmsgs, as its C clients do.
    const {server, endpoints} = await startServer({updates: "push-pull"})
    // A big map makes every snapshot take a while, with updates arriving meanwhile.
    for (let i = 0; i < 1000; i++) server.set(`seed/${i}`, `seed value ${i}`)
    const flooder = startProcess(flooderSource, {ENDPOINTS: JSON.stringify(endpoints)})
    await flooder.line(/^flooding$/)

    const joined: {record: Recorder; firstSnapshot: number}[] = []
    for (let i = 0; i < 4; i++) {
      const record = recorder({updates: "push-pull"})
      await record.client.connect(endpoints)
      joined.push({record, firstSnapshot: record.syncs[0].sequence})
      // The flood goes on: each client applies updates after its snapshot.
      await waitFor(
        () => record.changes.filter(c => c.source === "update").length >= 20,
        `client ${i} applying updates`,
      )
    }
    await joined[0].record.client.set("control/stop", "now")
    const done = await flooder.line(/^done \d+$/)
    const sent = Number(done.split(" ")[1])
    await waitFor(() => server.get("flood/done") !== undefined, "the flood's last update")
    expect(server.get("flood/done")!.toString()).to.equal(String(sent))
    expect(server.stats.malformed).to.equal(0)
    // seeds + flood + stop + done
    expect(server.sequence).to.equal(1000 + sent + 2)

    for (const [i, {record, firstSnapshot}] of joined.entries()) {
      await waitFor(() => record.client.sequence === server.sequence, `client ${i} catching up`)
      const updates = record.changes.filter(c => c.source === "update").map(c => c.sequence)
      // Clients after the first joined with the flood under way at the server.
      expect(firstSnapshot, `client ${i} snapshot`).to.be.at.least(i === 0 ? 1000 : 1020)
      const snapshotSequence = record.syncs[record.syncs.length - 1].sequence
      // Every update after the snapshot, once each, in order: nothing lost, nothing twice.
      expect(updates, `client ${i} updates`).to.deep.equal(
        range(snapshotSequence + 1, server.sequence),
      )
      expect(asObject(record.client), `client ${i} map`).to.deep.equal(asObject(server))
      // A second snapshot when the subscription went live only after the first one.
      const {snapshots, resyncs, malformed} = record.client.stats
      expect(snapshots, `client ${i} snapshots`).to.be.within(1, 2)
      expect([resyncs, malformed], `client ${i} resyncs, malformed`).to.deep.equal([
        snapshots - 1,
        0,
      ])
      expect(record.errors).to.deep.equal([])
    }
  })

  it("spreads deletes and time-to-live expiry to every client", async () => {
    const {server, endpoints} = await startServer()
    const writer = recorder()
    const watcher = recorder()
    await writer.client.connect(endpoints)
    await watcher.client.connect(endpoints)

    await writer.client.set("/t/short", "gone soon", {ttl: 1000})
    await writer.client.set("/t/renewed", "first", {ttl: 1000})
    await writer.client.set("/t/renewed", "kept") // no ttl: it stays
    await writer.client.set("/t/deleted", "doomed")
    await writer.client.delete("/t/deleted")
    await waitFor(() => watcher.client.sequence === 5, "the five updates")
    expect(asObject(watcher.client)).to.deep.equal({"/t/short": "gone soon", "/t/renewed": "kept"})
    expect(watcher.client.properties("/t/short")).to.deep.include({ttl: "1"})

    await waitFor(() => !watcher.client.has("/t/short"), "the expiry of /t/short")
    expect(server.stats.expired).to.equal(1)
    expect(server.sequence).to.equal(6)
    for (const record of [writer, watcher]) {
      const updates = record.changes.filter(c => c.source === "update")
      expect(updates.map(c => [c.sequence, c.key, c.value?.toString()])).to.deep.equal([
        [1, "/t/short", "gone soon"],
        [2, "/t/renewed", "first"],
        [3, "/t/renewed", "kept"],
        [4, "/t/deleted", "doomed"],
        [5, "/t/deleted", undefined],
        [6, "/t/short", undefined],
      ])
      expect(asObject(record.client)).to.deep.equal({"/t/renewed": "kept"})
    }

    // A client joining now finds neither the expired nor the deleted key.
    const late = recorder()
    await late.client.connect(endpoints)
    expect(asObject(late.client)).to.deep.equal({"/t/renewed": "kept"})
    expect(late.client.sequence).to.equal(6)
  })

  it("gives a subtree client only its subtree, in the snapshot and in updates", async () => {
    const {server, endpoints} = await startServer()
    server.set("/a/1", "a one")
    server.set("/b/1", "b one")
    server.set("/ab/1", "ab one")
    const sub = recorder({subtree: "/a/"})
    await sub.client.connect(endpoints)
    expect(asObject(sub.client)).to.deep.equal({"/a/1": "a one"})
    expect(sub.client.sequence).to.equal(3)

    const writer = recorder()
    await writer.client.connect(endpoints)
    await writer.client.set("/a/2", "a two")
    await writer.client.set("/b/2", "b two")
    // Reaches the client through its HUGZ subscription; still not in its subtree.
    await writer.client.set("HUGZ/not-a-heartbeat", "x")
    await writer.client.delete("/a/1")
    await waitFor(() => server.sequence === 7, "the four updates")
    // A subtree client learns the server's sequence from its heartbeats.
    await waitFor(() => sub.client.sequence === 7, "the subtree client at sequence 7")
    expect(asObject(sub.client)).to.deep.equal({"/a/2": "a two"})
    expect(sub.changes.map(c => [c.source, c.key, c.value?.toString()])).to.deep.equal([
      ["snapshot", "/a/1", "a one"],
      ["update", "/a/2", "a two"],
      ["update", "/a/1", undefined],
    ])
    expect(sub.client.stats).to.deep.include({updates: 2, resyncs: 0})
    expect(asObject(writer.client)).to.deep.equal(asObject(server))
  })

  it("reports a SIGKILLed server as silent within its timeout, and resyncs when one is back on the same endpoints", async () => {
    const first = startServerProcess({k1: "gen1", k2: "gen1"})
    const endpoints = await endpointsOf(first)
    const record = recorder({timeout: watchful})
    await record.client.connect(endpoints)
    expect(asObject(record.client)).to.deep.equal({k1: "gen1", k2: "gen1"})

    const killedAt = Date.now()
    await first.kill()
    await waitFor(() => record.silences.length > 0, "the silence report")
    const silence = record.silences[0]
    expect(silence.server).to.deep.equal(endpoints)
    // Reported after `timeout` ms of silence, with generous slack for a loaded machine.
    expect(silence.at - killedAt).to.be.within(watchful - 150, watchful + 5000)
    expect(silence.silentFor).to.be.at.least(watchful)
    expect(record.client.silent).to.equal(true)
    expect(record.client.synced).to.equal(false)
    // The map stays as it was.
    expect(asObject(record.client)).to.deep.equal({k1: "gen1", k2: "gen1"})

    // Tries keep failing while nothing listens: still one report for the outage.
    await waitFor(() => record.client.stats.silences >= 2, "a second try")
    expect(record.silences).to.have.length(1)

    const second = startServerProcess({k1: "gen2", k3: "gen2"}, endpoints)
    await endpointsOf(second)
    await waitFor(() => record.syncs.length === 2, "a snapshot from the new server")
    expect(asObject(record.client)).to.deep.equal({k1: "gen2", k3: "gen2"})
    // The new snapshot arrives as the differences to the old map.
    const resync = record.changes.slice(2)
    expect(resync.map(c => [c.source, c.key, c.value?.toString()])).to.deep.equal([
      ["snapshot", "k1", "gen2"],
      ["snapshot", "k3", "gen2"],
      ["snapshot", "k2", undefined],
    ])
    expect(record.client.silent).to.equal(false)
    expect(record.client.synced).to.equal(true)
    expect(record.silences).to.have.length(1)
    expect(record.errors).to.deep.equal([])
  })

  it("fails over to the second server when the first is SIGKILLed", async () => {
    const primary = startServerProcess({role: "primary", shared: "yes"})
    const backup = startServerProcess({role: "backup", shared: "yes"})
    const [primaryEndpoints, backupEndpoints] = await Promise.all([
      endpointsOf(primary),
      endpointsOf(backup),
    ])
    const record = recorder({timeout: watchful})
    await record.client.connect([primaryEndpoints, backupEndpoints])
    expect(record.client.get("role")!.toString()).to.equal("primary")

    await primary.kill()
    await waitFor(() => record.syncs.length === 2, "a snapshot from the backup")
    expect(record.syncs[1].server).to.deep.equal(backupEndpoints)
    expect(record.client.server).to.deep.equal(backupEndpoints)
    expect(asObject(record.client)).to.deep.equal({role: "backup", shared: "yes"})
    expect(record.silences.map(s => s.server)).to.deep.equal([primaryEndpoints])
    expect(record.client.stats).to.deep.include({failovers: 1, silences: 1, snapshots: 2})
    // Only the key that differs is reported.
    expect(record.changes.slice(2).map(c => [c.key, c.value?.toString()])).to.deep.equal([
      ["role", "backup"],
    ])
  })

  it("counts and drops malformed kvmsgs and snapshot requests, and keeps serving", async () => {
    const errors: Error[] = []
    const {server, endpoints} = await startServer({onError: (error: Error) => errors.push(error)})
    // Publishes to the collector (12/CHP) once the server's Subscriber has subscribed.
    const push = new XPublisher({linger: 0})
    sockets.push(push)
    push.connect(endpoints.collector)
    expect(text(await push.receive())).to.deep.equal(["\x01"])
    const seq = Buffer.alloc(8)
    const uuid = Buffer.alloc(16, 7)
    const malformed: (string | Buffer)[][] = [
      ["just one frame"],
      ["k", seq, uuid, "", "body", "sixth frame"],
      ["k", Buffer.alloc(3), uuid, "", "body"], // sequence not 8 bytes
      ["k", seq, Buffer.alloc(5), "", "body"], // uuid neither empty nor 16 bytes
      ["", seq, uuid, "", "body"], // empty key
      [Buffer.alloc(256, 0x61), seq, uuid, "", "body"], // key over 255 bytes
      [Buffer.from([0xff, 0xfe]), seq, uuid, "", "body"], // key not UTF-8
      ["k", seq, uuid, "no equals sign\n", "body"],
      ["k", seq, uuid, "ttl=soon\n", "body"],
      ["k", seq, uuid, "ttl=-1\n", "body"],
      ["HUGZ", seq, uuid, "", "fake heartbeat"],
      ["KTHXBAI", seq, uuid, "", "would end snapshots early"],
    ]
    for (const frames of malformed) await push.send(frames)
    // The sequence number of an update sent to the server means nothing: any will do.
    await push.send(["good", Buffer.alloc(8, 0xff), Buffer.alloc(0), "", "value"])
    await waitFor(() => server.sequence === 1, "the good update")
    expect(server.stats.malformed).to.equal(malformed.length)
    expect(asObject(server)).to.deep.equal({good: "value"})

    const dealer = new Dealer({linger: 0})
    sockets.push(dealer)
    dealer.connect(endpoints.snapshot)
    await dealer.send("GIMME")
    await dealer.send(["ICANHAZ?", "/a/", "extra"])
    await dealer.send(["ICANHAZ?", Buffer.from([0xc3])]) // subtree not UTF-8
    await dealer.send(["ICANHAZ?", ""])
    const reply = decodeKvMsg(await dealer.receive())!
    expect(reply.key).to.equal("good")
    const end = decodeKvMsg(await dealer.receive())!
    expect([end.key, end.sequence]).to.deep.equal(["KTHXBAI", 1])
    expect(server.stats).to.deep.include({badRequests: 3, snapshots: 1, updates: 1})
    expect(errors).to.deep.equal([])

    // Still serving clients.
    const record = recorder()
    await record.client.connect(endpoints)
    expect(asObject(record.client)).to.deep.equal({good: "value"})
  })

  it("speaks the guide's kvmsg layout: KVSYNC, KTHXBAI, KVPUB and HUGZ frames", async () => {
    const {server, endpoints} = await startServer()
    server.set("/x/key", "value", {properties: {owner: "test"}})
    const subscriber = new Subscriber({linger: 0})
    const dealer = new Dealer({linger: 0})
    sockets.push(subscriber, dealer)
    subscriber.subscribe("")
    subscriber.connect(endpoints.publisher)
    const [hugz] = await Promise.all([subscriber.receive()])
    expect(hugz.map(frame => frame.length)).to.deep.equal([4, 8, 0, 0, 0])
    expect(hugz[0].toString()).to.equal("HUGZ")
    expect(hugz[1].readBigUInt64BE()).to.equal(1n)

    dealer.connect(endpoints.snapshot)
    await dealer.send(["ICANHAZ?", "/x/"])
    const kvsync = await dealer.receive()
    expect(kvsync).to.have.length(5)
    expect(kvsync[0].toString()).to.equal("/x/key")
    expect(kvsync[1].readBigUInt64BE()).to.equal(1n)
    expect(kvsync[2]).to.have.length(16)
    expect(kvsync[3].toString()).to.equal("owner=test\n")
    expect(kvsync[4].toString()).to.equal("value")
    const kthxbai = await dealer.receive()
    expect(kthxbai.map(frame => frame.toString("latin1"))).to.deep.equal([
      "KTHXBAI",
      "\0\0\0\0\0\0\0\x01",
      "",
      "",
      "/x/",
    ])

    server.set("/x/other", "v2", {ttl: 2500})
    let kvpub: Buffer[]
    do kvpub = await subscriber.receive()
    while (kvpub[0].toString() === "HUGZ")
    expect(kvpub.map(frame => frame.length)).to.deep.equal([8, 8, 16, 8, 2])
    expect(kvpub[1].readBigUInt64BE()).to.equal(2n)
    expect(kvpub[3].toString()).to.equal("ttl=2.5\n")
    expect(encodeKvMsg(decodeKvMsg(kvpub)!)).to.deep.equal(kvpub)
  })

  it("counts and drops malformed messages from a misbehaving server", async () => {
    // A fake server: the snapshot has junk around a good entry, and so has the feed.
    const router = new Router({linger: 0})
    const publisher = new XPublisher({linger: 0, verbosity: "allSubs"})
    sockets.push(router, publisher)
    await router.bind("tcp://127.0.0.1:*")
    await publisher.bind("tcp://127.0.0.1:*")
    const endpoints = {
      snapshot: router.lastEndpoint!,
      publisher: publisher.lastEndpoint!,
      collector: "tcp://127.0.0.1:9", // never used here
    }
    const subscribed = new Promise<void>(resolve => {
      void (async () => {
        for await (const [subscription] of publisher) {
          if (subscription[0] !== 1) continue
          await publisher.send(["HUGZ", sequence(0), "", "", ""])
          resolve()
        }
      })()
    })
    void (async () => {
      for await (const [identity] of router) {
        await router.send([identity, "junk"])
        await router.send([identity, "good", sequence(1), "", "", "value"])
        await router.send([identity, "bad", Buffer.alloc(2), "", "", "value"])
        await router.send([identity, "KTHXBAI", sequence(1), "", "", ""])
      }
    })()
    const record = recorder()
    await record.client.connect(endpoints)
    expect(asObject(record.client)).to.deep.equal({good: "value"})
    await subscribed
    await publisher.send(["only", "three", "frames"])
    await publisher.send(["huge", Buffer.alloc(8, 0xff), "", "", "beyond 2^53"])
    await publisher.send(["next", sequence(2), "", "", "two"])
    await waitFor(() => record.client.sequence === 2, "the good update")
    expect(asObject(record.client)).to.deep.equal({good: "value", next: "two"})
    expect(record.client.stats).to.deep.include({malformed: 4, updates: 1, resyncs: 0})
    expect(record.errors).to.deep.equal([])
  })

  it("skips updates its snapshot already had, and resyncs on a gap or a server whose numbers go backwards", async () => {
    // A scripted server: snapshot n is replies[n]; the feed is published by the test.
    const router = new Router({linger: 0})
    const publisher = new XPublisher({linger: 0, verbosity: "allSubs"})
    sockets.push(router, publisher)
    await router.bind("tcp://127.0.0.1:*")
    await publisher.bind("tcp://127.0.0.1:*")
    const endpoints = {
      snapshot: router.lastEndpoint!,
      publisher: publisher.lastEndpoint!,
      collector: "tcp://127.0.0.1:9", // never used here
    }
    const kv = (key: string, n: number, value = "") => [key, sequence(n), "", "", value]
    const replies = [
      [kv("a", 1, "one"), kv("KTHXBAI", 1)],
      [kv("c", 1, "three"), kv("KTHXBAI", 1)],
      [kv("c", 1, "three"), kv("d", 3, "four"), kv("KTHXBAI", 3)],
    ]
    const subscribed = new Promise<void>(resolve => {
      void (async () => {
        for await (const [subscription] of publisher) {
          if (subscription[0] !== 1) continue
          // 12/CHP's heartbeat (sequence zero): says nothing about the sequence.
          await publisher.send(kv("HUGZ", 0))
          resolve()
        }
      })()
    })
    let requests = 0
    void (async () => {
      for await (const [identity] of router) {
        // Answered once the feed is live, so that the update below reaches the client.
        await subscribed
        for (const reply of replies[requests]) await router.send([identity, ...reply])
        // Published before the snapshot was taken, arriving after it: already applied.
        if (requests === 0) await publisher.send(kv("a", 1, "one"))
        requests++
      }
    })()

    const record = recorder()
    await record.client.connect(endpoints)
    await publisher.send(kv("b", 2, "two"))
    await waitFor(() => record.client.sequence === 2, "update 2")
    expect(asObject(record.client)).to.deep.equal({a: "one", b: "two"})
    expect(record.client.stats).to.deep.include({updates: 1, resyncs: 0})

    // A heartbeat behind the client: the server restarted with an older map.
    await publisher.send(kv("HUGZ", 1))
    await waitFor(() => record.syncs.length === 2, "the resync after the restart")
    expect(asObject(record.client)).to.deep.equal({c: "three"})
    expect(record.client.sequence).to.equal(1)

    // Update 3 without update 2: one got lost, so the client takes a new snapshot.
    await publisher.send(kv("d", 3, "four"))
    await waitFor(() => record.syncs.length === 3, "the resync after the gap")
    expect(asObject(record.client)).to.deep.equal({c: "three", d: "four"})
    expect(record.client.stats).to.deep.include({resyncs: 2, snapshots: 3, updates: 1})
    expect(record.changes.map(c => [c.source, c.key, c.value?.toString()])).to.deep.equal([
      ["snapshot", "a", "one"],
      ["update", "b", "two"],
      ["snapshot", "c", "three"],
      ["snapshot", "a", undefined],
      ["snapshot", "b", undefined],
      ["snapshot", "d", "four"],
    ])
    expect(record.errors).to.deep.equal([])
  })

  /**
   * A scripted server: answers the nth snapshot request with `snapshots[n]` (the last one
   * for later requests) and tells when the client's subscription reached its publisher.
   * The collector is a Subscriber that subscribes when the test says so.
   */
  async function scriptedServer(snapshots: (string | Buffer)[][][]) {
    const router = new Router({linger: 0})
    const publisher = new XPublisher({linger: 0})
    const collector = new Subscriber({linger: 0})
    sockets.push(router, publisher, collector)
    await router.bind("tcp://127.0.0.1:*")
    await publisher.bind("tcp://127.0.0.1:*")
    await collector.bind("tcp://127.0.0.1:*")
    const endpoints = {
      snapshot: router.lastEndpoint!,
      publisher: publisher.lastEndpoint!,
      collector: collector.lastEndpoint!,
    }
    // The topics subscribed to at the publisher (the unsubscription of a topic comes when
    // its last subscriber leaves).
    const state = {requests: 0, topics: new Set<string>()}
    void (async () => {
      for await (const [message] of publisher) {
        const topic = message.subarray(1).toString()
        if (message[0] === 1) state.topics.add(topic)
        else state.topics.delete(topic)
      }
    })()
    const subscribed = () => waitFor(() => state.topics.size > 0, "a subscription")
    void (async () => {
      for await (const [identity] of router) {
        const reply = snapshots[Math.min(state.requests++, snapshots.length - 1)]
        for (const message of reply) await router.send([identity, ...message])
      }
    })()
    return {endpoints, router, publisher, collector, subscribed, state}
  }

  const kv = (key: string, n: number, value = "") => [key, sequence(n), "", "", value]

  it("asks for its snapshot at once, follows a server that never sends HUGZ (the guide's model 5), and notices when it is gone", async () => {
    const fake = await scriptedServer([[kv("k", 3, "three"), kv("KTHXBAI", 3)]])
    const record = recorder({timeout: 300})
    // Resolves without anything on the feed: the snapshot was asked for right away.
    await record.client.connect(fake.endpoints)
    expect(asObject(record.client)).to.deep.equal({k: "three"})
    expect(record.client.sequence).to.equal(3)
    await fake.subscribed()
    // Idle, and no heartbeat: for several timeouts, still not taken for dead.
    await sleep(1200)
    expect(record.silences).to.deep.equal([])
    await fake.publisher.send(kv("k", 4, "four"))
    await waitFor(() => record.client.sequence === 4, "update 4")
    expect(asObject(record.client)).to.deep.equal({k: "four"})
    expect(record.client.stats).to.deep.include({snapshots: 1, resyncs: 0, silences: 0})
    expect(fake.state.requests).to.equal(1)
    // Gone is another matter: its connection drops, and a timeout later it is silent.
    fake.publisher.close()
    fake.router.close()
    await waitFor(() => record.silences.length === 1, "the silence report")
    expect(record.client.silent).to.equal(true)
  })

  it("takes a new snapshot when its subscription went live only after updates that followed the snapshot", async () => {
    const fake = await scriptedServer([
      [kv("a", 1, "one"), kv("KTHXBAI", 1)],
      [kv("a", 1, "one"), kv("b", 2, "two"), kv("c", 3, "three"), kv("KTHXBAI", 3)],
    ])
    for (const subtree of ["", "c"]) {
      fake.state.requests = 0
      const record = recorder({subtree})
      await record.client.connect(fake.endpoints)
      expect(record.client.sequence).to.equal(1)
      await fake.subscribed()
      // Update 2 went by before the subscription was live: the first one seen is 3.
      await fake.publisher.send(kv("c", 3, "three"))
      await waitFor(() => record.syncs.length === 2, "the second snapshot")
      expect(fake.state.requests).to.equal(2)
      expect(record.client.sequence).to.equal(3)
      const expected = subtree === "" ? {a: "one", b: "two", c: "three"} : {c: "three"}
      expect(asObject(record.client), `subtree "${subtree}"`).to.deep.equal(expected)
      expect(record.client.stats).to.deep.include({snapshots: 2, resyncs: 1, updates: 0})
      // Update 3 came in the snapshot: not applied again; update 4 is.
      await fake.publisher.send(kv("c", 4, "four"))
      await waitFor(() => record.client.sequence === 4, "update 4")
      expect(record.changes.filter(c => c.source === "update").map(c => c.sequence)).to.deep.equal([
        4,
      ])
      await record.client.close()
    }
  })

  it("publishes its updates to the server's Subscriber once it has subscribed (12/CHP), or fails with EAGAIN", async () => {
    const fake = await scriptedServer([[kv("KTHXBAI", 0)]])
    const record = recorder({timeout: 300})
    await record.client.connect(fake.endpoints)
    expect(record.client.updates).to.equal("pub-sub")
    // No subscription at the collector: nothing would receive the update.
    const error = await rejection(record.client.set("lost", "value"))
    expect(error).to.be.instanceOf(ZmqError)
    expect(error).to.include({code: "EAGAIN"})
    const waiting = record.client.set("/k", "v", {properties: {owner: "me"}})
    const next = record.client.delete("/k")
    expect(await isPending(waiting)).to.equal(true)
    fake.collector.subscribe()
    // A bound socket takes in a connection (and sends its subscriptions) when it is used.
    const received = fake.collector.receive()
    await waiting
    await next
    // The guide's kvmsg: key, sequence (zero from a client), UUID, properties, body.
    const update = await received
    expect(update.map(frame => frame.length)).to.deep.equal([2, 8, 16, 9, 1])
    expect(text(update)).to.include.members(["/k", "\0".repeat(8), "owner=me\n", "v"])
    const deletion = await fake.collector.receive()
    expect(deletion.map(frame => frame.length)).to.deep.equal([2, 8, 16, 0, 0])
    expect(deletion[0].toString()).to.equal("/k")
  })

  it("rejects connect with RequestTimeoutError when no server answers, and keeps trying", async () => {
    // A publisher that never speaks: connections succeed, no HUGZ ever comes.
    const mute = new Publisher({linger: 0})
    sockets.push(mute)
    await mute.bind("tcp://127.0.0.1:*")
    const record = recorder({timeout: 300})
    const endpoints = {
      snapshot: mute.lastEndpoint!,
      publisher: mute.lastEndpoint!,
      collector: mute.lastEndpoint!,
    }
    const error = await record.client.connect(endpoints).then(
      () => undefined,
      (err: unknown) => err,
    )
    expect(error).to.be.instanceOf(RequestTimeoutError)
    expect(error).to.include({code: "ETIMEDOUT", attempts: 1, address: endpoints.snapshot})
    await waitFor(() => record.client.stats.silences >= 2, "a second try")
    expect(record.silences).to.have.length(1)
  })

  it("takes a server whose snapshot never ends as silent, though its publisher beats", async () => {
    const router = new Router({linger: 0}) // takes ICANHAZ?, never answers
    const publisher = new Publisher({linger: 0})
    sockets.push(router, publisher)
    await router.bind("tcp://127.0.0.1:*")
    await publisher.bind("tcp://127.0.0.1:*")
    const beat = setInterval(() => void publisher.send(["HUGZ", sequence(0), "", "", ""]), 50)
    try {
      const record = recorder({timeout: 500})
      const endpoints = {
        snapshot: router.lastEndpoint!,
        publisher: publisher.lastEndpoint!,
        collector: "tcp://127.0.0.1:9", // never used here
      }
      const error = await rejection(record.client.connect(endpoints))
      expect(error).to.be.instanceOf(RequestTimeoutError)
      expect(record.silences).to.have.length(1)
      expect(record.client.synced).to.equal(false)
    } finally {
      clearInterval(beat)
    }
  })

  it("validates options and arguments", async () => {
    expect(() => new CloneServer({heartbeatInterval: 0})).to.throw(RangeError, /heartbeatInterval/)
    expect(() => new CloneServer({heartbeatInterval: "1" as unknown as number})).to.throw(
      TypeError,
      /heartbeatInterval/,
    )
    expect(() => new CloneServer({sendHighWaterMark: 1.5})).to.throw(
      RangeError,
      /sendHighWaterMark/,
    )
    expect(() => new CloneClient({timeout: -1})).to.throw(RangeError, /timeout/)
    expect(() => new CloneServer({updates: "pub/sub" as never})).to.throw(RangeError, /updates/)
    expect(() => new CloneClient({updates: 1 as never})).to.throw(TypeError, /updates/)
    expect(() => new CloneClient({subtree: 1 as unknown as string})).to.throw(TypeError, /subtree/)
    expect(() => new CloneClient({onChange: 1 as unknown as () => void})).to.throw(
      TypeError,
      /onChange/,
    )

    const {server, endpoints} = await startServer()
    expect((await rejection(server.bind(endpoints))).message).to.match(/already bound/)
    expect(() => server.set("", "x")).to.throw(RangeError, /key/)
    expect(() => server.set("x".repeat(256), "x")).to.throw(RangeError, /key/)
    expect(() => server.set("HUGZ", "x")).to.throw(RangeError, /reserved/)
    expect(() => server.set("k", "")).to.throw(RangeError, /delete/)
    expect(() => server.set("k", 5 as unknown as string)).to.throw(TypeError, /value/)
    expect(() => server.set("k", "v", {ttl: 0})).to.throw(RangeError, /ttl/)
    expect(() => server.set("k", "v", {properties: {"a=b": "c"}})).to.throw(TypeError)
    expect(() => server.set("k", "v", {properties: {a: "line\nbreak"}})).to.throw(TypeError)
    expect(() => server.set("k", "v", {properties: {ttl: "5"}})).to.throw(TypeError, /ttl/)

    const client = new CloneClient()
    clients.push(client)
    const notConnected = await rejection(client.set("k", "v"))
    expect(notConnected).to.be.instanceOf(ZmqError)
    expect((notConnected as ZmqError).code).to.equal("ENOTCONN")
    expect(notConnected.message).to.match(/connect\(\) first/)
    expect(() => client.connect("tcp://127.0.0.1:*")).to.throw(TypeError, /real port/)
    expect(() => client.connect("ipc:///tmp/clone")).to.throw(TypeError, /tcp:\/\/host:port/)
    expect(() => client.connect("tcp://127.0.0.1:65534")).to.throw(RangeError, /P \+ 2/)
    expect(() => client.connect([])).to.throw(TypeError)
    expect(() => client.connect({snapshot: "a", publisher: "b"} as CloneEndpoints)).to.throw(
      TypeError,
      /collector/,
    )
  })

  it("streams changes to an iterator, and refuses work after close", async () => {
    const {server, endpoints} = await startServer()
    const client = new CloneClient({timeout: patient})
    clients.push(client)
    const changes = client.changes()
    await client.connect(endpoints)
    server.set("a", "1")
    server.delete("a")
    const first = await changes.next()
    const second = await changes.next()
    expect(
      [first.value, second.value].map(c => [c!.key, c!.value?.toString(), c!.sequence]),
    ).to.deep.equal([
      ["a", "1", 1],
      ["a", undefined, 2],
    ])
    const pending = changes.next()
    await client.close()
    expect(await pending).to.deep.equal({value: undefined, done: true})
    expect((await client.changes().next()).done).to.equal(true)
    const error = await rejection(client.set("k", "v"))
    expect(error).to.be.instanceOf(ZmqError)
    expect(error).to.include({code: "EBADF"})
    expect(() => client.connect(endpoints)).to.throw(ZmqError, /closed/)

    await server.close()
    expect(() => server.set("k", "v")).to.throw(ZmqError, /closed/)
    expect((await rejection(server.bind("tcp://127.0.0.1:*"))).message).to.match(/closed/)
  })

  it("rejects a pending connect with EBADF when closed", async () => {
    const mute = new Publisher({linger: 0})
    sockets.push(mute)
    await mute.bind("tcp://127.0.0.1:*")
    const client = new CloneClient({timeout: patient})
    clients.push(client)
    const endpoint = mute.lastEndpoint!
    const connecting = client.connect({
      snapshot: endpoint,
      publisher: endpoint,
      collector: endpoint,
    })
    await client.close()
    const error = await rejection(connecting)
    expect(error).to.be.instanceOf(ZmqError)
    expect(error).to.include({code: "EBADF"})
  })

  it("runs the example", async () => {
    const {code, stdout, stderr} = await runExample("clone.ts")
    expect(stderr).to.equal("")
    expect(stdout.trim().split("\n")).to.deep.equal([
      "early client synced at sequence 3: /config/color=blue /config/size=large /status/uptime=1s",
      "update 4: /config/color=green",
      "update 5: /status/session=abc (ttl 1 s)",
      "update 6: /config/size deleted",
      "late client (subtree /config/) synced at sequence 6: /config/color=green",
      "update 7: /status/session deleted",
      "server at sequence 7 with 2 keys",
    ])
    expect(code).to.equal(0)
  })
})
