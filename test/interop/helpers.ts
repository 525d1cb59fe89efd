/**
 * Python peers for the interoperability tests (`npm run test:interop`): small programs
 * in test/interop/ that follow the RFCs and the guide's examples with pyzmq, run as
 * child processes so that a test can kill them mid-conversation.
 */
import * as path from "node:path"
import {spawn, spawnSync} from "node:child_process"
import type {RunningProcess} from "../helpers"

/**
 * Interpreters to try, in order: PYTHON when set; else `python3` from PATH, then Debian's
 * own (/usr/bin/python3, where python3-zmq installs pyzmq) when the first lacks pyzmq
 * (a pyenv or virtualenv python3 first on PATH, say).
 */
const candidates = process.env.PYTHON ? [process.env.PYTHON] : ["python3", "/usr/bin/python3"]

const folder = __dirname

let python: {command: string; libzmq: string} | undefined

/**
 * Finds a Python 3 with pyzmq, or fails (call it in a `before` hook) with a message that
 * says what to install. Returns the interpreter and the libzmq version pyzmq uses.
 */
export function requirePyzmq(): {command: string; libzmq: string} {
  if (python !== undefined) return python
  const problems: string[] = []
  for (const command of candidates) {
    const probe = spawnSync(command, ["-c", "import zmq; print(zmq.zmq_version())"], {
      encoding: "utf8",
    })
    if (probe.error === undefined && probe.status === 0) {
      python = {command, libzmq: probe.stdout.trim()}
      return python
    }
    problems.push(`${command}: ${probe.error?.message ?? probe.stderr.trim().split("\n").pop()}`)
  }
  throw new Error(
    `The interop tests need Python 3 with pyzmq (${problems.join("; ")}). ` +
      "Install Debian's python3-zmq (apt-get install -y python3-zmq); .ci/run does.",
  )
}

const running = new Set<RunningProcess>()

/**
 * Starts `test/interop/<script>` with `args`. Its stdout lines are collected; its stdin
 * takes commands (`send`). Call {@link killPythons} in `afterEach`.
 */
export function startPython(script: string, args: string[] = []): RunningProcess {
  const child = spawn(requirePyzmq().command, ["-u", "-B", path.join(folder, script), ...args], {
    cwd: folder,
    stdio: ["pipe", "pipe", "pipe"],
  })
  // A write racing the process's end fails with EPIPE: nobody is left to read it.
  child.stdin.on("error", () => undefined)
  const lines: string[] = []
  let stderr = ""
  let partial = ""
  const waiters = new Set<() => void>()
  const ended = () => child.exitCode !== null || child.signalCode !== null
  child.stdout.on("data", (data: Buffer) => {
    const parts = (partial + data.toString()).split("\n")
    partial = parts.pop()!
    lines.push(...parts)
    for (const wake of waiters) wake()
  })
  child.stderr.on("data", (data: Buffer) => (stderr += data))
  const exited = new Promise<NodeJS.Signals | number | null>(resolve =>
    child.once("exit", (code, signal) => {
      running.delete(handle)
      child.stdin.destroy()
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
          if (ended()) {
            done(() =>
              reject(new Error(`${script} ended before printing ${pattern}; stderr: ${stderr}`)),
            )
          }
        }
        const timer = setTimeout(
          () =>
            done(() =>
              reject(
                new Error(
                  `${script}: no line matching ${pattern} in ${timeoutMs} ms; stderr: ${stderr}`,
                ),
              ),
            ),
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
      if (!ended()) child.stdin.write(line + "\n")
    },
    async kill() {
      if (!ended()) child.kill("SIGKILL")
      await exited
    },
  }
  running.add(handle)
  return handle
}

/** Kills every Python peer still running. */
export async function killPythons(): Promise<void> {
  await Promise.all([...running].map(peer => peer.kill()))
}

/** The value of `name=value` in a line such as `bound frontend=tcp://… state=tcp://…`. */
export function field(line: string, name: string): string {
  const match = new RegExp(`(?:^| )${name}=(\\S+)`).exec(line)
  if (match === null) throw new Error(`no ${name}= in "${line}"`)
  return match[1]
}
