import {LazyPirateClient, ParanoidPirateQueue, ParanoidPirateWorker} from "zeromq-napi/patterns"

// #region queue
const queue = new ParanoidPirateQueue({frontend: "tcp://127.0.0.1:*", backend: "tcp://127.0.0.1:*"})
const worker = new ParanoidPirateWorker(queue.backendEndpoint!, async ([job]) => `done: ${job}`)
const client = new LazyPirateClient(queue.frontendEndpoint!)
const [reply] = await client.request("job 1") // waits in the queue until the worker is ready
// #endregion queue
console.log(reply.toString()) // done: job 1

await client.close()
await worker.close()
await queue.close()
