import {expect} from "chai"
import {spawnSync} from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

const root = path.resolve(__dirname, "../..")

/** The member sections of a TypeDoc class page: their anchors and whether they have text. */
function members(html: string): {id: string; documented: boolean}[] {
  return html
    .split('<section class="tsd-panel tsd-member')
    .slice(1)
    .map(section => ({
      id: /id="([^"]+)"/.exec(section)?.[1] ?? "?",
      documented: section.includes("tsd-comment"),
    }))
}

describe("the API reference (npm run docs)", function () {
  this.timeout(180_000)
  let out: string

  before(() => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), "zeromq-napi-docs-"))
    // typedoc.json treats warnings as errors: a broken link or an undocumented export fails.
    const result = spawnSync(
      process.execPath,
      [path.join(root, "node_modules", "typedoc", "bin", "typedoc"), "--out", out],
      {cwd: root, encoding: "utf8"},
    )
    expect(result.status, `${result.stdout}\n${result.stderr}`).to.equal(0)
  })
  after(() => fs.rmSync(out, {recursive: true, force: true}))

  it("gives every member of a socket class text, the options included", () => {
    for (const page of ["index.Push.html", "index.Router.html", "draft.Server.html"]) {
      const html = fs.readFileSync(path.join(out, "classes", page), "utf8")
      const all = members(html)
      expect(all.length, page).to.be.greaterThan(40)
      expect(
        all.filter(member => !member.documented).map(member => member.id),
        page,
      ).to.deep.equal([])
    }
    const push = fs.readFileSync(path.join(out, "classes", "index.Push.html"), "utf8")
    // An option's own text, from its table entry in lib/options/.
    expect(push).to.contain("ZMQ_LINGER").and.contain("ZMQ_SNDHWM")
  })

  it("builds every guide into the site, with the README's links pointing at them", () => {
    const guides = fs.readdirSync(path.join(root, "docs")).filter(file => file.endsWith(".md"))
    for (const guide of guides) {
      const page = path.join(out, "documents", `docs_${guide.replace(/\.md$/, ".html")}`)
      expect(fs.existsSync(page), page).to.equal(true)
    }
    const index = fs.readFileSync(path.join(out, "index.html"), "utf8")
    expect(index).to.contain('href="documents/docs_sockets.html"')
    expect(index).to.contain('href="documents/docs_migration-v6.html"')
  })
})
