"use strict"
// zeromq-napi's idiomatic API with the watcher-thread event loop that Bun and Deno get
// (ZEROMQ_NAPI_EVENT_LOOP=thread), on Node: side by side with napi-idiomatic (libuv), it
// measures what the thread hand-off costs. Set in load(), which runs in the benchmark's
// child process only, so that no other implementation inherits it.
const {zmqRoles} = require("./zmq-roles")
const {impl: idiomatic} = require("./napi-idiomatic")

const impl = {
  ...idiomatic,
  load() {
    process.env.ZEROMQ_NAPI_EVENT_LOOP = "thread"
    const zmq = require("zeromq-napi")
    if (zmq.capability.eventLoop !== "thread") {
      throw new Error(`expected the watcher thread, got ${zmq.capability.eventLoop}`)
    }
    return zmq
  },
}

module.exports = {
  id: "napi-thread",
  label: "zeromq-napi/thread loop",
  module: "zeromq-napi",
  impl,
  roles: zmqRoles(impl),
}
