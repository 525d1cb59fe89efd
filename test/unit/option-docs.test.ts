import * as fs from "node:fs"
import * as path from "node:path"
import {spawnSync} from "node:child_process"
import {inspect} from "node:util"
import {expect} from "chai"
import ts from "typescript"
import * as zmq from "../../lib"

// What users see in their editor: the documentation of every option on hover, generated
// from the option tables (scripts/gen-options.ts), and no internals.

const root = path.resolve(__dirname, "..", "..")

/** Hover text (TypeScript's quick info) at each "here" marker comment of a probe file. */
function hovers(source: string): string[] {
  const file = path.join(__dirname, "__hover_probe__.ts")
  const text = source.replace(/\/\*here\*\//g, "")
  const positions: number[] = []
  let offset = 0
  for (const part of source.split("/*here*/").slice(0, -1)) {
    offset += part.length
    positions.push(offset)
  }
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    strict: true,
    types: ["node"],
  }
  const host: ts.LanguageServiceHost = {
    getScriptFileNames: () => [file],
    getScriptVersion: () => "1",
    getScriptSnapshot: name =>
      name === file
        ? ts.ScriptSnapshot.fromString(text)
        : fs.existsSync(name)
          ? ts.ScriptSnapshot.fromString(fs.readFileSync(name, "utf8"))
          : undefined,
    getCurrentDirectory: () => root,
    getCompilationSettings: () => options,
    getDefaultLibFileName: ts.getDefaultLibFilePath,
    fileExists: name => name === file || ts.sys.fileExists(name),
    readFile: name => (name === file ? text : ts.sys.readFile(name)),
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
  }
  const service = ts.createLanguageService(host)
  return positions.map(position => {
    const info = service.getQuickInfoAtPosition(file, position)
    return [
      ts.displayPartsToString(info?.displayParts),
      ts.displayPartsToString(info?.documentation),
    ].join("\n")
  })
}

describe("option documentation", function () {
  this.timeout(60000)

  it("shows each option's documentation on hover, on properties and constructor options", () => {
    const [highWaterMark, linger, ioThreads, noDrop, constructorOption, readOnly] = hovers(`
      import * as zmq from "../../lib"
      const push = new zmq.Push()
      push./*here*/sendHighWaterMark = 10
      new zmq.Dealer()./*here*/linger
      zmq.context./*here*/ioThreads
      new zmq.XPublisher()./*here*/noDrop = true
      new zmq.Pull({/*here*/receiveHighWaterMark: 5})
      push./*here*/lastEndpoint
    `)
    expect(highWaterMark).to.match(/sendHighWaterMark: number/)
    expect(highWaterMark).to.match(/outgoing messages queued per peer/)
    expect(highWaterMark).to.match(/ZMQ_SNDHWM/)
    expect(linger).to.match(/linger: number/)
    expect(linger).to.match(/Default 1000/)
    expect(ioThreads).to.match(/I\/O threads/)
    expect(noDrop).to.match(/XPublisher|drop/i)
    expect(constructorOption).to.match(/receiveHighWaterMark/)
    expect(constructorOption).to.match(/incoming messages/i)
    expect(readOnly).to.match(/Read-only/)
  })

  it("types read-only options as getters and write-only ones as setters", () => {
    const source = ["socket-option-types.ts", "context-option-types.ts"]
      .map(file => fs.readFileSync(path.join(root, "lib", "generated", file), "utf8"))
      .join("\n")
    expect(source).to.match(/get lastEndpoint\(\): string \| null/)
    expect(source).to.match(/set verbosity\(value: /)
    expect(source).to.match(/set threadPriority\(value: number\)/)
  })

  it("generates the option typings from the current option tables", () => {
    const tsx = path.join(root, "node_modules", ".bin", "tsx")
    const result = spawnSync(tsx, [path.join(root, "scripts", "gen-options.ts"), "--check"], {
      encoding: "utf8",
    })
    expect(result.stderr).to.equal("")
    expect(result.status).to.equal(0)
  })

  it("shows no internals when a socket or context is inspected", () => {
    const push = new zmq.Push()
    try {
      expect(inspect(push)).to.equal("Push {}")
      expect(Object.keys(push)).to.deep.equal([])
      expect(inspect(new zmq.Context())).to.equal("Context {}")
    } finally {
      push.close()
    }
  })
})
