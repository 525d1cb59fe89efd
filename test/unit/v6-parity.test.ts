import {expect} from "chai"
import * as path from "node:path"
import {runNode} from "../helpers"
import {parityCases} from "./v6-parity-cases"

/**
 * The same small programs against zeromq v6 (the devDependency) and this package: what
 * they observe (values, error classes, codes, errno, messages, addresses) must be the
 * same, except for the deliberate differences listed here, each with its reason (they
 * are in docs/migration-v6.md too).
 */
const deliberate: Record<string, string> = {
  "unbindSync: unknown endpoint":
    "v6's unbindSync() binds instead of unbinding (a v6 bug); here it unbinds and reports ENOENT like unbind()",
  "option: closed socket":
    "v6 passes the closed socket's null pointer to libzmq (ENOTSOCK); here: EBADF, Socket is closed",
  "Observer: closed socket": "as above: EBADF instead of v6's accidental ENOTSOCK",
  "Socket: bad context":
    'v6 fails inside Node-API with a code-less "Invalid argument"; here: a TypeError naming the option',
  "Dealer: read-only option":
    "the language's own message names the class that holds the getter: #<Dealer>, not #<Socket>",
  "Socket: read-only property": "as above",
  "Observer: receive in emitter mode":
    "the same message, as a ZmqError with code EBUSY (v6: a plain Error without a code), and rejected",
}

describe("parity with zeromq v6", function () {
  this.timeout(60000)
  const results: Record<"v6" | "ours", Map<string, unknown>> = {v6: new Map(), ours: new Map()}

  before(async function () {
    const runner = path.join(__dirname, "v6-parity-run.ts")
    for (const which of ["v6", "ours"] as const) {
      const run = await runNode(["--import", "tsx", runner, which], 50000)
      expect(run.code, run.stderr).to.equal(0)
      for (const line of run.stdout.trim().split("\n")) {
        const {name, result} = JSON.parse(line) as {name: string; result: unknown}
        results[which].set(name, result)
      }
    }
  })

  for (const name of Object.keys(parityCases)) {
    if (name in deliberate) {
      it(`differs on purpose: ${name}`, function () {
        expect(results.ours.get(name)).not.to.deep.equal(results.v6.get(name))
      })
    } else {
      it(name, function () {
        expect(results.v6.has(name), "v6 ran it").to.equal(true)
        expect(results.ours.get(name)).to.deep.equal(results.v6.get(name))
      })
    }
  }
})
