#!/usr/bin/env node
"use strict"
/**
 * npm `install` script. Runs before TypeScript is compiled, so it uses only Node built-ins plus
 * the `node-gyp-build` and `cmake-js` dependencies.
 *
 *  1. Unless a source build is asked for (env ZEROMQ_NAPI_BUILD_FROM_SOURCE, or
 *     `npm install --build-from-source`), check in a child process that the binary node-gyp-build
 *     would pick (build/Release, then prebuilds/<platform>-<arch>/) loads; if it does, stop.
 *  2. Otherwise build from source with `cmake-js compile` (vendored static libzmq).
 *
 * It never falls back to `node-gyp rebuild`: that build (binding.gyp) needs a system libzmq and
 * is only run on request (`npm run build:gyp`).
 */
const fs = require("node:fs")
const path = require("node:path")
const {spawnSync} = require("node:child_process")

const root = path.resolve(__dirname, "..")
const name = "zeromq-napi"

function log(message) {
  process.stderr.write(`${name}: ${message}\n`)
}

/** A flag given as an environment variable: set, non-empty, and not "0" or "false". */
function envFlag(variable) {
  const value = process.env[variable]
  return value !== undefined && value !== "" && value !== "0" && value.toLowerCase() !== "false"
}

/**
 * Loads the binary node-gyp-build resolves for `root` in a child process, as
 * node-gyp-build-test does (a crash or a bad binary must not take this process down).
 * Returns {ok: true, file} or {ok: false, reason}.
 */
function testLoad() {
  const code = [
    `const load = require(${JSON.stringify(require.resolve("node-gyp-build"))})`,
    `const file = load.resolve(${JSON.stringify(root)})`,
    "require(file)",
    "process.stdout.write(file)",
  ].join("\n")
  const result = spawnSync(process.execPath, ["-e", code], {
    cwd: root,
    env: {...process.env, NODE_ENV: "test"},
    encoding: "utf8",
  })
  if (result.status === 0) return {ok: true, file: result.stdout.trim()}
  const lines = `${result.stderr || ""}${result.error ? result.error.message : ""}`
    .split("\n")
    .map(line => line.trim())
  // Prefer the error message over the stack trace and the source excerpt Node prints first.
  const message = lines.find(line => /^\w*Error:/.test(line)) || lines.find(Boolean)
  const reason = message
    ? message.replace(/^\w*Error:\s*/, "")
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

function cmakeJsBin() {
  const pkgFile = require.resolve("cmake-js/package.json")
  const {bin} = require(pkgFile)
  return path.join(path.dirname(pkgFile), typeof bin === "string" ? bin : bin["cmake-js"])
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
  log(`building from source with cmake-js: ${reason}`)
  const result = spawnSync(process.execPath, [cmakeJsBin(), "compile"], {
    cwd: root,
    stdio: "inherit",
  })
  if (result.error) fail(`could not run cmake-js: ${result.error.message}`)
  if (result.status !== 0) {
    const how = result.signal ? `was killed by ${result.signal}` : `exited with ${result.status}`
    fail(`the source build failed (cmake-js compile ${how}).`)
  }
  const check = testLoad()
  if (!check.ok) fail(`the source build finished but the addon does not load: ${check.reason}`)
  log(`built ${path.relative(root, check.file)}`)
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
    log(`using ${path.relative(root, check.file)}`)
    return
  }
  build(check.reason.split("\n")[0])
}

main()
