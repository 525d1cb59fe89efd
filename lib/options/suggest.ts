/**
 * The TypeError for an unknown option name, with the closest known name as a hint.
 * Internal: not part of the public API.
 * @module
 */

function editDistance(a: string, b: string): number {
  let previous = Array.from({length: b.length + 1}, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution)
    }
    previous = current
  }
  return previous[b.length]!
}

function isSubsequence(short: string, long: string): boolean {
  let index = 0
  for (const char of long) {
    if (char === short[index]) index++
    if (index === short.length) return true
  }
  return short.length === 0
}

// Finds the option a caller probably meant: the same name in another case, a small typo,
// or an abbreviation in libzmq style ("sndHwm", "ZMQ_SNDHWM" -> "sendHighWaterMark").
function closestName(name: string, known: Iterable<string>): string | undefined {
  const wanted = name.toLowerCase()
  const abbreviation = wanted.replace(/^zmq_/, "").replace(/[_-]/g, "")
  const limit = wanted.length <= 4 ? 1 : wanted.length <= 8 ? 2 : 3

  let best: {name: string; distance: number} | undefined
  let bestAbbreviated: string | undefined
  for (const candidate of known) {
    const lower = candidate.toLowerCase()
    if (lower === wanted) return candidate
    const distance = editDistance(wanted, lower)
    if (distance <= limit && (best === undefined || distance < best.distance)) {
      best = {name: candidate, distance}
    }
    if (
      abbreviation.length >= 3 &&
      lower[0] === abbreviation[0] &&
      isSubsequence(abbreviation, lower) &&
      (bestAbbreviated === undefined || candidate.length < bestAbbreviated.length)
    ) {
      bestAbbreviated = candidate
    }
  }
  return best?.name ?? bestAbbreviated
}

/** The error for an option name that does not exist, suggesting the closest known name. */
export function unknownOptionError(name: string, known: Iterable<string>): TypeError {
  const suggestion = closestName(name, known)
  const hint = suggestion === undefined ? "" : `; did you mean "${suggestion}"?`
  return new TypeError(`Unknown option "${name}"${hint}`)
}
