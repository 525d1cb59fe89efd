/**
 * Small programs run against both zeromq v6 and this package (v6-parity.test.ts): each
 * returns what it observed (values, or an error's class, code, errno, message and
 * address), and both must observe the same.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
// Strict code, as v6 users' modules: assigning an unknown or read-only property throws.
"use strict"

/** The observable shape of an outcome: a value, or an error's public fields. */
export function outcome(value: unknown): unknown {
  if (value instanceof Error) {
    const err = value as Error & {code?: unknown; errno?: unknown; address?: unknown}
    return {
      error:
        err.constructor === TypeError || err.constructor === RangeError
          ? err.constructor.name
          : "Error",
      message: err.message,
      code: err.code,
      errno: err.errno,
      address: err.address,
    }
  }
  return value
}

async function attempt(fn: () => unknown): Promise<unknown> {
  try {
    return outcome(await fn())
  } catch (err) {
    return outcome(err)
  }
}

type Zmq = any
/** One program: what it returns is compared between the two implementations. */
export type ParityCase = (zmq: Zmq) => Promise<unknown>

function socket<T>(zmq: Zmq, name: string, use: (s: any) => Promise<T>): Promise<T> {
  const s = new zmq[name]({linger: 0})
  return use(s).finally(() => s.close())
}

/** The programs, by name. */
export const parityCases: Record<string, ParityCase> = {
  "bind: invalid endpoint": zmq => socket(zmq, "Dealer", s => attempt(() => s.bind("foo-bar"))),
  "bind: unsupported transport": zmq =>
    socket(zmq, "Dealer", s => attempt(() => s.bind("cat://foo"))),
  "bind: address in use": async zmq => {
    const a = new zmq.Dealer({linger: 0})
    const b = new zmq.Dealer({linger: 0})
    try {
      await a.bind("tcp://127.0.0.1:*")
      const r = await attempt(() => b.bind(a.lastEndpoint))
      return {...(r as object), address: typeof (r as any).address}
    } finally {
      a.close()
      b.close()
    }
  },
  "bindSync: invalid endpoint": zmq =>
    socket(zmq, "Dealer", s => attempt(() => s.bindSync("foo-bar"))),
  "bind: non-string": zmq => socket(zmq, "Dealer", s => attempt(() => s.bind(1))),
  "unbind: unknown endpoint": zmq =>
    socket(zmq, "Dealer", s => attempt(() => s.unbind("tcp://127.0.0.1:1"))),
  "unbindSync: unknown endpoint": zmq =>
    socket(zmq, "Dealer", s => attempt(() => s.unbindSync("tcp://127.0.0.1:1"))),
  "connect: invalid endpoint": zmq =>
    socket(zmq, "Dealer", s => attempt(() => s.connect("foo-bar"))),
  "connect: unsupported transport": zmq =>
    socket(zmq, "Dealer", s => attempt(() => s.connect("cat://foo"))),
  "connect: non-string": zmq => socket(zmq, "Dealer", s => attempt(() => s.connect(null))),
  "disconnect: unknown endpoint": zmq =>
    socket(zmq, "Dealer", s => attempt(() => s.disconnect("tcp://127.0.0.1:1"))),
  "bind: closed socket": async zmq => {
    const s = new zmq.Dealer()
    s.close()
    return attempt(() => s.bind("inproc://x"))
  },
  "connect: closed socket": async zmq => {
    const s = new zmq.Dealer()
    s.close()
    return attempt(() => s.connect("inproc://x"))
  },
  "option: closed socket": async zmq => {
    const s = new zmq.Dealer()
    s.close()
    return attempt(() => s.sendHighWaterMark)
  },
  "send: closed socket": async zmq => {
    const s = new zmq.Dealer()
    s.close()
    return attempt(() => s.send("x"))
  },
  "receive: closed socket": async zmq => {
    const s = new zmq.Dealer()
    s.close()
    return attempt(() => s.receive())
  },
  "close twice": async zmq => {
    const s = new zmq.Dealer()
    s.close()
    return attempt(() => s.close())
  },
  "Socket: no type": zmq => attempt(() => new zmq.Socket()),
  "Socket: string type": zmq => attempt(() => new zmq.Socket("dealer")),
  "Socket: bad options": zmq => attempt(() => new zmq.Socket(5, 1)),
  "Socket: bad type number": zmq => attempt(() => new zmq.Socket(999)),
  "Socket: generic with options": async zmq => {
    const s = new zmq.Socket(5, {})
    try {
      return {socket: s instanceof zmq.Socket, closed: s.closed}
    } finally {
      s.close()
    }
  },
  "Socket: bad context": zmq => attempt(() => new zmq.Dealer({context: {}})),
  "Dealer: bad options": zmq => attempt(() => new zmq.Dealer(1)),
  "Dealer: unknown option": zmq => attempt(() => new zmq.Dealer({foo: 1})),
  "Dealer: read-only option": zmq => attempt(() => new zmq.Dealer({type: 1})),
  "Context: bad options": zmq => attempt(() => new zmq.Context(1)),
  "Context: unknown option": zmq => attempt(() => new zmq.Context({foo: 1})),
  "Context: unknown property": zmq =>
    attempt(() => {
      const c = new zmq.Context()
      c.foo = 1
      return c.foo
    }),
  "Socket: unknown property": zmq =>
    socket(zmq, "Dealer", async s =>
      attempt(() => {
        s.lingr = 0
        return s.lingr
      }),
    ),
  "Socket: read-only property": zmq =>
    socket(zmq, "Dealer", async s =>
      attempt(() => {
        s.type = 1
        return s.type
      }),
    ),
  "Socket: option range": zmq =>
    socket(zmq, "Dealer", async s => attempt(() => (s.sendHighWaterMark = -5))),
  "Socket: option type": zmq =>
    socket(zmq, "Dealer", async s => attempt(() => (s.sendHighWaterMark = "x"))),
  "Proxy: no args": zmq => attempt(() => new zmq.Proxy()),
  "Proxy: bad back end": zmq =>
    socket(zmq, "Router", async s => attempt(() => new zmq.Proxy(s, 1))),
  "Proxy: unbound ends": async zmq => {
    const a = new zmq.Router({linger: 0})
    const b = new zmq.Dealer({linger: 0})
    try {
      return await attempt(() => new zmq.Proxy(a, b).run())
    } finally {
      a.close()
      b.close()
    }
  },
  "Proxy: unbound back end": async zmq => {
    const a = new zmq.Router({linger: 0})
    const b = new zmq.Dealer({linger: 0})
    try {
      await a.bind("inproc://parity-proxy-front")
      return await attempt(() => new zmq.Proxy(a, b).run())
    } finally {
      a.close()
      b.close()
    }
  },
  "Proxy: pause not running": async zmq => {
    const a = new zmq.Router({linger: 0})
    const b = new zmq.Dealer({linger: 0})
    try {
      return await attempt(() => new zmq.Proxy(a, b).pause())
    } finally {
      a.close()
      b.close()
    }
  },
  "Observer: no socket": zmq => attempt(() => new zmq.Observer()),
  "Observer: closed socket": async zmq => {
    const s = new zmq.Dealer()
    s.close()
    return attempt(() => new zmq.Observer(s))
  },
  "Observer: receive in emitter mode": zmq =>
    socket(zmq, "Dealer", async s => {
      s.events.on("bind", () => {})
      return attempt(() => s.events.receive())
    }),
  "Observer: receive after close": zmq =>
    socket(zmq, "Dealer", async s => {
      const observer = s.events
      observer.close()
      // Read what is left (the end event, in this package) until the observer refuses.
      for (let i = 0; i < 3; i++) {
        const result = await attempt(() => observer.receive())
        if ((result as {error?: string}).error !== undefined) return result
      }
      return "no error"
    }),
  "send: null and number frames": async zmq => {
    const a = new zmq.Pair({linger: 0})
    const b = new zmq.Pair({linger: 0})
    try {
      await a.bind("inproc://parity-null")
      b.connect("inproc://parity-null")
      await b.send([null, 42, "x", 1.5])
      const got = await a.receive()
      return got.map((f: Buffer) => f.toString())
    } finally {
      a.close()
      b.close()
    }
  },
  "send: undefined": zmq => socket(zmq, "Pair", s => attempt(() => s.send(undefined))),
  "push-pull: multipart round trip": async zmq => {
    const pull = new zmq.Pull({linger: 0})
    const push = new zmq.Push({linger: 0})
    try {
      await pull.bind("tcp://127.0.0.1:*")
      push.connect(pull.lastEndpoint)
      const got: string[][] = []
      for (let i = 0; i < 5; i++) await push.send([`part ${i}`, Buffer.from([i]), ""])
      for (let i = 0; i < 5; i++)
        got.push((await pull.receive()).map((f: Buffer) => f.toString("hex")))
      return got
    } finally {
      pull.close()
      push.close()
    }
  },
  "req-rep: three requests": async zmq => {
    const rep = new zmq.Reply({linger: 0})
    const req = new zmq.Request({linger: 0})
    try {
      await rep.bind("tcp://127.0.0.1:*")
      req.connect(rep.lastEndpoint)
      const answers: string[] = []
      for (let i = 0; i < 3; i++) {
        await req.send(`question ${i}`)
        const [q] = await rep.receive()
        await rep.send(`answer to ${q}`)
        const [a] = await req.receive()
        answers.push(a.toString())
      }
      return answers
    } finally {
      rep.close()
      req.close()
    }
  },
  "router-dealer: routing ids": async zmq => {
    const router = new zmq.Router({linger: 0})
    const dealer = new zmq.Dealer({linger: 0, routingId: "d1"})
    try {
      await router.bind("tcp://127.0.0.1:*")
      dealer.connect(router.lastEndpoint)
      await dealer.send("hello")
      const [id, body] = await router.receive()
      await router.send([id, `hi ${body}`])
      const [reply] = await dealer.receive()
      return [id.toString(), reply.toString()]
    } finally {
      router.close()
      dealer.close()
    }
  },
  "pub-sub: prefix subscriptions": async zmq => {
    const pub = new zmq.Publisher({linger: 0})
    const sub = new zmq.Subscriber({linger: 0})
    try {
      await pub.bind("tcp://127.0.0.1:*")
      sub.connect(pub.lastEndpoint)
      sub.subscribe("a")
      const got: string[] = []
      // A subscription reaches the publisher asynchronously: publish until one arrives.
      const first = sub.receive()
      let arrived = false
      void first.then(() => (arrived = true))
      while (!arrived) {
        await pub.send(["a", "probe"])
        await new Promise(resolve => setTimeout(resolve, 5))
      }
      await first
      // Drain the probes, then a marked sequence.
      await pub.send(["b", "never"])
      await pub.send(["a", "end"])
      for (;;) {
        const [topic, body] = await sub.receive()
        if (body.toString() === "end") {
          got.push(topic.toString())
          break
        }
      }
      return got
    } finally {
      pub.close()
      sub.close()
    }
  },
  "socket: type, closed, context and defaults": async zmq => {
    const s = new zmq.Dealer()
    try {
      return {
        type: s.type,
        closed: s.closed,
        context: s.context === zmq.context,
        sendHighWaterMark: s.sendHighWaterMark,
        immediate: s.immediate,
        routingId: s.routingId,
        lastEndpoint: s.lastEndpoint,
      }
    } finally {
      s.close()
    }
  },
  "context: unknown property on socket options": zmq =>
    attempt(() => new zmq.Context({blocky: false, ioThreads: 2}).ioThreads),
}
