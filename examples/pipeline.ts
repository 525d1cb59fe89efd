// Pipeline (parallel tasks): a ventilator pushes tasks to workers, which push
// results to a sink. Run: npx tsx examples/pipeline.ts
import {Pull, Push} from "zeromq-napi"

const tasks = 20
const workers = 3

async function worker(id: number, ventilator: string, sink: string) {
  const receiver = new Pull()
  receiver.connect(ventilator)
  const sender = new Push()
  sender.connect(sink)
  for await (const [task] of receiver) {
    if (task.toString() === "done") break
    const n = Number(task.toString())
    await sender.send(`${id}:${n * n}`)
  }
  receiver.close()
  sender.close()
}

async function main() {
  const sink = new Pull()
  await sink.bind("tcp://127.0.0.1:*")
  const ventilator = new Push()
  await ventilator.bind("tcp://127.0.0.1:*")

  const running = Array.from({length: workers}, (_, id) =>
    worker(id, ventilator.lastEndpoint!, sink.lastEndpoint!),
  )

  for (let n = 1; n <= tasks; n++) await ventilator.send(String(n))
  let sum = 0
  const by = new Map<string, number>()
  for (let received = 0; received < tasks; received++) {
    const [result] = await sink.receive()
    const [id, square] = result.toString().split(":")
    sum += Number(square)
    by.set(id, (by.get(id) ?? 0) + 1)
  }
  for (let i = 0; i < workers; i++) await ventilator.send("done")
  await Promise.all(running)
  console.log(`sum of squares 1..${tasks}: ${sum}`)
  console.log(`tasks per worker: ${[...by.values()].join(", ")}`)
  sink.close()
  ventilator.close()
}

void main()
