#!/usr/bin/env node
// Generates lib/generated/zmq-constants.ts from libzmq's public header, so that
// option ids, socket types and flags are never typed in by hand.
//
//   node scripts/gen-constants.js [path/to/zmq.h]            write the file
//   node scripts/gen-constants.js [path/to/zmq.h] --check    exit 1 if it is stale
"use strict"

const fs = require("fs")
const path = require("path")

const root = path.resolve(__dirname, "..")
const defaultHeader = path.join(root, "deps", "libzmq-4.3.4", "include", "zmq.h")
const outputFile = path.join(root, "lib", "generated", "zmq-constants.ts")

// An object-like macro whose whole body is one integer literal, e.g.
// `#define ZMQ_SNDHWM 23` or `#define ZMQ_EVENT_ALL 0xFFFF`, optionally followed by a
// comment. Aliases (`#define ZMQ_XREQ ZMQ_DEALER`), expressions and function-like
// macros deliberately do not match: only plain numbers are safe to copy verbatim.
const defineLine =
  /^\s*#\s*define\s+(ZMQ_[A-Za-z0-9_]+)\s+(-?(?:0[xX][0-9A-Fa-f]+|[0-9]+))\s*(?:(?:\/\/|\/\*).*)?$/

// The version is stated in the generated header comment instead.
const versionMacros = new Set(["ZMQ_VERSION_MAJOR", "ZMQ_VERSION_MINOR", "ZMQ_VERSION_PATCH"])

function parseHeader(text) {
  const constants = []
  const seen = new Set()
  const version = {}
  for (const line of text.split(/\r?\n/)) {
    const match = defineLine.exec(line)
    if (!match) continue
    const [, name, literal] = match
    if (versionMacros.has(name)) {
      version[name] = literal
      continue
    }
    // A few constants are defined conditionally in several places (#ifndef guards);
    // the first definition is the one a C compiler would normally see.
    if (seen.has(name)) continue
    seen.add(name)
    constants.push({name, literal})
  }

  const {ZMQ_VERSION_MAJOR: major, ZMQ_VERSION_MINOR: minor, ZMQ_VERSION_PATCH: patch} = version
  if (major === undefined || minor === undefined || patch === undefined) {
    throw new Error("zmq.h does not define ZMQ_VERSION_MAJOR/MINOR/PATCH")
  }
  return {version: `${major}.${minor}.${patch}`, constants}
}

// Prettier lower-cases hex literals (0xFFFF -> 0xffff); doing the same here keeps the
// generated file unchanged by `prettier --write`.
function formatLiteral(literal) {
  const negative = literal.startsWith("-")
  const digits = negative ? literal.slice(1) : literal
  const formatted = /^0[xX]/.test(digits) ? "0x" + digits.slice(2).toLowerCase() : digits
  return (negative ? "-" : "") + formatted
}

function render({version, constants}) {
  const lines = [
    `// Generated from zmq.h of libzmq ${version} by \`npm run gen:constants\`. Do not edit.`,
    "// Every `#define ZMQ_<NAME> <integer>` of the header (including its DRAFT section),",
    "// in header order. Aliases and expression macros are not included.",
    "",
  ]
  for (const {name, literal} of constants) {
    lines.push(`export const ${name} = ${formatLiteral(literal)}`)
  }
  return lines.join("\n") + "\n"
}

function summarizeDiff(expected, actual) {
  const toMap = text =>
    new Map(
      text
        .split("\n")
        .filter(line => line.startsWith("export const "))
        .map(line => {
          const [left, right] = line.slice("export const ".length).split(" = ")
          return [left, right]
        }),
    )
  const want = toMap(expected)
  const have = toMap(actual)
  const messages = []
  for (const [name, value] of want) {
    if (!have.has(name)) messages.push(`  missing: ${name} = ${value}`)
    else if (have.get(name) !== value) {
      messages.push(`  changed: ${name} = ${have.get(name)} (expected ${value})`)
    }
  }
  for (const [name, value] of have) {
    if (!want.has(name)) messages.push(`  unexpected: ${name} = ${value}`)
  }
  if (messages.length === 0) {
    messages.push("  constants match; header comment or formatting differs")
  }
  return messages.join("\n")
}

function main(argv) {
  const check = argv.includes("--check")
  const positional = argv.filter(arg => !arg.startsWith("--"))
  const headerPath = positional.length > 0 ? path.resolve(positional[0]) : defaultHeader

  const expected = render(parseHeader(fs.readFileSync(headerPath, "utf8")))
  const relativeOutput = path.relative(process.cwd(), outputFile)

  if (check) {
    const actual = fs.existsSync(outputFile) ? fs.readFileSync(outputFile, "utf8") : ""
    if (actual === expected) {
      console.log(`${relativeOutput} is up to date with ${headerPath}`)
      return 0
    }
    console.error(`${relativeOutput} is out of date with ${headerPath}:`)
    console.error(actual === "" ? "  file is missing" : summarizeDiff(expected, actual))
    console.error("Run `npm run gen:constants` to regenerate it.")
    return 1
  }

  fs.mkdirSync(path.dirname(outputFile), {recursive: true})
  fs.writeFileSync(outputFile, expected)
  console.log(`wrote ${relativeOutput}`)
  return 0
}

process.exitCode = main(process.argv.slice(2))
