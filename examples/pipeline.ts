// Pipeline (parallel tasks): a ventilator pushes tasks to workers, which push
// results to a sink. Run: npx tsx examples/pipeline.ts
import {Pull, Push} from "zeromq-napi"

const tasks = 20
const workers = 3

async function work(id: number, receiver: Pull, sender: Push) {
  // Ends when the receiver is closed.
  for await (const [task] of receiver) {
    const n = Number(task.toString())
    await sender.send(`${id}:${n * n}`)
  }
}

async function main() {
  const sink = new Pull()
  await sink.bind("tcp://127.0.0.1:*")
  const ventilator = new Push()
  await ventilator.bind("tcp://127.0.0.1:*")

  const receivers: Pull[] = []
  const senders: Push[] = []
  const running = Array.from({length: workers}, (_, id) => {
    const receiver = new Pull()
    receiver.connect(ventilator.lastEndpoint!)
    const sender = new Push()
    sender.connect(sink.lastEndpoint!)
    receivers.push(receiver)
    senders.push(sender)
    return work(id, receiver, sender)
  })

  for (let n = 1; n <= tasks; n++) await ventilator.send(String(n))
  let sum = 0
  const perWorker = new Map<string, number>()
  for (let received = 0; received < tasks; received++) {
    const [result] = await sink.receive()
    const [id, square] = result.toString().split(":")
    sum += Number(square)
    perWorker.set(id, (perWorker.get(id) ?? 0) + 1)
  }
  for (const socket of [...receivers, ...senders]) socket.close()
  await Promise.all(running)
  console.log(`sum of squares 1..${tasks}: ${sum}`)
  console.log(`tasks per worker: ${[...perWorker.values()].join(", ")}`)
  sink.close()
  ventilator.close()
}

void main()
