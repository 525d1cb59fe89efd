// Request-reply: a server answers each request; the client waits for every answer.
// Run: npx tsx examples/request-reply.ts
import {Reply, Request} from "zeromq-napi"

async function server(reply: Reply) {
  for await (const [request] of reply) {
    await reply.send(`world (re: ${request.toString()})`)
  }
}

async function main() {
  const reply = new Reply()
  await reply.bind("tcp://127.0.0.1:*")
  void server(reply)

  const request = new Request()
  request.connect(reply.lastEndpoint!)
  for (let i = 1; i <= 3; i++) {
    await request.send(`hello ${i}`)
    const [answer] = await request.receive()
    console.log(answer.toString())
  }
  request.close()
  reply.close()
}

void main()
