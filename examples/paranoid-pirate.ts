// Paranoid Pirate: a queue between clients and workers with heartbeats both ways. The
// queue forgets a worker that went away; clients (Lazy Pirate) retry what it took along.
// Run: npx tsx examples/paranoid-pirate.ts
import {LazyPirateClient, ParanoidPirateQueue, ParanoidPirateWorker} from "zeromq-napi/patterns"

const heartbeat = {heartbeatInterval: 100, liveness: 3}

async function whenReady(queue: ParanoidPirateQueue, workers: number) {
  while (queue.workers !== workers) await new Promise(resolve => setTimeout(resolve, 10))
  console.log(`queue: ${workers} worker${workers === 1 ? "" : "s"} ready`)
}

async function main() {
  const queue = new ParanoidPirateQueue({
    ...heartbeat,
    frontend: "tcp://127.0.0.1:*",
    backend: "tcp://127.0.0.1:*",
  })
  const workers = ["A", "B"].map(
    name => new ParanoidPirateWorker(queue.backendEndpoint!, ([job]) => [job, name], heartbeat),
  )
  await whenReady(queue, 2)

  const client = new LazyPirateClient(queue.frontendEndpoint!, {timeout: 1000, retries: 3})
  for (let i = 1; i <= 3; i++) {
    const [job] = await client.request(`job ${i}`)
    console.log(`client: ${job.toString()} done`)
  }

  console.log("worker A stops")
  await workers[0].close()
  await whenReady(queue, 1)
  for (let i = 4; i <= 6; i++) {
    const [job, by] = await client.request(`job ${i}`)
    console.log(`client: ${job.toString()} done by ${by.toString()}`)
  }

  await client.close()
  await workers[1].close()
  await queue.close()
}

void main()
