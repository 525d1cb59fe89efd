import {expect} from "chai"
import {spawnSync} from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import {relativeLinks} from "../../scripts/docs-snippets"

const root = path.resolve(__dirname, "../..")
const npm = process.platform === "win32" ? "npm.cmd" : "npm"

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(command, args, {
    cwd,
    encoding: "utf8",
    env: {...process.env, ...env},
    shell: process.platform === "win32",
    maxBuffer: 64 * 1024 * 1024,
  })
  if (result.error) throw result.error
  return result
}

/** The binary this test run loads, to ship as the host's prebuild. */
function currentAddon(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const native = require("../../lib/addon/load") as {addonPath(): string}
  return native.addonPath()
}

/** The prebuild file name for this machine (scripts/prebuild-all.js's naming). */
function hostPrebuild(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const {hostTarget} = require("../../lib/addon/load") as typeof import("../../lib/addon/load")
  const target = hostTarget()
  const tags = [target.armv && `armv${target.armv}`, target.libc].filter(Boolean)
  return path.join(
    "prebuilds",
    `${target.platform}-${target.arch}`,
    ["zeromq-napi", ...tags, "node"].join("."),
  )
}

/**
 * Packs the package as it is (scripts skipped: `npm test` compiled dist/ already) and returns a
 * copy of its contents in `<dir>/package`, with `prebuild` as the host's only prebuilt binary
 * when given; `repack()` turns that folder into a tarball again.
 */
function packedCopy(dir: string, prebuild: string | null) {
  const packed = run(npm, ["pack", "--ignore-scripts", "--pack-destination", dir, "--silent"], root)
  expect(packed.status, packed.stderr).to.equal(0)
  const tarball = path.join(dir, packed.stdout.trim().split("\n").pop() as string)
  expect(run("tar", ["xzf", tarball, "-C", dir], dir).status).to.equal(0)
  fs.rmSync(tarball)
  const pkg = path.join(dir, "package")
  fs.rmSync(path.join(pkg, "prebuilds"), {recursive: true, force: true})
  if (prebuild) {
    fs.mkdirSync(path.dirname(path.join(pkg, hostPrebuild())), {recursive: true})
    fs.copyFileSync(prebuild, path.join(pkg, hostPrebuild()))
  }
  return {
    pkg,
    repack(): string {
      const again = run(npm, ["pack", "--ignore-scripts", "--silent"], pkg)
      expect(again.status, again.stderr).to.equal(0)
      return path.join(pkg, again.stdout.trim().split("\n").pop() as string)
    },
  }
}

/** An empty project in `dir`/app with the tarball installed; returns npm's result. */
function installInto(dir: string, tarball: string, env: NodeJS.ProcessEnv = {}) {
  const app = path.join(dir, "app")
  fs.mkdirSync(app)
  fs.writeFileSync(path.join(app, "package.json"), '{"name": "app", "private": true}\n')
  const result = run(npm, ["install", "--no-audit", "--no-fund", tarball], app, env)
  return {app, result}
}

function installedPackages(app: string): string[] {
  const lock = JSON.parse(fs.readFileSync(path.join(app, "package-lock.json"), "utf8")) as {
    packages: Record<string, unknown>
  }
  return Object.keys(lock.packages).filter(key => key.startsWith("node_modules/"))
}

describe("the package tarball", function () {
  this.timeout(120_000)
  let dir: string

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "zeromq-napi-tarball-"))
  })
  afterEach(() => fs.rmSync(dir, {recursive: true, force: true}))

  it("lists the licences, the notices and what a source build needs, and no build output", () => {
    const result = run(npm, ["pack", "--dry-run", "--json", "--ignore-scripts"], root)
    expect(result.status, result.stderr).to.equal(0)
    const [{files}] = JSON.parse(result.stdout) as [{files: {path: string}[]}]
    const paths = files.map(f => f.path)
    for (const file of [
      "LICENSE",
      "THIRD-PARTY-NOTICES",
      "licenses/libzmq-COPYING.LESSER.txt",
      "licenses/libzmq-COPYING.txt",
      "licenses/libsodium-LICENSE.txt",
      "licenses/wepoll-license.txt",
      "licenses/libzmq-sha1-WIDE.txt",
      "licenses/mingw-w64-winpthreads.txt",
      "CMakeLists.txt",
      "cmake/libsodium.cmake",
      "cmake/exports-macos.txt",
      "scripts/install.js",
      "scripts/fetch-libzmq.js",
      "scripts/fetch-libsodium.js",
      "dist/cjs/index.d.ts",
    ]) {
      expect(paths, file).to.include(file)
    }
    expect(paths.filter(p => /^(build|deps|build-prebuild|node_modules)\//.test(p))).to.deep.equal(
      [],
    )
  })

  it("ships the README, the policies and every guide the shipped Markdown links to, and no snippets or tests", () => {
    const result = run(npm, ["pack", "--dry-run", "--json", "--ignore-scripts"], root)
    expect(result.status, result.stderr).to.equal(0)
    const [{files}] = JSON.parse(result.stdout) as [{files: {path: string}[]}]
    const paths = new Set(files.map(f => f.path))
    const guides = fs
      .readdirSync(path.join(root, "docs"))
      .filter(file => file.endsWith(".md"))
      .map(file => `docs/${file}`)
    for (const file of ["README.md", "LICENSE", "CHANGELOG.md", "SECURITY.md", ...guides]) {
      expect(paths.has(file), file).to.equal(true)
    }
    // A relative link in a shipped page must reach a shipped file, so the pages work from
    // node_modules as they do on the repository (links elsewhere are absolute URLs).
    const broken: string[] = []
    for (const page of [...paths].filter(p => p.endsWith(".md"))) {
      for (const target of relativeLinks(fs.readFileSync(path.join(root, page), "utf8"))) {
        const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(page), target))
        if (!paths.has(resolved)) broken.push(`${page} -> ${target}`)
      }
    }
    expect(broken).to.deep.equal([])
    const unwanted = [...paths].filter(p => /^(examples|test|bench|docs\/api)\//.test(p))
    expect(unwanted).to.deep.equal([])
  })

  it("ships the licence texts of libzmq and libsodium exactly as their pinned sources have them", () => {
    const libzmq = path.join(root, "deps", "libzmq-4.3.4")
    const fetched = run(process.execPath, [path.join(root, "scripts", "fetch-libsodium.js")], root)
    expect(fetched.status, `${fetched.stderr}\n(scripts/fetch-libsodium.js needs apt)`).to.equal(0)
    const libsodium = fetched.stdout.trim()
    const same = (shipped: string, original: string) =>
      expect(fs.readFileSync(path.join(root, "licenses", shipped), "utf8"), shipped).to.equal(
        fs.readFileSync(original, "utf8"),
      )
    same("libzmq-COPYING.LESSER.txt", path.join(libzmq, "COPYING.LESSER"))
    same("libzmq-COPYING.txt", path.join(libzmq, "COPYING"))
    same("wepoll-license.txt", path.join(libzmq, "external", "wepoll", "license.txt"))
    same("libsodium-LICENSE.txt", path.join(libsodium, "LICENSE"))
    const notices = fs.readFileSync(path.join(root, "THIRD-PARTY-NOTICES"), "utf8")
    expect(notices).to.contain("libzmq 4.3.4").and.contain("libsodium 1.0.18")
  })

  it("names its repository, home page and issue tracker", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"))
    expect(manifest.repository.url).to.equal("git+https://github.com/zeromq-napi/zeromq-napi.git")
    expect(manifest.homepage).to.match(/^https:\/\/github\.com\/zeromq-napi\/zeromq-napi/)
    expect(manifest.bugs.url).to.equal("https://github.com/zeromq-napi/zeromq-napi/issues")
    expect(manifest.license).to.equal("MIT")
  })

  it("installs into an empty project as one package when a prebuilt binary fits", () => {
    const {repack} = packedCopy(dir, currentAddon())
    const {app, result} = installInto(dir, repack(), {PREBUILDS_ONLY: ""})
    expect(result.status, result.stderr).to.equal(0)
    const installed = installedPackages(app)
    expect(installed).to.deep.equal(["node_modules/zeromq-napi"])
    const load = run(
      process.execPath,
      ["-e", 'const z = require("zeromq-napi"); console.log(z.version, typeof z.Dealer)'],
      app,
    )
    expect(load.stdout.trim(), load.stderr).to.equal("4.3.4 function")
    expect(fs.existsSync(path.join(app, "node_modules", "zeromq-napi", "build"))).to.equal(false)
  })

  it("builds from source when no binary fits, installing its build tools on demand and logging its progress", function () {
    this.timeout(900_000)
    const {repack} = packedCopy(dir, null)
    const tools = path.join(dir, "build-tools")
    const {app, result} = installInto(dir, repack(), {
      ZEROMQ_NAPI_BUILD_TOOLS_DIR: tools,
      PREBUILDS_ONLY: "",
      ZEROMQ_NAPI_ADDON: "",
    })
    expect(result.status, `${result.stdout}\n${result.stderr}`).to.equal(0)
    // The project itself gets zeromq-napi only; cmake-js and its tree went to the tools folder.
    expect(installedPackages(app)).to.deep.equal(["node_modules/zeromq-napi"])
    expect(fs.readdirSync(tools).join()).to.contain("cmake-js@")
    const log = fs.readFileSync(
      path.join(app, "node_modules", "zeromq-napi", "build", "zeromq-napi-install.log"),
      "utf8",
    )
    expect(log).to.contain("zeromq-napi: building from source")
    expect(log).to.contain("zeromq-napi: installing the build tools cmake-js@")
    expect(log).to.match(/zeromq-napi: built build[/\\]Release[/\\]zeromq_napi\.node in \d+ s/)
    const load = run(process.execPath, ["-e", 'console.log(require("zeromq-napi").version)'], app)
    expect(load.stdout.trim(), load.stderr).to.equal("4.3.4")
  })
})
