"use strict"
// The latency client's loop, shared by every JS implementation: an untimed warm-up (at least
// `warmup` round trips and `warmupSeconds`: the JIT and both processes settle), then round trips
// timed one by one with process.hrtime until `count` or `duration` seconds.
const {latencyStats} = require("./util")

/**
 * @param {() => Promise<number>} roundTrip sends one message and resolves with the reply's size
 * @returns round-trip statistics in µs
 */
async function timeRoundTrips(roundTrip, size, {count, duration, warmup = 0, warmupSeconds = 0}) {
  const warmEnd = performance.now() + warmupSeconds * 1000
  for (let i = 0; i < warmup || performance.now() < warmEnd; i++) await roundTrip()
  const limit = count ?? Infinity
  const deadline = duration === undefined ? Infinity : performance.now() + duration * 1000
  let samples = new Float64Array(Math.min(limit, 1 << 16))
  let n = 0
  while (n < limit) {
    const t0 = process.hrtime.bigint()
    const length = await roundTrip()
    const t1 = process.hrtime.bigint()
    if (length !== size) throw new Error(`reply of ${length} B, expected ${size} B`)
    if (n === samples.length) {
      const grown = new Float64Array(samples.length * 2)
      grown.set(samples)
      samples = grown
    }
    samples[n++] = Number(t1 - t0) / 1000
    if ((n & 63) === 0 && performance.now() >= deadline) break
  }
  return latencyStats(samples.subarray(0, n))
}

module.exports = {timeRoundTrips}
