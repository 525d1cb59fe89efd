// CURVE-secured request-reply: the connection is encrypted, and the server admits only the
// clients whose certificate is in its certificate directory. An Authenticator (the ZAP
// handler) makes that decision and logs it.
// Run: npx tsx examples/curve-request-reply.ts
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import {Authenticator, Certificate, Reply, Request} from "zeromq-napi"

async function serve(reply: Reply) {
  for await (const [request] of reply) {
    await reply.send(`world (re: ${request.toString()})`)
  }
}

async function main() {
  // In real life these files are made once (and the secret ones kept private); here a
  // temporary folder plays the server's configuration folder.
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "curve-example-"))
  const clients = path.join(home, "clients")
  fs.mkdirSync(clients)

  const serverCert = Certificate.create({name: "server"})
  serverCert.save(path.join(home, "server")) // server (public) and server_secret
  const clientCert = Certificate.create({name: "client"})
  clientCert.save(path.join(home, "client"))
  // Registering a client = putting its public certificate into the server's directory.
  clientCert.toPublic().savePublic(path.join(clients, "client"))

  const names = new Map([[clientCert.publicKey, "client"]])
  const logged = new Set<string>()
  const auth = new Authenticator({
    onDecision: ({identity, allowed, reason}) => {
      // A refused peer reconnects and is refused again: log each peer and outcome once.
      const line = `auth: ${names.get(identity) ?? "stranger"} ${allowed ? "admitted" : "refused"} (${reason.replace(home, "<dir>")})`
      if (!logged.has(line)) console.log(line)
      logged.add(line)
    },
  })
  auth.allow("127.0.0.1")
  auth.configureCurve({directory: clients})
  auth.start()

  // The server loads its own certificate, secret key included.
  const reply = new Reply({curveServer: true})
  Certificate.load(path.join(home, "server")).apply(reply)
  await reply.bind("tcp://127.0.0.1:*")
  void serve(reply)

  // The client knows the server's public certificate and has its own key pair.
  const serverPublic = Certificate.load(path.join(home, "server")).publicKey
  const request = new Request({curveServerKey: serverPublic})
  Certificate.load(path.join(home, "client")).apply(request)
  request.connect(reply.lastEndpoint!)
  for (let i = 1; i <= 2; i++) {
    await request.send(`hello ${i}`)
    const [answer] = await request.receive()
    console.log(`client: ${answer.toString()}`)
  }

  // A client with a key the server never registered: the handshake is refused.
  const stranger = new Request({curveServerKey: serverPublic, linger: 0})
  Certificate.create().apply(stranger)
  const refused = new Promise<number>(resolve => {
    stranger.events.on("handshake:error:auth", ({error}) => resolve(error.status))
  })
  stranger.connect(reply.lastEndpoint!)
  void stranger.send("let me in").catch(() => {})
  console.log(`stranger: refused with ZAP status ${await refused}`)

  stranger.close()
  request.close()
  reply.close()
  auth.stop()
  fs.rmSync(home, {recursive: true})
}

void main()
