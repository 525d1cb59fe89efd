// Pub/sub forwarder: a proxy between publishers and subscribers. Publishers are
// reached by an XSubscriber (the proxy's front end), subscribers connect to an
// XPublisher (its back end); subscriptions travel upstream through the proxy,
// messages downstream. The proxy runs on a thread of its own.
// Run: npx tsx examples/pubsub-forwarder.ts
import {Proxy, Publisher, Subscriber, XPublisher, XSubscriber} from "zeromq-napi"

async function main() {
  const publisher = new Publisher()
  await publisher.bind("tcp://127.0.0.1:*")

  const frontEnd = new XSubscriber()
  frontEnd.connect(publisher.lastEndpoint!)
  const backEnd = new XPublisher()
  await backEnd.bind("tcp://127.0.0.1:*")
  const endpoint = backEnd.lastEndpoint! // read it now: a running proxy owns its sockets
  const proxy = new Proxy(frontEnd, backEnd)
  const done = proxy.run()

  const subscriber = new Subscriber()
  subscriber.subscribe("weather")
  subscriber.connect(endpoint)

  // Until the subscription has reached the publisher through the proxy, what it
  // publishes goes nowhere: keep publishing until the subscriber has heard three.
  let sequence = 0
  const timer = setInterval(() => {
    sequence++
    void publisher.send(["weather", `sunny ${sequence}`])
    void publisher.send(["traffic", `jam ${sequence}`])
  }, 10)

  let heard = 0
  for await (const [topic, report] of subscriber) {
    console.log(`${topic.toString()}: ${report.toString()}`)
    if (++heard === 3) break
  }
  clearInterval(timer)

  const {frontEnd: upstream, backEnd: downstream} = await proxy.statistics()
  console.log(
    `the proxy forwarded ${downstream.messagesSent} messages down ` +
      `and ${upstream.messagesSent} subscription up`,
  )

  proxy.terminate()
  await done // the sockets are ours again: close them
  for (const socket of [subscriber, backEnd, frontEnd, publisher]) socket.close()
}

void main()
