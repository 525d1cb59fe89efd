#!/usr/bin/env node
"use strict"
/**
 * Reads what the prebuild checks need from a compiled addon, for any target, on any host: its
 * format (ELF, PE, Mach-O), architecture, exported symbols, the libraries it needs, and on
 * macOS the minimum OS version; on Linux also the newest glibc symbol version it needs.
 * No binutils or LLVM tools: the same answers on Linux, macOS and Windows runners.
 *
 *   node scripts/binary-info.js FILE…     prints one JSON object per file
 */
const fs = require("node:fs")

/**
 * @typedef {object} BinaryInfo
 * @property {"elf" | "pe" | "macho"} format
 * @property {"x64" | "arm64" | "arm" | "ia32" | string} arch
 * @property {string[]} exports      symbols other modules can bind to
 * @property {string[]} needed       libraries loaded with it (DT_NEEDED, PE imports, dylibs)
 * @property {string} [minOs]        Mach-O: minimum macOS version
 * @property {string} [glibc]        ELF: newest GLIBC_x.y symbol version needed
 * @property {string} [signed]       Mach-O: "valid" when the code signature matches, else why not
 * @property {string} [float]        ELF arm: "hard" or "soft" float ABI
 */

function cString(buf, at) {
  const end = buf.indexOf(0, at)
  return buf.toString("latin1", at, end < 0 ? buf.length : end)
}

/** @returns {BinaryInfo} */
function readElf(buf) {
  const is64 = buf[4] === 2
  if (buf[5] !== 1) throw new Error("big-endian ELF is not supported")
  const u16 = at => buf.readUInt16LE(at)
  const u32 = at => buf.readUInt32LE(at)
  const addr = at => (is64 ? Number(buf.readBigUInt64LE(at)) : u32(at))
  const machine = u16(18)
  const flags = u32(is64 ? 48 : 36)
  const shoff = addr(is64 ? 40 : 32)
  const shentsize = u16(is64 ? 58 : 46)
  const shnum = u16(is64 ? 60 : 48)
  const sections = []
  for (let i = 0; i < shnum; i++) {
    const at = shoff + i * shentsize
    sections.push({
      type: u32(at + 4),
      offset: addr(at + (is64 ? 24 : 16)),
      size: addr(at + (is64 ? 32 : 20)),
      link: u32(at + (is64 ? 40 : 24)),
      entsize: addr(at + (is64 ? 56 : 36)),
    })
  }
  const text = (section, at) => cString(buf, sections[section.link].offset + at)
  const exports = []
  const needed = []
  const versions = []
  for (const section of sections) {
    if (section.type === 11 /* SHT_DYNSYM */) {
      const size = is64 ? 24 : 16
      for (let at = section.offset + size; at < section.offset + section.size; at += size) {
        const info = buf[at + (is64 ? 4 : 12)]
        const other = buf[at + (is64 ? 5 : 13)]
        const shndx = u16(at + (is64 ? 6 : 14))
        const bind = info >> 4
        const visibility = other & 3
        if (shndx !== 0 && (bind === 1 || bind === 2) && (visibility === 0 || visibility === 3)) {
          exports.push(text(section, u32(at)))
        }
      }
    } else if (section.type === 6 /* SHT_DYNAMIC */) {
      const size = is64 ? 16 : 8
      for (let at = section.offset; at < section.offset + section.size; at += size) {
        const tag = is64 ? Number(buf.readBigInt64LE(at)) : buf.readInt32LE(at)
        if (tag === 0) break
        if (tag === 1 /* DT_NEEDED */) needed.push(text(section, addr(at + (is64 ? 8 : 4))))
      }
    } else if (section.type === 0x6ffffffe /* SHT_GNU_verneed */) {
      let at = section.offset
      for (;;) {
        const count = u16(at + 2)
        let aux = at + u32(at + 8)
        for (let i = 0; i < count; i++) {
          versions.push(text(section, u32(aux + 8)))
          aux += u32(aux + 12)
        }
        const next = u32(at + 12)
        if (next === 0) break
        at += next
      }
    }
  }
  const arches = {62: "x64", 183: "arm64", 40: "arm", 3: "ia32"}
  const info = {format: "elf", arch: arches[machine] || `machine ${machine}`, exports, needed}
  const glibc = versions
    .map(v => /^GLIBC_(\d+)\.(\d+)(?:\.(\d+))?$/.exec(v))
    .filter(Boolean)
    .sort((a, b) => a[1] - b[1] || a[2] - b[2] || (a[3] || 0) - (b[3] || 0))
    .pop()
  if (glibc) info.glibc = glibc[0].slice("GLIBC_".length)
  if (machine === 40) info.float = flags & 0x400 ? "hard" : "soft"
  return info
}

/** @returns {BinaryInfo} */
function readPe(buf) {
  const pe = buf.readUInt32LE(0x3c)
  if (buf.toString("latin1", pe, pe + 4) !== "PE\0\0") throw new Error("not a PE file")
  const machine = buf.readUInt16LE(pe + 4)
  const sectionCount = buf.readUInt16LE(pe + 6)
  const optionalSize = buf.readUInt16LE(pe + 20)
  const optional = pe + 24
  const plus = buf.readUInt16LE(optional) === 0x20b
  const dirs = optional + (plus ? 112 : 96)
  const dir = i => ({rva: buf.readUInt32LE(dirs + i * 8), size: buf.readUInt32LE(dirs + i * 8 + 4)})
  const sections = []
  for (let i = 0; i < sectionCount; i++) {
    const at = optional + optionalSize + i * 40
    sections.push({
      va: buf.readUInt32LE(at + 12),
      vsize: buf.readUInt32LE(at + 8),
      raw: buf.readUInt32LE(at + 20),
    })
  }
  const offset = rva => {
    const s = sections.find(x => rva >= x.va && rva < x.va + Math.max(x.vsize, 1))
    if (!s) throw new Error(`RVA 0x${rva.toString(16)} is in no section`)
    return rva - s.va + s.raw
  }
  const exports = []
  const exportDir = dir(0)
  if (exportDir.rva) {
    const at = offset(exportDir.rva)
    const count = buf.readUInt32LE(at + 24)
    const names = offset(buf.readUInt32LE(at + 32))
    for (let i = 0; i < count; i++)
      exports.push(cString(buf, offset(buf.readUInt32LE(names + i * 4))))
  }
  const needed = []
  const importDir = dir(1)
  if (importDir.rva) {
    for (let at = offset(importDir.rva); ; at += 20) {
      const name = buf.readUInt32LE(at + 12)
      if (name === 0) break
      needed.push(cString(buf, offset(name)))
    }
  }
  const delayDir = dir(13)
  if (delayDir.rva) {
    for (let at = offset(delayDir.rva); ; at += 32) {
      const name = buf.readUInt32LE(at + 4)
      if (name === 0) break
      needed.push(cString(buf, offset(name)))
    }
  }
  const arches = {0x8664: "x64", 0xaa64: "arm64", 0x14c: "ia32"}
  return {
    format: "pe",
    arch: arches[machine] || `machine 0x${machine.toString(16)}`,
    exports,
    needed,
  }
}

function uleb(buf, at) {
  let value = 0
  let shift = 0
  for (;;) {
    const byte = buf[at++]
    value += (byte & 0x7f) * 2 ** shift
    shift += 7
    if (byte < 0x80) return [value, at]
  }
}

/** The names in a Mach-O export trie (what dyld binds to). */
function trieNames(buf, start, size) {
  const names = []
  const visit = (node, prefix, depth) => {
    if (depth > 256) throw new Error("export trie too deep")
    let [terminal, at] = uleb(buf, start + node)
    if (terminal > 0) names.push(prefix)
    at += terminal
    const children = buf[at++]
    for (let i = 0; i < children; i++) {
      const edge = cString(buf, at)
      at += Buffer.byteLength(edge, "latin1") + 1
      const [child, next] = uleb(buf, at)
      at = next
      if (child >= size) throw new Error("export trie child out of range")
      visit(child, prefix + edge, depth + 1)
    }
  }
  if (size > 0) visit(0, "", 0)
  return names
}

/**
 * Whether the code signature's CodeDirectory hashes match the file's pages (what macOS checks
 * before it runs arm64 code): "valid", or what is wrong. Ad-hoc signatures (linker-signed) only.
 */
function codeSignatureValid(buf, offset) {
  if (buf.readUInt32BE(offset) !== 0xfade0cc0) return "not a code signature SuperBlob"
  const count = buf.readUInt32BE(offset + 8)
  for (let i = 0; i < count; i++) {
    const blob = offset + buf.readUInt32BE(offset + 12 + i * 8 + 4)
    if (buf.readUInt32BE(blob) !== 0xfade0c02) continue // not a CodeDirectory
    const hashOffset = buf.readUInt32BE(blob + 16)
    const codeSlots = buf.readUInt32BE(blob + 28)
    const codeLimit = buf.readUInt32BE(blob + 32)
    const hashSize = buf[blob + 36]
    const hashType = buf[blob + 37]
    const pageSize = 2 ** buf[blob + 39]
    const algorithm = {1: "sha1", 2: "sha256"}[hashType]
    if (!algorithm) return `hash type ${hashType}`
    const crypto = require("node:crypto")
    for (let page = 0; page < codeSlots; page++) {
      const start = page * pageSize
      const data = buf.subarray(start, Math.min(start + pageSize, codeLimit))
      const digest = crypto.createHash(algorithm).update(data).digest().subarray(0, hashSize)
      const slot = blob + hashOffset + page * hashSize
      if (!digest.equals(buf.subarray(slot, slot + hashSize))) return `page ${page} does not match`
    }
    return "valid"
  }
  return "no CodeDirectory"
}

/** @returns {BinaryInfo} */
function readMachO(buf) {
  const cpu = buf.readUInt32LE(4)
  const commands = buf.readUInt32LE(16)
  const needed = []
  let exports = null
  let symtab = null
  let minOs
  let signed = "none"
  const version = v => `${v >>> 16}.${(v >> 8) & 0xff}${v & 0xff ? `.${v & 0xff}` : ""}`
  for (let i = 0, at = 32; i < commands; i++) {
    const cmd = buf.readUInt32LE(at)
    const size = buf.readUInt32LE(at + 4)
    if (cmd === 0xc || cmd === 0x80000018 || cmd === 0x8000001f) {
      needed.push(cString(buf, at + buf.readUInt32LE(at + 8)))
    } else if (cmd === 0x32 /* LC_BUILD_VERSION */) {
      minOs = version(buf.readUInt32LE(at + 12))
    } else if (cmd === 0x24 /* LC_VERSION_MIN_MACOSX */) {
      minOs = version(buf.readUInt32LE(at + 8))
    } else if (cmd === 0x22 || cmd === 0x80000022 /* LC_DYLD_INFO(_ONLY) */) {
      exports = trieNames(buf, buf.readUInt32LE(at + 40), buf.readUInt32LE(at + 44))
    } else if (cmd === 0x80000033 /* LC_DYLD_EXPORTS_TRIE */) {
      exports = trieNames(buf, buf.readUInt32LE(at + 8), buf.readUInt32LE(at + 12))
    } else if (cmd === 0x2 /* LC_SYMTAB */) {
      symtab = {
        symoff: buf.readUInt32LE(at + 8),
        nsyms: buf.readUInt32LE(at + 12),
        stroff: buf.readUInt32LE(at + 16),
      }
    } else if (cmd === 0x1d /* LC_CODE_SIGNATURE */) {
      signed = codeSignatureValid(buf, buf.readUInt32LE(at + 8))
    }
    at += size
  }
  if (exports === null && symtab) {
    // No trie: the external symbols defined in a section (N_EXT, N_SECT, not N_PEXT).
    exports = []
    for (let i = 0; i < symtab.nsyms; i++) {
      const at = symtab.symoff + i * 16
      const type = buf[at + 4]
      if (type & 0x01 && (type & 0x0e) === 0x0e && !(type & 0x10)) {
        exports.push(cString(buf, symtab.stroff + buf.readUInt32LE(at)))
      }
    }
  }
  // Mach-O names carry a leading underscore; report the C names.
  exports = (exports || []).map(name => (name.startsWith("_") ? name.slice(1) : name))
  const arches = {0x01000007: "x64", 0x0100000c: "arm64"}
  const info = {format: "macho", arch: arches[cpu] || `cpu 0x${cpu.toString(16)}`, exports, needed}
  if (minOs) info.minOs = minOs
  info.signed = signed
  return info
}

/** @returns {BinaryInfo} */
function binaryInfo(file) {
  const buf = fs.readFileSync(file)
  if (buf.readUInt32BE(0) === 0x7f454c46) return readElf(buf)
  if (buf.readUInt16LE(0) === 0x5a4d) return readPe(buf)
  if (buf.readUInt32LE(0) === 0xfeedfacf) return readMachO(buf)
  throw new Error(`${file}: not an ELF, PE or 64-bit Mach-O file`)
}

if (require.main === module) {
  for (const file of process.argv.slice(2)) {
    process.stdout.write(`${JSON.stringify({file, ...binaryInfo(file)})}\n`)
  }
}

module.exports = {binaryInfo}
