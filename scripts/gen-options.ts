/**
 * Writes lib/generated/socket-option-types.ts and context-option-types.ts, the typings of
 * the socket and context option properties, from the option tables in lib/options/ (`npm run gen:options`): the values
 * give each property's type, access and socket classes; the doc comments of the table
 * entries become the properties' documentation, so that an editor's hover and the API
 * reference show it. (Mapped types over the tables would drop the comments.)
 *
 *   tsx scripts/gen-options.ts          write the file
 *   tsx scripts/gen-options.ts --check  exit 1 when the file is not up to date
 */
import * as fs from "node:fs"
import * as path from "node:path"
import * as prettier from "prettier"
import ts from "typescript"
import {contextOptions, socketOptions, type OptionSpec} from "../lib/options"
import {socketClassNames, socketKinds, type SocketClassName} from "../lib/socket/kinds"

const root = path.resolve(__dirname, "..")
const socketOutput = path.join(root, "lib", "generated", "socket-option-types.ts")
const contextOutput = path.join(root, "lib", "generated", "context-option-types.ts")
const tableFiles = fs
  .readdirSync(path.join(root, "lib", "options"))
  .filter(file => /^(socket-.*|context-options)\.ts$/.test(file))
  .map(file => path.join(root, "lib", "options", file))

interface Source {
  doc: string
  /** The libzmq constant the entry's `id` names. */
  constant: string
}

/** Each table entry's doc comment and libzmq constant, by option name. */
function readSources(): Map<string, Source> {
  const sources = new Map<string, Source>()
  for (const file of tableFiles) {
    const text = fs.readFileSync(file, "utf8")
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true)
    const visit = (node: ts.Node): void => {
      if (ts.isPropertyAssignment(node) && ts.isObjectLiteralExpression(node.initializer)) {
        const fields = node.initializer.properties.map(p => p.name?.getText(source))
        // A table entry: {id, kind, value, access, …}.
        if (fields.includes("id") && fields.includes("kind")) {
          const name = node.name.getText(source)
          const comments = ts.getLeadingCommentRanges(text, node.getFullStart()) ?? []
          const block = comments.map(range => text.slice(range.pos, range.end)).pop() ?? ""
          const doc = block.startsWith("/**")
            ? block
                .slice(3, -2)
                .split("\n")
                .map(line => line.replace(/^\s*\* ?/, ""))
                .join("\n")
                .trim()
            : ""
          const id = node.initializer.properties.find(
            p => ts.isPropertyAssignment(p) && p.name.getText(source) === "id",
          ) as ts.PropertyAssignment | undefined
          sources.set(name, {doc, constant: id?.initializer.getText(source) ?? ""})
        }
      }
      ts.forEachChild(node, visit)
    }
    visit(source)
  }
  return sources
}

function readType(spec: OptionSpec): string {
  switch (spec.value) {
    case "number":
      return "number"
    case "boolean":
      return "boolean"
    case "string":
      return "string | null"
    case "buffer":
      return "Buffer | null"
    case "key":
      return "string"
    case "enum": {
      const names = Object.keys(spec.values ?? {}).map(name => JSON.stringify(name))
      if (spec.nullValue !== undefined) names.push("null")
      return names.join(" | ")
    }
  }
}

function writeType(spec: OptionSpec): string {
  if (spec.value === "buffer") return "Buffer | string | null"
  if (spec.value === "key") return "string | Buffer"
  return readType(spec)
}

function comment(lines: string[], indent: string): string[] {
  return [
    `${indent}/**`,
    ...lines.map(line => `${indent} *${line ? ` ${line}` : ""}`),
    `${indent} */`,
  ]
}

/**
 * The members of an interface for the options `names` of `table`: the properties
 * (`init` false), or the optional, write-typed members of constructor options (`init`).
 */
function members(
  table: Record<string, OptionSpec>,
  names: string[],
  sources: Map<string, Source>,
  init = false,
) {
  const lines: string[] = []
  for (const name of names) {
    const spec = table[name]
    if (init && spec.access === "r") continue
    const source = sources.get(name)
    if (!source?.doc) throw new Error(`option "${name}" has no doc comment in lib/options/`)
    const notes: string[] = []
    if (spec.access === "r") notes.push("Read-only.")
    if (spec.access === "w") notes.push("Write-only.")
    if (spec.draft) notes.push("A DRAFT option of libzmq: needs `capability.draft`.")
    notes.push(`libzmq: \`${source.constant}\`.`)
    const doc = comment([...source.doc.split("\n"), "", notes.join(" ")], "  ")
    lines.push(...doc)
    if (init) {
      lines.push(`  ${name}?: ${writeType(spec)}`)
    } else if (spec.access === "r") {
      lines.push(`  get ${name}(): ${readType(spec)}`)
    } else if (spec.access === "w") {
      lines.push(`  set ${name}(value: ${writeType(spec)})`)
    } else if (readType(spec) === writeType(spec)) {
      lines.push(`  ${name}: ${readType(spec)}`)
    } else {
      // TypeDoc documents the setter on its own: it gets the same comment.
      lines.push(
        `  get ${name}(): ${readType(spec)}`,
        ...doc,
        `  set ${name}(value: ${writeType(spec)})`,
      )
    }
    lines.push("")
  }
  if (lines.at(-1) === "") lines.pop()
  return lines
}

/**
 * A TypeDoc link to a socket class. The option typings are exported from the main entry point,
 * where the draft classes are not: their links name the `draft` entry point.
 */
function classLink(name: SocketClassName): string {
  return socketKinds[name].draft ? `{@link draft!${name}}` : `{@link ${name}}`
}

function pascal(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1)
}

function header(what: string, imports: string[]): string[] {
  return [
    "// Generated by scripts/gen-options.ts from the option tables in lib/options/: do not edit.",
    "/**",
    ` * ${what}, with their documentation.`,
    " * @module",
    " */",
    ...imports,
    "",
  ]
}

function generateContext(): string {
  const sources = readSources()
  const contextTable = contextOptions as Record<string, OptionSpec>
  return [
    ...header("The option properties of contexts", []),
    ...comment(["The options of a {@link Context}."], ""),
    "export interface ContextOptionProperties {",
    ...members(contextTable, Object.keys(contextTable), sources),
    "}",
    "",
  ].join("\n")
}

function generate(): string {
  const sources = readSources()
  const table = socketOptions as Record<string, OptionSpec>
  const sending = socketClassNames.filter(name => socketKinds[name].sends)
  const receiving = socketClassNames.filter(name => socketKinds[name].receives)
  const same = (a: readonly string[], b: readonly string[]) =>
    a.length === b.length && a.every(name => b.includes(name))

  // Options grouped by the classes that have them: one interface per group.
  const groups = new Map<
    string,
    {name: string; classes: readonly SocketClassName[]; options: string[]}
  >()
  for (const [option, spec] of Object.entries(table)) {
    const classes = spec.sockets ?? socketClassNames
    if (classes.length === 0) continue
    const key = [...classes].sort().join(",")
    let group = groups.get(key)
    if (group === undefined) {
      const name =
        classes === socketClassNames
          ? "CommonSocketOptions"
          : same(classes, sending)
            ? "SendingSocketOptions"
            : same(classes, receiving)
              ? "ReceivingSocketOptions"
              : classes.length === 1
                ? `${classes[0]}OnlyOptions`
                : `${pascal(option)}SocketOptions`
      group = {name, classes, options: []}
      groups.set(key, group)
    }
    group.options.push(option)
  }

  const out = header("The option properties of sockets", [
    'import type {Context} from "../context"',
  ])
  for (const group of groups.values()) {
    const who =
      group.name === "CommonSocketOptions"
        ? "every socket"
        : group.classes.map(classLink).join(", ")
    out.push(...comment([`Options of ${who}.`], ""))
    out.push(`export interface ${group.name} {`, ...members(table, group.options, sources), "}", "")
    const init = members(table, group.options, sources, true)
    if (init.length === 0) continue
    out.push(...comment([`Options of ${who}, as constructor options.`], ""))
    out.push(`export interface ${group.name}Init {`, ...init, "}", "")
  }
  for (const className of socketClassNames) {
    const parents = [...groups.values()]
      .filter(group => group.classes.includes(className))
      .map(group => group.name)
    out.push(...comment([`The option properties of a ${classLink(className)}.`], ""))
    out.push(
      `export interface ${className}OptionProperties`,
      `  extends ${parents.join(",\n    ")} {}`,
      "",
    )
  }
  for (const className of socketClassNames) {
    const parents = [...groups.values()]
      .filter(group => group.classes.includes(className))
      .filter(group => group.options.some(option => table[option].access !== "r"))
      .map(group => `${group.name}Init`)
    out.push(...comment([`What the constructor of a ${classLink(className)} accepts.`], ""))
    out.push(`export interface ${className}Options`, `  extends ${parents.join(",\n    ")} {`)
    out.push(
      ...comment(
        ["The context to create the socket on; the shared default `context` unless given."],
        "  ",
      ),
    )
    out.push("  context?: Context")
    if (socketKinds[className].receives) {
      out.push(
        ...comment(
          ["Whether received messages carry their properties: see `collectMetadata`."],
          "  ",
        ),
      )
      out.push("  collectMetadata?: boolean | readonly string[]")
    }
    out.push("}", "")
  }
  out.push("/** The option properties of each socket class, by class name. */")
  out.push("export interface SocketOptionsByClass {")
  for (const className of socketClassNames) {
    out.push(...comment([`The option properties of a ${classLink(className)}.`], "  "))
    out.push(`  ${className}: ${className}OptionProperties`)
  }
  out.push("}", "")
  return out.join("\n")
}

async function main(): Promise<void> {
  const check = process.argv.includes("--check")
  for (const [output, text] of [
    [socketOutput, generate()],
    [contextOutput, generateContext()],
  ]) {
    // Formatted as the project's own files are, so that `prettier --check` passes.
    const config = (await prettier.resolveConfig(output)) ?? {}
    const generated = await prettier.format(text, {...config, filepath: output})
    if (!check) {
      fs.writeFileSync(output, generated)
    } else if (!fs.existsSync(output) || fs.readFileSync(output, "utf8") !== generated) {
      console.error(`${path.relative(root, output)} is out of date: run npm run gen:options`)
      process.exitCode = 1
    }
  }
}

void main()
