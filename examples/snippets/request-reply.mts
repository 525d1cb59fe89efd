import {Reply, Request} from "zeromq-napi"

const reply = new Reply()
await reply.bind("tcp://127.0.0.1:*")
const request = new Request()
request.connect(reply.lastEndpoint!)

await request.send("hello")
const [question] = await reply.receive()
await reply.send(`world (re: ${question})`)
const [answer] = await request.receive()
console.log(answer.toString()) // world (re: hello)

request.close()
reply.close()
