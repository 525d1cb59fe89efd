// Smoke test of an installed or prebuilt zeromq-napi: loads the package the way a user does and
// checks the version, the capabilities, and CURVE round trips over tcp, ipc and inproc.
//
//   node scripts/smoke-test.mjs [package folder]
//
// Without an argument it loads "zeromq-napi" as resolved from the current folder (the package
// itself when run in its checkout). scripts/prebuild-all.js runs it with PREBUILDS_ONLY=1 under
// this Node, qemu (linux-arm64) and wine (win32-x64); the release workflow runs it in a folder
// where the packed tarball was installed. Prints one line per check and ends with
// "smoke test passed"; exits non-zero on the first failure. No test framework: it must run on
// any Node, including under emulation. ZEROMQ_NAPI_SMOKE_IPC=unsupported (set for Wine, which has
// no AF_UNIX sockets) expects ipc binds to fail with EAFNOSUPPORT instead of a round trip.
// ZEROMQ_NAPI_SMOKE_CURVE=libsodium requires that CURVE library.
import * as fs from "node:fs"
import {createRequire} from "node:module"
import * as os from "node:os"
import * as path from "node:path"

const started = Date.now()
const from = process.argv[2] ? path.resolve(process.argv[2]) : process.cwd()
const require = createRequire(path.join(from, "noop.js"))
const print = line => process.stdout.write(`${line}\n`)

function check(ok, what) {
  if (!ok) throw new Error(`check failed: ${what}`)
  print(`ok ${what}`)
}

function withTimeout(promise, ms, what) {
  let timer
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

async function curveRoundTrip(zmq, transport, address) {
  const server = zmq.curveKeyPair()
  const client = zmq.curveKeyPair()
  const reply = new zmq.Reply({curveServer: true, curveSecretKey: server.secretKey, linger: 0})
  const request = new zmq.Request({
    curveServerKey: server.publicKey,
    curvePublicKey: client.publicKey,
    curveSecretKey: client.secretKey,
    linger: 0,
  })
  try {
    check(
      reply.securityMechanism === "curve" && request.securityMechanism === "curve",
      `${transport}: both sockets use the CURVE mechanism`,
    )
    await reply.bind(address)
    request.connect(reply.lastEndpoint ?? address)
    const payload = Buffer.alloc(100_000, 7) // above the zero-copy threshold
    await request.send(["ping", payload])
    const [word, body] = await withTimeout(reply.receive(), 30_000, `${transport} request`)
    check(word.toString() === "ping" && body.equals(payload), `${transport}: request arrived`)
    await reply.send("pong")
    const [answer] = await withTimeout(request.receive(), 30_000, `${transport} reply`)
    check(answer.toString() === "pong", `${transport}: CURVE round trip (${reply.lastEndpoint})`)
    return reply
  } catch (err) {
    reply.close()
    throw err
  } finally {
    request.close()
  }
}

async function main() {
  const zmq = require("zeromq-napi")
  const root = path.dirname(require.resolve("zeromq-napi/package.json"))
  const native = require(path.join(root, "dist", "cjs", "addon", "load.js"))
  const file = native.addonPath()
  const runtime = process.versions.bun ? `Bun ${process.versions.bun}` : `Node ${process.version}`
  print(
    `platform ${process.platform}-${process.arch} (${native.describeTarget(native.hostTarget())}), ${runtime}`,
  )
  print(
    `addon ${path.relative(root, file)}${process.env.PREBUILDS_ONLY ? " (PREBUILDS_ONLY)" : ""}`,
  )
  const expected = process.env.ZEROMQ_NAPI_SMOKE_TARGET
  if (expected) {
    const [platform, arch] = expected.split("-")
    check(process.platform === platform && process.arch === arch, `runs as ${platform}-${arch}`)
    check(
      path
        .relative(root, file)
        .split(path.sep)
        .join("/")
        .startsWith(`prebuilds/${platform}-${arch}/`),
      `loaded the ${platform}-${arch} prebuild`,
    )
  }
  check(zmq.version === "4.3.4", `libzmq version ${zmq.version}`)
  const binding = require(file)
  // Node's libuv, unless ZEROMQ_NAPI_EVENT_LOOP=thread forces the watcher thread (docs/runtimes.md).
  const loop = process.env.ZEROMQ_NAPI_EVENT_LOOP === "thread" ? "thread" : "libuv"
  check(binding.eventLoop === loop, `sockets wait through ${loop} (eventLoop ${binding.eventLoop})`)
  const cap = zmq.capability
  print(`capability ${JSON.stringify(cap)}`)
  check(cap.curve && cap.draft && cap.ipc, "capability: curve, draft and ipc")
  const curve = process.env.ZEROMQ_NAPI_SMOKE_CURVE
  check(
    curve ? cap.curveLibrary === curve : ["libsodium", "tweetnacl"].includes(cap.curveLibrary),
    `CURVE on ${cap.curveLibrary}`,
  )

  const keys = zmq.curveKeyPair()
  check(
    zmq.curvePublicKey(keys.secretKey) === keys.publicKey,
    "curveKeyPair()/curvePublicKey() agree",
  )

  // tcp, with a check that CURVE really guards it: a client with a wrong server key fails the
  // handshake (the server reports ERR_ZMTP_CRYPTOGRAPHIC) instead of getting through.
  const reply = await curveRoundTrip(zmq, "tcp", "tcp://127.0.0.1:*")
  try {
    const refused = new Promise(resolve => reply.events.on("handshake:error:protocol", resolve))
    const own = zmq.curveKeyPair()
    const stranger = new zmq.Request({
      curveServerKey: zmq.curveKeyPair().publicKey,
      curvePublicKey: own.publicKey,
      curveSecretKey: own.secretKey,
      linger: 0,
    })
    stranger.connect(reply.lastEndpoint)
    const event = await withTimeout(refused, 30_000, "the wrong-key handshake to fail")
    stranger.close()
    check(
      event.error && event.error.code === "ERR_ZMTP_CRYPTOGRAPHIC",
      `tcp: a client with a wrong server key is refused (${event.error && event.error.code})`,
    )
  } finally {
    reply.close()
  }

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zmq-smoke-"))
  try {
    const address = `ipc://${path.join(dir, "s")}`
    if (process.env.ZEROMQ_NAPI_SMOKE_IPC === "unsupported") {
      // Wine (8) has no AF_UNIX sockets. The ipc transport is still there: libzmq gets as far as
      // socket(AF_UNIX), which fails with EAFNOSUPPORT (without it, bind says EPROTONOSUPPORT).
      const pull = new zmq.Pull({linger: 0})
      let code
      try {
        await pull.bind(address)
      } catch (err) {
        code = err.code
      } finally {
        pull.close()
      }
      check(
        code === "EAFNOSUPPORT",
        `ipc: transport built in, AF_UNIX refused by this system (${code})`,
      )
    } else {
      ;(await curveRoundTrip(zmq, "ipc", address)).close()
    }
  } finally {
    fs.rmSync(dir, {recursive: true, force: true})
  }
  // libzmq runs no security handshake over inproc: the CURVE-configured sockets still talk.
  ;(await curveRoundTrip(zmq, "inproc", `inproc://smoke-curve-${process.pid}`)).close()

  print(`smoke test passed in ${((Date.now() - started) / 1000).toFixed(1)} s`)
}

main().then(
  () => process.exit(0),
  err => {
    print(`FAILED: ${err && err.stack ? err.stack : err}`)
    process.exit(1)
  },
)
