import {CloneClient, CloneServer} from "zeromq-napi/patterns"

// #region clone
const server = new CloneServer()
const endpoints = await server.bind("tcp://127.0.0.1:*") // or "tcp://*:5556": ports 5556-5558

const client = new CloneClient({
  subtree: "/config/", // only these keys; "" (default) for all
  onChange: ({key, value}) => console.log(key, value?.toString()),
  onSilent: ({server}) => console.warn("no heartbeat from", server.snapshot),
})
await client.connect(endpoints) // resolves once the first snapshot is applied
const changes = client.changes() // the same changes as onChange, from now on
await client.set("/config/color", "blue") // to the server, which publishes it to everyone
await client.set("/config/lease", "mine", {ttl: 30000}) // deleted by the server in 30 s
await client.delete("/config/lease")
// Each update comes back from the server, and then it is in the local map.
for await (const {key, value} of changes) if (key === "/config/lease" && !value) break
// #endregion clone
console.log(client.get("/config/color")?.toString(), client.size) // blue 1

await client.close()
await server.close()
