import * as os from "node:os"
import * as path from "node:path"
import {spawn} from "node:child_process"

export type Transport = "tcp" | "ipc" | "inproc"
export const transports: Transport[] = ["tcp", "ipc", "inproc"]

let counter = 0

/**
 * An address to bind on: tcp picks a free port (read the real endpoint back from
 * `lastEndpoint`), ipc a fresh path, inproc a fresh name.
 */
export function bindAddress(transport: Transport): string {
  counter++
  switch (transport) {
    case "tcp":
      return "tcp://127.0.0.1:*"
    case "ipc":
      return `ipc://${path.join(os.tmpdir(), `zmq-napi-${process.pid}-${counter}.sock`)}`
    case "inproc":
      return `inproc://zmq-napi-test-${counter}`
  }
}

/** Binds `socket` and returns the endpoint peers connect to. */
export async function bindAny(
  socket: {bind(address: string): Promise<void>; readonly lastEndpoint: string | null},
  transport: Transport = "tcp",
): Promise<string> {
  await socket.bind(bindAddress(transport))
  return socket.lastEndpoint!
}

/** Resolves with the value of a promise, or rejects if it takes longer than `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what = "operation"): Promise<T> {
  let timer: NodeJS.Timeout
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** Whether a promise is still pending after the current I/O turn. */
export async function isPending(promise: Promise<unknown>): Promise<boolean> {
  const marker = Symbol("pending")
  const result = await Promise.race([
    promise.then(
      () => null,
      () => null,
    ),
    new Promise(r => setImmediate(() => r(marker))),
  ])
  return result === marker
}

export interface ChildResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  ms: number
}

/**
 * Runs Node in a child process from the project folder with `args` (and extra
 * environment variables), collecting its output; killed after `timeoutMs`.
 */
export function runNode(
  args: string[],
  timeoutMs = 20000,
  env: NodeJS.ProcessEnv = {},
): Promise<ChildResult> {
  const root = path.resolve(__dirname, "..")
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: root,
      env: {...process.env, ...env},
      stdio: ["ignore", "pipe", "pipe"],
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", d => (stdout += d))
    child.stderr.on("data", d => (stderr += d))
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs)
    child.on("error", reject)
    child.on("close", (code, signal) => {
      clearTimeout(timer)
      resolve({code, signal, stdout, stderr, ms: Date.now() - started})
    })
  })
}

/**
 * Runs an ES module snippet in a child process (the process may die there, not in
 * the test runner). It imports the package by name: the built ESM entry point.
 */
export function runChild(
  source: string,
  args: string[] = [],
  timeoutMs = 20000,
): Promise<ChildResult> {
  return runNode([...args, "--input-type=module", "-e", source], timeoutMs)
}
