#!/usr/bin/env node
"use strict"
/**
 * Obtains the pinned libzmq source release and unpacks it into `deps/`. The same code fetches
 * other pinned sources (scripts/fetch-libsodium.js): `fetchPinned(pin)`, with the pin's `env`
 * naming the variable that points at a local archive.
 *
 * Ways tried, in order (the first that yields an archive with the pinned sha256 wins):
 *  1. the archive named by ZEROMQ_NAPI_LIBZMQ_ARCHIVE (the pin's `env`);
 *  2. a cached copy (deps/ of this package, then the user cache directory);
 *  3. the upstream tag archive (https), when the pin names one;
 *  4. Debian's source package through apt, using private apt state so that the
 *     system's apt configuration is never changed.
 * ZEROMQ_NAPI_OFFLINE skips the two network ways; ZEROMQ_NAPI_DEPS_DIR moves deps/.
 *
 * Usage: node scripts/fetch-libzmq.js [--print-dir]
 * Prints the unpacked source directory on success.
 */
const crypto = require("node:crypto")
const fs = require("node:fs")
const os = require("node:os")
const path = require("node:path")
const https = require("node:https")
const {execFileSync, spawnSync} = require("node:child_process")

const libzmqPin = {name: "libzmq", env: "ZEROMQ_NAPI_LIBZMQ_ARCHIVE", ...require("./libzmq.json")}
const root = path.resolve(__dirname, "..")
const depsDir = process.env.ZEROMQ_NAPI_DEPS_DIR || path.join(root, "deps")
const userCacheDir = path.join(
  process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"),
  "zeromq-napi",
)

let logName = "fetch-libzmq"
function log(message) {
  process.stderr.write(`[${logName}] ${message}\n`)
}

function sha256(file) {
  return crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex")
}

/** Returns the reason `file` is not the pinned archive, or null when it is. */
function rejectReason(pin, file) {
  if (!fs.existsSync(file)) return `${file} does not exist`
  const actual = sha256(file)
  if (actual !== pin.sha256) return `${file} has sha256 ${actual}, expected ${pin.sha256}`
  return null
}

function download(url, dest, redirects = 5) {
  return new Promise((resolve, reject) => {
    const request = https.get(url, {timeout: 20000}, response => {
      const {statusCode, headers} = response
      if (statusCode >= 300 && statusCode < 400 && headers.location && redirects > 0) {
        response.resume()
        resolve(download(new URL(headers.location, url).toString(), dest, redirects - 1))
        return
      }
      if (statusCode !== 200) {
        response.resume()
        reject(new Error(`HTTP ${statusCode}`))
        return
      }
      const out = fs.createWriteStream(dest)
      response.pipe(out)
      out.on("finish", () => out.close(() => resolve()))
      out.on("error", reject)
      response.on("error", reject)
    })
    request.on("timeout", () => request.destroy(new Error("timed out")))
    request.on("error", reject)
  })
}

/** Turns the system's apt `deb` entries into `deb-src` entries in a private sources file. */
function writeSourceEntries(file) {
  const entries = []
  const partsDir = "/etc/apt/sources.list.d"
  const files = []
  if (fs.existsSync("/etc/apt/sources.list")) files.push("/etc/apt/sources.list")
  if (fs.existsSync(partsDir)) {
    for (const name of fs.readdirSync(partsDir).sort()) files.push(path.join(partsDir, name))
  }
  for (const source of files) {
    const text = fs.readFileSync(source, "utf8")
    if (source.endsWith(".sources")) {
      // deb822 stanzas: keep URIs/Suites/Components/Signed-By, change the type.
      for (const stanza of text.split(/\n\s*\n/)) {
        const fields = {}
        for (const line of stanza.split("\n")) {
          const match = /^([A-Za-z-]+):\s*(.*)$/.exec(line)
          if (match) fields[match[1].toLowerCase()] = match[2].trim()
        }
        if (!fields.types || !fields.types.split(/\s+/).includes("deb")) continue
        if (fields.enabled === "no") continue
        const lines = ["Types: deb-src"]
        for (const key of ["uris", "suites", "components", "signed-by"]) {
          if (fields[key])
            lines.push(
              `${key === "signed-by" ? "Signed-By" : key[0].toUpperCase() + key.slice(1)}: ${fields[key]}`,
            )
        }
        entries.push(lines.join("\n"))
      }
    } else if (source.endsWith(".list")) {
      for (const line of text.split("\n")) {
        const trimmed = line.trim()
        if (trimmed.startsWith("deb ")) entries.push(`deb-src${trimmed.slice(3)}`)
      }
    }
  }
  if (entries.length === 0)
    throw new Error("no apt 'deb' entries found to derive 'deb-src' entries from")
  const deb822 = entries.filter(e => e.startsWith("Types:"))
  const oneLine = entries.filter(e => !e.startsWith("Types:"))
  // apt reads one-line entries from sourcelist and deb822 from sourceparts.
  fs.writeFileSync(file, oneLine.join("\n") + "\n")
  return deb822.join("\n\n") + "\n"
}

function fetchFromDebian(pin, workDir) {
  if (!fs.existsSync("/usr/bin/apt-get")) throw new Error("apt-get is not available")
  const state = path.join(workDir, "apt")
  const parts = path.join(state, "sources.list.d")
  const lists = path.join(state, "lists")
  fs.mkdirSync(path.join(lists, "partial"), {recursive: true})
  fs.mkdirSync(path.join(state, "cache", "archives", "partial"), {recursive: true})
  fs.mkdirSync(parts, {recursive: true})
  const deb822 = writeSourceEntries(path.join(state, "sources.list"))
  if (deb822.trim()) fs.writeFileSync(path.join(parts, "src.sources"), deb822)
  const options = [
    "-o",
    `Dir::Etc::sourcelist=${path.join(state, "sources.list")}`,
    "-o",
    `Dir::Etc::sourceparts=${parts}`,
    "-o",
    `Dir::State::Lists=${lists}`,
    "-o",
    `Dir::Cache=${path.join(state, "cache")}`,
    "-o",
    "Debug::NoLocking=1",
    "-o",
    "APT::Sandbox::User=root",
    "-q",
  ]
  const run = args => {
    const result = spawnSync("apt-get", [...options, ...args], {cwd: workDir, encoding: "utf8"})
    if (result.status !== 0) {
      throw new Error(
        `apt-get ${args.join(" ")} failed: ${(result.stderr || result.stdout || "").trim().split("\n").slice(-3).join(" | ")}`,
      )
    }
  }
  run(["update"])
  run(["source", "--download-only", pin.debianSourcePackage])
  const file = path.join(workDir, pin.debianOrigFile)
  if (!fs.existsSync(file)) throw new Error(`apt-get source did not produce ${pin.debianOrigFile}`)
  return file
}

function unpack(pin, archive) {
  const target = path.join(depsDir, pin.topFolder)
  const stamp = path.join(target, ".zeromq-napi-sha256")
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8").trim() === pin.sha256) return target
  fs.rmSync(target, {recursive: true, force: true})
  fs.mkdirSync(depsDir, {recursive: true})
  execFileSync("tar", ["-xzf", archive, "-C", depsDir], {stdio: "inherit"})
  const marker = pin.marker || "CMakeLists.txt"
  if (!fs.existsSync(path.join(target, marker))) {
    throw new Error(`unpacking ${archive} did not produce ${target}/${marker}`)
  }
  fs.writeFileSync(stamp, pin.sha256 + "\n")
  return target
}

/** Copies a verified archive into both caches so later installs (and fresh clones) reuse it. */
function remember(pin, file) {
  const archiveName = `${pin.name}-${pin.version}.tar.gz`
  for (const dir of [depsDir, userCacheDir]) {
    const dest = path.join(dir, archiveName)
    if (path.resolve(dest) === path.resolve(file)) continue
    try {
      fs.mkdirSync(dir, {recursive: true})
      fs.copyFileSync(file, dest)
    } catch (err) {
      log(`could not cache the archive in ${dir}: ${err.message}`)
    }
  }
}

async function obtainArchive(pin) {
  const archiveName = `${pin.name}-${pin.version}.tar.gz`
  const tried = []
  const attempt = (way, file) => {
    const reason = rejectReason(pin, file)
    if (reason === null) {
      log(`using ${way}: ${file}`)
      return file
    }
    tried.push(`${way}: ${reason}`)
    return null
  }

  if (process.env[pin.env]) {
    const file = path.resolve(process.env[pin.env])
    const found = attempt(pin.env, file)
    if (found) return found
  } else {
    tried.push(`${pin.env}: not set`)
  }

  for (const dir of [depsDir, userCacheDir]) {
    const found = attempt("cached copy", path.join(dir, archiveName))
    if (found) return found
  }

  const work = fs.mkdtempSync(path.join(os.tmpdir(), "zeromq-napi-fetch-"))
  try {
    if (!pin.upstreamUrl) {
      tried.push("upstream archive: none pinned")
    } else if (process.env.ZEROMQ_NAPI_OFFLINE) {
      tried.push("upstream tag archive: skipped (ZEROMQ_NAPI_OFFLINE is set)")
    } else {
      const file = path.join(work, archiveName)
      try {
        log(`downloading ${pin.upstreamUrl}`)
        await download(pin.upstreamUrl, file)
        const found = attempt("upstream tag archive", file)
        if (found) return keep(found)
      } catch (err) {
        tried.push(`upstream tag archive ${pin.upstreamUrl}: ${err.message}`)
      }
    }

    if (process.env.ZEROMQ_NAPI_OFFLINE) {
      tried.push("Debian source package: skipped (ZEROMQ_NAPI_OFFLINE is set)")
    } else {
      try {
        log(`fetching Debian source package ${pin.debianSourcePackage} through apt (private state)`)
        const found = attempt("Debian source package", fetchFromDebian(pin, work))
        if (found) return keep(found)
      } catch (err) {
        tried.push(`Debian source package ${pin.debianSourcePackage}: ${err.message}`)
      }
    }
  } finally {
    fs.rmSync(work, {recursive: true, force: true})
  }

  throw new Error(
    [
      `could not obtain ${pin.name} ${pin.version} source (sha256 ${pin.sha256}). Tried:`,
      ...tried.map(t => `  - ${t}`),
      pin.upstreamUrl
        ? "To provide it by hand, download either"
        : "To provide it by hand, download",
      ...(pin.upstreamUrl ? [`  ${pin.upstreamUrl}`, "  or"] : []),
      `  Debian's ${pin.debianOrigFile} (source package ${pin.debianSourcePackage})`,
      `and set ${pin.env}=/path/to/that/file, or copy it to ${path.join(userCacheDir, archiveName)}.`,
      ...(pin.name === "libzmq"
        ? [
            "Alternatively build against a system libzmq: npm run build:gyp (needs libzmq's pkg-config file).",
          ]
        : []),
    ].join("\n"),
  )

  function keep(file) {
    remember(pin, file)
    return path.join(depsDir, archiveName)
  }
}

/** Obtains, verifies and unpacks `pin`'s archive; resolves to the unpacked source folder. */
async function fetchPinned(pin) {
  const archiveName = `${pin.name}-${pin.version}.tar.gz`
  const archive = await obtainArchive(pin)
  if (path.resolve(archive) !== path.resolve(path.join(depsDir, archiveName)))
    remember(pin, archive)
  return unpack(pin, path.join(depsDir, archiveName))
}

/** The command line: prints the unpacked folder of `pin`, or the reasons it failed. */
function cli(pin, name) {
  logName = name
  fetchPinned(pin).then(
    dir => process.stdout.write(dir + "\n"),
    err => {
      log(err.message)
      process.exit(1)
    },
  )
}

if (require.main === module) cli(libzmqPin, "fetch-libzmq")

module.exports = {fetchPinned, cli, obtainArchive, unpack, depsDir, pin: libzmqPin}
