// Every socket pattern over tcp, ipc and inproc, multipart and large frames, on this runtime.
import assert from "node:assert/strict"
import {bindTo, collectGarbage, runtime, test, transports, within, zmq} from "./harness.mjs"

test("the runtime gets its event loop: libuv on Node, the watcher thread on Bun and Deno", () => {
  const forced = process.env.ZEROMQ_NAPI_EVENT_LOOP
  const expected = forced === "thread" ? "thread" : runtime === "node" ? "libuv" : "thread"
  assert.equal(zmq.capability.eventLoop, expected)
})

/** Sends `first` until `receiver` gets it (subscriptions and connects take a moment). */
async function untilReceived(sender, receiver, message) {
  let done = false
  const receiving = receiver.receive().then(received => {
    done = true
    return received
  })
  while (!done) {
    await sender.send(message)
    await Promise.race([receiving, new Promise(resolve => setTimeout(resolve, 10))])
  }
  return receiving
}

for (const transport of transports) {
  test(`push/pull over ${transport}: 2000 messages in order`, async () => {
    const pull = new zmq.Pull({linger: 0})
    const push = new zmq.Push({linger: 0, sendHighWaterMark: 100})
    try {
      push.connect(await bindTo(pull, transport))
      const receiving = (async () => {
        for (let i = 0; i < 2000; i++) {
          const [message] = await pull.receive()
          assert.equal(message.toString(), String(i))
        }
      })()
      for (let i = 0; i < 2000; i++) await push.send(String(i))
      await within(receiving, 10000, "2000 messages")
    } finally {
      push.close()
      pull.close()
    }
  })

  test(`request/reply over ${transport}: 200 round trips`, async () => {
    const reply = new zmq.Reply({linger: 0})
    const request = new zmq.Request({linger: 0})
    try {
      request.connect(await bindTo(reply, transport))
      const serving = (async () => {
        for (let i = 0; i < 200; i++) {
          const [message] = await reply.receive()
          await reply.send(`re:${message}`)
        }
      })()
      for (let i = 0; i < 200; i++) {
        await request.send(String(i))
        const [answer] = await request.receive()
        assert.equal(answer.toString(), `re:${i}`)
      }
      await serving
    } finally {
      request.close()
      reply.close()
    }
  })

  test(`publish/subscribe over ${transport}: a topic filter`, async () => {
    const publisher = new zmq.Publisher({linger: 0})
    const subscriber = new zmq.Subscriber({linger: 0})
    try {
      subscriber.connect(await bindTo(publisher, transport))
      subscriber.subscribe("news")
      const [topic, body] = await untilReceived(publisher, subscriber, ["news", "hello"])
      assert.equal(`${topic} ${body}`, "news hello")
      await publisher.send(["sports", "skipped"])
      await publisher.send(["news", "second"])
      // Earlier retries may still be queued: the next non-"hello" one must be news too.
      let message
      do message = await subscriber.receive()
      while (message[1].toString() === "hello")
      assert.deepEqual(message.map(String), ["news", "second"])
    } finally {
      subscriber.close()
      publisher.close()
    }
  })

  test(`dealer/router over ${transport}: routed replies`, async () => {
    const router = new zmq.Router({linger: 0})
    const dealers = [new zmq.Dealer({linger: 0}), new zmq.Dealer({linger: 0})]
    try {
      const endpoint = await bindTo(router, transport)
      for (const dealer of dealers) dealer.connect(endpoint)
      const serving = (async () => {
        for (let i = 0; i < 20; i++) {
          const [identity, body] = await router.receive()
          await router.send([identity, `re:${body}`])
        }
      })()
      await Promise.all(
        dealers.map(async (dealer, d) => {
          for (let i = 0; i < 10; i++) {
            await dealer.send(`${d}-${i}`)
            const [answer] = await dealer.receive()
            assert.equal(answer.toString(), `re:${d}-${i}`)
          }
        }),
      )
      await serving
    } finally {
      for (const dealer of dealers) dealer.close()
      router.close()
    }
  })

  test(`pair over ${transport}: both directions`, async () => {
    const a = new zmq.Pair({linger: 0})
    const b = new zmq.Pair({linger: 0})
    try {
      b.connect(await bindTo(a, transport))
      await b.send("ping")
      assert.equal((await a.receive())[0].toString(), "ping")
      await a.send("pong")
      assert.equal((await b.receive())[0].toString(), "pong")
    } finally {
      a.close()
      b.close()
    }
  })

  test(`xpublisher/xsubscriber over ${transport}: subscriptions reach the publisher`, async () => {
    const xpub = new zmq.XPublisher({linger: 0})
    const xsub = new zmq.XSubscriber({linger: 0})
    try {
      xsub.connect(await bindTo(xpub, transport))
      await xsub.send(Buffer.from([1, ...Buffer.from("topic")]))
      const [subscription] = await xpub.receive()
      assert.equal(subscription[0], 1)
      assert.equal(subscription.subarray(1).toString(), "topic")
      const [topic] = await untilReceived(xpub, xsub, "topic:data")
      assert.equal(topic.toString(), "topic:data")
    } finally {
      xsub.close()
      xpub.close()
    }
  })
}

test("multipart messages and large frames (zero-copy sizes) arrive whole", async () => {
  const pull = new zmq.Pull({linger: 0})
  const push = new zmq.Push({linger: 0})
  try {
    push.connect(await bindTo(pull, "tcp"))
    const large = Buffer.alloc(1024 * 1024, 7)
    const medium = Buffer.alloc(200 * 1024, 3)
    await push.send(["a", Buffer.alloc(0), "c", large, medium])
    const frames = await pull.receive()
    assert.equal(frames.length, 5)
    assert.deepEqual(frames.slice(0, 3).map(String), ["a", "", "c"])
    assert.ok(frames[3].equals(large))
    assert.ok(frames[4].equals(medium))
    // Many large frames in a row (external buffers where the runtime allows them).
    for (let i = 0; i < 20; i++) await push.send(large)
    for (let i = 0; i < 20; i++) assert.ok((await pull.receive())[0].equals(large))
  } finally {
    push.close()
    pull.close()
  }
})

test("large received frames survive garbage collection (external buffers or copies)", async () => {
  const pull = new zmq.Pull({linger: 0})
  const push = new zmq.Push({linger: 0})
  try {
    push.connect(await bindTo(pull, "tcp"))
    const large = Buffer.alloc(1024 * 1024, 5)
    let kept = []
    for (let i = 0; i < 200; i++) {
      await push.send(large)
      const [frame] = await pull.receive()
      kept.push(frame)
      if (i % 20 === 19) {
        // Drop most, keep one: finalizers of collected frames run next to live ones.
        kept = [kept[0]]
        collectGarbage()
      }
    }
    collectGarbage()
    assert.ok(kept[0].equals(large))
  } finally {
    push.close()
    pull.close()
  }
})

test("CURVE: an encrypted round trip", async () => {
  const server = zmq.curveKeyPair()
  const client = zmq.curveKeyPair()
  const reply = new zmq.Reply({linger: 0, curveServer: true, curveSecretKey: server.secretKey})
  const request = new zmq.Request({
    linger: 0,
    curveServerKey: server.publicKey,
    curvePublicKey: client.publicKey,
    curveSecretKey: client.secretKey,
  })
  try {
    request.connect(await bindTo(reply, "tcp"))
    await request.send("secret")
    assert.equal((await reply.receive())[0].toString(), "secret")
    await reply.send("answer")
    assert.equal((await request.receive())[0].toString(), "answer")
    assert.equal(reply.securityMechanism, "curve")
  } finally {
    request.close()
    reply.close()
  }
})
