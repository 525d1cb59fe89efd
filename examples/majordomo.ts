// Majordomo (the zguide's chapter 4 "Service-Oriented Reliable Queuing"): a broker routes
// requests to workers by service name. Here one process runs the broker, an "echo" worker
// speaking MDP/0.1 (the default, as the guide's brokers and workers do), a "count" worker
// that streams partial replies (which needs MDP/0.2), and a client that asks the broker
// which services exist (mmi.service), then calls them. The broker serves both versions.
// A request for a service nobody offers times out after its tries.
// Run: npx tsx examples/majordomo.ts
import {
  MajordomoBroker,
  MajordomoClient,
  MajordomoWorker,
  RequestTimeoutError,
} from "zeromq-napi/patterns"

async function main() {
  const broker = new MajordomoBroker()
  await broker.bind("tcp://127.0.0.1:*")
  const endpoint = broker.endpoint!

  const echo = new MajordomoWorker(endpoint, "echo", request => request)
  const count = new MajordomoWorker(
    endpoint,
    "count",
    async ([n], reply) => {
      for (let i = 1; i < Number(n); i++) await reply.partial(String(i))
      return n
    },
    {protocol: "MDP/0.2"},
  )

  const client = new MajordomoClient(endpoint, {timeout: 500, retries: 2, protocol: "MDP/0.2"})
  // Workers register with READY, which has no answer: wait until the broker has them.
  while (broker.service("echo")?.workers !== 1 || broker.service("count")?.workers !== 1) {
    await new Promise(resolve => setTimeout(resolve, 10))
  }

  for (const service of ["echo", "weather"]) {
    const [code] = await client.request("mmi.service", service)
    console.log(`mmi.service ${service}: ${code.toString()}`)
  }
  for (let i = 1; i <= 3; i++) {
    const [reply] = await client.request("echo", `hello ${i}`)
    console.log(`echo: ${reply.toString()}`)
  }
  const [last] = await client.request("count", "3", {
    onPartial: ([part]) => console.log(`count: ${part.toString()} (partial)`),
  })
  console.log(`count: ${last.toString()} (final)`)

  try {
    await client.request("weather", "today?")
  } catch (err) {
    if (!(err instanceof RequestTimeoutError)) throw err
    console.log(`weather: no reply after ${err.attempts} tries (${err.code})`)
  }

  await client.close()
  await echo.close()
  await count.close()
  await broker.close()
}

main().catch(err => {
  console.error(err)
  process.exitCode = 1
})
