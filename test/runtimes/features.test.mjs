// Observer events, the poller, timeouts and close on this runtime.
import assert from "node:assert/strict"
import {bindTo, test, within, zmq} from "./harness.mjs"

test("the observer reports bind, accept and connect", async () => {
  const server = new zmq.Router({linger: 0})
  const client = new zmq.Dealer({linger: 0})
  const serverEvents = []
  const clientEvents = []
  try {
    const accepted = new Promise(resolve =>
      server.events.on("accept", event => {
        serverEvents.push(event.type)
        resolve()
      }),
    )
    const connected = new Promise(resolve =>
      client.events.on("connect", event => {
        clientEvents.push(event.type)
        resolve()
      }),
    )
    const bound = new Promise(resolve => server.events.on("bind", resolve))
    const endpoint = await bindTo(server, "tcp")
    await within(bound, 5000, "bind event")
    client.connect(endpoint)
    await within(Promise.all([accepted, connected]), 5000, "accept and connect events")
    assert.deepEqual([serverEvents, clientEvents], [["accept"], ["connect"]])
  } finally {
    client.close()
    server.close()
  }
})

test("the poller reports the readable socket of many", async () => {
  const pulls = [new zmq.Pull({linger: 0}), new zmq.Pull({linger: 0})]
  const push = new zmq.Push({linger: 0})
  const poller = new zmq.Poller()
  try {
    push.connect(await bindTo(pulls[1], "inproc"))
    await bindTo(pulls[0], "inproc")
    for (const pull of pulls) poller.add(pull)
    const waiting = poller.wait({timeout: 5000})
    await push.send("to the second")
    const events = await waiting
    assert.equal(events.length, 1)
    assert.equal(events[0].socket, pulls[1])
    assert.equal(events[0].readable, true)
    assert.equal((await pulls[1].receive())[0].toString(), "to the second")
  } finally {
    push.close()
    for (const pull of pulls) pull.close()
  }
})

test("a receive times out with EAGAIN after receiveTimeout", async () => {
  const pull = new zmq.Pull({linger: 0, receiveTimeout: 50})
  try {
    await bindTo(pull, "tcp")
    const started = Date.now()
    await assert.rejects(pull.receive(), error => error.code === "EAGAIN")
    assert.ok(Date.now() - started >= 40, "waited the timeout")
  } finally {
    pull.close()
  }
})

test("close() rejects a pending receive, and the socket stays closed", async () => {
  const pull = new zmq.Pull({linger: 0})
  await bindTo(pull, "tcp")
  const pending = pull.receive()
  pull.close()
  await assert.rejects(pending, error => typeof error.code === "string")
  assert.equal(pull.closed, true)
})

test("a send waits at the high-water mark and goes on once the peer reads", async () => {
  const push = new zmq.Push({linger: 0, sendHighWaterMark: 1})
  const pull = new zmq.Pull({linger: 0, receiveHighWaterMark: 1})
  try {
    const endpoint = await bindTo(push, "tcp")
    const sending = (async () => {
      for (let i = 0; i < 500; i++) await push.send(String(i))
    })()
    // Nobody reads yet: the sends stop at the high-water mark until the peer connects.
    pull.connect(endpoint)
    for (let i = 0; i < 500; i++) assert.equal((await pull.receive())[0].toString(), String(i))
    await within(sending, 5000, "the sends")
  } finally {
    push.close()
    pull.close()
  }
})
