import {spawnSync} from "child_process"
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from "fs"
import {tmpdir} from "os"
import * as path from "path"

import {expect} from "chai"

import * as constants from "../../lib/generated/zmq-constants"
import {
  OptionKind,
  OptionSpec,
  contextOptions,
  decodeOption,
  encodeOption,
  optionAppliesTo,
  socketOptions,
  unknownOptionError,
  xpubVerbosityWrite,
} from "../../lib/options"
import {socketClassNames} from "../../lib/socket/kinds"

const root = path.join(__dirname, "..", "..")
const zmqHeader = path.join(root, "deps", "libzmq-4.3.4", "include", "zmq.h")
const genConstants = path.join(root, "scripts", "gen-constants.js")

type Table = Record<string, OptionSpec>
const tables: Array<[string, Table]> = [
  ["socket", socketOptions],
  ["context", contextOptions],
]

// Ids that two entries share on purpose, with the reason they can.
const intentionallySharedIds: Record<string, string[][]> = {
  // zmq.h gives ZMQ_SOCKET_LIMIT and ZMQ_THREAD_PRIORITY the same number; one is only
  // read and the other only written, so they never meet.
  context: [["maxSocketsLimit", "threadPriority"]],
  socket: [],
}

function expectThrows(fn: () => unknown, type: ErrorConstructor, message: string | RegExp) {
  expect(fn).to.throw(type, message)
}

describe("option tables", function () {
  for (const [tableName, table] of tables) {
    describe(`${tableName} options`, function () {
      it("take every id from zmq-constants", function () {
        const known = new Set<number>(Object.values(constants))
        for (const [name, spec] of Object.entries(table)) {
          expect(known.has(spec.id), `${name} id ${spec.id}`).to.equal(true)
        }
      })

      it("never share an id between two names unless that is intentional", function () {
        const byId = new Map<number, string[]>()
        for (const [name, spec] of Object.entries(table)) {
          byId.set(spec.id, [...(byId.get(spec.id) ?? []), name])
        }
        const shared = [...byId.values()].filter(names => names.length > 1)
        expect(shared).to.deep.equal(intentionallySharedIds[tableName])
      })

      it("give enum values to enum options only, and sizes to string-like ones only", function () {
        for (const [name, spec] of Object.entries(table)) {
          expect(spec.value === "enum", name).to.equal(spec.values !== undefined)
          if (spec.nullValue !== undefined) expect(spec.value, name).to.equal("enum")
          if (spec.size !== undefined) {
            expect([OptionKind.String, OptionKind.Bytes], name).to.include(spec.kind)
          }
        }
      })

      it("pass strings and buffers natively as String/Bytes and everything else as integers", function () {
        for (const [name, spec] of Object.entries(table)) {
          const stringLike = ["string", "buffer", "key"].includes(spec.value)
          const nativeString = spec.kind === OptionKind.String || spec.kind === OptionKind.Bytes
          expect(stringLike, name).to.equal(nativeString)
        }
      })
    })
  }

  it("only name socket classes that exist", function () {
    for (const [name, spec] of Object.entries<OptionSpec>(socketOptions)) {
      for (const className of spec.sockets ?? []) {
        expect(socketClassNames, `${name}.sockets`).to.include(className)
      }
    }
  })

  it("read CURVE keys back as 40 Z85 characters plus NUL", function () {
    for (const name of ["curvePublicKey", "curveSecretKey", "curveServerKey"] as const) {
      expect(socketOptions[name].value).to.equal("key")
      expect(socketOptions[name].size).to.equal(41)
    }
  })

  it("put Router-only options on Router and conflate on the types v6 allows", function () {
    expect(optionAppliesTo(socketOptions.mandatory, "Router")).to.equal(true)
    expect(optionAppliesTo(socketOptions.mandatory, "Dealer")).to.equal(false)
    expect(optionAppliesTo(socketOptions.conflate, "Pull")).to.equal(true)
    expect(optionAppliesTo(socketOptions.conflate, "Router")).to.equal(false)
    expect(optionAppliesTo(socketOptions.linger, "Channel")).to.equal(true)
    expect(optionAppliesTo(socketOptions.subscribePrefix, "Subscriber")).to.equal(false)
  })
})

describe("gen-constants.js", function () {
  this.timeout(10000)

  it("reports the generated constants as up to date with the vendored zmq.h", function () {
    const result = spawnSync(process.execPath, [genConstants, zmqHeader, "--check"], {
      encoding: "utf8",
    })
    expect(result.status, result.stderr).to.equal(0)
  })

  it("fails --check and names the difference when the header changed", function () {
    const dir = mkdtempSync(path.join(tmpdir(), "zmq-header-"))
    try {
      const header = path.join(dir, "zmq.h")
      const text = readFileSync(zmqHeader, "utf8")
      writeFileSync(header, text.replace("#define ZMQ_SNDHWM 23", "#define ZMQ_SNDHWM 1023"))
      const result = spawnSync(process.execPath, [genConstants, header, "--check"], {
        encoding: "utf8",
      })
      expect(result.status).to.equal(1)
      expect(result.stderr).to.contain("ZMQ_SNDHWM")
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})

describe("encodeOption", function () {
  it("passes valid integers through unchanged", function () {
    expect(encodeOption("linger", socketOptions.linger, -1)).to.equal(-1)
    expect(encodeOption("maxMessageSize", socketOptions.maxMessageSize, 2 ** 40)).to.equal(2 ** 40)
    expect(encodeOption("affinity", socketOptions.affinity, 3)).to.equal(3)
  })

  it("rejects a wrong type with a TypeError naming the option", function () {
    expectThrows(
      () => encodeOption("sendHighWaterMark", socketOptions.sendHighWaterMark, "100"),
      TypeError,
      'Option "sendHighWaterMark" must be an integer, got string',
    )
    expectThrows(
      () => encodeOption("immediate", socketOptions.immediate, 1),
      TypeError,
      'Option "immediate" must be a boolean, got number',
    )
    expectThrows(
      () => encodeOption("zapDomain", socketOptions.zapDomain, 42),
      TypeError,
      'Option "zapDomain" must be a string or null, got number',
    )
    expectThrows(
      () => encodeOption("curveSecretKey", socketOptions.curveSecretKey, null),
      TypeError,
      /^Option "curveSecretKey" must be a 40-character Z85 string or a 32-byte Buffer/,
    )
    expectThrows(
      () => encodeOption("routerNotify", socketOptions.routerNotify, 1),
      TypeError,
      /^Option "routerNotify" must be "connect", "disconnect", "connectAndDisconnect" or null/,
    )
  })

  it("rejects out-of-range numbers with a RangeError naming the option", function () {
    expectThrows(
      () => encodeOption("sendHighWaterMark", socketOptions.sendHighWaterMark, -1),
      RangeError,
      'Option "sendHighWaterMark" must be an integer >= 0, got -1',
    )
    expectThrows(
      () => encodeOption("tcpKeepalive", socketOptions.tcpKeepalive, 2),
      RangeError,
      'Option "tcpKeepalive" must be an integer between -1 and 1, got 2',
    )
    expectThrows(
      () => encodeOption("linger", socketOptions.linger, 2 ** 31),
      RangeError,
      /^Option "linger" must be an integer/,
    )
    expectThrows(
      () => encodeOption("affinity", socketOptions.affinity, -1),
      RangeError,
      /^Option "affinity"/,
    )
    expectThrows(
      () => encodeOption("maxMessageSize", socketOptions.maxMessageSize, 2 ** 60),
      RangeError,
      /^Option "maxMessageSize"/,
    )
  })

  it("rejects fractions, NaN and Infinity with a RangeError", function () {
    for (const value of [1.5, NaN, Infinity]) {
      expectThrows(
        () => encodeOption("linger", socketOptions.linger, value),
        RangeError,
        /^Option "linger" must be an integer, got/,
      )
    }
  })

  it("writes booleans as 0 and 1", function () {
    expect(encodeOption("immediate", socketOptions.immediate, true)).to.equal(1)
    expect(encodeOption("immediate", socketOptions.immediate, false)).to.equal(0)
  })

  it("maps enum names and null to libzmq integers and rejects unknown names", function () {
    const spec = socketOptions.gssapiPrincipalNameType
    expect(encodeOption("gssapiPrincipalNameType", spec, "userName")).to.equal(
      constants.ZMQ_GSSAPI_NT_USER_NAME,
    )
    expect(encodeOption("routerNotify", socketOptions.routerNotify, null)).to.equal(0)
    expectThrows(
      () => encodeOption("gssapiPrincipalNameType", spec, "kerberos"),
      RangeError,
      'Option "gssapiPrincipalNameType" must be "hostBased", "userName" or "krb5Principal", got "kerberos"',
    )
  })

  it("accepts CURVE keys as 40 Z85 characters or 32 bytes only", function () {
    const spec = socketOptions.curveServerKey
    const z85 = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"
    expect(encodeOption("curveServerKey", spec, z85)).to.equal(z85)
    expect(encodeOption("curveServerKey", spec, Buffer.alloc(32))).to.have.length(32)
    expectThrows(
      () => encodeOption("curveServerKey", spec, z85.slice(1)),
      RangeError,
      'Option "curveServerKey" must be a 40-character Z85 key, got 39 characters',
    )
    expectThrows(
      () => encodeOption("curveServerKey", spec, `${z85.slice(1)}"`),
      RangeError,
      /^Option "curveServerKey" must be a Z85 key/,
    )
    expectThrows(
      () => encodeOption("curveServerKey", spec, Buffer.alloc(31)),
      RangeError,
      'Option "curveServerKey" must be a 32-byte key Buffer, got 31 bytes',
    )
  })

  it("accepts strings, Buffers and null for binary options", function () {
    const spec = socketOptions.welcomeMessage
    expect(encodeOption("welcomeMessage", spec, "hi")).to.equal("hi")
    expect(encodeOption("welcomeMessage", spec, null)).to.equal(null)
    const encoded = encodeOption("welcomeMessage", spec, new Uint8Array([1, 2]))
    expect(Buffer.isBuffer(encoded)).to.equal(true)
  })

  it("refuses to write read-only options", function () {
    expectThrows(
      () => encodeOption("type", socketOptions.type, 1),
      TypeError,
      'Option "type" is read-only',
    )
  })
})

describe("decodeOption", function () {
  it("turns libzmq 0/1 into booleans", function () {
    expect(decodeOption(socketOptions.immediate, 1)).to.equal(true)
    expect(decodeOption(socketOptions.immediate, 0)).to.equal(false)
  })

  it("turns enum integers into v6's strings, with null for ZMQ_NULL", function () {
    const spec = socketOptions.securityMechanism
    expect(decodeOption(spec, constants.ZMQ_NULL)).to.equal(null)
    expect(decodeOption(spec, constants.ZMQ_CURVE)).to.equal("curve")
    expect(decodeOption(spec, 99)).to.equal(99)
  })

  it("reads empty strings and buffers as null", function () {
    expect(decodeOption(socketOptions.lastEndpoint, "")).to.equal(null)
    expect(decodeOption(socketOptions.lastEndpoint, "tcp://127.0.0.1:5555")).to.equal(
      "tcp://127.0.0.1:5555",
    )
    expect(decodeOption(socketOptions.welcomeMessage, Buffer.alloc(0))).to.equal(null)
  })

  it("leaves numbers and Z85 keys as they are", function () {
    expect(decodeOption(socketOptions.linger, -1)).to.equal(-1)
    const z85 = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"
    expect(decodeOption(socketOptions.curvePublicKey, z85)).to.equal(z85)
  })
})

describe("xpubVerbosityWrite", function () {
  it("maps v6's verbosity values onto ZMQ_XPUB_VERBOSE and ZMQ_XPUB_VERBOSER", function () {
    expect(xpubVerbosityWrite(null)).to.include({id: constants.ZMQ_XPUB_VERBOSE, value: 0})
    expect(xpubVerbosityWrite("allSubs")).to.include({id: constants.ZMQ_XPUB_VERBOSE, value: 1})
    expect(xpubVerbosityWrite("allSubsUnsubs")).to.include({
      id: constants.ZMQ_XPUB_VERBOSER,
      value: 1,
    })
    expect(() => xpubVerbosityWrite("all")).to.throw(RangeError, 'Option "verbosity"')
  })
})

describe("unknownOptionError", function () {
  const names = Object.keys(socketOptions)

  it("suggests the option a libzmq-style abbreviation stands for", function () {
    const error = unknownOptionError("sndHwm", names)
    expect(error).to.be.instanceOf(TypeError)
    expect(error.message).to.equal('Unknown option "sndHwm"; did you mean "sendHighWaterMark"?')
  })

  it("suggests names that differ in case or by a typo", function () {
    expect(unknownOptionError("Linger", names).message).to.contain('did you mean "linger"?')
    expect(unknownOptionError("reconectInterval", names).message).to.contain(
      'did you mean "reconnectInterval"?',
    )
  })

  it("suggests nothing when no name is close", function () {
    expect(unknownOptionError("frobnicate", names).message).to.equal('Unknown option "frobnicate"')
  })
})

interface V6Option {
  table: "socket" | "context"
  name: string
  id?: number
  type?: string
  access: "rw" | "r" | "w"
  classes?: string[] // undefined: every socket
}

// Reads the options zeromq v6 defines from the installed package's sources, so
// compatibility is checked against the real thing instead of a copied list.
function readV6Options(): V6Option[] {
  const source = readFileSync(path.join(root, "node_modules", "zeromq", "src", "index.ts"), "utf8")
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:])\/\/.*$/gm, "$1")

  const lists = new Map<string, string[]>()
  for (const [, name, items] of code.matchAll(/const (\w+) = \[([^\]]*)\]/g)) {
    lists.set(
      name!,
      items!
        .split(",")
        .map(item => item.trim().replace(/^draft\./, ""))
        .filter(Boolean),
    )
  }

  const options: V6Option[] = []
  const defineOpt =
    /defineOpt\(\s*(\[[^\]]*\]|\w+)\s*,\s*"(\w+)"\s*,\s*(\d+)\s*,\s*Type\.(\w+)(?:\s*,\s*Acc\.(\w+))?/g
  for (const [, targets, name, id, type, acc] of code.matchAll(defineOpt)) {
    const classes = targets!.startsWith("[")
      ? targets!
          .slice(1, -1)
          .split(",")
          .map(item => item.trim().replace(/^draft\./, ""))
      : lists.get(targets!)
    if (classes === undefined) throw new Error(`cannot resolve defineOpt targets ${targets}`)
    const access = acc === "Read" ? "r" : acc === "Write" ? "w" : "rw"
    const table = classes.includes("Context") ? "context" : "socket"
    options.push({
      table,
      name: name!,
      id: Number(id),
      type,
      access,
      classes: classes.includes("Socket") || table === "context" ? undefined : classes,
    })
  }

  // Options v6 implements as hand-written setters (XPublisher verbosity).
  for (const match of code.matchAll(/^\s+set (\w+)\(value/gm)) {
    const before = code.slice(0, match.index)
    const classes = [...before.matchAll(/export class (\w+) extends Socket/g)]
    const owner = classes[classes.length - 1]?.[1]
    options.push({table: "socket", name: match[1]!, access: "w", classes: owner ? [owner] : []})
  }
  return options
}

describe("compatibility with zeromq v6", function () {
  const v6Options = readV6Options()

  it("finds v6's options in the installed package", function () {
    expect(v6Options.filter(option => option.table === "socket")).to.have.length.above(60)
    expect(v6Options.filter(option => option.table === "context")).to.have.length.above(5)
  })

  for (const option of v6Options) {
    it(`has v6's ${option.table} option "${option.name}" with compatible semantics`, function () {
      const table: Table = option.table === "socket" ? socketOptions : contextOptions
      expect(Object.keys(table)).to.include(option.name)
      const spec = table[option.name]!

      if (option.id !== undefined) expect(spec.id, "id").to.equal(option.id)

      if (option.access === "r") expect(spec.access, "access").to.not.equal("w")
      else expect(spec.access, "access").to.not.equal("r")

      switch (option.type) {
        case "Bool":
          expect(spec.value, "value").to.equal("boolean")
          break
        case "String":
          expect(["string", "buffer", "key"], "value").to.include(spec.value)
          break
        case undefined:
          break
        default:
          expect(["number", "enum"], "value").to.include(spec.value)
      }

      if (option.classes === undefined) {
        expect(spec.sockets, "sockets").to.equal(undefined)
      } else {
        for (const className of option.classes) {
          expect(optionAppliesTo(spec, className as never), `on ${className}`).to.equal(true)
        }
      }
    })
  }
})
