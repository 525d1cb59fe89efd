import {Context, Pull, Push, ZmqError} from "zeromq-napi"

// #region context
const context = new Context() // its own I/O thread and sockets; most programs use the shared one
const pull = new Pull({context})
await pull.bind("inproc://jobs") // inproc endpoints are per context
const push = new Push({context, linger: 0}) // 0: drop what is still queued at close
push.connect("inproc://jobs")

// A receive that never gets a message: it rejects once its socket closes. (Handle the rejection
// before awaiting something else, or Node reports it as unhandled.)
const pending = pull.receive().catch((error: ZmqError) => error.code)
await context.close() // closes every socket of the context, then waits for libzmq
console.log(await pending) // EBADF: its socket was closed
try {
  new Pull({context})
} catch (error) {
  console.log((error as ZmqError).code) // ETERM: the context is closed
}
// #endregion context
