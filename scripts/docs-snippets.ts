// Copies each code snippet of the documentation from the file it is tested in
// (`npm run docs:snippets`), so that no snippet in README.md or docs/*.md can drift from
// code that runs. `--check` only reports the blocks that differ (test/build/docs-snippets.test.ts
// does the same check).
//
// In Markdown, a comment names the file (and optionally a region of it) that the fenced block
// right below it shows:
//
//     <!-- snippet: examples/snippets/push-pull.mts -->        the whole file
//     <!-- snippet: examples/snippets/proxy.mts#run -->        the lines of region "run"
//
// A region is delimited in the file by `// #region run` and `// #endregion run` lines (nested
// regions' marker lines are left out) and shown with its common indentation removed.
import * as fs from "node:fs"
import * as path from "node:path"

/** The repository root. */
export const root = path.resolve(__dirname, "..")

/** The Markdown files whose snippets are tested: the README, the root policies and the guides. */
export function markdownFiles(): string[] {
  const top = ["README.md", "CONTRIBUTING.md", "SECURITY.md", "CHANGELOG.md"].filter(file =>
    fs.existsSync(path.join(root, file)),
  )
  const docs = fs
    .readdirSync(path.join(root, "docs"))
    .filter(file => file.endsWith(".md"))
    .sort()
    .map(file => `docs/${file}`)
  return [...top, ...docs]
}

/**
 * A text file with LF line ends: a checkout with CRLF line ends (git's autocrlf on Windows)
 * compares equal to the repository's text.
 */
export function readText(file: string): string {
  return fs.readFileSync(path.join(root, file), "utf8").replace(/\r\n/g, "\n")
}

/**
 * The relative link targets of a Markdown text, without their `#anchor`: the files a page
 * needs beside it (absolute URLs and in-page anchors are left out).
 */
export function relativeLinks(markdown: string): string[] {
  return [...markdown.matchAll(/\]\(([^)\s]+)\)/g)]
    .map(([, target]) => target)
    .filter(target => !/^(https?:|mailto:|#)/.test(target))
    .map(target => target.split("#")[0])
}

/** Fence languages that are code (commands and text are not snippets). */
export const codeLanguages = new Set(["ts", "typescript", "js", "javascript", "mjs", "cjs", "mts"])

/** One fenced code block of a Markdown file. */
export interface Block {
  /** Relative path of the Markdown file. */
  file: string
  /** 1-based line of the opening fence. */
  line: number
  /** The fence's language tag. */
  language: string
  /** The block's text (lines between the fences, each ending with a newline). */
  text: string
  /** The snippet reference above the block (`path` or `path#region`), if any. */
  source: string | null
  /** Offsets of the block's text in the Markdown file, to replace it. */
  start: number
  /** End offset (exclusive) of the block's text. */
  end: number
}

const marker = /^<!-- snippet: (\S+) -->$/

/** The fenced code blocks of a Markdown text, with the snippet each one is marked with. */
export function blocks(file: string, markdown: string): Block[] {
  const result: Block[] = []
  const lines = markdown.split("\n")
  let offset = 0
  let pending: string | null = null
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    const fence = /^(\s*)(```+)(\S*)\s*$/.exec(line)
    if (!fence) {
      const found = marker.exec(line.trim())
      if (found) pending = found[1]
      else if (line.trim() !== "") pending = null
      offset += line.length + 1
      continue
    }
    // An opening fence: find its closing one (same indentation and fence length).
    const start = offset + line.length + 1
    let j = i + 1
    let end = start
    while (j < lines.length && lines[j] !== fence[1] + fence[2]) {
      end += lines[j].length + 1
      j++
    }
    result.push({
      file,
      line: i + 1,
      language: fence[3],
      text: markdown.slice(start, end),
      source: pending,
      start,
      end,
    })
    pending = null
    for (let k = i; k <= j && k < lines.length; k++) offset += lines[k].length + 1
    i = j
  }
  return result
}

/** The text a snippet reference stands for: the file, or one region of it, dedented. */
export function snippetText(source: string): string {
  const [file, region] = source.split("#")
  const text = readText(file)
  const isMarker = (line: string) => /^\s*\/\/ #(end)?region\b/.test(line)
  if (!region) return text
  // A region may come in several parts (the same name opened again): they are shown joined.
  const body: string[] = []
  let inside = false
  for (const line of text.split("\n")) {
    if (line.trim() === `// #region ${region}`) inside = true
    else if (line.trim() === `// #endregion ${region}`) inside = false
    else if (inside && !isMarker(line)) body.push(line)
  }
  if (body.length === 0) throw new Error(`${file} has no region "${region}"`)
  const indent = Math.min(
    ...body.filter(line => line.trim() !== "").map(line => /^ */.exec(line)![0].length),
  )
  return body.map(line => line.slice(indent)).join("\n") + "\n"
}

/** The Markdown text with every marked block replaced by its snippet's current text. */
export function render(file: string, markdown: string): string {
  let out = ""
  let at = 0
  for (const block of blocks(file, markdown)) {
    if (!block.source) continue
    out += markdown.slice(at, block.start) + snippetText(block.source)
    at = block.end
  }
  return out + markdown.slice(at)
}

function main() {
  const check = process.argv.includes("--check")
  let stale = 0
  for (const file of markdownFiles()) {
    const markdown = readText(file)
    const rendered = render(file, markdown)
    if (rendered === markdown) continue
    stale++
    if (check) console.error(`${file}: a snippet differs from its file`)
    else {
      fs.writeFileSync(path.join(root, file), rendered)
      console.log(`${file}: snippets updated`)
    }
  }
  if (check && stale) process.exitCode = 1
}

if (require.main === module) main()
