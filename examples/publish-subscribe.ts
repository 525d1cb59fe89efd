// Publish-subscribe: the subscriber gets only the topics it subscribed to.
// Run: npx tsx examples/publish-subscribe.ts
import {Publisher, Subscriber} from "zeromq-napi"

async function main() {
  const publisher = new Publisher()
  await publisher.bind("tcp://127.0.0.1:*")

  const subscriber = new Subscriber()
  subscriber.subscribe("kitty cats")
  subscriber.connect(publisher.lastEndpoint!)

  // A subscriber that connects late misses what was published before ("slow
  // joiner"): keep publishing until it has seen three messages.
  let sequence = 0
  const timer = setInterval(() => {
    sequence++
    void publisher.send(["kitty cats", `meow ${sequence}`])
    void publisher.send(["dogs", `woof ${sequence}`])
  }, 10)

  let seen = 0
  for await (const [topic, message] of subscriber) {
    console.log(`${topic.toString()}: ${message.toString()}`)
    if (++seen === 3) break
  }
  clearInterval(timer)
  subscriber.close()
  publisher.close()
}

void main()
