import {FreelanceClient, FreelanceServer} from "zeromq-napi/patterns"

const addresses = new Map([["example.com", "192.0.2.1"]])
const lookup = (name: string) => addresses.get(name) ?? "unknown"

// #region freelance
// A server is a handler and a bind:
const first = new FreelanceServer(async ([name]) => lookup(name.toString()))
await first.bind("tcp://127.0.0.1:*")
const second = new FreelanceServer(async ([name]) => lookup(name.toString()))
await second.bind("tcp://127.0.0.1:*")

const client = new FreelanceClient({timeout: 3000})
client.connect(first.endpoint!) // e.g. "tcp://10.0.0.1:5555"
client.connect(second.endpoint!) // e.g. "tcp://10.0.0.2:5555"
const [address] = await client.request("example.com") // the first server that answers
// #endregion freelance
console.log(address.toString()) // 192.0.2.1

await client.close()
await first.close()
await second.close()
