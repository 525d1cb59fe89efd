import {once} from "node:events"
import {Worker} from "node:worker_threads"
import {Pull} from "zeromq-napi"

// #region worker
const results = new Pull()
await results.bind("inproc://results") // every thread shares the default context

// The worker's code (a file of its own in real programs; eval code resolves modules from the
// working directory).
const worker = new Worker(
  `const {Push} = require("zeromq-napi")
   const push = new Push()
   push.connect("inproc://results")
   push.send("hello from a worker").then(() => push.close())`,
  {eval: true},
)
const [message] = await results.receive()
console.log(message.toString()) // hello from a worker
await once(worker, "exit") // a worker's sockets close when it ends
// #endregion worker

results.close()
