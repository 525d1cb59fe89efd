import {Pull, ZmqError} from "zeromq-napi"

const pull = new Pull()
await pull.bind("tcp://127.0.0.1:*")

// #region cancel
try {
  // Nothing arrives: the signal rejects the waiting receive with its reason.
  await pull.receive({signal: AbortSignal.timeout(100)})
} catch (error) {
  console.log((error as Error).name) // TimeoutError
}
// #endregion cancel

// #region errors
const second = new Pull()
try {
  await second.bind(pull.lastEndpoint!) // the port is taken
} catch (error) {
  if (!(error instanceof ZmqError)) throw error
  console.log(error.code, error.address) // EADDRINUSE tcp://127.0.0.1:…
} finally {
  second.close() // close() never throws
}
// #endregion errors

pull.close()
