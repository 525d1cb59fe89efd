import {expect} from "chai"
import {spawnSync} from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

const root = path.resolve(__dirname, "..", "..")

describe("the build against a system libzmq (binding.gyp)", function () {
  // node-gyp compiles the addon's sources (not libzmq): tens of seconds.
  this.timeout(240000)

  it("builds with node-gyp, loads, reports no drafts and moves messages", () => {
    const pkgConfig = spawnSync("pkg-config", ["--modversion", "libzmq"], {encoding: "utf8"})
    expect(
      pkgConfig.status,
      "pkg-config finds libzmq (Debian: apt-get install libzmq3-dev)",
    ).to.equal(0)

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zeromq-napi-gyp-"))
    try {
      for (const entry of ["binding.gyp", "native", "package.json"]) {
        fs.cpSync(path.join(root, entry), path.join(dir, entry), {recursive: true})
      }
      fs.symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"))
      const nodeGyp = require.resolve("node-gyp/bin/node-gyp.js", {paths: [root]})
      const build = spawnSync(process.execPath, [nodeGyp, "rebuild"], {cwd: dir, encoding: "utf8"})
      expect(build.status, build.stderr.slice(-2000)).to.equal(0)

      const check = spawnSync(
        process.execPath,
        [
          "-e",
          `
          const addon = require("./build/Release/zeromq_napi.node")
          const ctx = new addon.Context(false)
          const pull = new addon.Socket(ctx, 7), push = new addon.Socket(ctx, 8)
          pull.bind("inproc://gyp"); push.connect("inproc://gyp")
          push.send("through the system libzmq")
          const meta = new Uint32Array(3 * 16), extras = [], pool = Buffer.alloc(4096)
          pull.setReceiveBuffers(meta, extras)
          const frames = pull.receive(pool, 0, 1)
          console.log(JSON.stringify({version: addon.version, draft: addon.capability.draft, frames,
            text: pool.subarray(0, meta[0]).toString()}))
          pull.close(); push.close()
          `,
        ],
        {cwd: dir, encoding: "utf8"},
      )
      expect(check.stderr).to.equal("")
      const report = JSON.parse(check.stdout)
      expect(report.version).to.equal(pkgConfig.stdout.trim())
      expect(report.draft).to.equal(false)
      expect(report.frames).to.equal(1)
      expect(report.text).to.equal("through the system libzmq")
    } finally {
      fs.rmSync(dir, {recursive: true, force: true})
    }
  })
})
