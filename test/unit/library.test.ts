import {expect} from "chai"
import * as fs from "node:fs"
import {capability, curveKeyPair, curvePublicKey, version, z85} from "../../lib"
import {runNode} from "../helpers"

describe("the library", () => {
  it("reports the vendored libzmq version", () => {
    expect(version).to.equal("4.3.4")
  })

  it("reports its capabilities as booleans, with curve and draft in the vendored build", () => {
    for (const name of ["ipc", "pgm", "tipc", "norm", "curve", "gssapi", "draft"] as const) {
      expect(capability[name], name).to.be.a("boolean")
    }
    expect(capability.curve).to.equal(true)
    expect(capability.draft).to.equal(true)
    expect(capability.ipc).to.equal(process.platform !== "win32" || capability.ipc)
  })

  it("waits with libuv on Node unless ZEROMQ_NAPI_EVENT_LOOP forces the watcher thread", async () => {
    const forced = process.env.ZEROMQ_NAPI_EVENT_LOOP
    expect(capability.eventLoop).to.equal(forced === "thread" ? "thread" : "libuv")
    // Each choice in a child of its own, both sockets waiting (a round trip over tcp).
    const source = `
      import * as zmq from "zeromq-napi"
      const pull = new zmq.Pull({linger: 0})
      await pull.bind("tcp://127.0.0.1:*")
      const push = new zmq.Push({linger: 0})
      push.connect(pull.lastEndpoint)
      const received = pull.receive()
      await push.send("ok")
      const [message] = await received
      console.log(zmq.capability.eventLoop, String(message))
      push.close()
      pull.close()
    `
    for (const [value, expected] of [
      ["uv", "libuv"],
      ["thread", "thread"],
    ]) {
      const result = await runNode(["--input-type=module", "-e", source], 20000, {
        ZEROMQ_NAPI_EVENT_LOOP: value,
      })
      expect(result.stderr, value).to.equal("")
      expect(result.code, value).to.equal(0)
      expect(result.stdout.trim(), value).to.equal(`${expected} ok`)
    }
  })

  it("names the CURVE crypto library the build linked, linking libsodium only statically", () => {
    expect(capability.curveLibrary).to.be.oneOf(["libsodium", "tweetnacl"])
    if (process.platform !== "linux") return
    // The default build (ZMQ_NAPI_LIBSODIUM=auto) takes Debian's libsodium-dev when present.
    if (fs.existsSync("/usr/lib/x86_64-linux-gnu/libsodium.a") && process.arch === "x64") {
      expect(capability.curveLibrary).to.equal("libsodium")
    }
    // Static: the loaded addon pulled in no shared libsodium.
    expect(fs.readFileSync("/proc/self/maps", "utf8")).to.not.match(/libsodium\.so/)
  })

  it("creates distinct CURVE key pairs as 40-character Z85 strings", () => {
    const a = curveKeyPair()
    const b = curveKeyPair()
    expect(a.publicKey).to.have.length(40)
    expect(a.secretKey).to.have.length(40)
    expect(a.publicKey).to.not.equal(b.publicKey)
    expect(z85.decode(a.publicKey)).to.have.length(32)
  })

  it("derives the public key from the secret key", () => {
    const pair = curveKeyPair()
    expect(curvePublicKey(pair.secretKey)).to.equal(pair.publicKey)
  })

  it("round-trips bytes through Z85 and rejects bad lengths", () => {
    const bytes = Buffer.from([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b])
    expect(z85.encode(bytes)).to.equal("HelloWorld")
    expect(z85.decode("HelloWorld")).to.deep.equal(bytes)
    expect(() => z85.encode(Buffer.alloc(3))).to.throw(RangeError)
    expect(() => z85.decode("abcd")).to.throw(RangeError)
  })
})
