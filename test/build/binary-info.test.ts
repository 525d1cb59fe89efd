import {expect} from "chai"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import {addonPath} from "../../lib/addon/load"

// eslint-disable-next-line @typescript-eslint/no-require-imports
const {binaryInfo} = require("../../scripts/binary-info.js") as {
  binaryInfo(file: string): {
    format: string
    arch: string
    exports: string[]
    needed: string[]
    glibc?: string
  }
}

describe("the prebuild checks' binary reader (scripts/binary-info.js)", () => {
  it("reads the loaded addon's format, architecture, exports and needed libraries", () => {
    const info = binaryInfo(addonPath() as string)
    const format = {linux: "elf", darwin: "macho", win32: "pe"}[process.platform as string]
    expect(info.format).to.equal(format)
    expect(info.arch).to.equal(process.arch)
    // What CMakeLists.txt's version script / export list lets out: the Node-API entry points.
    expect([...info.exports].sort()).to.deep.equal([
      "napi_register_module_v1",
      "node_api_module_get_api_version_v1",
    ])
    if (process.platform === "linux") {
      expect(info.needed.some(lib => /^(libc\.so(\.6)?|libc\.musl-.*)$/.test(lib))).to.equal(true)
    }
  })

  it("names the newest glibc symbol version an executable needs, when it uses glibc", () => {
    const info = binaryInfo(process.execPath)
    const report = process.report.getReport() as {header: {glibcVersionRuntime?: string}}
    if (report.header.glibcVersionRuntime) {
      // Node's official builds need glibc 2.28; a distribution's Node needs its own glibc.
      expect(info.glibc).to.match(/^2\.\d+$/)
    } else {
      expect(info.glibc).to.equal(undefined)
    }
  })

  it("refuses a file that is no ELF, PE or Mach-O binary", () => {
    const file = path.join(os.tmpdir(), `zeromq-napi-not-binary-${process.pid}`)
    fs.writeFileSync(file, "#!/bin/sh\necho not a binary\n")
    try {
      expect(() => binaryInfo(file)).to.throw("not an ELF, PE or 64-bit Mach-O file")
    } finally {
      fs.rmSync(file)
    }
  })
})
