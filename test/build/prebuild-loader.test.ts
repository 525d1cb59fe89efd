import {expect} from "chai"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import {findAddon, hostTarget, listPrebuilds, selectPrebuild} from "../../lib/addon/load"

/** The files `npm run prebuild:all` ships (scripts/prebuild-all.js's target table). */
const shipped = [
  "linux-x64/zeromq-napi.glibc.node",
  "linux-x64/zeromq-napi.musl.node",
  "linux-arm64/zeromq-napi.glibc.node",
  "linux-arm64/zeromq-napi.musl.node",
  "linux-arm/zeromq-napi.armv7.glibc.node",
  "darwin-x64/zeromq-napi.node",
  "darwin-arm64/zeromq-napi.node",
  "win32-x64/zeromq-napi.node",
  "win32-arm64/zeromq-napi.node",
]

describe("the addon loader", () => {
  let root: string

  /** A package folder holding empty files at `files` (relative to prebuilds/). */
  function packageWith(files: string[]) {
    for (const file of files) {
      fs.mkdirSync(path.dirname(path.join(root, "prebuilds", file)), {recursive: true})
      fs.writeFileSync(path.join(root, "prebuilds", file), "")
    }
  }

  function picked(target: Parameters<typeof findAddon>[1]) {
    const file = findAddon(root, target, true)
    return path.relative(path.join(root, "prebuilds"), file).split(path.sep).join("/")
  }

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "zeromq-napi-loader-"))
  })
  afterEach(() => fs.rmSync(root, {recursive: true, force: true}))

  it("picks the glibc or the musl binary by the C library", () => {
    packageWith(shipped)
    expect(picked({platform: "linux", arch: "x64", libc: "glibc"})).to.equal(
      "linux-x64/zeromq-napi.glibc.node",
    )
    expect(picked({platform: "linux", arch: "x64", libc: "musl"})).to.equal(
      "linux-x64/zeromq-napi.musl.node",
    )
    expect(picked({platform: "linux", arch: "arm64", libc: "musl"})).to.equal(
      "linux-arm64/zeromq-napi.musl.node",
    )
  })

  it("keeps 64-bit and 32-bit ARM apart, and needs ARMv7 for the armv7 binary", () => {
    packageWith(shipped)
    expect(picked({platform: "linux", arch: "arm64", libc: "glibc"})).to.equal(
      "linux-arm64/zeromq-napi.glibc.node",
    )
    expect(picked({platform: "linux", arch: "arm", libc: "glibc", armv: "7"})).to.equal(
      "linux-arm/zeromq-napi.armv7.glibc.node",
    )
    // A Raspberry Pi 1 or Zero (ARMv6) must not load ARMv7 code.
    expect(() => picked({platform: "linux", arch: "arm", libc: "glibc", armv: "6"})).to.throw(
      "No prebuilt binary matches platform=linux arch=arm libc=glibc armv=6",
    )
  })

  it("picks the macOS and Windows binaries by architecture alone", () => {
    packageWith(shipped)
    expect(picked({platform: "darwin", arch: "arm64"})).to.equal("darwin-arm64/zeromq-napi.node")
    expect(picked({platform: "darwin", arch: "x64"})).to.equal("darwin-x64/zeromq-napi.node")
    expect(picked({platform: "win32", arch: "arm64"})).to.equal("win32-arm64/zeromq-napi.node")
  })

  it("prefers a binary tagged for this C library over an untagged one", () => {
    packageWith(["linux-x64/zeromq-napi.node", "linux-x64/zeromq-napi.musl.node"])
    expect(picked({platform: "linux", arch: "x64", libc: "musl"})).to.equal(
      "linux-x64/zeromq-napi.musl.node",
    )
    expect(picked({platform: "linux", arch: "x64", libc: "glibc"})).to.equal(
      "linux-x64/zeromq-napi.node",
    )
  })

  it("prefers a single-architecture folder over a universal one", () => {
    packageWith(["darwin-x64+arm64/zeromq-napi.node", "darwin-arm64/zeromq-napi.node"])
    expect(picked({platform: "darwin", arch: "arm64"})).to.equal("darwin-arm64/zeromq-napi.node")
    expect(picked({platform: "darwin", arch: "x64"})).to.equal("darwin-x64+arm64/zeromq-napi.node")
  })

  it("lists the binaries there are when none fits", () => {
    packageWith(["linux-x64/zeromq-napi.glibc.node", "linux-arm/zeromq-napi.armv7.glibc.node"])
    expect(() => picked({platform: "linux", arch: "x64", libc: "musl"})).to.throw(
      `No prebuilt binary matches platform=linux arch=x64 libc=musl in ${path.join(root, "prebuilds")}: ` +
        "the prebuilt binaries there are for linux-arm (armv7, glibc), linux-x64 (glibc).",
    )
  })

  it("says so when the package has no prebuilt binaries at all", () => {
    expect(() => picked({platform: "freebsd", arch: "x64"})).to.throw(
      "No prebuilt binary matches platform=freebsd arch=x64 in " +
        `${path.join(root, "prebuilds")}: the package has no prebuilt binaries.`,
    )
  })

  it("loads a local build before any prebuild, unless told to use prebuilds only", () => {
    packageWith(["linux-x64/zeromq-napi.glibc.node"])
    fs.mkdirSync(path.join(root, "build", "Release"), {recursive: true})
    fs.writeFileSync(path.join(root, "build", "Release", "zeromq_napi.node"), "")
    const target = {platform: "linux", arch: "x64", libc: "glibc" as const}
    expect(findAddon(root, target, false)).to.equal(
      path.join(root, "build", "Release", "zeromq_napi.node"),
    )
    expect(findAddon(root, target, true)).to.equal(
      path.join(root, "prebuilds", "linux-x64", "zeromq-napi.glibc.node"),
    )
  })

  it("ignores files that are no binaries and folders that name no platform", () => {
    packageWith(["linux-x64/README.txt", "linux/zeromq-napi.node", "linux-x64/zeromq-napi.node"])
    expect(listPrebuilds(root).map(p => path.basename(path.dirname(p.file)))).to.deep.equal([
      "linux-x64",
    ])
    expect(selectPrebuild(listPrebuilds(root), {platform: "linux", arch: "x64"})).to.not.equal(
      undefined,
    )
  })

  it("describes this process with its platform, architecture and, on Linux, its C library", () => {
    const target = hostTarget()
    expect(target.platform).to.equal(process.platform)
    expect(target.arch).to.equal(process.arch)
    if (process.platform === "linux") {
      const report = process.report.getReport() as {header: {glibcVersionRuntime?: string}}
      expect(target.libc).to.equal(report.header.glibcVersionRuntime ? "glibc" : "musl")
    } else {
      expect(target.libc).to.equal(undefined)
    }
  })
})
