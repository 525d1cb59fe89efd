import {Pull, Push} from "zeromq-napi"

const pull = new Pull()
await pull.bind("tcp://127.0.0.1:*")
const push = new Push()
push.connect(pull.lastEndpoint!)

// #region tracked
const buffer = Buffer.alloc(1024 * 1024, 1) // 64 KiB or more: sent without copying
const {sent, released} = push.sendTracked(buffer)
await sent // libzmq accepted the message: it may still read `buffer`
const [frame] = await pull.receive()
await released // libzmq is done with `buffer`: now it may be changed or reused
buffer.fill(2)
// #endregion tracked
console.log(frame.length, frame[0]) // 1048576 1

push.close()
pull.close()
