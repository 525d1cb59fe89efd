import * as os from "node:os"
import * as path from "node:path"
import {spawn, type ChildProcess} from "node:child_process"
import {pathToFileURL} from "node:url"

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

/** Runs `examples/<name>` (TypeScript, through tsx) as its own process. */
export function runExample(name: string, timeoutMs?: number): Promise<ChildResult> {
  const root = path.resolve(__dirname, "..")
  return runNode(["--import", "tsx", path.join(root, "examples", name)], timeoutMs)
}

/**
 * The module child snippets import `Worker` from (`import {Worker} from "${moduleWorker}"`):
 * its string source is ES module code run from a data: URL, not an `eval` worker (which
 * Node 18 runs as CommonJS).
 */
export const moduleWorker = pathToFileURL(
  path.join(__dirname, "fixtures", "module-worker.mjs"),
).href

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

/** A long-lived child process started by {@link startProcess}. */
export interface RunningProcess {
  readonly child: ChildProcess
  /** Resolves with the first stdout line (from now or earlier) matching `pattern`. */
  line(pattern: RegExp, timeoutMs?: number): Promise<string>
  /** Every stdout line so far. */
  readonly lines: readonly string[]
  /** Resolves when the process ended, with its signal or exit code. */
  readonly exited: Promise<NodeJS.Signals | number | null>
  /**
   * Writes `line` and a newline to the process's stdin (for a snippet that reads it,
   * e.g. to learn an endpoint only known after it started). Does nothing once it ended.
   */
  send(line: string): void
  /** SIGKILL (no linger, no goodbye) and wait for the end. */
  kill(): Promise<void>
}

const running = new Set<RunningProcess>()

/**
 * Starts an ES module snippet as a separate process that keeps running (a server,
 * a worker, a broker) so a test can kill it mid-conversation. It imports the package by
 * name (the built entry points). Call {@link killAll} in `afterEach`.
 */
export function startProcess(source: string, env: NodeJS.ProcessEnv = {}): RunningProcess {
  const root = path.resolve(__dirname, "..")
  const child = spawn(process.execPath, ["--input-type=module", "-e", source], {
    cwd: root,
    env: {...process.env, ...env},
    stdio: ["pipe", "pipe", "pipe"],
  })
  // A write racing the process's end fails with EPIPE: nobody is left to read it.
  child.stdin!.on("error", () => undefined)
  const lines: string[] = []
  let stderr = ""
  let partial = ""
  const waiters = new Set<() => void>()
  child.stdout!.on("data", (data: Buffer) => {
    const parts = (partial + data.toString()).split("\n")
    partial = parts.pop()!
    lines.push(...parts)
    for (const wake of waiters) wake()
  })
  child.stderr!.on("data", (data: Buffer) => (stderr += data))
  const exited = new Promise<NodeJS.Signals | number | null>(resolve =>
    child.once("exit", (code, signal) => {
      running.delete(handle)
      child.stdin!.destroy()
      for (const wake of waiters) wake()
      resolve(signal ?? code)
    }),
  )
  const handle: RunningProcess = {
    child,
    lines,
    exited,
    line(pattern, timeoutMs = 10000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.find(line => pattern.test(line))
          if (found !== undefined) return done(() => resolve(found))
          if (child.exitCode !== null || child.signalCode !== null) {
            done(() =>
              reject(new Error(`process ended before printing ${pattern}; stderr: ${stderr}`)),
            )
          }
        }
        const timer = setTimeout(
          () => done(() => reject(new Error(`no line matching ${pattern} in ${timeoutMs} ms`))),
          timeoutMs,
        )
        const done = (settle: () => void) => {
          clearTimeout(timer)
          waiters.delete(check)
          settle()
        }
        waiters.add(check)
        check()
      })
    },
    send(line) {
      if (child.exitCode === null && child.signalCode === null) child.stdin!.write(line + "\n")
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL")
      await exited
    },
  }
  running.add(handle)
  return handle
}

/** Kills every process {@link startProcess} started that is still running. */
export async function killAll(): Promise<void> {
  await Promise.all([...running].map(process => process.kill()))
}

const toClose: (() => unknown)[] = []

/**
 * Registers something to close after the test, passed or failed (see {@link closeAll}),
 * so that a failing test leaves nothing running behind it. Returns it.
 */
export function closing<T extends {close(): unknown}>(thing: T): T {
  toClose.push(() => thing.close())
  return thing
}

/** Closes what {@link closing} registered, newest first. Call it in `afterEach`. */
export async function closeAll(): Promise<void> {
  for (const close of toClose.splice(0).reverse()) await close()
}

/**
 * Polls `check` every 10 ms until it holds, failing after `ms`: for state that changes
 * without an event to await (a counter that another process's messages drive).
 */
export async function until(what: string, check: () => boolean, ms = 8000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 10))
  }
}
