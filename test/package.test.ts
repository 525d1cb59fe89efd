import {expect} from "chai"
import {spawnSync} from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

const root = path.resolve(__dirname, "..")

function node(args: string[], options: {cwd?: string; env?: NodeJS.ProcessEnv} = {}) {
  return spawnSync(process.execPath, args, {
    cwd: options.cwd ?? root,
    env: options.env ?? process.env,
    encoding: "utf8",
  })
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

  it("shares one module instance between import and require", () => {
    const result = node([
      "--input-type=module",
      "-e",
      'import {context} from "zeromq-napi"; import {createRequire} from "node:module"; const require = createRequire(import.meta.url); console.log(require("zeromq-napi").context === context)',
    ])
    expect(result.stdout.trim()).to.equal("true")
  })

  it("ships type declarations for both entry points", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"))
    for (const entry of [".", "./draft"]) {
      const types = manifest.exports[entry].types as string
      expect(fs.existsSync(path.join(root, types)), types).to.equal(true)
    }
  })

  it("explains what it tried and how to fix it when the addon cannot load", () => {
    // A copy of the compiled JavaScript without any binary next to it.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zeromq-napi-noaddon-"))
    try {
      fs.cpSync(path.join(root, "dist"), path.join(dir, "dist"), {recursive: true})
      fs.writeFileSync(
        path.join(dir, "package.json"),
        JSON.stringify({name: "zeromq-napi", main: "dist/cjs/index.js"}),
      )
      fs.symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"))
      const result = node(["-e", 'require("./dist/cjs/index.js")'], {cwd: dir})
      expect(result.status).to.not.equal(0)
      expect(result.stderr).to.contain("zeromq-napi could not load its native addon")
      expect(result.stderr).to.contain(
        path.join(dir, "prebuilds", `${process.platform}-${process.arch}`),
      )
      expect(result.stderr).to.contain("npm rebuild zeromq-napi")
    } finally {
      fs.rmSync(dir, {recursive: true, force: true})
    }
  })
})
