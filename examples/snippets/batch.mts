import {Pull, Push} from "zeromq-napi"

const pull = new Pull()
await pull.bind("tcp://127.0.0.1:*")
const push = new Push()
push.connect(pull.lastEndpoint!)

// #region batch
const messages = Array.from({length: 10_000}, (_, i) => `tick ${i}`)
const sent = push.sendMany(messages) // as few native calls as the high-water mark allows
let bytes = 0
let received = 0
while (received < messages.length) {
  const batch = await pull.receiveBatch() // every message that is ready, at least one
  for (let i = 0; i < batch.length; i++) bytes += batch.frame(i).length // a view, no copy
  received += batch.length
}
// #endregion batch
await sent
console.log(`${received} messages, ${bytes} bytes`) // 10000 messages, 88890 bytes

push.close()
pull.close()
