#!/usr/bin/env node
"use strict"
// Compiles libzmq's own perf tools (deps/libzmq-4.3.4/perf/*.cpp) and the benchmark's two small
// C++ helpers (bench/native/*.cpp) against the addon's static libzmq (build/libzmq/lib/libzmq.a)
// into bench/.bin/: the native reference of `npm run bench`. libzmq's CMake builds its perf
// tools only with BUILD_SHARED=ON, so they are compiled here by hand, linked with what the
// build's libzmq.pc says libzmq.a needs (libsodium's static archive when CURVE uses it).
//
//   node scripts/build-perf-tools.js [--force] [--quiet]
//
// A tool is rebuilt when its source or libzmq.a is newer than the binary. Without g++ or
// libzmq.a (run `npm run build:native` first) nothing is built and the reason is printed; the
// benchmark then reports the native implementation as unavailable. Exit code 0 either way
// unless a compilation fails.
const fs = require("node:fs")
const path = require("node:path")
const {spawn, spawnSync} = require("node:child_process")

const root = path.resolve(__dirname, "..")
const libzmqSource = path.join(root, "deps", "libzmq-4.3.4")
const libzmqBuild = path.join(root, "build", "libzmq")
const libzmqStatic = path.join(libzmqBuild, "lib", "libzmq.a")
const binDir = path.join(root, "bench", ".bin")

/** The tools: name → source file and whether it includes libzmq's internal headers. */
const tools = {
  local_thr: {source: path.join(libzmqSource, "perf", "local_thr.cpp")},
  remote_thr: {source: path.join(libzmqSource, "perf", "remote_thr.cpp")},
  local_lat: {source: path.join(libzmqSource, "perf", "local_lat.cpp")},
  remote_lat: {source: path.join(libzmqSource, "perf", "remote_lat.cpp")},
  inproc_thr: {source: path.join(libzmqSource, "perf", "inproc_thr.cpp"), internal: true},
  inproc_lat: {source: path.join(libzmqSource, "perf", "inproc_lat.cpp"), internal: true},
  lat_percentiles: {source: path.join(root, "bench", "native", "lat_percentiles.cpp")},
  pubsub_thr: {source: path.join(root, "bench", "native", "pubsub_thr.cpp")},
}

const compiler = process.env.CXX || "g++"

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs
  } catch {
    return -1
  }
}

/** Why the tools cannot be built here, or undefined when they can. */
function missingPrerequisite() {
  if (!fs.existsSync(libzmqStatic)) {
    return `${path.relative(root, libzmqStatic)} is missing (run \`npm run build:native\` first)`
  }
  if (!fs.existsSync(path.join(libzmqSource, "perf", "local_thr.cpp"))) {
    return `${path.relative(root, libzmqSource)}/perf is missing (run \`npm run fetch:libzmq\`)`
  }
  const probe = spawnSync(compiler, ["--version"], {encoding: "utf8"})
  if (probe.error || probe.status !== 0) return `no C++ compiler (\`${compiler}\` not found)`
  return undefined
}

/** A key's value in build/CMakeCache.txt ("KEY:TYPE=value"), or undefined. */
function cmakeCache(key) {
  try {
    const text = fs.readFileSync(path.join(root, "build", "CMakeCache.txt"), "utf8")
    const match = new RegExp(`^${key}:[A-Z]+=(.*)$`, "m").exec(text)
    return match ? match[1].trim() : undefined
  } catch {
    return undefined
  }
}

/**
 * What libzmq.a needs at link time besides itself, from the libzmq.pc its build wrote:
 * Libs.private, and each Requires.private package (libsodium when CURVE uses it: the static
 * archive the addon's build found, else pkg-config, else -lsodium).
 */
function linkDependencies() {
  let pc = ""
  try {
    pc = fs.readFileSync(path.join(libzmqBuild, "libzmq.pc"), "utf8")
  } catch {
    return ["-lpthread"]
  }
  const field = name => {
    const match = new RegExp(`^${name}:(.*)$`, "m").exec(pc)
    return match
      ? match[1]
          .trim()
          .split(/[\s,]+/)
          .filter(Boolean)
      : []
  }
  const libs = []
  for (const pkg of field("Requires.private")) {
    if (pkg === "libsodium") {
      const archive = cmakeCache("SODIUM_LIBRARIES") || cmakeCache("ZMQ_NAPI_SODIUM_ARCHIVE")
      if (archive && fs.existsSync(archive)) {
        libs.push(archive)
        continue
      }
    }
    const probe = spawnSync("pkg-config", ["--libs", "--static", pkg], {encoding: "utf8"})
    if (probe.status === 0) libs.push(...probe.stdout.trim().split(/\s+/).filter(Boolean))
    else libs.push(`-l${pkg.replace(/^lib/, "")}`)
  }
  libs.push(...field("Libs.private"), "-lpthread")
  return libs
}

function compileArgs(name, spec, output) {
  const args = ["-O2", "-std=c++17", "-DZMQ_STATIC", "-I", path.join(libzmqSource, "include")]
  // inproc_* include libzmq's generated platform.hpp (in the build directory).
  if (spec.internal) args.push("-I", libzmqBuild, "-I", path.join(libzmqSource, "src"))
  args.push(spec.source, libzmqStatic, ...linkDependencies(), "-o", output)
  return args
}

function run(args) {
  return new Promise(resolve => {
    const child = spawn(compiler, args, {stdio: ["ignore", "pipe", "pipe"]})
    let output = ""
    child.stdout.on("data", chunk => (output += chunk))
    child.stderr.on("data", chunk => (output += chunk))
    child.on("error", error => resolve({ok: false, output: String(error)}))
    child.on("close", code => resolve({ok: code === 0, output}))
  })
}

/**
 * Builds what is out of date. Resolves with {available, reason, tools: {name: path}, failed}:
 * `tools` lists every binary present afterwards.
 * @param {{force?: boolean, log?: (line: string) => void}} options
 */
async function buildPerfTools({force = false, log = line => console.log(line)} = {}) {
  const present = () =>
    Object.fromEntries(
      Object.keys(tools)
        .map(name => [name, path.join(binDir, name)])
        .filter(([, file]) => fs.existsSync(file)),
    )
  const reason = missingPrerequisite()
  if (reason !== undefined) {
    const existing = present()
    const note = Object.keys(existing).length > 0 ? " (using the binaries already built)" : ""
    log(`perf tools: not built: ${reason}${note}`)
    return {available: Object.keys(existing).length > 0, reason, tools: existing, failed: []}
  }
  fs.mkdirSync(binDir, {recursive: true})
  const libTime = mtime(libzmqStatic)
  const stale = Object.entries(tools).filter(([name, spec]) => {
    const out = mtime(path.join(binDir, name))
    return force || out < 0 || out < mtime(spec.source) || out < libTime
  })
  const failed = []
  if (stale.length > 0) {
    log(`perf tools: compiling ${stale.map(([name]) => name).join(", ")} into bench/.bin/`)
    // Two at a time: the machine may have only two cores.
    const queue = [...stale]
    const worker = async () => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        const [name, spec] = next
        // Built beside the old binary and renamed: a failed build leaves the old one usable.
        const output = path.join(binDir, `.${name}.tmp`)
        const result = await run(compileArgs(name, spec, output))
        if (result.ok) {
          fs.renameSync(output, path.join(binDir, name))
        } else {
          fs.rmSync(output, {force: true})
          failed.push(name)
          const lines = result.output.trim().split("\n")
          const shown =
            lines.length > 15 ? [...lines.slice(0, 15), `… (${lines.length} lines)`] : lines
          log(`perf tools: ${name} failed to compile:\n${shown.join("\n")}`)
        }
      }
    }
    await Promise.all([worker(), worker()])
  }
  return {available: true, reason: undefined, tools: present(), failed}
}

module.exports = {buildPerfTools, binDir, tools}

if (require.main === module) {
  const argv = process.argv.slice(2)
  const quiet = argv.includes("--quiet")
  buildPerfTools({force: argv.includes("--force"), log: quiet ? () => {} : undefined}).then(
    result => {
      if (result.available && !quiet) {
        const names = Object.keys(result.tools)
        console.log(`perf tools: ${names.length} ready in bench/.bin/ (${names.join(", ")})`)
      }
      process.exitCode = result.failed.length > 0 ? 1 : 0
    },
  )
}
