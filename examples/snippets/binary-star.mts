import {BinaryStar, BinaryStarClient, type BinaryStarRole} from "zeromq-napi/patterns"

// #region star
// One of the pair; the other is the same with role "backup", on its own machine.
function server(role: BinaryStarRole, onActive: () => void) {
  return new BinaryStar({
    role,
    frontend: "tcp://127.0.0.1:*", // clients connect here
    localState: "tcp://127.0.0.1:*", // our state, published every heartbeat
    // remoteState: "tcp://backup-host:5004", // the peer's state, when its port is known
    handler: ([request]) => `${role} echoes ${request}`,
    onStateChange: state => state === "active" && onActive(),
    onFatal: error => console.error(error.message),
  })
}

// #endregion star

let active!: () => void
const primaryActive = new Promise<void>(resolve => (active = resolve))
const primary = server("primary", () => active())
const backup = server("backup", () => console.log("backup took over"))
await primary.start()
await backup.start()
primary.connectPeer(backup.localStateEndpoint!) // ports picked at bind time: learnt now
backup.connectPeer(primary.localStateEndpoint!)
await primaryActive

// #region star
const client = new BinaryStarClient({
  primary: primary.frontendEndpoint!, // "tcp://primary-host:5001"
  backup: backup.frontendEndpoint!, // "tcp://backup-host:5002"
})
const [reply] = await client.request("hello") // fails over to the backup when needed
// #endregion star
console.log(reply.toString()) // primary echoes hello

await client.close()
await primary.close()
await backup.close()
