import {expect} from "chai"
import {spawnSync} from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

const root = path.resolve(__dirname, "../..")
const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc")

const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as {
  exports: Record<string, {types?: string}>
  typesVersions: Record<string, Record<string, string[]>>
}
/** Every subpath entry point with typings ("draft", "patterns", …), from package.json's exports. */
const subpaths = Object.keys(manifest.exports)
  .filter(key => key !== "." && manifest.exports[key].types)
  .map(key => key.slice(2))

/** A consumer of every entry point, as a CommonJS or an ES module would write it. */
const consumer = `
import {Dealer, version} from "zeromq-napi"
import {Server} from "zeromq-napi/draft"
import {LazyPirateClient} from "zeromq-napi/patterns"
${subpaths.map((sub, i) => `import * as entry${i} from "zeromq-napi/${sub}"`).join("\n")}
export const entries = [${subpaths.map((_, i) => `entry${i}`).join(", ")}]
export const used: [typeof Dealer, string, typeof Server, typeof LazyPirateClient] = [Dealer, version, Server, LazyPirateClient]
// Types check, not just names: this must be a compile error if the typings were \`any\`.
// @ts-expect-error a Dealer has no such method
new Dealer().noSuchMethod()
`

/** The three module resolutions in use: the options and the consumer files each one compiles. */
const modes = {
  node10: {options: {module: "commonjs", moduleResolution: "node10"}, files: ["consumer.ts"]},
  node16: {
    options: {module: "node16", moduleResolution: "node16"},
    files: ["consumer.cts", "consumer.mts"],
  },
  bundler: {options: {module: "esnext", moduleResolution: "bundler"}, files: ["consumer.ts"]},
}

describe("the package's type declarations", function () {
  this.timeout(120_000)
  let dir: string

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "zeromq-napi-typings-"))
    // The packed package (its file list and package.json as published), without binaries.
    const packed = spawnSync(
      process.platform === "win32" ? "npm.cmd" : "npm",
      ["pack", "--ignore-scripts", "--pack-destination", dir, "--silent"],
      {cwd: root, encoding: "utf8", shell: process.platform === "win32"},
    )
    expect(packed.status, packed.stderr).to.equal(0)
    const modules = path.join(dir, "node_modules")
    fs.mkdirSync(path.join(modules, "zeromq-napi"), {recursive: true})
    const tarball = path.join(dir, packed.stdout.trim().split("\n").pop() as string)
    const untar = spawnSync("tar", ["xzf", tarball, "-C", path.join(modules, "zeromq-napi")], {
      encoding: "utf8",
    })
    expect(untar.status, untar.stderr).to.equal(0)
    const pkg = path.join(modules, "zeromq-napi", "package")
    for (const entry of fs.readdirSync(pkg)) {
      fs.renameSync(path.join(pkg, entry), path.join(modules, "zeromq-napi", entry))
    }
    // The declarations use Node's types, as a consumer's project has them.
    fs.symlinkSync(
      path.join(root, "node_modules", "@types"),
      path.join(modules, "@types"),
      "junction",
    )
    for (const file of ["consumer.ts", "consumer.cts", "consumer.mts"]) {
      fs.writeFileSync(path.join(dir, file), consumer)
    }
  })
  after(() => fs.rmSync(dir, {recursive: true, force: true}))

  function compile(mode: keyof typeof modes) {
    const {options, files} = modes[mode]
    const config = {
      compilerOptions: {
        ...options,
        target: "es2022",
        strict: true,
        noEmit: true,
        types: ["node"],
        skipLibCheck: false,
      },
      files,
    }
    fs.writeFileSync(path.join(dir, `tsconfig.${mode}.json`), JSON.stringify(config))
    return spawnSync(process.execPath, [tsc, "-p", `tsconfig.${mode}.json`], {
      cwd: dir,
      encoding: "utf8",
    })
  }

  for (const mode of Object.keys(modes) as (keyof typeof modes)[]) {
    it(`resolve for every entry point under moduleResolution ${mode}`, () => {
      const result = compile(mode)
      expect(result.status, `${result.stdout}${result.stderr}`).to.equal(0)
    })
  }

  it("map every subpath entry point to its declarations for node10 too (typesVersions)", () => {
    expect(subpaths).to.include.members(["draft", "patterns"])
    for (const sub of subpaths) {
      expect(manifest.typesVersions["*"][sub], sub).to.deep.equal([manifest.exports[`./${sub}`].types])
    }
  })

  it("need typesVersions for the subpaths under node10, which ignores exports", () => {
    const manifestFile = path.join(dir, "node_modules", "zeromq-napi", "package.json")
    const original = fs.readFileSync(manifestFile, "utf8")
    const manifest = JSON.parse(original)
    delete manifest.typesVersions
    fs.writeFileSync(manifestFile, JSON.stringify(manifest))
    try {
      const result = compile("node10")
      expect(result.status).to.not.equal(0)
      expect(result.stdout).to.contain("Cannot find module 'zeromq-napi/draft'")
    } finally {
      fs.writeFileSync(manifestFile, original)
    }
  })
})
