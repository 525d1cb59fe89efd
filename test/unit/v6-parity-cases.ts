/**
 * Small programs run against both zeromq v6 and this package (v6-parity.test.ts): each
 * returns what it observed (values, or an error's class, code, errno, message and
 * address), and both must observe the same.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */

/** The observable shape of an outcome: a value, or an error's public fields. */
export function outcome(value: unknown): unknown {
  if (value instanceof Error) {
    const err = value as Error & {code?: unknown; errno?: unknown; address?: unknown}
    return {
      error: err.constructor === TypeError || err.constructor === RangeError ? err.constructor.name : "Error",
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
      "use strict"
      const c = new zmq.Context()
      c.foo = 1
      return c.foo
    }),
  "Socket: unknown property": zmq =>
    socket(zmq, "Dealer", async s =>
      attempt(() => {
        "use strict"
        s.lingr = 0
        return s.lingr
      }),
    ),
  "Socket: read-only property": zmq =>
    socket(zmq, "Dealer", async s =>
      attempt(() => {
        "use strict"
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
  "context: unknown property on socket options": zmq =>
    attempt(() => new zmq.Context({blocky: false, ioThreads: 2}).ioThreads),
}
