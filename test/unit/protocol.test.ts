import {constants} from "node:os"
import * as path from "node:path"
import {spawnSync} from "node:child_process"
import {expect} from "chai"
import {binding} from "../../lib/addon"
import * as protocol from "../../lib/generated/protocol"

// native/protocol.h declares the numbers the addon and the TypeScript layer share; the
// TypeScript side is generated from it. Both must agree, in the source and in the binary.

const root = path.resolve(__dirname, "..", "..")

describe("the addon's protocol", () => {
  it("is generated from native/protocol.h as it is now", () => {
    const result = spawnSync(
      process.execPath,
      [path.join(root, "scripts", "gen-protocol.js"), "--check"],
      {
        encoding: "utf8",
      },
    )
    expect(result.stderr).to.equal("")
    expect(result.status).to.equal(0)
  })

  it("has the same numbers in the loaded addon as in the TypeScript layer", () => {
    expect(binding.protocol).to.deep.equal(JSON.parse(JSON.stringify(protocol)))
  })

  it("gives the TypeScript layer the errno numbers of this platform", () => {
    expect(binding.errnos.EAGAIN).to.equal(constants.errno.EAGAIN)
    expect(binding.errnos.EADDRINUSE).to.equal(constants.errno.EADDRINUSE)
    // libzmq's own numbers: ZMQ_HAUSNUMERO (156384712) + n.
    expect(binding.errnos.ETERM).to.equal(156384712 + 53)
  })
})
