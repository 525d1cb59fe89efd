#!/usr/bin/env node
"use strict"
// Compiles lib/ to CommonJS in dist/cjs and writes ESM entry points in dist/esm
// that re-export it: one copy of the module state (default context, native
// binding) whether the package is imported or required.
const fs = require("node:fs")
const path = require("node:path")
const {spawnSync} = require("node:child_process")

const root = path.resolve(__dirname, "..")
const tsc = require.resolve("typescript/bin/tsc", {paths: [root]})
const result = spawnSync(process.execPath, [tsc, "-p", path.join(root, "tsconfig.json")], {
  stdio: "inherit",
})
if (result.status !== 0) process.exit(result.status ?? 1)

// ESM entry name → CommonJS module it re-exports.
const entries = {
  index: "index",
  draft: "draft",
  patterns: "patterns/index",
  "v5-compat": "v5-compat/index",
}
const esmDir = path.join(root, "dist", "esm")
fs.mkdirSync(esmDir, {recursive: true})
for (const [entry, module] of Object.entries(entries)) {
  const cjs = require(path.join(root, "dist", "cjs", `${module}.js`))
  const names = Object.keys(cjs).filter(name => name !== "default" && name !== "__esModule")
  const lines = [
    `import cjs from "../cjs/${module}.js"`,
    `export const {${names.join(", ")}} = cjs`,
    "export default cjs",
    "",
  ]
  fs.writeFileSync(path.join(esmDir, `${entry}.mjs`), lines.join("\n"))
}
