// #region v5
// const zmq = require("zeromq")   // or require("zmq")
const zmq = require("zeromq-napi/v5-compat")

// #endregion v5
const push = zmq.socket("push")
push.bindSync("tcp://127.0.0.1:*")
const endpoint = push.last_endpoint
push.send("task 1")

// #region v5
const sock = zmq.socket("pull")
sock.connect(endpoint)
sock.on("message", msg => console.log("work: %s", msg.toString()))
// #endregion v5

sock.once("message", () => {
  sock.close()
  push.close()
})
