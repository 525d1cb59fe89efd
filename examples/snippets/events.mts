import {Dealer, Router} from "zeromq-napi"

// #region events
const router = new Router()
const events = router.events // monitoring starts on first use: before anything happens
await router.bind("tcp://127.0.0.1:*")

// Emitter mode: a listener per event type.
const dealer = new Dealer()
dealer.events.on("handshake", ({address}) => console.log(`dealer: handshake with ${address}`))
dealer.connect(router.lastEndpoint!)

// Receive mode: the events in order, each told apart by its `type`.
for await (const event of events) {
  console.log(`router: ${event.type}`) // bind, accept, handshake
  if (event.type === "handshake") break
}
// #endregion events

dealer.close() // ends its monitor too, and so the listener
router.close()
