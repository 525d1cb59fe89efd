import {Pull, Push} from "zeromq-napi"

const pull = new Pull()
await pull.bind("tcp://127.0.0.1:*")
const push = new Push()
push.connect(pull.lastEndpoint!)

// #region tracked
// The receiver prints each large frame until a short "end". Its pending receive also keeps
// the process alive while the sender waits for releases, which do not.
const receiver = (async () => {
  for await (const [frame] of pull) {
    if (frame.length < 64) break
    console.log(frame.length, frame[0])
  }
})()

const buffer = Buffer.alloc(1024 * 1024) // 64 KiB or more: sent without copying
for (let i = 1; i <= 3; i++) {
  buffer.fill(i) // safe: libzmq no longer reads it
  const {sent, released} = push.sendTracked(buffer)
  await sent // libzmq accepted the message, and may read `buffer` until...
  await released // ...now: it may be changed or reused
}
await push.send("end")
await receiver
// #endregion tracked

push.close()
pull.close()
