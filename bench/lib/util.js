"use strict"
// Small shared helpers: sizes, numbers, statistics, endpoints.
const os = require("node:os")
const path = require("node:path")

const KiB = 1024
const MiB = 1024 * 1024

/** The message sizes of the benchmark (bytes). */
const SIZES = [16, 256, KiB, 64 * KiB, MiB]

/** Throughput end marker and pub/sub warm-up sizes: message sizes must differ from these. */
const END_SIZE = 1
const WARMUP_SIZE = 0

/** "16 B", "1 KiB", "64 KiB", "1 MiB". */
function formatSize(bytes) {
  if (bytes >= MiB && bytes % MiB === 0) return `${bytes / MiB} MiB`
  if (bytes >= KiB && bytes % KiB === 0) return `${bytes / KiB} KiB`
  return `${bytes} B`
}

/** Parses "16", "1k", "1KiB", "64KiB", "1MiB", "1m" into bytes. */
function parseSize(text) {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib)?\s*$/i.exec(String(text))
  if (!match) throw new Error(`Not a message size: ${text}`)
  const unit = (match[2] || "b").toLowerCase()
  const factor = unit.startsWith("k") ? KiB : unit.startsWith("m") ? MiB : 1
  return Math.round(Number(match[1]) * factor)
}

/** 3 significant digits with k/M/G: "1.71 M", "177 k", "950". */
function formatCount(value) {
  if (!Number.isFinite(value)) return "-"
  const units = [
    [1e9, "G"],
    [1e6, "M"],
    [1e3, "k"],
  ]
  for (const [scale, unit] of units) {
    if (Math.abs(value) >= scale) return `${precise(value / scale)} ${unit}`
  }
  return precise(value)
}

/** 3 significant digits (at least the integer part). */
function precise(value) {
  if (!Number.isFinite(value)) return "-"
  const abs = Math.abs(value)
  if (abs >= 100) return value.toFixed(0)
  if (abs >= 10) return value.toFixed(1)
  if (abs >= 1) return value.toFixed(2)
  return value.toPrecision(2)
}

/** Microseconds with 3 significant digits and a unit: "23.7 µs", "1.52 ms". */
function formatMicros(us) {
  if (!Number.isFinite(us)) return "-"
  if (us >= 1000) return `${precise(us / 1000)} ms`
  return `${precise(us)} µs`
}

/** A ratio as "1.23×". */
function formatRatio(ratio) {
  return Number.isFinite(ratio) ? `${ratio >= 10 ? ratio.toFixed(1) : ratio.toFixed(2)}×` : "-"
}

function median(values) {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b)
  if (sorted.length === 0) return NaN
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** Nearest-rank percentile (p in 0..1) of a sorted typed array or array. */
function percentile(sorted, p) {
  if (sorted.length === 0) return NaN
  const k = Math.min(sorted.length - 1, Math.round(p * (sorted.length - 1)))
  return sorted[k]
}

/** Round-trip statistics (µs) from a Float64Array of samples. */
function latencyStats(samples) {
  const sorted = Float64Array.from(samples).sort()
  let sum = 0
  for (let i = 0; i < sorted.length; i++) sum += sorted[i]
  return {
    roundTrips: sorted.length,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    avg: sum / sorted.length,
    min: sorted[0],
  }
}

let ipcCounter = 0
/** A fresh path for an ipc endpoint / unix socket. */
function ipcPath(tag) {
  return path.join(os.tmpdir(), `zmq-napi-bench-${process.pid}-${tag}-${ipcCounter++}.sock`)
}

/** A message payload of `size` bytes. */
function payload(size) {
  return Buffer.alloc(size, 0x61)
}

function sleep(ms) {
  return new Promise(resolve => setTimeout(resolve, ms))
}

/** Seconds since `start` (a process.hrtime.bigint()). */
function secondsSince(start) {
  return Number(process.hrtime.bigint() - start) / 1e9
}

module.exports = {
  KiB,
  MiB,
  SIZES,
  END_SIZE,
  WARMUP_SIZE,
  formatSize,
  parseSize,
  formatCount,
  formatMicros,
  formatRatio,
  precise,
  median,
  percentile,
  latencyStats,
  ipcPath,
  payload,
  sleep,
  secondsSince,
}
