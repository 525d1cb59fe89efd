// A request-reply broker: Request clients talk to a Router front end, Reply
// workers to a Dealer back end; the broker relays both ways.
// Run: npx tsx examples/router-dealer-broker.ts
import {Dealer, Reply, Request, Router} from "zeromq-napi"

async function relay(from: Router | Dealer, to: Router | Dealer) {
  for await (const message of from) await to.send(message)
}

async function main() {
  const frontend = new Router()
  await frontend.bind("tcp://127.0.0.1:*")
  const backend = new Dealer()
  await backend.bind("tcp://127.0.0.1:*")
  const relays = [relay(frontend, backend), relay(backend, frontend)]

  const workers = ["A", "B"].map(name => {
    const worker = new Reply()
    worker.connect(backend.lastEndpoint!)
    void (async () => {
      for await (const [request] of worker)
        await worker.send(`${request.toString()} done by ${name}`)
    })()
    return worker
  })

  const clients = [1, 2, 3].map(async id => {
    const client = new Request()
    client.connect(frontend.lastEndpoint!)
    await client.send(`job ${id}`)
    const [reply] = await client.receive()
    client.close()
    return reply.toString()
  })
  for (const reply of await Promise.all(clients)) console.log(reply)

  for (const worker of workers) worker.close()
  frontend.close()
  backend.close()
  await Promise.all(relays)
}

void main()
