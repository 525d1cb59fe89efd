// Clone: a server keeps a key-value map; clients keep copies of it (or of a subtree),
// from a snapshot plus the numbered updates that follow it.
// Run: npx tsx examples/clone.ts
import {CloneClient, CloneServer, type CloneChange} from "zeromq-napi/patterns"

function describe(change: CloneChange): string {
  if (change.value === undefined) return `update ${change.sequence}: ${change.key} deleted`
  const ttl = change.properties.ttl === undefined ? "" : ` (ttl ${change.properties.ttl} s)`
  return `update ${change.sequence}: ${change.key}=${change.value.toString()}${ttl}`
}

function listing(client: CloneClient): string {
  return [...client.entries()].map(([key, value]) => `${key}=${value.toString()}`).join(" ")
}

async function main() {
  const server = new CloneServer({heartbeatInterval: 200})
  const endpoints = await server.bind("tcp://127.0.0.1:*")
  server.set("/config/color", "blue")
  server.set("/config/size", "large")
  server.set("/status/uptime", "1s")

  const early = new CloneClient({timeout: 2000})
  const changes = early.changes()
  await early.connect(endpoints)
  console.log(`early client synced at sequence ${early.sequence}: ${listing(early)}`)

  // Updates go to the server, which numbers them and publishes them to every client.
  await early.set("/config/color", "green")
  await early.set("/status/session", "abc", {ttl: 1000})
  await early.delete("/config/size")

  for await (const change of changes) {
    if (change.source === "snapshot") continue
    console.log(describe(change))
    if (change.sequence === 6) {
      // A client that joins now gets the current state of its subtree from a snapshot.
      const late = new CloneClient({subtree: "/config/", timeout: 2000})
      await late.connect(endpoints)
      console.log(
        `late client (subtree /config/) synced at sequence ${late.sequence}: ${listing(late)}`,
      )
      await late.close()
    }
    // The session's time to live runs out: the server deletes it and publishes that.
    if (change.sequence === 7) break
  }
  console.log(`server at sequence ${server.sequence} with ${server.size} keys`)
  await early.close()
  await server.close()
}

void main()
