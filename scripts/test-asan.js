#!/usr/bin/env node
// The test suite against an AddressSanitizer + UndefinedBehaviorSanitizer build of the addon
// and libzmq.
//
//   npm run test:asan [-- <mocha arguments, e.g. test/fault-close.test.ts>] [--rebuild]
//
// 1. Builds into build-asan/ (not build/: the normal addon stays as it is) with
//    `cmake-js compile --out build-asan -B RelWithDebInfo --CDZMQ_NAPI_SANITIZE=address;undefined`,
//    at the lowest priority and one job: incremental, so the first run takes minutes (libzmq)
//    and later ones only recompile what changed (--rebuild: from scratch).
// 2. Runs mocha with ZEROMQ_NAPI_ADDON pointing at that binary (lib/addon/load.ts honours it),
//    the ASan runtime of the compiler that built it preloaded (node itself is not
//    instrumented, so the runtime must come first), leak detection off (node does not free
//    everything at exit: those reports are not ours) and every report written to a file
//    under build-asan/reports/, child processes included.
//    ZEROMQ_NAPI_SANITIZED=1 tells tests that measure RSS that ASan's quarantine and
//    shadow memory make those figures meaningless.
// 3. Prints the number of sanitizer reports; fails when there is one or a test failed.
"use strict"
const {spawn, spawnSync, execFileSync} = require("node:child_process")
const fs = require("node:fs")
const path = require("node:path")

const root = path.resolve(__dirname, "..")
const out = path.join(root, "build-asan")
const config = "RelWithDebInfo"
const addon = path.join(out, config, "zeromq_napi.node")
const reports = path.join(out, "reports")

const args = process.argv.slice(2)
const rebuild = args.includes("--rebuild")
const mochaArgs = args.filter(a => a !== "--rebuild")

function run(command, commandArgs, options = {}) {
  const result = spawnSync(command, commandArgs, {cwd: root, stdio: "inherit", ...options})
  if (result.error) throw result.error
  return result.status ?? 1
}

// Incremental (a no-op when nothing changed), so the run always tests the current sources;
// --rebuild starts from scratch.
{
  const cmakeJs = path.join(root, "node_modules", ".bin", "cmake-js")
  const status = run("nice", [
    "-n",
    "19",
    cmakeJs,
    rebuild ? "rebuild" : "compile",
    "--out",
    "build-asan",
    "-B",
    config,
    "--parallel",
    "1",
    "--CDZMQ_NAPI_SANITIZE=address;undefined",
  ])
  if (status !== 0 || !fs.existsSync(addon)) {
    console.error(`test:asan: the sanitizer build failed (${addon} missing)`)
    process.exit(1)
  }
}

// The runtime that matches the compiler: gcc's libasan (clang's would be libclang_rt.asan).
const linked = execFileSync("ldd", [addon], {encoding: "utf8"})
const asan = /libasan\.so\S*\s+=>\s+(\S+)/.exec(linked)?.[1]
if (!asan) {
  console.error(`test:asan: ${addon} does not link libasan:\n${linked}`)
  process.exit(1)
}

if (run(process.execPath, [path.join(root, "scripts", "build-ts.js")]) !== 0) process.exit(1)

fs.rmSync(reports, {recursive: true, force: true})
fs.mkdirSync(reports, {recursive: true})
const env = {
  ...process.env,
  ZEROMQ_NAPI_ADDON: addon,
  ZEROMQ_NAPI_SANITIZED: "1",
  LD_PRELOAD: [asan, process.env.LD_PRELOAD].filter(Boolean).join(":"),
  ASAN_OPTIONS: [
    "detect_leaks=0",
    "abort_on_error=1",
    "detect_odr_violation=0",
    // libzmq sizes a message from the peer's frame header and handles a failed malloc
    // (ENOMEM: the connection is dropped): the ZMTP fuzzer sends 2^40-byte headers. ASan
    // aborts on such sizes unless told to return null like malloc does.
    "allocator_may_return_null=1",
    `log_path=${path.join(reports, "asan")}`,
  ].join(":"),
  UBSAN_OPTIONS: [
    "print_stacktrace=1",
    "halt_on_error=1",
    `log_path=${path.join(reports, "ubsan")}`,
  ].join(":"),
}
const mocha = path.join(root, "node_modules", "mocha", "bin", "mocha.js")
// Named test files replace the configured spec (mocha would otherwise add them to it).
const files = mochaArgs.some(a => a.endsWith(".ts"))
  ? ["--no-config", "--require", "tsx/cjs", "--extension", "ts"]
  : []
// UBSan (its own runtime next to ASan's) writes to stderr whatever log_path says, so the
// output is scanned as well: tests show a child's stderr in their failure messages.
const child = spawn(process.execPath, [mocha, ...files, "--timeout", "60000", ...mochaArgs], {
  cwd: root,
  env,
  stdio: ["inherit", "pipe", "pipe"],
})
let output = ""
child.stdout.on("data", data => {
  process.stdout.write(data)
  output += data
})
child.stderr.on("data", data => {
  process.stderr.write(data)
  output += data
})
child.on("close", code => report(code ?? 1, output.replace(/\\n/g, "\n")))

function report(status, output) {
  // A report is an error ("ERROR: AddressSanitizer", UBSan's "runtime error"). The log files
  // also get ASan's "failed to allocate" warnings for the null returns allowed above: those
  // are listed but are no reports.
  const logs = fs.readdirSync(reports).map(file => ({
    file,
    text: fs.readFileSync(path.join(reports, file), "utf8"),
  }))
  const found = logs.filter(({text}) => /ERROR: \w+Sanitizer|runtime error:/.test(text))
  // Distinct UBSan reports in the output, by source location and kind.
  const ubsan = new Set(
    [...output.matchAll(/(\S+:\d+:\d+): runtime error: ([^\n"]*)/g)].map(
      m => `${m[1].replace(/^[^/\w]+/, "")}: ${m[2]}`,
    ),
  )
  for (const report of ubsan) console.error(`\n==== UBSan (from the output): ${report}`)
  const warnings = logs.filter(f => !found.includes(f))
  for (const {file, text} of found) console.error(`\n==== ${file}\n${text.slice(0, 8000)}`)
  const allocations = warnings.reduce(
    (n, {text}) => n + (text.match(/failed to allocate/g) ?? []).length,
    0,
  )
  console.log(
    `\ntest:asan: addon ${path.relative(root, addon)}, runtime ${asan}; mocha exit ${status}; ` +
      `sanitizer reports: ${found.length + ubsan.size} (refused allocations of announced huge frames: ${allocations})`,
  )
  process.exit(status !== 0 || found.length + ubsan.size > 0 ? 1 : 0)
}
