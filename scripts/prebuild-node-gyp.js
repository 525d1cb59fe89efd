#!/usr/bin/env node
"use strict"
/**
 * A stand-in for node-gyp that prebuildify runs (`prebuildify --node-gyp <this file>`): it turns
 * prebuildify's `node-gyp rebuild --target=… --devdir=… --arch=… --release` into
 * `cmake-js rebuild --arch …`, so that build/Release/zeromq_napi.node comes from CMakeLists.txt.
 *
 * --target, --devdir, --runtime, --dist-url and other node-gyp flags are ignored: the addon uses
 * Node-API only (package.json "binary.napi_versions"), so cmake-js needs no per-version headers.
 * Cross builds on Linux need a CMake toolchain file: CMAKE_TOOLCHAIN_FILE in the environment.
 * Extra cmake-js arguments can be given in PREBUILD_CMAKE_JS_ARGS (split on spaces).
 */
const os = require("node:os")
const path = require("node:path")
const {spawnSync} = require("node:child_process")

const root = path.resolve(__dirname, "..")
const args = process.argv.slice(2)
const command = args.find(arg => !arg.startsWith("-")) || "build"

function option(name) {
  const prefix = `--${name}=`
  const found = args.find(arg => arg.startsWith(prefix))
  if (found) return found.slice(prefix.length)
  const index = args.indexOf(`--${name}`)
  return index >= 0 && index + 1 < args.length && !args[index + 1].startsWith("-")
    ? args[index + 1]
    : undefined
}

if (!["rebuild", "build"].includes(command)) {
  console.error(`prebuild-node-gyp: unsupported node-gyp command "${command}"`)
  process.exit(1)
}

const arch = option("arch") || process.env.PREBUILD_ARCH || os.arch()
const cmakeArgs = [command, "--arch", arch]
if (args.includes("--debug")) cmakeArgs.push("--debug")
const jobs = option("jobs")
if (jobs && /^\d+$/.test(jobs)) cmakeArgs.push("--parallel", jobs)

const toolchain = process.env.CMAKE_TOOLCHAIN_FILE
if (toolchain) {
  cmakeArgs.push(`--CDCMAKE_TOOLCHAIN_FILE=${path.resolve(toolchain)}`)
} else if (arch !== os.arch() && !["darwin", "win32"].includes(process.platform)) {
  // cmake-js only cross compiles through a toolchain file here: refuse rather than let
  // prebuildify file a host binary under another architecture's name.
  console.error(
    `prebuild-node-gyp: --arch=${arch} differs from this machine (${os.arch()}); ` +
      "set CMAKE_TOOLCHAIN_FILE to a CMake toolchain file for that architecture",
  )
  process.exit(1)
}
if (process.env.PREBUILD_CMAKE_JS_ARGS) {
  cmakeArgs.push(...process.env.PREBUILD_CMAKE_JS_ARGS.split(" ").filter(Boolean))
}

const pkgFile = require.resolve("cmake-js/package.json", {paths: [root]})
const {bin} = require(pkgFile)
const cmakeJs = path.join(path.dirname(pkgFile), typeof bin === "string" ? bin : bin["cmake-js"])

console.error(`prebuild-node-gyp: cmake-js ${cmakeArgs.join(" ")}`)
const result = spawnSync(process.execPath, [cmakeJs, ...cmakeArgs], {cwd: root, stdio: "inherit"})
if (result.error) {
  console.error(`prebuild-node-gyp: could not run cmake-js: ${result.error.message}`)
  process.exit(1)
}
process.exit(result.status === null ? 1 : result.status)
