import {capability} from "zeromq-napi"
import {Client, Dish, Radio, Server} from "zeromq-napi/draft"

// Draft sockets need a libzmq built with them (the bundled one is; a system libzmq may not be).
if (!capability.draft) throw new Error("this libzmq has no draft sockets")

const server = new Server()
await server.bind("tcp://127.0.0.1:*")
const client = new Client()
client.connect(server.lastEndpoint!)
await client.send("question")
const [request, {routingId}] = await server.receive() // who sent it
await server.send(`answer to ${request}`, {routingId})
const [reply] = await client.receive()
console.log(reply.toString()) // answer to question

const radio = new Radio()
await radio.bind("inproc://news")
const dish = new Dish()
dish.join("news") // groups are exact names, not prefixes
dish.connect("inproc://news")
// Like a Publisher, a Radio drops what it sends before the Dish's join arrived: send until
// the first message gets through.
const heard = dish.receive()
const timer = setInterval(() => void radio.send("headline", {group: "news"}), 10)
const [body, {group}] = await heard
clearInterval(timer)
console.log(`${group}: ${body}`) // news: headline

for (const socket of [server, client, radio, dish]) socket.close()
