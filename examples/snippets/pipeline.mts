import {Pull, Push} from "zeromq-napi"

const ventilator = new Push() // deals tasks round-robin to the connected workers
await ventilator.bind("tcp://127.0.0.1:*")
const worker = new Pull()
worker.connect(ventilator.lastEndpoint!)

for (const task of ["resize a.png", "resize b.png", "resize c.png"]) await ventilator.send(task)

let done = 0
for await (const [task] of worker) {
  console.log(`worker: ${task}`)
  if (++done === 3) break // leaving the loop keeps the socket open
}

worker.close()
ventilator.close()
