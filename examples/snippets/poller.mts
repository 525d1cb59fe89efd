import {Poller, Pull, Push, Subscriber, XPublisher} from "zeromq-napi"

const ventilator = new Push()
await ventilator.bind("tcp://127.0.0.1:*")
const weather = new XPublisher()
await weather.bind("tcp://127.0.0.1:*")
const tasks = new Pull()
tasks.connect(ventilator.lastEndpoint!)
const updates = new Subscriber()
updates.subscribe("")
updates.connect(weather.lastEndpoint!)
await weather.receive() // the subscription arrived: what is published now is delivered

await ventilator.send("task 1")
await weather.send("sunny")

// #region poller
const poller = new Poller<Pull | Subscriber>()
poller.add(tasks).add(updates) // readable; {writable: true} waits for room to send
let served = 0
while (served < 2) {
  for (const {socket} of await poller.wait({timeout: 1000})) {
    const [message] = await socket.receive() // ready: completes at once
    console.log(socket === tasks ? `task: ${message}` : `weather: ${message}`)
    served++
  }
}
// #endregion poller

for (const socket of [ventilator, weather, tasks, updates]) socket.close()
