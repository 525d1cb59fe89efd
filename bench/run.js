#!/usr/bin/env node
"use strict"
// The benchmark runner: `npm run bench [-- options]`. Runs every (scenario, transport, size,
// implementation) in fresh child processes, repeats each `--runs` times (the implementations of
// one size take turns, so drift on a shared machine hits them alike), takes medians, prints
// ratios to native libzmq and zeromq v6 and the goals, and writes JSON, Markdown and
// SVG charts to --out.
const crypto = require("node:crypto")
const fs = require("node:fs")
const os = require("node:os")
const path = require("node:path")
const {spawnSync} = require("node:child_process")
const {buildPerfTools} = require("../scripts/build-perf-tools")
const report = require("./lib/report")
const {placementText, setPlacement} = require("./lib/proc")
const {SIZES, formatCount, formatMicros, formatSize, median, parseSize} = require("./lib/util")

const root = path.resolve(__dirname, "..")

const SCENARIOS = {
  throughput: require("./scenarios/throughput"),
  latency: require("./scenarios/latency"),
  fanout: require("./scenarios/fanout"),
  rss: require("./scenarios/rss"),
}
const IMPL_IDS = [
  "native",
  "zeromq-v6",
  "napi-idiomatic",
  "napi-batch",
  "napi-thread",
  "net-batched",
  "net-per-message",
  "napi-v5-compat",
  "zeromq-v6-compat",
]
const ALIASES = {
  napi: ["napi-idiomatic", "napi-batch"],
  "zeromq-napi": ["napi-idiomatic", "napi-batch"],
  idiomatic: ["napi-idiomatic"],
  thread: ["napi-thread"],
  batch: ["napi-batch"],
  v6: ["zeromq-v6"],
  zeromq: ["zeromq-v6"],
  libzmq: ["native"],
  net: ["net-batched", "net-per-message"],
  v5: ["napi-v5-compat", "zeromq-v6-compat"],
  "v5-compat": ["napi-v5-compat", "zeromq-v6-compat"],
}

const USAGE = `Usage: npm run bench -- [options]

  --quick              1 run per case, ~0.2 s each, no rss scenario (under two minutes)
  --scenario <names>   throughput, latency, fanout, rss (comma-separated; default: all;
                       rss only when asked for or in a full run)
  --transport <names>  tcp, ipc, inproc (default: each scenario's own)
  --size <sizes>       e.g. 16,1KiB,64k (default: 16 B, 256 B, 1 KiB, 64 KiB, 1 MiB;
                       rss: 16 B)
  --impl <names>       ${IMPL_IDS.join(", ")}
                       (or napi, v6, net, native, v5: the two v5-compat APIs)
  --runs <n>           runs per case, median reported (default 3; --quick 1)
  --budget <seconds>   time per run (default 1; --quick 0.2)
  --messages <n>       messages of the rss scenario (default 10000000)
  --taskset <R/S>      pin receivers/servers to CPU list R and senders/clients to S
                       (taskset(1) lists, e.g. 0/1: steadier ratios on a busy machine)
  --out <dir>          where results go (default bench/results)
  --no-build           do not (re)compile the native perf tools
  --help`

function parseArgs(argv) {
  const options = {
    quick: false,
    scenarios: undefined,
    transports: undefined,
    sizes: undefined,
    impls: undefined,
    runs: undefined,
    budget: undefined,
    messages: SCENARIOS.rss.defaultMessages,
    out: path.join(__dirname, "results"),
    build: true,
  }
  const list = value =>
    String(value)
      .split(",")
      .map(s => s.trim())
      .filter(Boolean)
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i]
    let value
    const eq = arg.indexOf("=")
    if (arg.startsWith("--") && eq > 0) {
      value = arg.slice(eq + 1)
      arg = arg.slice(0, eq)
    }
    const next = () => {
      if (value !== undefined) return value
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`)
      return argv[++i]
    }
    switch (arg) {
      case "--quick":
        options.quick = true
        break
      case "--scenario":
      case "--scenarios":
        options.scenarios = list(next())
        for (const s of options.scenarios) {
          if (!SCENARIOS[s]) throw new Error(`unknown scenario ${s} (${Object.keys(SCENARIOS)})`)
        }
        break
      case "--transport":
      case "--transports":
        options.transports = list(next())
        break
      case "--size":
      case "--sizes":
        options.sizes = list(next()).map(parseSize)
        for (const size of options.sizes) {
          if (size < 2) throw new Error("message sizes must be at least 2 B (0 and 1 are markers)")
        }
        break
      case "--impl":
      case "--impls":
        options.impls = list(next()).flatMap(name => {
          if (ALIASES[name]) return ALIASES[name]
          if (IMPL_IDS.includes(name)) return [name]
          throw new Error(`unknown implementation ${name} (${IMPL_IDS.join(", ")})`)
        })
        break
      case "--runs":
        options.runs = positiveInt(next(), "--runs")
        break
      case "--budget":
        options.budget = Number(next())
        if (!(options.budget > 0)) throw new Error("--budget must be a positive number")
        break
      case "--messages":
        options.messages = positiveInt(next(), "--messages")
        break
      case "--out":
        options.out = path.resolve(next())
        break
      case "--taskset":
        options.taskset = next()
        setPlacement(options.taskset)
        break
      case "--no-build":
        options.build = false
        break
      case "--help":
      case "-h":
        console.log(USAGE)
        process.exit(0)
        break
      default:
        throw new Error(`unknown option ${arg}\n\n${USAGE}`)
    }
  }
  options.runs ??= options.quick ? 1 : 3
  options.budget ??= options.quick ? 0.2 : 1
  options.scenarios ??= Object.keys(SCENARIOS).filter(s => s !== "rss" || !options.quick)
  return options
}

function positiveInt(text, name) {
  const n = Number(String(text).replace(/_/g, ""))
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`)
  return n
}

// ---- machine and availability ------------------------------------------------------------

function machineInfo() {
  const cpus = os.cpus()
  const versions = {}
  const probe = code => {
    const r = spawnSync(process.execPath, ["-e", code], {cwd: root, encoding: "utf8"})
    return r.status === 0 ? r.stdout.trim() : undefined
  }
  const napi = probe('const z = require("zeromq-napi"); console.log(z.version)')
  versions.napiLibzmq = napi
  versions.napi = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).version
  try {
    versions.v6 = require(path.join(root, "node_modules", "zeromq", "package.json")).version
  } catch {
    // not installed
  }
  versions.v6Libzmq = probe('console.log(require("zeromq").version)')
  let commit
  const git = spawnSync("git", ["rev-parse", "--short", "HEAD"], {cwd: root, encoding: "utf8"})
  if (git.status === 0) commit = git.stdout.trim()
  return {
    date: new Date().toISOString(),
    cpus: cpus.length,
    cpuModel: cpus[0] ? cpus[0].model.trim() : "unknown",
    totalmem: os.totalmem(),
    loadavg: os.loadavg(),
    node: process.versions.node,
    platform: process.platform,
    arch: process.arch,
    kernel: os.release(),
    commit,
    versions,
  }
}

/** Why each JS implementation cannot load, by id (missing ids are available). */
function probeModules() {
  const unavailable = {}
  for (const [id, module] of [
    ["napi-idiomatic", "zeromq-napi"],
    ["napi-batch", "zeromq-napi"],
    ["napi-thread", "zeromq-napi"],
    ["zeromq-v6", "zeromq"],
    ["napi-v5-compat", "zeromq-napi/v5-compat"],
    ["zeromq-v6-compat", "zeromq/v5-compat"],
  ]) {
    const r = spawnSync(process.execPath, ["-e", `require(${JSON.stringify(module)})`], {
      cwd: root,
      encoding: "utf8",
    })
    if (r.status !== 0) {
      const message = (r.stderr || "").split("\n").find(l => /Error/.test(l)) || "cannot load"
      unavailable[id] = `require("${module}") failed: ${message.trim()}`
    }
  }
  return unavailable
}

// ---- running ----------------------------------------------------------------------------

const LOAD_ERROR =
  /could not load|Cannot find module|ERR_DLOPEN_FAILED|invalid ELF|undefined symbol/

function loads(module) {
  const r = spawnSync(process.execPath, ["-e", `require(${JSON.stringify(module)})`], {cwd: root})
  return r.status === 0
}

/** Waits (up to 5 minutes) until `module` loads again. */
async function waitForModule(module) {
  const until = Date.now() + 5 * 60 * 1000
  while (!loads(module)) {
    if (Date.now() > until) throw new Error(`${module} still does not load`)
    await new Promise(resolve => setTimeout(resolve, 3000))
  }
}

/** The files a zeromq-napi child loads: a change during the run mixes two builds. */
const BUILD_FILES = ["build/Release/zeromq_napi.node", "dist/cjs/socket.js", "dist/cjs/index.js"]
const buildChanges = []
let buildStamp

/** A hash of the files' contents (`npm test` rewrites dist/ with the same bytes: no change). */
function stampBuild() {
  const hash = crypto.createHash("sha256")
  for (const file of BUILD_FILES) {
    try {
      hash.update(fs.readFileSync(path.join(root, file)))
    } catch {
      hash.update(`${file} missing`)
    }
  }
  return hash.digest("hex").slice(0, 16)
}

function checkBuild() {
  const now = stampBuild()
  if (now === buildStamp) return
  buildStamp = now
  const note = `${new Date().toISOString()}: zeromq-napi's build changed during the run`
  buildChanges.push(note)
  console.log(`    warning: ${note} (results before and after mix two builds)`)
}

/** Measured rates by case, to size the message counts of later native runs. */
const calibration = new Map()

function estimateCount(scenario, transport, size, implId, budget) {
  const key = t => `${scenario.name}|${t}|${size}|${implId}`
  let rate = calibration.get(key(transport))
  if (rate === undefined) {
    for (const t of scenario.transports) {
      if (t !== "inproc" && transport !== "inproc" && calibration.has(key(t))) {
        rate = calibration.get(key(t))
        break
      }
    }
  }
  rate ??= scenario.expectedRate(transport, size)
  return Math.max(scenario.name === "latency" ? 100 : 200, Math.round(rate * budget))
}

function progressValue(scenario, result) {
  if (scenario.name === "latency") {
    return `p50 ${formatMicros(result.p50)}  p99 ${formatMicros(result.p99)}`
  }
  const extra = scenario.name === "fanout" ? `  loss ${(result.loss * 100).toFixed(0)}%` : ""
  return `${formatCount(result.rate)} msg/s  ${formatCount(result.mbps)} MB/s${extra}`
}

function medianOf(scenario, runs) {
  if (runs.length === 0) return undefined
  const pick = key => median(runs.map(r => r[key]))
  if (scenario.name === "latency") {
    const m = {p50: pick("p50"), p99: pick("p99"), avg: pick("avg"), roundTrips: pick("roundTrips")}
    if (runs.some(r => r.averageOnly)) m.averageOnly = true
    return m
  }
  const m = {rate: pick("rate"), mbps: pick("mbps")}
  if (scenario.name === "fanout") {
    m.loss = pick("loss")
    m.slowest = pick("slowest")
    m.aggregate = pick("aggregate")
  }
  return m
}

async function runScenario(scenario, options, impls, unavailable, results) {
  const transports = scenario.transports.filter(
    t => !options.transports || options.transports.includes(t),
  )
  const sizes = options.sizes || SIZES
  const ids = scenario.impls.filter(id => !options.impls || options.impls.includes(id))
  if (transports.length === 0 || ids.length === 0) return
  console.log(`\n== ${scenario.title} ==`)
  for (const transport of transports) {
    for (const size of sizes) {
      const cases = []
      for (const id of ids) {
        if (scenario.unsupported(id, transport)) continue
        const record = {
          scenario: scenario.name,
          transport,
          size,
          impl: id,
          label: impls[id].label,
          runs: [],
          errors: [],
        }
        if (unavailable[id]) record.unavailable = unavailable[id]
        else cases.push(record)
        results.push(record)
      }
      for (let run = 1; run <= options.runs; run++) {
        for (const record of cases) {
          const impl = impls[record.impl]
          const tag =
            `${scenario.name} ${transport} ${formatSize(size)}`.padEnd(25) +
            `  ${impl.label.padEnd(22)}  run ${run}/${options.runs}`
          const countBased = impl.native && scenario.countBased !== false
          const count = countBased
            ? estimateCount(scenario, transport, size, impl.id, options.budget)
            : undefined
          const attempt = () =>
            scenario.runOnce({
              impl,
              transport,
              size,
              budget: options.budget,
              count,
              deadline: Date.now() + scenario.timeout(options.budget),
            })
          const started = Date.now()
          try {
            let result
            try {
              result = await attempt()
            } catch (error) {
              // The addon being rebuilt under us: wait until it loads again, then retry once.
              if (!LOAD_ERROR.test(String(error && error.message)) || !impl.module) throw error
              console.log(`${tag}  cannot load ${impl.module}; waiting for it (rebuild?)`)
              await waitForModule(impl.module)
              result = await attempt()
            }
            checkBuild()
            result.wall = (Date.now() - started) / 1000
            record.runs.push(result)
            if (countBased && Number.isFinite(result.rate)) {
              calibration.set(`${scenario.name}|${transport}|${size}|${impl.id}`, result.rate)
            }
            console.log(`${tag}  ${progressValue(scenario, result)}`)
            for (const warning of result.warnings || []) console.log(`    warning: ${warning}`)
            if (!result.warnings || result.warnings.length === 0) delete result.warnings
          } catch (error) {
            const message = String((error && error.message) || error)
            record.errors.push(message)
            console.log(`${tag}  FAILED: ${message.split("\n")[0]}`)
          }
        }
      }
      for (const record of cases) record.median = medianOf(scenario, record.runs)
    }
  }
}

async function runRss(options, unavailable, results) {
  const scenario = SCENARIOS.rss
  const sizes = options.sizes || [scenario.defaultSize]
  console.log(`\n== ${scenario.title}: ${formatCount(options.messages)} messages ==`)
  for (const size of sizes) {
    const record = {
      scenario: "rss",
      transport: "tcp",
      size,
      impl: "napi-idiomatic",
      label: "zeromq-napi/idiomatic",
      runs: [],
      errors: [],
    }
    results.push(record)
    const missing = unavailable["napi-idiomatic"] || unavailable["napi-batch"]
    if (missing) {
      record.unavailable = missing
      console.log(`rss tcp ${formatSize(size)}  unavailable: ${missing}`)
      continue
    }
    const started = Date.now()
    try {
      const result = await scenario.runOnce({
        transport: "tcp",
        size,
        count: options.messages,
        deadline: Date.now() + scenario.timeout(),
      })
      checkBuild()
      result.wall = (Date.now() - started) / 1000
      record.runs.push(result)
      record.median = result
      const mib = b => `${(b / 1048576).toFixed(1)} MiB`
      console.log(
        `rss tcp ${formatSize(size)}  zeromq-napi/idiomatic  ${formatCount(result.messages)} messages ` +
          `in ${result.seconds.toFixed(1)} s  RSS start ${mib(result.start)}  10% ${mib(result.peak10)}  ` +
          `peak ${mib(result.peak)}  ${result.flat ? "flat" : "GROWS"}`,
      )
    } catch (error) {
      const message = String((error && error.message) || error)
      record.errors.push(message)
      console.log(`rss tcp ${formatSize(size)}  FAILED: ${message.split("\n")[0]}`)
    }
  }
}

async function main() {
  const options = parseArgs(process.argv.slice(2))
  const started = Date.now()
  const machine = machineInfo()
  console.log(
    `zeromq-napi benchmark: ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}, ` +
      `load ${machine.loadavg.map(l => l.toFixed(2)).join(" ")}; ` +
      `${options.quick ? "quick, " : ""}${options.runs} run(s) × ${options.budget} s per case; ` +
      placementText(),
  )

  const impls = Object.fromEntries(IMPL_IDS.map(id => [id, require(`./impl/${id}`)]))
  const unavailable = probeModules()
  const wanted = id => !options.impls || options.impls.includes(id)
  if (wanted("native")) {
    const tools = options.build
      ? await buildPerfTools({log: line => console.log(line)})
      : {tools: {}, available: false}
    const needed = ["local_thr", "remote_thr", "inproc_thr", "local_lat", "pubsub_thr"]
    const missing = needed.filter(name => !impls.native.tool(name))
    if (missing.length > 0) {
      unavailable.native =
        tools.reason || `bench/.bin lacks ${missing.join(", ")} (npm run bench:tools)`
    } else if (!impls.native.tool("lat_percentiles")) {
      console.log("lat_percentiles missing: native latency p50 = libzmq's average round trip")
    }
  }
  for (const [id, why] of Object.entries(unavailable)) {
    if (wanted(id)) console.log(`${impls[id].label}: unavailable: ${why}`)
  }

  buildStamp = stampBuild()
  const results = []
  for (const name of options.scenarios) {
    if (name === "rss") await runRss(options, unavailable, results)
    else await runScenario(SCENARIOS[name], options, impls, unavailable, results)
  }

  report.addRatios(results)
  const goals = report.evaluateGoals(results)
  const elapsed = (Date.now() - started) / 1000
  const lines = [
    ...report.textTables(results, SCENARIOS, options.runs),
    ...report.goalLines(goals, options.scenarios),
    ...report.beatenLines(results),
  ]
  if (buildChanges.length > 0) {
    lines.push("", `WARNING: zeromq-napi was rebuilt during this run (${buildChanges.length}×):`)
    lines.push("  its results mix builds; run again for a consistent table.")
  }
  console.log(lines.join("\n"))

  fs.mkdirSync(options.out, {recursive: true})
  const json = {
    machine,
    options: {...options, out: path.relative(root, options.out) || "."},
    placement: placementText(),
    elapsedSeconds: elapsed,
    build: buildStamp,
    buildChanges,
    notes: {
      throughput:
        "msg/s measured by the receiver from its first to its last message; MB/s = msg/s × size / 1e6",
      latency:
        "round-trip time in µs (not halved as libzmq's remote_lat does); native p50/p99 from bench/native/lat_percentiles.cpp against libzmq's local_lat",
      fanout:
        "msg/s reaching each subscriber (mean of 4), PUB's default high-water mark; loss = share of messages dropped by PUB",
      ratios: "rate / reference rate; latency: p50 / reference p50",
    },
    results,
    goals,
    beaten: report.beatenCells(results),
  }
  const written = []
  const write = (name, content) => {
    fs.writeFileSync(path.join(options.out, name), content)
    written.push(name)
  }
  write("results.json", `${JSON.stringify(json, null, 2)}\n`)
  write(
    "results.md",
    report.markdown({machine, options, results, goals, scenarios: SCENARIOS, elapsed}),
  )
  for (const [name, svg] of Object.entries(report.charts(results, SCENARIOS))) write(name, svg)
  console.log(
    `\nWrote ${written.join(", ")} to ${path.relative(process.cwd(), options.out) || "."} ` +
      `(${Math.floor(Math.round(elapsed) / 60)} min ${Math.round(elapsed) % 60} s)`,
  )
}

main().catch(error => {
  console.error(error && error.message ? error.message : error)
  process.exit(1)
})
