import {expect} from "chai"
import {runChild} from "../helpers"

// A peer process killed (SIGKILL: no linger, no goodbye) and started again on the same
// port. Everything runs in a child process that itself spawns the peers.

/** Child-process code: starts a peer program, resolving with it once it printed its endpoint. */
const startPeer = `
  import {spawn} from "node:child_process"
  function startPeer(source, env = {}) {
    const child = spawn(process.execPath, ["--input-type=module", "-e", source], {
      stdio: ["ignore", "pipe", "inherit"],
      env: {...process.env, ...env},
    })
    const exited = new Promise(resolve => child.once("exit", (code, signal) => resolve(signal ?? code)))
    const endpoint = new Promise((resolve, reject) => {
      child.stdout.once("data", data => resolve(data.toString().trim()))
      exited.then(how => reject(new Error("peer ended before binding: " + how)))
    })
    return {child, exited, endpoint}
  }
`

/** Peer program: a Router (echo) or a Reply (REQ/REP) server on PORT (or any port). */
const server = (type: "Router" | "Reply") => `
  import * as zmq from "zeromq-napi"
  const socket = new zmq.${type}()
  await socket.bind("tcp://127.0.0.1:" + (process.env.PORT || "*"))
  console.log(socket.lastEndpoint)
  for await (const message of socket) {
    const body = message[message.length - 1].toString()
    // Dies without replying on the request named by CRASH_ON: the client must retry.
    if (body === process.env.CRASH_ON) process.kill(process.pid, "SIGKILL")
    await socket.send(${type === "Router" ? "message" : "body"})
  }
`

describe("fault matrix: peer killed and restarted", function () {
  this.timeout(30000)

  it("reconnects a Dealer to a restarted peer on the same port and talks again", async () => {
    const result = await runChild(`
      import * as zmq from "zeromq-napi"
      ${startPeer}
      const source = ${JSON.stringify(server("Router"))}
      let peer = startPeer(source)
      const endpoint = await peer.endpoint
      const port = endpoint.split(":").pop()
      const dealer = new zmq.Dealer({reconnectInterval: 20, linger: 0})
      const events = []
      dealer.events.on("connect", () => events.push("connect"))
      dealer.events.on("disconnect", () => events.push("disconnect"))
      dealer.connect(endpoint)
      await dealer.send("before")
      console.log("got:", (await dealer.receive())[0].toString())
      peer.child.kill("SIGKILL")
      console.log("peer:", await peer.exited)
      peer = startPeer(source, {PORT: port})
      console.log("same endpoint:", (await peer.endpoint) === endpoint)
      await dealer.send("after")
      console.log("got:", (await dealer.receive())[0].toString())
      console.log("events:", events.join(","))
      dealer.close()
      peer.child.kill("SIGKILL")
    `)
    expect(result.stderr).to.equal("")
    expect(result.code).to.equal(0)
    expect(result.stdout.trim().split("\n")).to.deep.equal([
      "got: before",
      "peer: SIGKILL",
      "same endpoint: true",
      "got: after",
      "events: connect,disconnect,connect",
    ])
  })

  it("loses no request in a lazy-pirate Request loop while the server crashes and restarts", async () => {
    const result = await runChild(`
      import * as zmq from "zeromq-napi"
      ${startPeer}
      const source = ${JSON.stringify(server("Reply"))}
      // The first server dies on request 7 (received, never answered), the second on 14.
      let peer = startPeer(source, {CRASH_ON: "7"})
      const endpoint = await peer.endpoint
      const port = endpoint.split(":").pop()
      const crashes = ["14"]
      let restarts = 0
      const restart = async () => {
        await peer.exited
        peer = startPeer(source, {PORT: port, CRASH_ON: crashes.shift() ?? ""})
        await peer.endpoint
        restarts++
      }
      // Lazy pirate (zguide ch. 4): on timeout, drop the Request socket (its state machine
      // expects a reply) and resend on a fresh one; a bounded number of tries per request.
      let socket
      const fresh = () => {
        socket?.close()
        socket = new zmq.Request({receiveTimeout: 300, linger: 0, reconnectInterval: 20})
        socket.connect(endpoint)
      }
      fresh()
      const answered = []
      let retries = 0
      for (let i = 1; i <= 20; i++) {
        for (let attempt = 1; ; attempt++) {
          if (attempt > 10) throw new Error("request " + i + " unanswered after 10 tries")
          await socket.send(String(i))
          try {
            const [reply] = await socket.receive()
            answered.push(reply.toString())
            break
          } catch (err) {
            if (err.code !== "EAGAIN") throw err
            retries++
            if (peer.child.exitCode !== null || peer.child.signalCode !== null) await restart()
            fresh()
          }
        }
      }
      socket.close()
      peer.child.kill("SIGKILL")
      console.log(JSON.stringify({answered, restarts, retriesAtLeast2: retries >= 2}))
    `)
    expect(result.stderr).to.equal("")
    expect(result.code).to.equal(0)
    const {answered, restarts, retriesAtLeast2} = JSON.parse(result.stdout) as {
      answered: string[]
      restarts: number
      retriesAtLeast2: boolean
    }
    expect(answered).to.deep.equal(Array.from({length: 20}, (_, i) => String(i + 1)))
    expect(restarts).to.equal(2)
    expect(retriesAtLeast2).to.equal(true)
  })
})
