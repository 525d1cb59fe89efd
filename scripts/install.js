#!/usr/bin/env node
"use strict"
/**
 * npm `install` script. Runs before TypeScript is compiled in a checkout, so it uses only Node
 * built-ins; the package has no dependencies at all when a prebuilt binary fits.
 *
 *  1. Unless a source build is asked for (env ZEROMQ_NAPI_BUILD_FROM_SOURCE, or
 *     `npm install --build-from-source`), check in a child process that the binary the loader
 *     picks (lib/addon/load.ts: build/Release, then prebuilds/<platform>-<arch>/) loads; if so, stop.
 *  2. Otherwise build from source with `cmake-js compile` (vendored static libzmq). cmake-js and
 *     node-addon-api are build tools, not dependencies: taken from the package's own
 *     node_modules when there (a checkout: devDependencies), else installed on demand with npm,
 *     at the versions package.json's devDependencies name, into the user cache
 *     (~/.cache/zeromq-napi/build-tools/, or ZEROMQ_NAPI_BUILD_TOOLS_DIR).
 *
 * npm hides an install script's output unless it fails, so a source build also reports its
 * progress to the terminal directly when there is one, and writes everything to
 * build/zeromq-napi-install.log (its path is printed).
 *
 * It never falls back to `node-gyp rebuild`: that build (binding.gyp) needs a system libzmq and
 * is only run on request (`npm run build:gyp`).
 */
const fs = require("node:fs")
const path = require("node:path")
const {spawnSync} = require("node:child_process")

const root = path.resolve(__dirname, "..")
const name = "zeromq-napi"
const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"))
const logFile = path.join(root, "build", "zeromq-napi-install.log")

/** The terminal, when npm runs us from one: npm shows nothing else of a successful script. */
let tty = null
try {
  if (process.platform !== "win32" && !process.env.CI) tty = fs.openSync("/dev/tty", "w")
} catch {
  tty = null
}

/** Progress: stderr and the log file, and the terminal unless `quiet`. */
function log(message, quiet = false) {
  const line = `${name}: ${message}\n`
  process.stderr.write(line)
  if (quiet) return
  if (tty !== null) {
    try {
      fs.writeSync(tty, line)
    } catch {
      tty = null
    }
  }
  try {
    fs.mkdirSync(path.dirname(logFile), {recursive: true})
    fs.appendFileSync(logFile, line)
  } catch {
    // a read-only package folder: stderr only
  }
}

/** A flag given as an environment variable: set, non-empty, and not "0" or "false". */
function envFlag(variable) {
  const value = process.env[variable]
  return value !== undefined && value !== "" && value !== "0" && value.toLowerCase() !== "false"
}

/**
 * Loads the addon the way the package does, in a child process (a crash or a bad binary must
 * not take this process down): through the compiled loader (dist/cjs/addon/load.js) when there is
 * one, else (a checkout before its TypeScript is compiled) a local build in build/Release.
 * Returns {ok: true, file} or {ok: false, reason}.
 */
function testLoad() {
  const loader = path.join(root, "dist", "cjs", "addon", "load.js")
  // A compiled loader from an older checkout may lack addonPath(): then the local build.
  const current = fs.existsSync(loader) && fs.readFileSync(loader, "utf8").includes("addonPath")
  const code = current
    ? [
        `const native = require(${JSON.stringify(loader)})`,
        "process.stdout.write(native.addonPath())",
      ].join("\n")
    : [
        'const fs = require("node:fs"), path = require("node:path")',
        `const dir = path.join(${JSON.stringify(root)}, "build", "Release")`,
        'const file = fs.existsSync(dir) && fs.readdirSync(dir).find(f => f.endsWith(".node"))',
        'if (!file) throw new Error("no local build in " + dir + " (and no compiled loader)")',
        "require(path.join(dir, file))",
        "process.stdout.write(path.join(dir, file))",
      ].join("\n")
  const env = {...process.env}
  delete env.ZEROMQ_NAPI_ADDON
  const result = spawnSync(process.execPath, ["-e", code], {cwd: root, env, encoding: "utf8"})
  if (result.status === 0) return {ok: true, file: result.stdout.trim()}
  const lines = `${result.stderr || ""}${result.error ? result.error.message : ""}`
    .split("\n")
    .map(line => line.trim())
  // The loader's own explanation, else the first error line (not the stack).
  const message =
    lines.find(line => line.startsWith("Reason: ")) ||
    lines.find(line => /^\w*Error:/.test(line)) ||
    lines.find(Boolean)
  const reason = message
    ? message.replace(/^(Reason: |\w*Error:\s*)/, "")
    : `the test load ended with ${result.signal || `exit code ${result.status}`}`
  return {ok: false, reason}
}

/** The first of `names` found on PATH (or given as an existing path), else null. */
function which(...names) {
  const dirs = (process.env.PATH || "").split(path.delimiter).filter(Boolean)
  const exts = process.platform === "win32" ? ["", ".exe", ".cmd", ".bat"] : [""]
  for (const candidate of names.filter(Boolean)) {
    const paths = path.isAbsolute(candidate)
      ? [candidate]
      : dirs.flatMap(dir => exts.map(ext => path.join(dir, candidate + ext)))
    for (const file of paths) {
      try {
        if (fs.statSync(file).isFile()) return file
      } catch {
        // not there
      }
    }
  }
  return null
}

/**
 * The build tools: {cmakeJs, nodePath}. From this package's node_modules when installed there
 * (a checkout), else from the build-tools cache, installed there first with npm if needed.
 */
function buildTools() {
  const tools = ["cmake-js", "node-addon-api"]
  const resolveIn = paths => {
    try {
      const pkgFile = require.resolve("cmake-js/package.json", {paths})
      require.resolve("node-addon-api", {paths})
      const {bin} = require(pkgFile)
      return path.join(path.dirname(pkgFile), typeof bin === "string" ? bin : bin["cmake-js"])
    } catch {
      return null
    }
  }
  const own = resolveIn([root])
  if (own) return {cmakeJs: own, nodePath: null}

  const specs = tools.map(tool => {
    const range = (manifest.devDependencies || {})[tool]
    if (!range) throw new Error(`package.json names no version of ${tool} (devDependencies)`)
    return `${tool}@${range}`
  })
  const cacheRoot =
    process.env.ZEROMQ_NAPI_BUILD_TOOLS_DIR ||
    path.join(
      process.env.XDG_CACHE_HOME || path.join(require("node:os").homedir(), ".cache"),
      name,
      "build-tools",
    )
  const dir = path.join(cacheRoot, specs.join("+").replace(/[^\w@.+-]/g, "_"))
  const nodeModules = path.join(dir, "node_modules")
  const cached = resolveIn([dir])
  if (cached) {
    log(`build tools: ${specs.join(", ")} from ${dir}`)
    return {cmakeJs: cached, nodePath: nodeModules}
  }
  log(`installing the build tools ${specs.join(", ")} with npm into ${dir}`)
  fs.mkdirSync(dir, {recursive: true})
  fs.writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({name: "zeromq-napi-build-tools", private: true}),
  )
  // The npm that runs this script when it is npm, else the one on PATH. The parent npm's
  // per-install settings (global, prefix, save, omit…) must not leak into this one.
  const env = {}
  for (const [key, value] of Object.entries(process.env)) {
    const lower = key.toLowerCase()
    if (
      !lower.startsWith("npm_") ||
      /^npm_config_(registry|cache|userconfig|globalconfig|proxy|https_proxy|noproxy|strict_ssl|cafile|ca|offline|prefer_offline|prefer_online|fetch_.*|@.*:registry|\/\/.*)$/.test(
        lower,
      )
    ) {
      env[key] = value
    }
  }
  const npmCli = /npm-cli\.js$/.test(process.env.npm_execpath || "")
    ? process.env.npm_execpath
    : null
  const [command, prefix] = npmCli
    ? [process.execPath, [npmCli]]
    : [process.platform === "win32" ? "npm.cmd" : "npm", []]
  const result = spawnSync(
    command,
    [
      ...prefix,
      "install",
      "--no-save",
      "--no-package-lock",
      "--no-audit",
      "--no-fund",
      "--ignore-scripts",
      "--loglevel=error",
      ...specs,
    ],
    {cwd: dir, env, encoding: "utf8", shell: process.platform === "win32" && !npmCli},
  )
  if (result.status !== 0) {
    fail(
      `could not install the build tools (${specs.join(", ")}) with npm: ` +
        `${(result.stderr || (result.error && result.error.message) || "").trim().split("\n").slice(-3).join(" | ")}`,
    )
  }
  const installed = resolveIn([dir])
  if (!installed) fail(`npm installed the build tools into ${dir}, but cmake-js is not there`)
  return {cmakeJs: installed, nodePath: nodeModules}
}

function fail(what) {
  const missing = []
  if (!which("cmake")) missing.push("cmake was not found on PATH")
  if (process.platform !== "win32" && !which(process.env.CXX, "c++", "g++", "clang++")) {
    missing.push("no C++ compiler (CXX, c++, g++ or clang++) was found on PATH")
  }
  const lines = [
    "",
    `${name}: ${what}`,
    ...missing.map(text => `${name}:   (${text})`),
    `${name}: ways to fix this:`,
    `${name}:  - install CMake (3.15+) and a C++17 compiler, then reinstall`,
    `${name}:    (Debian/Ubuntu: apt-get install cmake g++ make);`,
    `${name}:  - without network access to the libzmq source, point ZEROMQ_NAPI_LIBZMQ_ARCHIVE at a`,
    `${name}:    local copy of the pinned libzmq archive (see scripts/libzmq.json), then reinstall;`,
    `${name}:  - or build against the system libzmq (no draft sockets), e.g. after`,
    `${name}:    apt-get install libzmq3-dev pkg-config: run \`npm run build:gyp\` in this package.`,
    "",
  ]
  process.stderr.write(lines.join("\n"))
  process.exit(1)
}

function build(reason) {
  const started = Date.now()
  try {
    fs.mkdirSync(path.dirname(logFile), {recursive: true})
    fs.writeFileSync(logFile, "")
  } catch {
    // read-only: stderr only
  }
  log(`building from source (${reason}); about a minute or more. Log: ${logFile}`)
  const {cmakeJs, nodePath} = buildTools()
  const env = {...process.env}
  if (nodePath) {
    // CMakeLists.txt and cmake-js find node-addon-api (and cmake-js its node-api-headers).
    env.NODE_PATH = [nodePath, process.env.NODE_PATH].filter(Boolean).join(path.delimiter)
  }
  const child = spawnSync(process.execPath, [cmakeJs, "compile"], {
    cwd: root,
    env,
    encoding: "utf8",
    maxBuffer: 512 * 1024 * 1024,
    stdio: ["ignore", "pipe", "pipe"],
  })
  const output = `${child.stdout || ""}${child.stderr || ""}`
  try {
    fs.appendFileSync(logFile, output)
  } catch {
    // read-only: shown below on failure
  }
  if (child.error) fail(`could not run cmake-js: ${child.error.message}`)
  if (child.status !== 0) {
    process.stderr.write(output.split("\n").slice(-40).join("\n"))
    const how = child.signal ? `was killed by ${child.signal}` : `exited with ${child.status}`
    fail(`the source build failed (cmake-js compile ${how}; full log: ${logFile}).`)
  }
  const check = testLoad()
  if (!check.ok) fail(`the source build finished but the addon does not load: ${check.reason}`)
  const seconds = ((Date.now() - started) / 1000).toFixed(0)
  log(`built ${path.relative(root, check.file)} in ${seconds} s`)
}

function main() {
  if (envFlag("ZEROMQ_NAPI_BUILD_FROM_SOURCE")) {
    build("ZEROMQ_NAPI_BUILD_FROM_SOURCE is set")
    return
  }
  if (process.env.npm_config_build_from_source === "true") {
    build("--build-from-source was given")
    return
  }
  const check = testLoad()
  if (check.ok) {
    log(`using ${path.relative(root, check.file)}`, true)
    return
  }
  build(check.reason.split("\n")[0])
}

main()
