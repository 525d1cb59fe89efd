import {Reply} from "zeromq-napi"
import {LazyPirateClient, RequestTimeoutError} from "zeromq-napi/patterns"

// A server that answers one request, then goes silent.
const server = new Reply()
await server.bind("tcp://127.0.0.1:*")
const endpoint = server.lastEndpoint!
void (async () => {
  const [request] = await server.receive()
  await server.send(`world (re: ${request})`)
})()

// #region client
const client = new LazyPirateClient(endpoint, {timeout: 250, retries: 3})
for (const request of ["hello", "anyone?"]) {
  try {
    const [reply] = await client.request(request)
    console.log(reply.toString())
  } catch (err) {
    if (!(err instanceof RequestTimeoutError)) throw err
    console.log(`no reply after ${err.attempts} tries`)
  }
}
await client.close()
// #endregion client
server.close()
