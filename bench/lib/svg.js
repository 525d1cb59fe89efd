"use strict"
// A small SVG line-chart writer (no dependencies): log-scale x (message size) and log-scale y,
// one line per implementation, a shared legend.
const {formatCount, formatSize} = require("./util")

const COLORS = {
  native: "#333333",
  "napi-idiomatic": "#d62728",
  "napi-batch": "#ff7f0e",
  "napi-thread": "#8c564b",
  "zeromq-v6": "#1f77b4",
  "net-batched": "#2ca02c",
  "net-per-message": "#9467bd",
  "napi-v5-compat": "#e377c2",
  "zeromq-v6-compat": "#17becf",
}
const FALLBACK = ["#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

const PANEL = {width: 500, height: 340, left: 70, right: 20, top: 36, bottom: 48}
const LEGEND_WIDTH = 200

function escape(text) {
  return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
}

function fmt(n) {
  return Number(n.toFixed(1))
}

function colorOf(id, index) {
  return COLORS[id] || FALLBACK[index % FALLBACK.length]
}

/**
 * One panel at (x0, y0).
 * @param {{title: string, yLabel: string, series: {id: string, label: string,
 *   points: [number, number][]}[], formatY?: (v: number) => string}} chart
 */
function panel(chart, x0, y0) {
  const {width, height, left, right, top, bottom} = PANEL
  const plotW = width - left - right
  const plotH = height - top - bottom
  const points = chart.series.flatMap(s => s.points).filter(([x, y]) => x > 0 && y > 0)
  const out = [`<g transform="translate(${x0},${y0})">`]
  out.push(
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="15" font-weight="bold">${escape(chart.title)}</text>`,
  )
  if (points.length === 0) {
    out.push(`<text x="${width / 2}" y="${height / 2}" text-anchor="middle">no data</text></g>`)
    return out.join("\n")
  }
  const xs = [...new Set(points.map(([x]) => x))].sort((a, b) => a - b)
  const ys = points.map(([, y]) => y)
  const lx0 = Math.log2(xs[0]) - 0.5
  const lx1 = Math.log2(xs[xs.length - 1]) + 0.5
  const ly0 = Math.floor(Math.log10(Math.min(...ys)))
  const ly1 = Math.max(ly0 + 1, Math.ceil(Math.log10(Math.max(...ys))))
  const sx = x => left + ((Math.log2(x) - lx0) / (lx1 - lx0)) * plotW
  const sy = y => top + plotH - ((Math.log10(y) - ly0) / (ly1 - ly0)) * plotH
  const formatY = chart.formatY || formatCount

  // Axes, grid and ticks.
  out.push(
    `<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`,
  )
  for (let d = ly0; d <= ly1; d++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** d
      if (Math.log10(v) > ly1 + 1e-9) break
      const y = fmt(sy(v))
      const major = m === 1
      out.push(
        `<line x1="${left}" x2="${left + plotW}" y1="${y}" y2="${y}" stroke="${major ? "#ccc" : "#eee"}"/>`,
      )
      if (major || ly1 - ly0 <= 2) {
        out.push(
          `<text x="${left - 6}" y="${y + 4}" text-anchor="end" font-size="11">${escape(formatY(v))}</text>`,
        )
      }
    }
  }
  for (const x of xs) {
    const px = fmt(sx(x))
    out.push(`<line x1="${px}" x2="${px}" y1="${top}" y2="${top + plotH}" stroke="#eee"/>`)
    out.push(
      `<text x="${px}" y="${top + plotH + 16}" text-anchor="middle" font-size="11">${escape(formatSize(x))}</text>`,
    )
  }
  out.push(
    `<text x="${left + plotW / 2}" y="${height - 8}" text-anchor="middle" font-size="12">message size (log scale)</text>`,
  )
  out.push(
    `<text transform="translate(16,${top + plotH / 2}) rotate(-90)" text-anchor="middle" font-size="12">${escape(chart.yLabel)}</text>`,
  )

  // One line per series; a gap where a point is missing.
  chart.series.forEach((s, index) => {
    const color = colorOf(s.id, index)
    const valid = s.points.filter(([x, y]) => x > 0 && y > 0).sort((a, b) => a[0] - b[0])
    let run = []
    const flush = () => {
      if (run.length > 1) {
        out.push(
          `<polyline fill="none" stroke="${color}" stroke-width="2" points="${run.map(([x, y]) => `${fmt(sx(x))},${fmt(sy(y))}`).join(" ")}"/>`,
        )
      }
      run = []
    }
    for (const x of xs) {
      const point = valid.find(p => p[0] === x)
      if (point) run.push(point)
      else flush()
    }
    flush()
    for (const [x, y] of valid) {
      out.push(
        `<circle cx="${fmt(sx(x))}" cy="${fmt(sy(y))}" r="3.5" fill="${color}"><title>${escape(`${s.label} ${formatSize(x)}: ${formatY(y)}`)}</title></circle>`,
      )
    }
  })
  out.push("</g>")
  return out.join("\n")
}

/** A document of side-by-side panels sharing a legend (the series of the first panel). */
function chartDocument({title, subtitle, panels}) {
  const width = panels.length * PANEL.width + LEGEND_WIDTH
  const height = PANEL.height + 50
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="12" y="22" font-size="17" font-weight="bold">${escape(title)}</text>`,
  ]
  if (subtitle)
    out.push(`<text x="12" y="40" font-size="12" fill="#555">${escape(subtitle)}</text>`)
  panels.forEach((chart, i) => out.push(panel(chart, i * PANEL.width, 50)))
  const legendX = panels.length * PANEL.width + 10
  const series = panels[0] ? panels[0].series : []
  series.forEach((s, index) => {
    const y = 50 + PANEL.top + 10 + index * 22
    out.push(
      `<line x1="${legendX}" x2="${legendX + 24}" y1="${y}" y2="${y}" stroke="${colorOf(s.id, index)}" stroke-width="3"/>`,
      `<text x="${legendX + 30}" y="${y + 4}" font-size="12">${escape(s.label)}</text>`,
    )
  })
  out.push("</svg>", "")
  return out.join("\n")
}

module.exports = {chartDocument}
