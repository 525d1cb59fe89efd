import {Dealer, Router} from "zeromq-napi"

const router = new Router()
await router.bind("tcp://127.0.0.1:*")
const dealer = new Dealer({routingId: "worker-1"})
dealer.connect(router.lastEndpoint!)

await dealer.send("job")
const [id, job] = await router.receive() // the sender's routing id comes first
console.log(`${id} sent ${job}`) // worker-1 sent job
await router.send([id, "result"]) // the routing id picks the peer
const [result] = await dealer.receive()
console.log(result.toString()) // result

dealer.close()
router.close()
