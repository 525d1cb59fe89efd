import {MajordomoBroker, MajordomoClient, MajordomoWorker} from "zeromq-napi/patterns"

// #region majordomo
const broker = new MajordomoBroker()
await broker.bind("tcp://127.0.0.1:*")
const endpoint = broker.endpoint! // the port the OS picked

// MDP/0.1 by default: what the guide's brokers (every language) understand.
const echo = new MajordomoWorker(endpoint, "echo", request => request)

// Partial replies need MDP/0.2 on both ends; the broker serves both versions at once.
const v2 = {protocol: "MDP/0.2"} as const
const counter = new MajordomoWorker(
  endpoint,
  "count",
  async ([n], reply) => {
    for (let i = 1; i < Number(n); i++) await reply.partial(String(i)) // streamed, in order
    return String(n) // the final reply
  },
  v2,
)

const client = new MajordomoClient(endpoint, {timeout: 2500, retries: 3, ...v2})
const [last] = await client.request("count", "3", {onPartial: ([part]) => console.log(`${part}`)})
const [code] = await client.request("mmi.service", "count") // "200"; "404" with no worker
// #endregion majordomo
console.log(`${last} ${code}`) // 3 200

await client.close()
await echo.close()
await counter.close()
await broker.close()
