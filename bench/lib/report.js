"use strict"
// Turns the runner's results into the final terminal tables, the goals, the Markdown report and
// the SVG charts.
const {placementText} = require("./proc")
const {chartDocument} = require("./svg")
const {formatCount, formatMicros, formatRatio, formatSize, precise} = require("./util")

const MiB = 1024 * 1024

/** The result of one implementation in the same scenario/transport/size group, if measured. */
function find(results, {scenario, transport, size, impl}) {
  return results.find(
    r =>
      r.scenario === scenario &&
      r.transport === transport &&
      r.size === size &&
      r.impl === impl &&
      r.median,
  )
}

/**
 * Ratios against native libzmq and zeromq v6 in the same group: for rates, impl / reference
 * (higher is better); for latency, p50 / reference p50 (lower is better).
 */
function addRatios(results) {
  for (const r of results) {
    if (!r.median || r.scenario === "rss") continue
    r.ratios = {}
    for (const [name, ref] of [
      ["native", "native"],
      ["v6", "zeromq-v6"],
    ]) {
      const other = find(results, {...r, impl: ref})
      if (!other) continue
      r.ratios[name] =
        r.scenario === "latency"
          ? r.median.p50 / other.median.p50
          : r.median.rate / other.median.rate
    }
  }
}

// ---- goals ------------------------------------------------------------------------------

/** The goals (the performance issues' acceptance lines), evaluated from one run. */
function goalDefinitions() {
  const goals = []
  const thr = (size, impl, ref, min, text, transport = "tcp") =>
    goals.push({scenario: "throughput", transport, size, impl, ref, min, text})
  thr(16, "napi-idiomatic", "zeromq-v6", 4, "throughput 16 B: idiomatic ≥ 4× zeromq v6")
  thr(16, "napi-batch", "native", 0.5, "throughput 16 B: batch ≥ 0.5× native")
  thr(1024, "napi-idiomatic", "zeromq-v6", 3, "throughput 1 KiB: idiomatic ≥ 3× zeromq v6")
  thr(1024, "napi-batch", "native", 0.5, "throughput 1 KiB: batch ≥ 0.5× native")
  for (const size of [65536, MiB]) {
    const s = formatSize(size)
    thr(size, "napi-idiomatic", "zeromq-v6", 1.2, `throughput ${s}: idiomatic ≥ 1.2× zeromq v6`)
    for (const [impl, name] of [
      ["napi-idiomatic", "idiomatic"],
      ["napi-batch", "batch"],
    ]) {
      thr(size, impl, "native", 0.9, `throughput ${s}: ${name} ≥ 0.9× native`)
    }
  }
  for (const size of [16, 256, 1024, 65536, MiB]) {
    const s = formatSize(size)
    thr(
      size,
      "napi-idiomatic",
      "zeromq-v6",
      1.2,
      `inproc ${s}: idiomatic ≥ 1.2× zeromq v6`,
      "inproc",
    )
  }
  for (const size of [16, 1024]) {
    const lat = (ref, max, text) =>
      goals.push({
        scenario: "latency",
        transport: "tcp",
        size,
        impl: "napi-idiomatic",
        ref,
        max,
        text,
      })
    const s = formatSize(size)
    lat("zeromq-v6", 0.9, `latency ${s} p50: idiomatic ≤ 0.9× zeromq v6`)
    lat("native", 1.1, `latency ${s} p50: idiomatic ≤ 1.1× native`)
  }
  for (const size of [16, 256, 1024, 65536, MiB]) {
    goals.push({
      scenario: "throughput",
      transport: "tcp",
      size,
      impl: "napi-idiomatic",
      ref: "net-per-message",
      above: 1.0,
      text: `throughput ${formatSize(size)}: idiomatic beats net/per-message (> 1×)`,
    })
  }
  for (const size of [65536, MiB]) {
    goals.push({
      scenario: "throughput",
      transport: "tcp",
      size,
      impl: "napi-batch",
      ref: "net-batched",
      above: 1.0,
      text: `throughput ${formatSize(size)}: batch beats net/batched (> 1×)`,
    })
  }
  for (const size of [16, 256, 1024, 65536, MiB]) {
    goals.push({
      scenario: "throughput",
      transport: "tcp",
      size,
      impl: "napi-v5-compat",
      ref: "zeromq-v6-compat",
      above: 1.0,
      text: `throughput ${formatSize(size)}: v5-compat beats zeromq v6's v5-compat (> 1×)`,
    })
  }
  goals.push({scenario: "rss", text: "rss: receiver peak RSS flat over the run"})
  return goals
}

/** The implementations that the idiomatic API must beat in every cell where both ran. */
const RIVALS = [
  ["zeromq-v6", "zeromq v6"],
  ["net-per-message", "net/per-message"],
]

/**
 * The cells (scenario, transport, size) where a rival beats the idiomatic API in this run:
 * a higher rate, or a lower p50 round trip.
 */
function beatenCells(results) {
  const beaten = []
  for (const mine of results) {
    if (mine.impl !== "napi-idiomatic" || !mine.median || mine.scenario === "rss") continue
    for (const [impl, label] of RIVALS) {
      const rival = find(results, {...mine, impl})
      if (!rival) continue
      const worse =
        mine.scenario === "latency"
          ? mine.median.p50 > rival.median.p50
          : mine.median.rate < rival.median.rate
      if (!worse) continue
      const ratio =
        mine.scenario === "latency"
          ? mine.median.p50 / rival.median.p50
          : mine.median.rate / rival.median.rate
      beaten.push({
        scenario: mine.scenario,
        transport: mine.transport,
        size: mine.size,
        rival: label,
        ratio,
      })
    }
  }
  return beaten
}

/** "beaten by …" for an idiomatic row that a rival beats, else "". */
function beatenMark(beaten, r) {
  if (r.impl !== "napi-idiomatic") return ""
  const by = beaten
    .filter(b => b.scenario === r.scenario && b.transport === r.transport && b.size === r.size)
    .map(b => b.rival)
  return by.length > 0 ? `beaten by ${by.join(", ")}` : ""
}

/** The beaten cells as report lines (one saying none when there are none). */
function beatenLines(results) {
  const beaten = beatenCells(results)
  if (beaten.length === 0) {
    return ["", "No cell where zeromq v6 or net/per-message beats the idiomatic API."]
  }
  return [
    "",
    "BEATEN: cells where another implementation beats the idiomatic API:",
    ...beaten.map(
      b =>
        `  ${b.scenario} ${b.transport} ${formatSize(b.size)}: ${b.rival} ahead ` +
        `(idiomatic ${b.ratio.toFixed(3)}× of it${b.scenario === "latency" ? ", p50" : ""})`,
    ),
  ]
}

function evaluateGoals(results) {
  return goalDefinitions().map(goal => {
    if (goal.scenario === "rss") {
      const r = results.find(x => x.scenario === "rss" && x.median)
      if (!r) return {...goal, status: "N/A", note: "rss scenario not run"}
      const m = r.median
      return {
        ...goal,
        status: m.flat ? "PASS" : "FAIL",
        value: m.growth,
        note: `${formatCount(m.messages)} messages: start ${mb(m.start)}, peak in first 10% ${mb(m.peak10)}, peak ${mb(m.peak)}`,
      }
    }
    const mine = find(results, goal)
    const ref = find(results, {...goal, impl: goal.ref})
    if (!mine || !ref) {
      const missing = [!mine && goal.impl, !ref && goal.ref].filter(Boolean).join(", ")
      return {...goal, status: "N/A", note: `no result for ${missing}`}
    }
    const value =
      goal.scenario === "latency"
        ? mine.median.p50 / ref.median.p50
        : mine.median.rate / ref.median.rate
    let pass
    if (goal.min !== undefined) pass = value >= goal.min
    else if (goal.max !== undefined) pass = value <= goal.max
    else pass = value > goal.above
    return {...goal, status: pass ? "PASS" : "FAIL", value}
  })
}

function mb(bytes) {
  return `${precise(bytes / MiB)} MiB`
}

// ---- tables -----------------------------------------------------------------------------

function groups(results) {
  const map = new Map()
  for (const r of results) {
    if (r.scenario === "rss") continue
    const key = `${r.scenario}|${r.transport}`
    if (!map.has(key)) map.set(key, {scenario: r.scenario, transport: r.transport, rows: []})
    map.get(key).rows.push(r)
  }
  return [...map.values()]
}

function cellsOf(r) {
  const ratio = name => (r.ratios && name in r.ratios ? formatRatio(r.ratios[name]) : "-")
  if (!r.median) {
    const why = r.unavailable ? `unavailable: ${r.unavailable}` : `failed: ${firstLine(r.errors)}`
    return {failed: why}
  }
  const m = r.median
  if (r.scenario === "latency") {
    return {
      p50: formatMicros(m.p50) + (m.averageOnly ? "*" : ""),
      p99: formatMicros(m.p99),
      avg: formatMicros(m.avg),
      native: ratio("native"),
      v6: ratio("v6"),
    }
  }
  const cells = {
    rate: formatCount(m.rate),
    mbps: precise(m.mbps),
    native: ratio("native"),
    v6: ratio("v6"),
  }
  if (r.scenario === "fanout")
    cells.loss = `${(m.loss * 100).toFixed(m.loss > 0 && m.loss < 0.01 ? 2 : 0)}%`
  return cells
}

function firstLine(errors) {
  const text = (errors && errors[errors.length - 1]) || "unknown error"
  return String(text).split("\n")[0].slice(0, 100)
}

function columnsOf(scenario) {
  if (scenario === "latency") {
    return [
      ["p50", "p50 RTT"],
      ["p99", "p99 RTT"],
      ["avg", "avg RTT"],
      ["native", "× native"],
      ["v6", "× v6"],
    ]
  }
  const cols = [
    ["rate", "msg/s"],
    ["mbps", "MB/s"],
    ["native", "× native"],
    ["v6", "× v6"],
  ]
  if (scenario === "fanout") cols.push(["loss", "loss"])
  return cols
}

function describe(scenario, runs) {
  const median = runs > 1 ? `median of ${runs} runs` : "1 run"
  if (scenario.name === "latency") {
    return `round-trip time, ${median}; × = p50 / reference p50 (lower is better)`
  }
  if (scenario.name === "fanout") {
    return `msg/s reaching each subscriber (mean of ${scenario.subscribers}), ${median}; × = rate / reference rate`
  }
  return `receiver msg/s (first to last message), ${median}; MB/s = 10^6 B/s; × = rate / reference rate`
}

/** The final tables as text lines. */
function textTables(results, scenarios, runs) {
  const lines = []
  const beaten = beatenCells(results)
  for (const group of groups(results)) {
    const scenario = scenarios[group.scenario]
    const cols = columnsOf(group.scenario)
    lines.push("")
    lines.push(`${scenario.title}, ${group.transport}: ${describe(scenario, runs)}`)
    const header = [
      "size".padEnd(8),
      "implementation".padEnd(23),
      ...cols.map(([, h]) => h.padStart(10)),
    ]
    lines.push(header.join(" "))
    let lastSize
    for (const r of group.rows) {
      const cells = cellsOf(r)
      const size = r.size === lastSize ? "" : formatSize(r.size)
      lastSize = r.size
      const head = [size.padEnd(8), r.label.padEnd(23)]
      if (cells.failed) lines.push([...head, cells.failed].join(" "))
      else {
        const mark = beatenMark(beaten, r)
        const row = [...head, ...cols.map(([key]) => String(cells[key]).padStart(10))].join(" ")
        lines.push(mark ? `${row}  <- ${mark}` : row)
      }
    }
  }
  const rss = results.find(r => r.scenario === "rss")
  if (rss) {
    lines.push("")
    lines.push(`${scenarios.rss.title}, ${rss.transport} ${formatSize(rss.size)}, ${rss.label}:`)
    lines.push(`  ${rssLine(rss)}`)
  }
  if (results.some(r => r.median && r.median.averageOnly)) {
    lines.push("")
    lines.push("* native p50 is libzmq's average round trip (lat_percentiles was not built)")
  }
  return lines
}

function rssLine(r) {
  if (!r.median)
    return r.unavailable ? `unavailable: ${r.unavailable}` : `failed: ${firstLine(r.errors)}`
  const m = r.median
  return (
    `${formatCount(m.messages)} messages at ${formatCount(m.rate)} msg/s: RSS start ${mb(m.start)}, ` +
    `peak in first 10% ${mb(m.peak10)}, peak ${mb(m.peak)} (${formatRatio(m.growth)}), end ${mb(m.end)}, ` +
    `VmHWM ${Number.isFinite(m.vmHWM) ? mb(m.vmHWM) : "-"}: ${m.flat ? "flat" : "GROWS"}`
  )
}

/** The goals section; goals of scenarios that did not run are left out (and counted). */
function goalLines(goals, ran) {
  const lines = ["", "Goals (ratios from this run):"]
  // Goals of cells this run did not measure (other scenarios, transports, sizes or
  // implementations) are left out, and counted.
  const shown = goals.filter(g => ran.includes(g.scenario) && g.status !== "N/A")
  if (shown.length < goals.length) {
    lines.push(
      `  (${goals.length - shown.length} goal(s) of cells not measured in this run are left out)`,
    )
  }
  goals = shown
  for (const g of goals) {
    // Three decimals: a ratio of 0.897 must not read as the 0.90 it misses.
    const value = g.value === undefined ? "" : `${g.value.toFixed(3)}×`
    const note = g.note ? `  (${g.note})` : ""
    lines.push(`  ${g.status.padEnd(4)}  ${g.text.padEnd(58)} ${value.padStart(7)}${note}`)
  }
  const counts = ["PASS", "FAIL", "N/A"].map(
    s => `${goals.filter(g => g.status === s).length} ${s}`,
  )
  lines.push(`  ${counts.join(", ")}`)
  return lines
}

// ---- Markdown ---------------------------------------------------------------------------

function markdown({machine, options, results, goals, scenarios, elapsed}) {
  const out = ["# zeromq-napi benchmark", ""]
  const beaten = beatenCells(results)
  out.push(
    `${machine.date}: ${machine.cpus} × ${machine.cpuModel}, ${mb(machine.totalmem)} RAM, ` +
      `Node ${machine.node} (${machine.platform}-${machine.arch}), ` +
      `zeromq-napi ${machine.versions.napi || "?"} (libzmq ${machine.versions.napiLibzmq || "?"}), ` +
      `zeromq ${machine.versions.v6 || "?"} (libzmq ${machine.versions.v6Libzmq || "?"}).`,
    "",
    `Options: ${options.quick ? "--quick, " : ""}${options.runs} run(s) per case, ` +
      `${options.budget} s per run; total ${Math.round(elapsed)} s; ${placementText()}.`,
    "",
  )
  for (const group of groups(results)) {
    const scenario = scenarios[group.scenario]
    const cols = columnsOf(group.scenario)
    out.push(`## ${scenario.title}, ${group.transport}`, "", describe(scenario, options.runs), "")
    out.push(`| size | implementation | ${cols.map(([, h]) => h).join(" | ")} |`)
    out.push(`| --- | --- | ${cols.map(() => "---:").join(" | ")} |`)
    for (const r of group.rows) {
      const cells = cellsOf(r)
      if (cells.failed) {
        out.push(
          `| ${formatSize(r.size)} | ${r.label} | ${cells.failed} |${" |".repeat(cols.length - 1)}`,
        )
      } else {
        out.push(
          `| ${formatSize(r.size)} | ${r.label}${beatenMark(beaten, r) ? ` (**${beatenMark(beaten, r)}**)` : ""} | ${cols.map(([key]) => cells[key]).join(" | ")} |`,
        )
      }
    }
    out.push("")
  }
  const rss = results.find(r => r.scenario === "rss")
  if (rss) out.push(`## ${scenarios.rss.title}`, "", rssLine(rss), "")
  out.push("## Beaten cells", "", ...beatenLines(results).slice(1), "")
  out.push("## Goals", "", "| status | goal | ratio | note |", "| --- | --- | ---: | --- |")
  for (const g of goals) {
    out.push(
      `| ${g.status} | ${g.text} | ${g.value === undefined ? "" : `${g.value.toFixed(3)}×`} | ${g.note || ""} |`,
    )
  }
  out.push("")
  return out.join("\n")
}

// ---- charts -----------------------------------------------------------------------------

/** SVG documents: {file name: content}. */
function charts(results, scenarios) {
  const files = {}
  for (const group of groups(results)) {
    const scenario = scenarios[group.scenario]
    const impls = [...new Map(group.rows.map(r => [r.impl, r.label])).entries()]
    const series = value =>
      impls.map(([id, label]) => ({
        id,
        label,
        points: group.rows
          .filter(r => r.impl === id && r.median)
          .map(r => [r.size, value(r.median)])
          .filter(([, v]) => Number.isFinite(v) && v > 0),
      }))
    const title = `${scenario.title}, ${group.transport}`
    if (group.scenario === "latency") {
      files[`latency-${group.transport}.svg`] = chartDocument({
        title,
        subtitle: "round-trip time (log scale); lower is better",
        panels: [
          {title: "p50 round trip", yLabel: "µs", series: series(m => m.p50), formatY: microLabel},
          {title: "p99 round trip", yLabel: "µs", series: series(m => m.p99), formatY: microLabel},
        ],
      })
    } else {
      files[`${group.scenario}-${group.transport}.svg`] = chartDocument({
        title,
        subtitle: `${describe(scenario, 0).replace(/, 1 run/, "")} (log scales)`,
        panels: [
          {title: "messages per second", yLabel: "msg/s", series: series(m => m.rate)},
          {title: "megabytes per second", yLabel: "MB/s", series: series(m => m.mbps)},
        ],
      })
    }
  }
  return files
}

function microLabel(us) {
  return formatMicros(us).replace(" ", "")
}

module.exports = {
  addRatios,
  evaluateGoals,
  textTables,
  goalLines,
  beatenCells,
  beatenLines,
  markdown,
  charts,
}
