"use strict"
// What every receiver of the benchmark does with a message: check its size and count it,
// timing first to last message like libzmq's local_thr. The same object is used by every JS
// implementation, so their receive loops do the same work per message.
const {END_SIZE, WARMUP_SIZE} = require("./util")

class Counter {
  /**
   * @param {number} size data message size
   * @param {object} options
   * @param {number} [options.count] stop after this many data messages (else at the end marker)
   * @param {boolean} [options.stampEach] read the clock at every message (pub/sub: the end
   *   marker may come late, after drops), else at the last one only
   * @param {() => void} [options.onWarmup] called for each (empty) warm-up message
   */
  constructor(size, {count = Infinity, stampEach = false, onWarmup = () => {}} = {}) {
    this.size = size
    this.count = count
    this.stampEach = stampEach
    this.onWarmup = onWarmup
    this.received = 0
    this.first = 0
    this.last = 0
    this.ended = false
  }

  /** Takes one message of `length` bytes; true when the receive loop should stop. */
  take(length) {
    if (length === this.size) {
      if (this.received === 0) this.first = this.last = performance.now()
      else if (this.stampEach) this.last = performance.now()
      if (++this.received === this.count) {
        this.last = performance.now()
        return true
      }
      return false
    }
    if (length === END_SIZE) {
      if (!this.stampEach) this.last = performance.now()
      this.ended = true
      return true
    }
    if (length === WARMUP_SIZE) {
      this.onWarmup()
      return false
    }
    throw new Error(`received a message of ${length} B, expected ${this.size} B`)
  }

  /** {received, seconds}: data messages and the time from the first to the last. */
  result() {
    return {received: this.received, seconds: (this.last - this.first) / 1000}
  }
}

/**
 * When a send loop should stop: after `count` messages, or once `duration` seconds passed
 * since the first send (the clock is read about every 256 KiB sent, not per message).
 */
class SendLimit {
  constructor({count, duration}, size) {
    this.count = count === undefined ? Infinity : count
    this.duration = duration === undefined ? Infinity : duration * 1000
    this.every = Math.max(1, Math.min(1024, Math.floor((256 * 1024) / size)))
    this.deadline = Infinity
  }

  start() {
    this.deadline = performance.now() + this.duration
  }

  expired() {
    return performance.now() >= this.deadline
  }
}

module.exports = {Counter, SendLimit}
