import {Proxy, Publisher, Subscriber, XPublisher, XSubscriber} from "zeromq-napi"

const publisher = new Publisher()
await publisher.bind("tcp://127.0.0.1:*")
const publisherEndpoint = publisher.lastEndpoint!

// #region proxy
const frontEnd = new XSubscriber() // reaches the publishers
frontEnd.connect(publisherEndpoint)
const backEnd = new XPublisher() // subscribers connect here
await backEnd.bind("tcp://127.0.0.1:*")
const endpoint = backEnd.lastEndpoint! // read before run(): the proxy owns the socket then

const proxy = new Proxy(frontEnd, backEnd)
const done = proxy.run() // resolves once the proxy has ended
// #endregion proxy

const subscriber = new Subscriber()
subscriber.subscribe("weather")
subscriber.connect(endpoint)
// The subscription travels up through the proxy; publish until the first message arrives.
const first = subscriber.receive()
const timer = setInterval(() => void publisher.send(["weather", "sunny"]), 10)
const [topic, body] = await first
clearInterval(timer)
console.log(`${topic}: ${body}`) // weather: sunny

// #region commands
proxy.pause() // messages wait in the queues (up to the high-water marks)
proxy.resume()
const {frontEnd: upstream, backEnd: downstream} = await proxy.statistics()
proxy.terminate()
await done // frontEnd and backEnd work again: close them (or run again)
// #endregion commands
console.log(upstream.messagesReceived > 0, downstream.messagesReceived) // true 1

for (const socket of [frontEnd, backEnd, subscriber, publisher]) socket.close()
