import {expect} from "chai"
import {spawnSync} from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import {addonPath} from "../../lib/addon/load"

const root = path.resolve(__dirname, "..", "..")

function node(args: string[], options: {cwd?: string; env?: NodeJS.ProcessEnv} = {}) {
  return spawnSync(process.execPath, args, {
    cwd: options.cwd ?? root,
    env: options.env ?? process.env,
    encoding: "utf8",
  })
}

/** The environment without what picks a binary (ZEROMQ_NAPI_ADDON, PREBUILDS_ONLY). */
function searchEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = {...process.env, ...extra}
  delete env.ZEROMQ_NAPI_ADDON
  if (!("PREBUILDS_ONLY" in extra)) delete env.PREBUILDS_ONLY
  return env
}

/** A copy of the compiled JavaScript without any binary next to it; removed by the callback's end. */
function withBareCopy(test: (dir: string) => void) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zeromq-napi-noaddon-"))
  try {
    fs.cpSync(path.join(root, "dist"), path.join(dir, "dist"), {recursive: true})
    fs.writeFileSync(
      path.join(dir, "package.json"),
      JSON.stringify({name: "zeromq-napi", main: "dist/cjs/index.js"}),
    )
    fs.symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"), "junction")
    test(dir)
  } finally {
    fs.rmSync(dir, {recursive: true, force: true})
  }
}

/** The binary the test suite itself loads. */
function currentAddon(): string {
  return addonPath() as string
}

describe("the package", () => {
  it("loads through its CommonJS entry point", () => {
    const result = node([
      "-e",
      'const z = require("zeromq-napi"); console.log(z.version, typeof z.Dealer)',
    ])
    expect(result.stderr).to.equal("")
    expect(result.stdout.trim()).to.equal("4.3.4 function")
  })

  it("loads through its ES module entry point, with named exports", () => {
    const result = node([
      "--input-type=module",
      "-e",
      'import {version, Dealer} from "zeromq-napi"; import * as draft from "zeromq-napi/draft"; console.log(version, typeof Dealer, typeof draft.Server)',
    ])
    expect(result.stderr).to.equal("")
    expect(result.stdout.trim()).to.equal("4.3.4 function function")
  })

  it("gives sockets their observer when only the draft entry point is imported", () => {
    const result = node([
      "--input-type=module",
      "-e",
      'import {Server} from "zeromq-napi/draft"; const s = new Server(); console.log(typeof s.events.on); s.close()',
    ])
    expect(result.stderr).to.equal("")
    expect(result.stdout.trim()).to.equal("function")
  })

  it("shares one module instance between import and require", () => {
    const result = node([
      "--input-type=module",
      "-e",
      'import {context} from "zeromq-napi"; import {createRequire} from "node:module"; const require = createRequire(import.meta.url); console.log(require("zeromq-napi").context === context)',
    ])
    expect(result.stdout.trim()).to.equal("true")
  })

  it("serves the patterns from their own entry point to import and require alike", () => {
    const result = node([
      "--input-type=module",
      "-e",
      'import {LazyPirateClient, MajordomoBroker, CloneServer, RequestTimeoutError} from "zeromq-napi/patterns"; import {ZmqError} from "zeromq-napi"; import {createRequire} from "node:module"; const require = createRequire(import.meta.url); console.log(typeof LazyPirateClient, typeof MajordomoBroker, typeof CloneServer, new RequestTimeoutError("x", 1) instanceof ZmqError, require("zeromq-napi/patterns").LazyPirateClient === LazyPirateClient)',
    ])
    expect(result.stderr).to.equal("")
    expect(result.stdout.trim()).to.equal("function function function true true")
  })

  it("serves the v5 API from its own entry point to import and require alike", () => {
    const result = node([
      "--input-type=module",
      "-e",
      'import zmq, {socket, ZMQ_SNDMORE, Socket} from "zeromq-napi/v5-compat"; import {createRequire} from "node:module"; const require = createRequire(import.meta.url); const s = socket("push"); console.log(typeof zmq.socket, ZMQ_SNDMORE, s instanceof Socket, require("zeromq-napi/v5-compat").Socket === Socket); s.close()',
    ])
    expect(result.stderr).to.equal("")
    expect(result.stdout.trim()).to.equal("function 2 true true")
  })

  it("ships type declarations for every entry point", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"))
    for (const entry of [".", "./draft", "./patterns", "./v5-compat"]) {
      const types = manifest.exports[entry].types as string
      expect(fs.existsSync(path.join(root, types)), types).to.equal(true)
    }
  })

  it("explains what it tried and how to fix it when the addon cannot load", () => {
    withBareCopy(dir => {
      const result = node(["-e", 'require("./dist/cjs/index.js")'], {cwd: dir, env: searchEnv()})
      expect(result.status).to.not.equal(0)
      const platform = `${process.platform}-${process.arch}`
      expect(result.stderr).to.contain(
        `zeromq-napi could not load its native addon for ${platform} (Node ${process.version}, ` +
          `Node-API ${process.versions.napi}).`,
      )
      expect(result.stderr).to.contain(path.join(dir, "build", "Release"))
      expect(result.stderr).to.contain(path.join(dir, "prebuilds"))
      // What is missing: the platform, architecture and C library, and what the package has.
      expect(result.stderr).to.match(
        new RegExp(
          `No prebuilt binary matches platform=${process.platform} arch=${process.arch}( libc=(glibc|musl))? .*: the package has no prebuilt binaries`,
        ),
      )
      expect(result.stderr).to.contain("npm rebuild zeromq-napi")
      expect(result.stderr).to.contain("docs/platforms.md")
    })
  })

  it("picks the prebuild of its own architecture and C library, and names what it lacks", () => {
    withBareCopy(dir => {
      const env = searchEnv({PREBUILDS_ONLY: "1"})
      const libc = (process.report.getReport() as {header: {glibcVersionRuntime?: string}}).header
        .glibcVersionRuntime
        ? "glibc"
        : "musl"
      const otherLibc = libc === "glibc" ? "musl" : "glibc"
      const otherArch = process.arch === "arm64" ? "x64" : "arm64"
      const own = path.join(dir, "prebuilds", `${process.platform}-${process.arch}`)
      const foreign = path.join(dir, "prebuilds", `${process.platform}-${otherArch}`)
      fs.mkdirSync(own, {recursive: true})
      fs.mkdirSync(foreign, {recursive: true})
      // Real binaries under the wrong names: another C library, another architecture.
      fs.copyFileSync(currentAddon(), path.join(own, `zeromq-napi.${otherLibc}.node`))
      fs.copyFileSync(currentAddon(), path.join(foreign, `zeromq-napi.${libc}.node`))
      const script = 'const z = require("./dist/cjs/index.js"); console.log(z.version)'
      const missing = node(["-e", script], {cwd: dir, env})
      expect(missing.status).to.not.equal(0)
      expect(missing.stderr).to.contain("(PREBUILDS_ONLY is set: prebuilds only)")
      expect(missing.stderr).to.contain(`arch=${process.arch} libc=${libc}`)
      expect(missing.stderr).to.contain(
        `the prebuilt binaries there are for ${process.platform}-${otherArch} (${libc}), ${process.platform}-${process.arch} (${otherLibc})`,
      )

      fs.copyFileSync(currentAddon(), path.join(own, `zeromq-napi.${libc}.node`))
      const found = node(["-e", script], {cwd: dir, env})
      expect(found.stderr).to.equal("")
      expect(found.stdout.trim()).to.equal("4.3.4")
    })
  })

  it("has a release workflow and a platform table (docs/platforms.md) for exactly the targets prebuild-all.js knows", () => {
    const list = node([path.join(root, "scripts", "prebuild-all.js"), "--list"], {env: searchEnv()})
    expect(list.status, list.stderr).to.equal(0)
    const known = list.stdout
      .trim()
      .split("\n")
      .map(line => line.split(/\s+/))
      .map(([target, file]) => ({target, file}))
    expect(known.map(k => k.target)).to.have.members([
      "linux-x64",
      "linux-x64-musl",
      "linux-arm64",
      "linux-arm64-musl",
      "linux-arm",
      "darwin-x64",
      "darwin-arm64",
      "win32-x64",
      "win32-arm64",
    ])
    const workflow = fs.readFileSync(path.join(root, ".github", "workflows", "release.yml"), "utf8")
    // Every target is cross built; those with a runner are also built natively and compared.
    expect(workflow).to.contain("npm run prebuild:all")
    const native = [...workflow.matchAll(/\{target: ([\w-]+),/g)].map(m => m[1])
    expect(known.map(k => k.target)).to.include.members(native)
    expect(workflow).to.contain("node scripts/prebuild-all.js ${{ matrix.target }}")
    expect(workflow).to.contain("node scripts/prebuild-all.js --compare")
    expect(workflow).to.contain("node scripts/prebuild-all.js --check")
    expect(workflow).to.contain("smoke-test.mjs")
    const table = fs.readFileSync(path.join(root, "docs", "platforms.md"), "utf8")
    for (const {file} of known) expect(table).to.contain(`\`${file}\``)
  })

  describe("receiving without external buffers (as in Electron)", () => {
    // Over inproc a large frame is not copied on the way: with external buffers the receiver
    // sees the sender's memory, without them (ZEROMQ_NAPI_NO_EXTERNAL_BUFFERS=1, read when the
    // addon loads) it gets a copy. Either way every byte must arrive.
    const script = `
      const {Pair} = require("zeromq-napi")
      const crypto = require("node:crypto")
      async function main() {
        const results = []
        for (const transport of ["inproc://no-external-" + process.pid, "tcp://127.0.0.1:*"]) {
          const a = new Pair({linger: 0}), b = new Pair({linger: 0})
          await a.bind(transport)
          b.connect(a.lastEndpoint)
          const sizes = [64 * 1024, 64 * 1024 + 1, 1024 * 1024, 8 * 1024 * 1024 + 3]
          const sent = sizes.map(size => crypto.randomBytes(size))
          await a.send(sent)
          const received = await b.receive()
          const intact = received.length === sent.length && received.every((f, i) => f.equals(sent[i]))
          for (const frame of sent) frame.fill(0)
          const shared = received.some(f => f.every(byte => byte === 0))
          results.push(transport.split(":")[0] + ":" + (intact ? "intact" : "CORRUPT") + ":" + (shared ? "shared" : "copied"))
          a.close(); b.close()
        }
        console.log(results.join(" "))
      }
      main().catch(err => { console.error(err); process.exit(1) })
    `

    it("copies large received frames when ZEROMQ_NAPI_NO_EXTERNAL_BUFFERS=1", () => {
      const result = node(["-e", script], {
        env: {...process.env, ZEROMQ_NAPI_NO_EXTERNAL_BUFFERS: "1"},
      })
      expect(result.stderr).to.equal("")
      expect(result.stdout.trim()).to.equal("inproc:intact:copied tcp:intact:copied")
    })

    it("wraps libzmq's memory otherwise", () => {
      const env = {...process.env}
      delete env.ZEROMQ_NAPI_NO_EXTERNAL_BUFFERS
      const result = node(["-e", script], {env})
      expect(result.stderr).to.equal("")
      expect(result.stdout.trim()).to.equal("inproc:intact:shared tcp:intact:copied")
    })
  })
})
