// Binary Star: a primary/backup pair. The primary serves while both run; when it stops,
// the client's next request times out, fails over to the backup, and that request is the
// vote that makes the backup active.
// Run: npx tsx examples/binary-star.ts
import {BinaryStar, BinaryStarClient, type BinaryStarRole} from "zeromq-napi/patterns"

// Resolves when the server reaches `state`.
function server(role: BinaryStarRole) {
  const waiters = new Map<string, () => void>()
  const star = new BinaryStar({
    role,
    frontend: "tcp://127.0.0.1:*",
    localState: "tcp://127.0.0.1:*",
    heartbeatInterval: 100,
    handler: ([request]) => `${role} echoes ${request.toString()}`,
    onStateChange: state => {
      console.log(`${role}: ${state}`)
      waiters.get(state)?.()
    },
  })
  const reached = (state: string) => new Promise<void>(resolve => waiters.set(state, resolve))
  return {star, reached}
}

async function main() {
  const primary = server("primary")
  const backup = server("backup")
  const primaryActive = primary.reached("active")
  const backupPassive = backup.reached("passive")
  await primary.star.start()
  await backup.star.start()
  // Ports were picked at bind time, so each learns the other's state endpoint now.
  primary.star.connectPeer(backup.star.localStateEndpoint!)
  backup.star.connectPeer(primary.star.localStateEndpoint!)
  await primaryActive
  await backupPassive

  // A timeout above two heartbeats: the backup has given up on the primary by then.
  const client = new BinaryStarClient({
    primary: primary.star.frontendEndpoint!,
    backup: backup.star.frontendEndpoint!,
    timeout: 1000,
  })
  for (let i = 1; i <= 3; i++) console.log(`reply: ${(await client.request(`${i}`)).toString()}`)

  await primary.star.close()
  console.log("primary stopped")
  for (let i = 4; i <= 6; i++) console.log(`reply: ${(await client.request(`${i}`)).toString()}`)

  await client.close()
  await backup.star.close()
}

void main()
