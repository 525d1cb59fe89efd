import * as fs from "node:fs"
import * as path from "node:path"
import {expect} from "chai"
import ts from "typescript"

// The rules of docs/architecture.md that a machine can check.

const root = path.resolve(__dirname, "..", "..")
const lib = path.join(root, "lib")

function files(dir: string, extension: string): string[] {
  return fs.readdirSync(dir, {withFileTypes: true}).flatMap(entry => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return files(full, extension)
    return entry.name.endsWith(extension) ? [full] : []
  })
}

interface Edge {
  to: string
  typeOnly: boolean
}

/** Every module of lib/ with the modules of lib/ it imports (relative specifiers). */
function moduleGraph(): Map<string, Edge[]> {
  const graph = new Map<string, Edge[]>()
  for (const file of files(lib, ".ts")) {
    const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022)
    const edges: Edge[] = []
    for (const statement of source.statements) {
      if (!ts.isImportDeclaration(statement) && !ts.isExportDeclaration(statement)) continue
      const specifier = statement.moduleSpecifier
      if (specifier === undefined || !ts.isStringLiteral(specifier)) continue
      if (!specifier.text.startsWith(".")) continue
      let target = path.resolve(path.dirname(file), specifier.text)
      target = fs.existsSync(`${target}.ts`) ? `${target}.ts` : path.join(target, "index.ts")
      const typeOnly = ts.isImportDeclaration(statement)
        ? (statement.importClause?.isTypeOnly ?? false) ||
          (statement.importClause?.namedBindings !== undefined &&
            ts.isNamedImports(statement.importClause.namedBindings) &&
            statement.importClause.name === undefined &&
            statement.importClause.namedBindings.elements.every(element => element.isTypeOnly))
        : statement.isTypeOnly
      edges.push({to: target, typeOnly})
    }
    graph.set(file, edges)
  }
  return graph
}

/** The import circles of a graph, each as a list of modules (relative to lib/). */
function cycles(graph: Map<string, Edge[]>, includeTypes: boolean): string[][] {
  const found: string[][] = []
  const state = new Map<string, "visiting" | "done">()
  const stack: string[] = []
  const visit = (module: string) => {
    state.set(module, "visiting")
    stack.push(module)
    for (const {to, typeOnly} of graph.get(module) ?? []) {
      if (typeOnly && !includeTypes) continue
      if (state.get(to) === "visiting") {
        found.push(stack.slice(stack.indexOf(to)).map(m => path.relative(lib, m)))
      } else if (state.get(to) === undefined) {
        visit(to)
      }
    }
    stack.pop()
    state.set(module, "done")
  }
  for (const module of graph.keys()) if (!state.has(module)) visit(module)
  return found
}

function lineCount(file: string): number {
  return fs.readFileSync(file, "utf8").split("\n").length
}

describe("architecture", () => {
  const graph = moduleGraph()

  it("has no import circle among the modules of lib/, counting type imports too", () => {
    expect(cycles(graph, true)).to.deep.equal([])
  })

  it("finds an import circle when there is one (the check itself works)", () => {
    const a = path.join(lib, "a.ts")
    const b = path.join(lib, "b.ts")
    const circle = new Map<string, Edge[]>([
      [a, [{to: b, typeOnly: false}]],
      [b, [{to: a, typeOnly: true}]],
    ])
    expect(cycles(circle, true)).to.deep.equal([["a.ts", "b.ts"]])
    expect(cycles(circle, false)).to.deep.equal([])
  })

  it("lets only the errors and addon modules load the compiled addon", () => {
    const loader = path.join(lib, "addon", "load.ts")
    const importers = [...graph]
      .filter(([, edges]) => edges.some(edge => edge.to === loader && !edge.typeOnly))
      .map(([module]) => path.relative(lib, module))
      .sort()
    expect(importers).to.deep.equal(["addon/index.ts", "errors.ts"])
  })

  it("has the patterns import only the public entry points and their helper module", () => {
    const allowed = new Set([path.join(lib, "index.ts"), path.join(lib, "draft.ts")])
    const patterns = path.join(lib, "patterns")
    for (const [module, edges] of graph) {
      if (!module.startsWith(patterns + path.sep)) continue
      for (const {to} of edges) {
        const inside = to.startsWith(patterns + path.sep)
        const what = `${path.relative(lib, module)} imports ${path.relative(lib, to)}`
        expect(inside || allowed.has(to) || to === path.join(lib, "internal.ts"), what).to.equal(
          true,
        )
      }
    }
  })

  it("keeps hand-written TypeScript under 1,000 lines and C++ under 700 lines a file", () => {
    const generated = path.join(lib, "generated")
    const long = [
      ...files(lib, ".ts")
        .filter(file => !file.startsWith(generated) && lineCount(file) > 1000)
        .map(file => `${path.relative(root, file)}: ${lineCount(file)}`),
      ...files(path.join(root, "native"), ".cc")
        .filter(file => lineCount(file) > 700)
        .map(file => `${path.relative(root, file)}: ${lineCount(file)}`),
    ]
    expect(long).to.deep.equal([])
  })
})
