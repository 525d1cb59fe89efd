import {Authenticator, Pull, Push} from "zeromq-napi"

// #region plain
const auth = new Authenticator()
auth.allow(["127.0.0.1", "10.0.0.0/8"]) // only these addresses, whatever the login
auth.configurePlain({alice: "secret"}) // or async ({username, password}) => true/false
auth.on("decision", d => console.log(`${d.identity}: ${d.allowed ? "in" : "out"} (${d.reason})`))
auth.start() // before binding: a PLAIN server without it lets everyone in

const server = new Pull({plainServer: true})
await server.bind("tcp://127.0.0.1:*")

// A refused client hears of it (ZAP status 400), and keeps reconnecting until closed.
const mallory = new Push({plainUsername: "mallory", plainPassword: "guess"})
const refused = new Promise(resolve => mallory.events.on("handshake:error:auth", resolve))
mallory.connect(server.lastEndpoint!)
await refused
mallory.close()

const alice = new Push({plainUsername: "alice", plainPassword: "secret"})
alice.connect(server.lastEndpoint!)
await alice.send("hello from alice")
const [message] = await server.receive()
console.log(message.toString()) // hello from alice
// #endregion plain

alice.close()
server.close()
auth.stop()
