/**
 * The loader: the only module that loads the compiled addon.
 * Internal: not part of the public API.
 * @module
 */
import * as fs from "node:fs"
import * as path from "node:path"
import type {NativeBinding} from "./types"

function packageRoot(): string {
  // lib/addon/ when run from source, dist/cjs/addon/ when compiled.
  let dir = __dirname
  for (;;) {
    const manifest = path.join(dir, "package.json")
    if (fs.existsSync(manifest)) {
      const {name} = JSON.parse(fs.readFileSync(manifest, "utf8")) as {name?: string}
      if (name === "zeromq-napi") return dir
    }
    const parent = path.dirname(dir)
    if (parent === dir) throw new Error(`zeromq-napi: package.json not found above ${__dirname}`)
    dir = parent
  }
}

/**
 * What a prebuilt binary must match to load in this process: prebuildify's folder name
 * (`prebuilds/<platform>-<arch>`) and file tags (`<name>.armv7.glibc.node`).
 */
export interface AddonTarget {
  platform: string
  arch: string
  /** Linux: the C library the host process runs on. */
  libc?: "glibc" | "musl"
  /** 32-bit ARM: the ARM version the runtime was built for ("6", "7"). */
  armv?: string
}

/** A prebuilt binary found under `prebuilds/`, with what its folder and file name say. */
export interface Prebuild {
  file: string
  platform: string
  arches: string[]
  libc?: string
  armv?: string
  /** The number of tags: the most specific match wins, as in node-gyp-build. */
  specificity: number
}

/**
 * The C library of this process on Linux. The program interpreter of the running executable
 * says it for any runtime (Node, Bun, Electron) and distribution; node-gyp-build only looks for
 * /etc/alpine-release, which other musl distributions lack.
 */
function linuxLibc(): "glibc" | "musl" {
  try {
    const interpreter = elfInterpreter(process.execPath)
    if (interpreter?.includes("musl")) return "musl"
    if (interpreter?.includes("ld-linux")) return "glibc"
  } catch {
    // unreadable executable: ask the runtime instead
  }
  const report = process.report?.getReport() as {header?: {glibcVersionRuntime?: string}}
  if (report?.header?.glibcVersionRuntime) return "glibc"
  return fs.existsSync("/etc/alpine-release") ? "musl" : "glibc"
}

/** The PT_INTERP path of a little-endian ELF executable, or undefined when it has none. */
function elfInterpreter(file: string): string | undefined {
  const fd = fs.openSync(file, "r")
  try {
    const head = Buffer.alloc(64 * 1024)
    const length = fs.readSync(fd, head, 0, head.length, 0)
    if (length < 52 || head.readUInt32BE(0) !== 0x7f454c46) return undefined
    const is64 = head[4] === 2
    const phoff = is64 ? Number(head.readBigUInt64LE(32)) : head.readUInt32LE(28)
    const phentsize = head.readUInt16LE(is64 ? 54 : 42)
    const phnum = head.readUInt16LE(is64 ? 56 : 44)
    for (let i = 0; i < phnum; i++) {
      const at = phoff + i * phentsize
      if (at + phentsize > length) break
      if (head.readUInt32LE(at) !== 3 /* PT_INTERP */) continue
      const offset = is64 ? Number(head.readBigUInt64LE(at + 8)) : head.readUInt32LE(at + 4)
      const size = is64 ? Number(head.readBigUInt64LE(at + 32)) : head.readUInt32LE(at + 16)
      const text = Buffer.alloc(size)
      fs.readSync(fd, text, 0, size, offset)
      return text.toString("latin1").replace(/\0.*$/s, "")
    }
    return undefined
  } finally {
    fs.closeSync(fd)
  }
}

/** This process's platform, architecture, C library and ARM version. */
export function hostTarget(): AddonTarget {
  const target: AddonTarget = {platform: process.platform, arch: process.arch}
  if (process.platform === "linux") target.libc = linuxLibc()
  if (process.arch === "arm") {
    const variables = (process.config as {variables?: {arm_version?: string | number}}).variables
    if (variables?.arm_version !== undefined) target.armv = String(variables.arm_version)
  }
  return target
}

function readdir(dir: string): string[] {
  try {
    return fs.readdirSync(dir)
  } catch {
    return []
  }
}

/** Every `.node` file under `<root>/prebuilds/<platform>-<arch>[+<arch>…]/` and its tags. */
export function listPrebuilds(root: string): Prebuild[] {
  const found: Prebuild[] = []
  const base = path.join(root, "prebuilds")
  for (const folder of readdir(base).sort()) {
    const [platform, arches, ...more] = folder.split("-")
    if (!platform || !arches || more.length) continue
    for (const name of readdir(path.join(base, folder)).sort()) {
      const parts = name.split(".")
      if (parts.pop() !== "node") continue
      const prebuild: Prebuild = {
        file: path.join(base, folder, name),
        platform,
        arches: arches.split("+"),
        specificity: 0,
      }
      for (const tag of parts.slice(1)) {
        if (tag === "glibc" || tag === "musl") prebuild.libc = tag
        else if (/^armv\d+$/.test(tag)) prebuild.armv = tag.slice(4)
        else if (tag !== "napi" && tag !== "node") continue
        prebuild.specificity++
      }
      found.push(prebuild)
    }
  }
  return found
}

/**
 * The prebuild for `target`, as node-gyp-build picks it: the folder of the platform and
 * architecture (single-architecture folders first), then a file whose libc and ARM version
 * tags (when it has them) match, the most specific first.
 */
export function selectPrebuild(prebuilds: Prebuild[], target: AddonTarget): Prebuild | undefined {
  return prebuilds
    .filter(p => p.platform === target.platform && p.arches.includes(target.arch))
    .filter(p => !p.libc || p.libc === target.libc)
    .filter(p => !p.armv || p.armv === target.armv)
    .sort((a, b) => a.arches.length - b.arches.length || b.specificity - a.specificity)[0]
}

/** `platform=linux arch=arm libc=glibc armv=7`: the words the loader and its errors use. */
export function describeTarget(target: AddonTarget): string {
  return Object.entries(target)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(" ")
}

function describePrebuild(p: Prebuild): string {
  const tags = [p.armv && `armv${p.armv}`, p.libc].filter(Boolean).join(", ")
  return `${p.platform}-${p.arches.join("+")}${tags ? ` (${tags})` : ""}`
}

/**
 * The addon file to load from the package at `root`: a local build (build/Release, then
 * build/Debug) unless `prebuildsOnly`, else the matching prebuild. Throws an error that says
 * what was looked for and lists the prebuilds there are when nothing fits.
 */
export function findAddon(root: string, target: AddonTarget, prebuildsOnly: boolean): string {
  if (!prebuildsOnly) {
    for (const kind of ["Release", "Debug"]) {
      const dir = path.join(root, "build", kind)
      const built = readdir(dir).find(name => name.endsWith(".node"))
      if (built) return path.join(dir, built)
    }
  }
  const prebuilds = listPrebuilds(root)
  const match = selectPrebuild(prebuilds, target)
  if (match) return match.file
  const there = prebuilds.length
    ? `the prebuilt binaries there are for ${prebuilds.map(describePrebuild).join(", ")}`
    : "the package has no prebuilt binaries"
  throw new Error(
    `No prebuilt binary matches ${describeTarget(target)} in ${path.join(root, "prebuilds")}: ${there}.`,
  )
}

let loadedFrom: string | undefined

/** The file the addon was loaded from. */
export function addonPath(): string | undefined {
  return loadedFrom
}

function load(): NativeBinding {
  // ZEROMQ_NAPI_ADDON=/path/to/zeromq_napi.node loads that binary instead of the normal
  // search: how the sanitizer run (`npm run test:asan`) loads its build-asan/ addon while
  // build/Release stays the normal one.
  const override = process.env.ZEROMQ_NAPI_ADDON
  if (override) {
    loadedFrom = path.resolve(override)
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(loadedFrom) as NativeBinding
  }
  const root = packageRoot()
  const target = hostTarget()
  const prebuildsOnly = Boolean(process.env.PREBUILDS_ONLY)
  try {
    const file = findAddon(root, target, prebuildsOnly)
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const binding = require(file) as NativeBinding
    loadedFrom = file
    return binding
  } catch (err) {
    const platform = `${process.platform}-${process.arch}`
    const reason = err instanceof Error ? err.message : String(err)
    throw new Error(
      [
        `zeromq-napi could not load its native addon for ${platform} (Node ${process.version}, ` +
          `Node-API ${process.versions.napi}).`,
        `Looked for ${describeTarget(target)} in, in order: ` +
          (prebuildsOnly
            ? ""
            : `${path.join(root, "build", "Release")}, ${path.join(root, "build", "Debug")}, `) +
          `${path.join(root, "prebuilds")}${prebuildsOnly ? " (PREBUILDS_ONLY is set: prebuilds only)" : ""}.`,
        `Reason: ${reason}`,
        "To fix it:",
        "  - build it from source: `npm rebuild zeromq-napi` (needs cmake and a C++17 compiler;",
        "    libzmq's source is fetched, or set ZEROMQ_NAPI_LIBZMQ_ARCHIVE to its archive), or",
        "  - build against a system libzmq: `npm run build:gyp` in the package folder (needs pkg-config),",
        "  - or install on a platform with a prebuilt binary (docs/platforms.md lists them).",
      ].join("\n"),
      {cause: err},
    )
  }
}

/** The loaded addon, as it is: lib/addon/index.ts gives it the library's error class. */
export const binding: NativeBinding = load()
