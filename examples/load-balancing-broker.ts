// A load-balancing broker (the zguide's "lbbroker"): Request clients talk to a Router
// front end, Request workers to a Router back end. Workers announce themselves with
// "READY" and with every reply; the broker hands each request to the worker that has
// been idle longest, and reads the front end only while some worker is idle — the
// Poller watches the back end always and the front end on demand.
// Run: npx tsx examples/load-balancing-broker.ts
import {Poller, Request, Router} from "zeromq-napi"

const clientCount = 10
const workerNames = ["A", "B", "C"]

async function client(id: number, address: string): Promise<string> {
  const socket = new Request({routingId: `Client-${id}`})
  socket.connect(address)
  await socket.send("HELLO")
  const [reply] = await socket.receive()
  socket.close()
  return `Client-${id}: ${reply.toString()}`
}

async function work(name: string, socket: Request): Promise<void> {
  await socket.send("READY")
  // A request socket strips its own envelope: [client, "", request]. Ends on close.
  for await (const [client, empty, request] of socket) {
    await socket.send([
      client,
      empty,
      `${request.toString() === "HELLO" ? "OK" : "?"} from ${name}`,
    ])
  }
}

async function main() {
  const frontend = new Router()
  await frontend.bind("tcp://127.0.0.1:*")
  const backend = new Router()
  await backend.bind("tcp://127.0.0.1:*")

  const workers = workerNames.map(name => {
    const socket = new Request({routingId: `Worker-${name}`})
    socket.connect(backend.lastEndpoint!)
    return {socket, done: work(name, socket)}
  })
  const replies = Array.from({length: clientCount}, (_, i) => client(i + 1, frontend.lastEndpoint!))

  const idle: Buffer[] = [] // routing ids of idle workers, longest idle first
  const poller = new Poller<Router>().add(backend)
  let served = 0
  while (served < clientCount) {
    for (const {socket} of await poller.wait()) {
      if (socket === backend) {
        // [worker, "", "READY"] or [worker, "", client, "", reply]
        const [workerId, , client, , reply] = await backend.receive()
        idle.push(workerId)
        if (reply !== undefined) {
          await frontend.send([client, "", reply])
          served++
        }
        if (idle.length === 1) poller.add(frontend) // a worker is free: take requests again
      } else if (idle.length > 0) {
        const [client, , request] = await frontend.receive()
        await backend.send([idle.shift()!, "", client, "", request])
        if (idle.length === 0) poller.remove(frontend) // nobody to give work to
      }
    }
  }

  for (const line of (await Promise.all(replies)).sort((a, b) =>
    a.localeCompare(b, "en", {numeric: true}),
  ))
    console.log(line)
  for (const {socket} of workers) socket.close()
  await Promise.all(workers.map(({done}) => done))
  frontend.close()
  backend.close()
}

void main()
