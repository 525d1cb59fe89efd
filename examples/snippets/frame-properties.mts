import {Authenticator, Pull, Push} from "zeromq-napi"

// PLAIN logins checked by the ZAP authenticator, which names the user.
const auth = new Authenticator()
auth.configurePlain({alice: "secret"})
auth.start()

// #region metadata
const server = new Pull({plainServer: true, collectMetadata: true}) // before messages arrive
await server.bind("tcp://127.0.0.1:*")
const client = new Push({plainUsername: "alice", plainPassword: "secret"})
client.connect(server.lastEndpoint!)
await client.send("hello")

const [frame] = await server.receiveFrames()
console.log(frame.data.toString()) // hello
console.log(frame.metadata["User-Id"]) // alice, as the authenticator said
console.log(frame.metadata["Socket-Type"]) // PUSH
console.log(frame.metadata["Peer-Address"]) // 127.0.0.1
// #endregion metadata

client.close()
server.close()
auth.stop()
