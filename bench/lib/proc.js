"use strict"
// Parent side of the benchmark's child processes: JS roles run in `bench/child.js` (forked,
// talking JSON over the IPC channel); native tools are spawned and talk through their stdout
// lines (and, for pubsub_thr, stdin). Every wait has a deadline; on failure the caller kills
// what it started (by process, never by name).
const {fork, spawn} = require("node:child_process")
const path = require("node:path")

const childScript = path.join(__dirname, "..", "child.js")

/**
 * CPU placement (`--taskset R/S`), for the whole benchmark run: processes that receive or
 * serve run on the CPUs of list R, those that send or ask on list S (taskset(1) lists, e.g.
 * `0/1`); a case that runs in one process gets both. Unset: the OS scheduler places them.
 */
let placement

/** Parses and sets `R/S`; throws on anything else. */
function setPlacement(spec) {
  const match = /^([0-9,-]+)\/([0-9,-]+)$/.exec(String(spec))
  if (!match) throw new Error(`--taskset wants two CPU lists, receiver/sender (e.g. 0/1): ${spec}`)
  placement = {receiver: match[1], sender: match[2]}
}

/** What `--taskset` set, as a sentence for the reports. */
function placementText() {
  return placement
    ? `receivers and servers on CPU ${placement.receiver}, senders and clients on CPU ${placement.sender} (taskset)`
    : "no CPU placement (the OS scheduler's)"
}

// Which side of a case a role or a native tool is on; single-process cases are "both".
const SENDERS = new Set(["push", "req", "pub", "remote_thr", "remote_lat"])
const SINGLES = new Set(["inprocThroughput", "inprocLatency", "inproc_thr", "inproc_lat"])

function sideOf(name, firstArg) {
  if (name === "lat_percentiles") return firstArg === "inproc" ? "both" : "sender"
  if (name === "pubsub_thr") return firstArg === "pub" ? "sender" : "receiver"
  if (SINGLES.has(name)) return "both"
  return SENDERS.has(name) ? "sender" : "receiver"
}

/** `[command, args]` that run `file args` on the CPUs of its side under --taskset. */
function placed(side, file, args) {
  if (!placement) return [file, args]
  const cpus = side === "both" ? `${placement.receiver},${placement.sender}` : placement[side]
  return ["taskset", ["-c", cpus, file, ...args]]
}
const OUTPUT_LIMIT = 4000

/** Keeps the last OUTPUT_LIMIT characters a stream printed (for error messages). */
function collect(stream, sink) {
  stream.setEncoding("utf8")
  stream.on("data", chunk => {
    sink.text = (sink.text + chunk).slice(-OUTPUT_LIMIT)
  })
}

class Proc {
  /** @param {import("node:child_process").ChildProcess} child */
  constructor(child, name) {
    this.child = child
    this.name = name
    this.output = {text: ""}
    this.queue = []
    this.waiters = []
    this.exitInfo = undefined
    // "close", not "exit": the last stdout lines may arrive after "exit".
    this.exited = new Promise(resolve => {
      child.on("close", (code, signal) => {
        this.exitInfo = {code, signal}
        this.#wake()
        resolve(this.exitInfo)
      })
    })
    child.on("error", error => {
      this.queue.push({type: "error", message: String(error.message || error)})
      this.#wake()
    })
    if (child.stderr) collect(child.stderr, this.output)
  }

  /** Queues an incoming message (an IPC object or a stdout line). */
  _push(message) {
    this.queue.push(message)
    this.#wake()
  }

  #wake() {
    const waiters = this.waiters
    this.waiters = []
    for (const wake of waiters) wake()
  }

  /**
   * Resolves with the first queued message that `match` accepts; rejects when the child
   * reports an error, exits first, or the deadline (a Date.now() value) passes.
   */
  next(match, deadline) {
    return new Promise((resolve, reject) => {
      let timer
      const check = () => {
        const index = this.queue.findIndex(match)
        if (index >= 0) {
          clearTimeout(timer)
          resolve(this.queue.splice(index, 1)[0])
          return
        }
        const error = this.queue.find(m => m && m.type === "error")
        if (error) {
          clearTimeout(timer)
          reject(new Error(`${this.name}: ${error.message}`))
          return
        }
        if (this.exitInfo) {
          clearTimeout(timer)
          reject(new Error(`${this.name} exited (${this.#exitText()})${this.#outputText()}`))
          return
        }
        this.waiters.push(check)
      }
      timer = setTimeout(
        () => {
          const i = this.waiters.indexOf(check)
          if (i >= 0) this.waiters.splice(i, 1)
          reject(new Error(`${this.name}: timed out${this.#outputText()}`))
        },
        Math.max(0, deadline - Date.now()),
      )
      check()
    })
  }

  /** Waits for the exit; rejects on a non-zero exit or the deadline. */
  async finish(deadline) {
    let timer
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(
        () => {
          const error = new Error(`${this.name}: did not exit in time`)
          error.code = "ETIMEDOUT"
          reject(error)
        },
        Math.max(0, deadline - Date.now()),
      )
    })
    try {
      const info = await Promise.race([this.exited, timeout])
      if (info.code !== 0) {
        throw new Error(`${this.name} exited (${this.#exitText()})${this.#outputText()}`)
      }
    } finally {
      clearTimeout(timer)
    }
  }

  kill() {
    if (!this.exitInfo) this.child.kill("SIGKILL")
  }

  #exitText() {
    const {code, signal} = this.exitInfo
    return signal ? `signal ${signal}` : `code ${code}`
  }

  #outputText() {
    const text = this.output.text.trim()
    return text ? `\n${text.split("\n").slice(-12).join("\n")}` : ""
  }
}

/** Forks `bench/child.js <impl> <role> <params>`; messages arrive as objects. */
function forkRole(implId, role, params, extraArgv = []) {
  // fork() runs `execPath ...execArgv childScript ...args`: taskset goes in front that way.
  const [execPath, execArgv] = placed(sideOf(role), process.execPath, extraArgv)
  const child = fork(childScript, [implId, role, JSON.stringify(params)], {
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    execPath,
    execArgv,
  })
  const proc = new Proc(child, `${implId} ${role}`)
  collect(child.stdout, proc.output)
  child.on("message", message => proc._push(message))
  proc.send = message => {
    if (!proc.exitInfo && child.connected) child.send(message)
  }
  return proc
}

/** Spawns a native tool; every stdout line arrives as a string message. */
function spawnTool(file, args, {stdin = false} = {}) {
  const [command, commandArgs] = placed(sideOf(path.basename(file), args[0]), file, args)
  const child = spawn(command, commandArgs, {stdio: [stdin ? "pipe" : "ignore", "pipe", "pipe"]})
  const proc = new Proc(child, [path.basename(file), ...args.slice(0, 1)].join(" "))
  proc.lines = [] // every stdout line, in order
  let partial = ""
  child.stdout.setEncoding("utf8")
  child.stdout.on("data", chunk => {
    proc.output.text = (proc.output.text + chunk).slice(-OUTPUT_LIMIT)
    const lines = (partial + chunk).split("\n")
    partial = lines.pop()
    for (const line of lines) {
      proc.lines.push(line)
      proc._push(line)
    }
  })
  proc.send = line => {
    if (stdin && !proc.exitInfo && child.stdin.writable) child.stdin.write(`${line}\n`)
  }
  proc.closeInput = () => {
    if (stdin && child.stdin.writable) child.stdin.end()
  }
  if (stdin) child.stdin.on("error", () => {})
  return proc
}

/** Kills every process in the list that still runs, and waits for them to go. */
async function killAll(procs) {
  for (const proc of procs) if (proc) proc.kill()
  await Promise.all(procs.filter(Boolean).map(proc => proc.exited))
}

/**
 * Waits for processes that have delivered their results to exit: a non-zero exit is an error;
 * one still running after `graceMs` (or the deadline) is killed and named in the returned
 * warnings, since its measurement is complete.
 */
async function finishAll(procs, deadline, graceMs = 5000) {
  const limit = Math.min(deadline, Date.now() + graceMs)
  const outcomes = await Promise.allSettled(procs.filter(Boolean).map(proc => proc.finish(limit)))
  const warnings = []
  for (const outcome of outcomes) {
    if (outcome.status === "fulfilled") continue
    if (outcome.reason.code !== "ETIMEDOUT") throw outcome.reason
    warnings.push(`${outcome.reason.message}: killed`)
  }
  await killAll(procs)
  return warnings
}

/** A free TCP port on 127.0.0.1 (for libzmq's perf tools, which cannot bind to port 0). */
function freePort() {
  const net = require("node:net")
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.on("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const {port} = server.address()
      server.close(() => resolve(port))
    })
  })
}

module.exports = {
  forkRole,
  spawnTool,
  killAll,
  finishAll,
  freePort,
  setPlacement,
  placementText,
}
