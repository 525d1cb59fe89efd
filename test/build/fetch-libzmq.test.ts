import {expect} from "chai"
import {spawnSync} from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

const root = path.resolve(__dirname, "..", "..")
const script = path.join(root, "scripts", "fetch-libzmq.js")
const pin = JSON.parse(fs.readFileSync(path.join(root, "scripts", "libzmq.json"), "utf8"))
// The archive the install fetched (deps/ of this checkout).
const archive = path.join(root, "deps", `libzmq-${pin.version}.tar.gz`)

describe("fetching the pinned libzmq source", function () {
  this.timeout(60000)
  let dir: string

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "zeromq-napi-fetch-test-"))
  })
  afterEach(() => fs.rmSync(dir, {recursive: true, force: true}))

  function fetch(env: Record<string, string>) {
    return spawnSync(process.execPath, [script], {
      encoding: "utf8",
      env: {
        ...process.env,
        ZEROMQ_NAPI_DEPS_DIR: path.join(dir, "deps"),
        XDG_CACHE_HOME: path.join(dir, "cache"),
        ZEROMQ_NAPI_OFFLINE: "1",
        ZEROMQ_NAPI_LIBZMQ_ARCHIVE: "",
        ...env,
      },
    })
  }

  it("unpacks the archive named by ZEROMQ_NAPI_LIBZMQ_ARCHIVE after checking its sha256", () => {
    const result = fetch({ZEROMQ_NAPI_LIBZMQ_ARCHIVE: archive})
    expect(result.status, result.stderr).to.equal(0)
    const unpacked = result.stdout.trim()
    expect(unpacked).to.equal(path.join(dir, "deps", pin.topFolder))
    expect(fs.existsSync(path.join(unpacked, "include", "zmq.h"))).to.equal(true)
    // Remembered for the next install, in deps/ and in the user cache.
    expect(
      fs.existsSync(path.join(dir, "cache", "zeromq-napi", `libzmq-${pin.version}.tar.gz`)),
    ).to.equal(true)
  })

  it("uses a cached copy on the next run", () => {
    fs.mkdirSync(path.join(dir, "cache", "zeromq-napi"), {recursive: true})
    fs.copyFileSync(archive, path.join(dir, "cache", "zeromq-napi", `libzmq-${pin.version}.tar.gz`))
    const result = fetch({})
    expect(result.status, result.stderr).to.equal(0)
    expect(result.stderr).to.contain("using cached copy")
  })

  it("rejects an archive whose sha256 differs and names every way it tried", () => {
    const bogus = path.join(dir, "bogus.tar.gz")
    fs.writeFileSync(bogus, "not libzmq")
    const result = fetch({ZEROMQ_NAPI_LIBZMQ_ARCHIVE: bogus})
    expect(result.status).to.equal(1)
    expect(result.stderr).to.contain(`has sha256`)
    expect(result.stderr).to.contain(`expected ${pin.sha256}`)
    for (const way of [
      "ZEROMQ_NAPI_LIBZMQ_ARCHIVE",
      "cached copy",
      "upstream tag archive",
      "Debian source package",
    ]) {
      expect(result.stderr, way).to.contain(way)
    }
    expect(result.stderr).to.contain("To provide it by hand")
    expect(fs.existsSync(path.join(dir, "deps", pin.topFolder))).to.equal(false)
  })
})
