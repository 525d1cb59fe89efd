import {expect} from "chai"
import * as fs from "node:fs"
import * as path from "node:path"
import {
  blocks,
  codeLanguages,
  markdownFiles,
  readText,
  relativeLinks,
  render,
  root,
  snippetText,
} from "../../scripts/docs-snippets"
import {runNode} from "../helpers"

const snippetDir = path.join(root, "examples", "snippets")

/**
 * What each snippet prints: one pattern per line, in order unless `anyOrder` (output of two
 * sockets' callbacks whose order is not fixed); a line matching `repeats` may come more than once
 * (a refused peer that reconnects before it is closed on a busy machine). A snippet without an entry fails the suite, so a
 * new snippet comes with its expected output.
 */
const expected: Record<string, {lines: RegExp[]; anyOrder?: boolean; repeats?: RegExp}> = {
  "push-pull.mts": {lines: [/^hello$/]},
  "request-reply.mts": {lines: [/^world \(re: hello\)$/]},
  "publish-subscribe.mts": {lines: [/^subscribed: weather$/, /^weather sunny$/]},
  "pipeline.mts": {lines: [/^worker: resize a\.png$/, /^worker: resize b\.png$/, /^worker: resize c\.png$/]},
  "router-dealer.mts": {lines: [/^worker-1 sent job$/, /^result$/]},
  "draft.mts": {lines: [/^answer to question$/, /^news: headline$/]},
  "batch.mts": {lines: [/^10000 messages, 88890 bytes$/]},
  "cancel.mts": {lines: [/^TimeoutError$/, /^EADDRINUSE tcp:\/\/127\.0\.0\.1:\d+$/]},
  "options.mts": {
    lines: [
      /^worker-1 0 100$/,
      /^tcp:\/\/127\.0\.0\.1:\d+$/,
      /^TypeError: Unknown option "lingr"; did you mean "linger"\?$/,
    ],
  },
  "tracked.mts": {lines: [/^1048576 1$/, /^1048576 2$/, /^1048576 3$/]},
  "frame-properties.mts": {lines: [/^hello$/, /^alice$/, /^PUSH$/, /^127\.0\.0\.1$/]},
  "events.mts": {
    lines: [
      /^router: bind$/,
      /^router: accept$/,
      /^router: handshake$/,
      /^dealer: handshake with tcp:\/\/127\.0\.0\.1:\d+$/,
    ],
    anyOrder: true,
  },
  "plain.mts": {
    lines: [
      /^mallory: out \(PLAIN: unknown user "mallory"\)$/,
      /^alice: in \(PLAIN: password of "alice" accepted\)$/,
      /^hello from alice$/,
    ],
    repeats: /^mallory: out/,
  },
  "poller.mts": {lines: [/^task: task 1$/, /^weather: sunny$/], anyOrder: true},
  "proxy.mts": {lines: [/^weather: sunny$/, /^true 1$/]},
  "context.mts": {lines: [/^EBADF$/, /^ETERM$/]},
  "curve.mts": {lines: [/^true CURVE: certificate found in keys\/clients$/, /^world \(re: hello\)$/]},
  "lazy-pirate.mts": {lines: [/^world \(re: hello\)$/, /^no reply after 3 tries$/]},
  "paranoid-pirate.mts": {lines: [/^done: job 1$/]},
  "majordomo.mts": {lines: [/^1$/, /^2$/, /^3 200$/]},
  "binary-star.mts": {lines: [/^primary echoes hello$/]},
  "freelance.mts": {lines: [/^192\.0\.2\.1$/]},
  "clone.mts": {
    lines: [/^\/config\/color blue$/, /^\/config\/lease mine$/, /^\/config\/lease undefined$/, /^blue 1$/],
  },
  "worker.mts": {lines: [/^hello from a worker$/]},
  "runtimes.mjs": {lines: [/^4\.3\.4 function true$/]},
  "v5-compat.js": {lines: [/^work: task 1$/]},
}

function allBlocks() {
  return markdownFiles().flatMap(file =>
    blocks(file, readText(file)),
  )
}

describe("the documentation and its snippets", function () {
  this.timeout(60000)

  it("mark every code block of the README and the guides with the file it comes from", () => {
    const unmarked = allBlocks()
      .filter(block => codeLanguages.has(block.language) && !block.source)
      .map(block => `${block.file}:${block.line}`)
    expect(unmarked, "mark them <!-- snippet: examples/snippets/<file> -->").to.deep.equal([])
  })

  it("are byte for byte their files (npm run docs:snippets copies them)", () => {
    for (const file of markdownFiles()) {
      const markdown = readText(file)
      expect(render(file, markdown), `${file}: run npm run docs:snippets`).to.equal(markdown)
    }
  })

  it("come from files in examples/snippets/, each shown somewhere", () => {
    const sources = allBlocks()
      .map(block => block.source)
      .filter((source): source is string => source !== null)
    for (const source of sources) {
      expect(source).to.match(/^examples\/snippets\/[\w-]+\.(mts|ts|mjs|js)(#[\w-]+)?$/)
      expect(snippetText(source).trim(), source).not.to.equal("")
    }
    const shown = new Set(sources.map(source => path.basename(source.split("#")[0])))
    expect(fs.readdirSync(snippetDir).sort()).to.deep.equal([...shown].sort())
    expect(Object.keys(expected).sort()).to.deep.equal([...shown].sort())
  })

  it("start with a README that is a landing page: the install line first, 300 lines at most", () => {
    const readme = readText("README.md")
    expect(readme.split("\n").length).to.be.at.most(300)
    const intro = readme.slice(0, readme.indexOf("\n## "))
    expect(intro).to.contain("```sh\nnpm install zeromq-napi\n```")
  })

  it("link only to files and headings that exist", () => {
    // GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens.
    const anchors = (file: string) =>
      [...readText(file).replace(/```[\s\S]*?```/g, "").matchAll(/^#+ (.*)$/gm)].map(([, heading]) =>
        heading
          .trim()
          .toLowerCase()
          .replace(/[^\p{L}\p{N}_\- ]/gu, "")
          .replace(/ /g, "-"),
      )
    const broken: string[] = []
    for (const file of markdownFiles()) {
      const markdown = readText(file)
      for (const target of relativeLinks(markdown)) {
        const resolved = path.resolve(path.dirname(path.join(root, file)), target)
        if (!fs.existsSync(resolved)) broken.push(`${file}: ${target}`)
      }
      for (const [, page, anchor] of markdown.matchAll(/\]\(([^)\s#]*\.md)?#([^)\s]+)\)/g)) {
        if (/^https?:/.test(page ?? "")) continue
        const target = page
          ? path.relative(root, path.resolve(path.dirname(path.join(root, file)), page))
          : file
        if (!anchors(target).includes(anchor)) broken.push(`${file}: ${page ?? ""}#${anchor}`)
      }
    }
    expect(broken).to.deep.equal([])
  })


  for (const [name, {lines, anyOrder, repeats}] of Object.entries(expected)) {
    it(`run: ${name} prints what it says`, async () => {
      // JavaScript runs as it is; TypeScript through tsx, as `npx tsx file.mts` would.
      const loader = name.endsWith(".js") ? [] : ["--import", "tsx"]
      const {code, signal, stdout, stderr} = await runNode(
        [...loader, path.join(snippetDir, name)],
        30000,
      )
      expect(stderr).to.equal("")
      expect({code, signal}).to.deep.equal({code: 0, signal: null})
      const printed = stdout
        .trimEnd()
        .split("\n")
        .filter((line, i, all) => !repeats?.test(line) || all.indexOf(line) === i)
      expect(printed, stdout).to.have.length(lines.length)
      const remaining = [...printed]
      for (const [i, pattern] of lines.entries()) {
        const at = anyOrder ? remaining.findIndex(line => pattern.test(line)) : i
        expect(remaining[at] ?? "", `line ${i + 1} of ${stdout}`).to.match(pattern)
        if (anyOrder) remaining.splice(at, 1)
      }
    })
  }
})
