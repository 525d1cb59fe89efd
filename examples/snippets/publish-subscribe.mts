import {Subscriber, XPublisher} from "zeromq-napi"

// An XPublisher is a Publisher that also hears its subscribers' subscriptions.
const publisher = new XPublisher()
await publisher.bind("tcp://127.0.0.1:*")
const subscriber = new Subscriber()
subscriber.subscribe("weather") // a prefix of the first frame; none = everything
subscriber.connect(publisher.lastEndpoint!)

// A subscriber gets only what is published after its subscription reached the publisher
// (connecting takes a moment): wait for the subscription, a message of 1 + the topic.
const [subscription] = await publisher.receive()
console.log(subscription[0] === 1 ? "subscribed:" : "left:", subscription.subarray(1).toString())

await publisher.send(["traffic", "jammed"]) // nobody subscribed: dropped
await publisher.send(["weather", "sunny"])
const [topic, body] = await subscriber.receive()
console.log(topic.toString(), body.toString()) // weather sunny

subscriber.close()
publisher.close()
