import {expect} from "chai"
import {spawn} from "node:child_process"
import * as path from "node:path"

const root = path.resolve(__dirname, "..")

function runExample(name: string): Promise<{code: number | null; stdout: string; stderr: string}> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "examples", name)], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", d => (stdout += d))
    child.stderr.on("data", d => (stderr += d))
    const timer = setTimeout(() => child.kill("SIGKILL"), 20000)
    child.on("error", reject)
    child.on("close", code => {
      clearTimeout(timer)
      resolve({code, stdout, stderr})
    })
  })
}

describe("the examples", function () {
  this.timeout(30000)

  it("request-reply answers three requests", async () => {
    const {code, stdout, stderr} = await runExample("request-reply.ts")
    expect(stderr).to.equal("")
    expect(stdout.trim().split("\n")).to.deep.equal([
      "world (re: hello 1)",
      "world (re: hello 2)",
      "world (re: hello 3)",
    ])
    expect(code).to.equal(0)
  })

  it("publish-subscribe delivers only the subscribed topic", async () => {
    const {code, stdout, stderr} = await runExample("publish-subscribe.ts")
    expect(stderr).to.equal("")
    const lines = stdout.trim().split("\n")
    expect(lines).to.have.length(3)
    for (const line of lines) expect(line).to.match(/^kitty cats: meow \d+$/)
    expect(code).to.equal(0)
  })

  it("pipeline spreads tasks over the workers and sums the results", async () => {
    const {code, stdout, stderr} = await runExample("pipeline.ts")
    expect(stderr).to.equal("")
    expect(stdout).to.contain("sum of squares 1..20: 2870")
    expect(code).to.equal(0)
  })

  it("router-dealer broker relays every request to a worker and back", async () => {
    const {code, stdout, stderr} = await runExample("router-dealer-broker.ts")
    expect(stderr).to.equal("")
    const lines = stdout.trim().split("\n")
    expect(lines).to.have.length(3)
    lines.forEach((line, i) => expect(line).to.match(new RegExp(`^job ${i + 1} done by [AB]$`)))
    expect(code).to.equal(0)
  })
})
