import {Dealer} from "zeromq-napi"

// #region options
// Options are constructor arguments and properties, named as in zeromq v6.
const dealer = new Dealer({routingId: "worker-1", linger: 0, sendHighWaterMark: 100})
dealer.receiveTimeout = 2000 // libzmq's ZMQ_RCVTIMEO, in milliseconds
console.log(dealer.routingId, dealer.linger, dealer.sendHighWaterMark) // worker-1 0 100

await dealer.bind("tcp://127.0.0.1:*")
console.log(dealer.lastEndpoint) // tcp://127.0.0.1:<port>: read-only

try {
  new Dealer({lingr: 0} as object) // a typo: the type checker (without the cast) refuses it too
} catch (error) {
  console.log(`${error}`) // TypeError: Unknown option "lingr"; did you mean "linger"?
}
// #endregion options

dealer.close()
