// Lazy Pirate: a client that sends a request again, on a fresh socket, when no reply
// comes in time. The server here loses the first try of request 2 (as a server that
// crashed would) and every try of request 4 (as one that is down would).
// Run: npx tsx examples/lazy-pirate.ts
import {Router} from "zeromq-napi"
import {LazyPirateClient, RequestTimeoutError} from "zeromq-napi/patterns"

async function serve(socket: Router) {
  const lost = new Set<string>()
  // A Router keeps the Request envelope: [client, "", request].
  for await (const [client, empty, request] of socket) {
    const body = request.toString()
    if (body === "request 4" || (body === "request 2" && !lost.has(body))) {
      if (!lost.has(body)) console.log(`server: loses ${body}`)
      lost.add(body)
      continue
    }
    await socket.send([client, empty, `re: ${body}`])
  }
}

async function main() {
  const server = new Router()
  await server.bind("tcp://127.0.0.1:*")
  void serve(server)

  const client = new LazyPirateClient(server.lastEndpoint!, {
    timeout: 300,
    retries: 2,
    onRetry: attempt => console.log(`client: no reply, try ${attempt}`),
  })
  for (let i = 1; i <= 4; i++) {
    try {
      const [reply] = await client.request(`request ${i}`)
      console.log(`client: ${reply.toString()}`)
    } catch (err) {
      if (!(err instanceof RequestTimeoutError)) throw err
      console.log(`client: request ${i} failed after ${err.attempts} tries (${err.code})`)
    }
  }
  await client.close()
  server.close()
}

void main()
