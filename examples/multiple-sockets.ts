// Reading from multiple sockets in one loop (the zguide's "mspoller"): a worker takes
// tasks from a ventilator and weather updates from a publisher, serving whichever has
// a message, with one Poller. Run: npx tsx examples/multiple-sockets.ts
import {Poller, Publisher, Pull, Push, Subscriber} from "zeromq-napi"

const wanted = 5

async function main() {
  const ventilator = new Push()
  await ventilator.bind("tcp://127.0.0.1:*")
  const weather = new Publisher()
  await weather.bind("tcp://127.0.0.1:*")

  const tasks = new Pull()
  tasks.connect(ventilator.lastEndpoint!)
  const updates = new Subscriber()
  updates.subscribe("10001 ") // New York only
  updates.connect(weather.lastEndpoint!)

  for (let task = 1; task <= wanted; task++) await ventilator.send(`task ${task}`)
  // Subscribers miss what was published before they joined: publish until the worker is done.
  let reading = 0
  const publishing = setInterval(() => {
    reading++
    void weather.send(`10001 ${reading % 40}°C`)
    void weather.send(`94105 ${reading % 30}°C`)
  }, 10)

  const poller = new Poller<Pull | Subscriber>().add(tasks).add(updates)
  let taskCount = 0
  let updateCount = 0
  while (taskCount < wanted || updateCount < wanted) {
    // The ready sockets, in the order they were added: tasks go first.
    for (const {socket} of await poller.wait()) {
      const [message] = await socket.receive()
      if (socket === tasks) {
        taskCount++
        console.log(`${message.toString()}`)
      } else if (updateCount < wanted) {
        updateCount++
        console.log(`weather ${message.toString()}`)
      }
    }
  }
  console.log(`${taskCount} tasks and ${updateCount} weather updates, served by one loop`)

  clearInterval(publishing)
  for (const socket of [tasks, updates, ventilator, weather]) socket.close()
}

void main()
