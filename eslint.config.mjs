// ESLint flat config. TypeScript sources get typescript-eslint's recommended rules (no type
// information needed, so `eslint .` stays fast); the build and install scripts are plain
// CommonJS that runs on Node before anything is compiled.
import js from "@eslint/js"
import {defineConfig, globalIgnores} from "eslint/config"
import tseslint from "typescript-eslint"

// Node's globals, listed here rather than taken from the `globals` package (not a direct
// dependency of this project).
const nodeGlobals = Object.fromEntries(
  [
    "AbortController",
    "AbortSignal",
    "Buffer",
    "TextDecoder",
    "TextEncoder",
    "URL",
    "URLSearchParams",
    "__dirname",
    "__filename",
    "clearImmediate",
    "clearInterval",
    "clearTimeout",
    "console",
    "globalThis",
    "performance",
    "process",
    "queueMicrotask",
    "setImmediate",
    "setInterval",
    "setTimeout",
    "structuredClone",
  ].map(name => [name, "readonly"]),
)

const unusedVars = {argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none"}

export default defineConfig([
  globalIgnores([
    "dist/",
    "build/",
    "deps/",
    "node_modules/",
    "prebuilds/",
    "docs/",
    "coverage/",
    ".cache/",
    "bench/results/",
  ]),
  {
    files: ["{lib,test,bench,examples}/**/*.{ts,mts,cts}"],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", unusedVars],
    },
  },
  {
    // Socket and context classes get their option properties and Readable/Writable methods
    // through class + interface merging, defined on the prototype at load time (the zeromq v6
    // API shape): deliberate here, so the rule that forbids it is off for lib/.
    files: ["lib/**/*.ts"],
    rules: {"@typescript-eslint/no-unsafe-declaration-merging": "off"},
  },
  {
    // chai's `expect(x).to.be.true` style assertions are expressions by design.
    files: ["test/**/*.{ts,mts,cts}"],
    rules: {"@typescript-eslint/no-unused-expressions": "off"},
  },
  {
    files: ["**/*.{js,cjs}"],
    extends: [js.configs.recommended],
    languageOptions: {ecmaVersion: 2022, sourceType: "commonjs", globals: nodeGlobals},
    rules: {"no-unused-vars": ["error", unusedVars]},
  },
  {
    files: ["**/*.mjs"],
    extends: [js.configs.recommended],
    languageOptions: {ecmaVersion: 2022, sourceType: "module", globals: nodeGlobals},
    rules: {"no-unused-vars": ["error", unusedVars]},
  },
])
