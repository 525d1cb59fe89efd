import {Pull, Push} from "zeromq-napi"

const pull = new Pull()
await pull.bind("tcp://127.0.0.1:*") // *: the OS picks a free port
const push = new Push()
push.connect(pull.lastEndpoint!) // the endpoint with the real port

await push.send("hello")
const [message] = await pull.receive() // a message is an array of frames (Buffers)
console.log(message.toString()) // hello

push.close()
pull.close()
