/**
 * Runs the parity programs (v6-parity-cases.ts) against one implementation and prints
 * one JSON line per program: `node --import tsx v6-parity-run.ts v6|ours`. A process
 * each, so the two addons (and their libzmq copies) never share one.
 */
import {parityCases} from "./v6-parity-cases"

async function main(): Promise<void> {
  // One implementation per process: only the one asked for is loaded.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const zmq: unknown = process.argv[2] === "v6" ? require("zeromq") : require("../../lib")
  /* eslint-enable @typescript-eslint/no-require-imports */
  for (const [name, program] of Object.entries(parityCases)) {
    let result: unknown
    try {
      result = await program(zmq)
    } catch (err) {
      result = {programFailed: String(err)}
    }
    process.stdout.write(JSON.stringify({name, result}) + "\n")
  }
  process.exit(0)
}

void main()
