"use strict"
// Child process of the benchmark: runs one role of one implementation.
//
//   node bench/child.js <impl> <role> <json params>   (forked by bench/lib/proc.js)
//
// The role talks to the runner over the IPC channel: it sends {type: "ready", …},
// {type: "result", …} or {type: "error", message}, and may wait for {type: "go"} or
// {type: "stop"}. A role's resolved value is sent as its result; then the process exits.
const [implId, role, json] = process.argv.slice(2)

const inbox = []
const waiters = []
process.on("message", message => {
  inbox.push(message)
  for (const wake of waiters.splice(0)) wake()
})
// The runner went away: nothing left to report to.
process.on("disconnect", () => process.exit(2))

const channel = {
  send(message) {
    process.send(message)
  },
  /** Resolves with the next message from the runner of this type. */
  next(type) {
    return new Promise(resolve => {
      const check = () => {
        const index = inbox.findIndex(m => m.type === type)
        if (index >= 0) resolve(inbox.splice(index, 1)[0])
        else waiters.push(check)
      }
      check()
    })
  },
  /** Whether a message of this type arrived (without waiting). */
  has(type) {
    return inbox.some(m => m.type === type)
  },
}

function exit(code, message) {
  if (message === undefined) return process.exit(code)
  process.send(message, () => process.exit(code))
}

async function main() {
  const impl = require(`./impl/${implId}.js`)
  const run = impl.roles && impl.roles[role]
  if (typeof run !== "function") throw new Error(`${implId} has no role ${role}`)
  const result = await run(JSON.parse(json), channel)
  exit(0, result === undefined ? {type: "done"} : {type: "result", ...result})
}

main().catch(error => {
  exit(1, {type: "error", message: (error && error.stack) || String(error)})
})
