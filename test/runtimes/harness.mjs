// The smallest test runner that runs the same on Node, Bun and Deno: `test(name, fn)` registers,
// the file runs its tests in order once it is loaded, prints one line per test and a summary,
// and sets the exit code. It never calls process.exit(): the process must end by itself, which
// proves that no socket or watcher keeps it alive (test/runtimes/run.mjs times it out if not).
import * as fs from "node:fs"
import {createRequire} from "node:module"
import * as os from "node:os"
import * as path from "node:path"
import {fileURLToPath} from "node:url"

const here = path.dirname(fileURLToPath(import.meta.url))
/** The package root, whose built CommonJS entry the tests load (as `require` users do). */
export const root = path.resolve(here, "..", "..")
const require = createRequire(import.meta.url)
/** The library, built (`npm run build:ts`). */
export const zmq = require(path.join(root, "dist", "cjs", "index.js"))

/** Which runtime runs this: "bun", "deno" or "node". */
export const runtime = process.versions.bun
  ? "bun"
  : typeof globalThis.Deno !== "undefined"
    ? "deno"
    : "node"

/** A full garbage collection (the runner exposes gc() on Node and Deno), or nothing. */
export function collectGarbage() {
  if (typeof globalThis.gc === "function") globalThis.gc()
  else if (runtime === "bun") globalThis.Bun.gc(true)
}

const tests = []
/** Registers a test; `fn` may return a promise. Default timeout 15 s. */
export function test(name, fn, timeoutMs = 15000) {
  tests.push({name, fn, timeoutMs})
}

/** Rejects after `ms` with `what` unless `promise` settles first. */
export function within(promise, ms, what) {
  let timer
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

let counter = 0
/** A unique ipc endpoint in the temporary folder. */
export function ipcEndpoint() {
  return `ipc://${path.join(os.tmpdir(), `zmq-napi-rt-${process.pid}-${++counter}.sock`)}`
}
/** A unique inproc endpoint. */
export function inprocEndpoint() {
  return `inproc://rt-${++counter}`
}

/** Binds `socket` to an endpoint of `transport` and returns what to connect to. */
export async function bindTo(socket, transport) {
  if (transport === "tcp") {
    await socket.bind("tcp://127.0.0.1:*")
    return socket.lastEndpoint
  }
  const endpoint = transport === "ipc" ? ipcEndpoint() : inprocEndpoint()
  await socket.bind(endpoint)
  return endpoint
}

export const transports = ["tcp", "ipc", "inproc"]

/**
 * Runs a script in a new process of this same runtime and resolves with its exit code, signal,
 * stdout and stderr. The script is written to a temporary file; `LIB` in it is the library's
 * CommonJS entry path.
 */
export async function runScript(source, timeoutMs = 30000) {
  const {spawn} = await import("node:child_process")
  const file = path.join(os.tmpdir(), `zmq-napi-rt-${process.pid}-${++counter}.mjs`)
  const lib = JSON.stringify(path.join(root, "dist", "cjs", "index.js"))
  fs.writeFileSync(
    file,
    `import {createRequire} from "node:module"\nconst require = createRequire(import.meta.url)\n` +
      `const LIB = ${lib}\n${source}`,
  )
  const args = runtime === "deno" ? ["run", "-A", file] : [file]
  try {
    return await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, args, {stdio: ["ignore", "pipe", "pipe"]})
      let stdout = ""
      let stderr = ""
      child.stdout.on("data", data => (stdout += data))
      child.stderr.on("data", data => (stderr += data))
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs)
      child.on("error", reject)
      child.on("close", (code, signal) => {
        clearTimeout(timer)
        resolve({code, signal, stdout, stderr})
      })
    })
  } finally {
    fs.rmSync(file, {force: true})
  }
}

/** Asserts a child's clean end: exit code 0, no signal, nothing on stderr that says crash. */
export function assertClean(result, what) {
  const crash = /double free|panic|Aborted|core dumped|Segmentation|FATAL|free\(\)/i
  if (result.signal !== null || result.code !== 0 || crash.test(result.stderr)) {
    throw new Error(
      `${what}: exit ${result.code} signal ${result.signal}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`,
    )
  }
}

async function run() {
  let failed = 0
  const started = Date.now()
  for (const {name, fn, timeoutMs} of tests) {
    const at = Date.now()
    try {
      await within(Promise.resolve().then(fn), timeoutMs, name)
      console.log(`ok ${name} (${Date.now() - at} ms)`)
    } catch (err) {
      failed++
      console.log(`not ok ${name}\n  ${String(err?.stack ?? err).replace(/\n/g, "\n  ")}`)
    }
  }
  console.log(
    `# ${runtime}: ${tests.length - failed} passed, ${failed} failed (${Date.now() - started} ms)`,
  )
  process.exitCode = failed === 0 ? 0 : 1
}

// After the file's top-level code registered its tests.
setTimeout(run, 0)
