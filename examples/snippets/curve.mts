import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import {Authenticator, Certificate, Reply, Request} from "zeromq-napi"

// The snippet writes its keys/ folder into a temporary working directory.
const home = fs.mkdtempSync(path.join(os.tmpdir(), "curve-snippet-"))
process.chdir(home)

// #region curve
// Once: make certificates (CZMQ's zcert files: `server` is public, `server_secret` is not).
Certificate.create({name: "server"}).save("keys/server") // creates keys/ when needed
const alice = Certificate.create({name: "alice"})
alice.save("keys/alice") // keys/alice and keys/alice_secret, for the client
alice.savePublic("keys/clients/alice") // registers alice with the server

// Server: an authenticator admits the clients whose public certificate is in a directory.
const auth = new Authenticator({onDecision: d => console.log(d.allowed, d.reason)})
auth.configureCurve({directory: "keys/clients"}) // watched: new files take effect at once
auth.start() // before the server binds: without it, every client gets in
const reply = new Reply({curveServer: true})
Certificate.load("keys/server").apply(reply) // curvePublicKey + curveSecretKey
await reply.bind("tcp://127.0.0.1:*")

// Client: its own key pair and the server's public key.
const request = new Request({curveServerKey: Certificate.load("keys/server").publicKey})
Certificate.load("keys/alice").apply(request)
request.connect(reply.lastEndpoint!)
// #endregion curve

await request.send("hello")
const [question] = await reply.receive()
await reply.send(`world (re: ${question})`)
const [answer] = await request.receive()
console.log(answer.toString()) // world (re: hello)

request.close()
reply.close()
auth.stop()
fs.rmSync(home, {recursive: true})
