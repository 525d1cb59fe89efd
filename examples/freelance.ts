// Freelance: reliability without a broker. The client pings every server, sends each
// request to the first live one and fails over to the next when it does not answer.
// Here the servers stop one after the other.
// Run: npx tsx examples/freelance.ts
import {FreelanceClient, FreelanceServer, RequestTimeoutError} from "zeromq-napi/patterns"

async function main() {
  const names = ["A", "B", "C"]
  const servers = names.map(name => new FreelanceServer(() => `answered by ${name}`))
  for (const server of servers) await server.bind("tcp://127.0.0.1:*")

  // Start once every server answered its first PING, so that A is the first live one.
  let alive = 0
  let allAlive!: () => void
  const started = new Promise<void>(resolve => (allAlive = resolve))
  const client = new FreelanceClient({
    timeout: 1000,
    tryTimeout: 300,
    heartbeatInterval: 100,
    onServerStatus: (_endpoint, up) => {
      if (up && ++alive === servers.length) allAlive()
    },
  })
  for (const server of servers) client.connect(server.endpoint!)
  await started

  let request = 0
  const ask = async (times: number) => {
    for (let i = 0; i < times; i++) {
      request++
      try {
        const [reply] = await client.request(`request ${request}`)
        console.log(`request ${request}: ${reply.toString()}`)
      } catch (err) {
        if (!(err instanceof RequestTimeoutError)) throw err
        console.log(`request ${request}: failed (${err.code})`)
      }
    }
  }
  await ask(2)
  for (const [i, server] of servers.entries()) {
    console.log(`server ${names[i]} stops`)
    await server.close()
    await ask(i === 0 ? 2 : 1)
  }
  await client.close()
}

void main()
