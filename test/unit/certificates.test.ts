import {expect} from "chai"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import {
  Certificate,
  CertificateStore,
  curveKeyPair,
  z85,
  type CertificateStoreChange,
} from "../../lib"
import {within} from "../helpers"

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "zmq-napi-certs-"))
}

/** Resolves with the next change the store reports. */
function nextChange(store: CertificateStore): Promise<CertificateStoreChange> {
  return within(
    new Promise<CertificateStoreChange>(resolve => {
      const listener = (change: CertificateStoreChange) => {
        store.off("change", listener)
        resolve(change)
      }
      store.on("change", listener)
    }),
    5000,
    "a store change",
  )
}

describe("certificates", () => {
  let dir: string

  beforeEach(() => {
    dir = tempDir()
  })

  afterEach(() => {
    fs.rmSync(dir, {recursive: true, force: true})
  })

  describe("Certificate", () => {
    it("creates a fresh key pair whose public key belongs to the secret key", () => {
      const a = Certificate.create({name: "a"})
      const b = Certificate.create()
      expect(a.publicKey).to.have.length(40)
      expect(a.secretKey).to.have.length(40)
      expect(a.publicKey).to.not.equal(b.publicKey)
      expect(new Certificate({secretKey: a.secretKey}).publicKey).to.equal(a.publicKey)
      expect(a.metadata).to.deep.equal({name: "a"})
    })

    it("takes keys as Z85 strings or 32-byte buffers", () => {
      const pair = curveKeyPair()
      const fromBytes = new Certificate({
        publicKey: z85.decode(pair.publicKey),
        secretKey: z85.decode(pair.secretKey),
      })
      expect(fromBytes.publicKey).to.equal(pair.publicKey)
      expect(fromBytes.secretKey).to.equal(pair.secretKey)
      const publicOnly = new Certificate({publicKey: pair.publicKey})
      expect(publicOnly.hasSecret).to.equal(false)
      expect(publicOnly.secretKey).to.equal(undefined)
    })

    it("rejects malformed keys and keys that do not belong together, naming them", () => {
      const pair = curveKeyPair()
      expect(() => new Certificate({publicKey: "short"})).to.throw(RangeError, /publicKey.*40/)
      expect(() => new Certificate({publicKey: "~".repeat(40)})).to.throw(
        RangeError,
        /publicKey is not a valid Z85 key/,
      )
      expect(() => new Certificate({secretKey: Buffer.alloc(31)})).to.throw(
        RangeError,
        /secretKey must be a 32-byte key/,
      )
      expect(() => new Certificate({publicKey: 42 as unknown as string})).to.throw(
        TypeError,
        /publicKey must be a 40-character Z85 string or a 32-byte Buffer, got number/,
      )
      expect(() => new Certificate({})).to.throw(TypeError, /publicKey, a secretKey or both/)
      expect(
        () => new Certificate({publicKey: curveKeyPair().publicKey, secretKey: pair.secretKey}),
      ).to.throw(RangeError, /does not belong to secretKey/)
    })

    it("rejects metadata that ZPL cannot hold, naming the entry", () => {
      expect(() => Certificate.create({"bad name": "x"})).to.throw(RangeError, /"bad name"/)
      expect(() => Certificate.create({note: "two\nlines"})).to.throw(RangeError, /note.*line/)
      expect(() => Certificate.create({quote: `it's "x"`})).to.throw(RangeError, /quote/)
      expect(() => Certificate.create({n: 1 as unknown as string})).to.throw(
        TypeError,
        /metadata\.n must be a string/,
      )
    })

    it("saves a public file without the secret key and a 0600 secret file with both", () => {
      const cert = Certificate.create({name: "server", email: "ops@example.com"})
      const file = path.join(dir, "server")
      cert.save(file)

      const publicText = fs.readFileSync(file, "utf8")
      expect(publicText).to.contain(`public-key = "${cert.publicKey}"`)
      expect(publicText).to.not.contain(cert.secretKey!)
      expect(publicText).to.not.contain("secret-key")
      const secretText = fs.readFileSync(`${file}_secret`, "utf8")
      expect(secretText).to.contain(`public-key = "${cert.publicKey}"`)
      expect(secretText).to.contain(`secret-key = "${cert.secretKey}"`)
      expect(fs.statSync(`${file}_secret`).mode & 0o777).to.equal(0o600)
      // No temporary files are left behind.
      expect(fs.readdirSync(dir).sort()).to.deep.equal(["server", "server_secret"])
    })

    it("creates the folders a certificate is saved in", () => {
      const file = path.join(dir, "certs", "clients", "alice")
      Certificate.create().save(file)
      expect(fs.readdirSync(path.dirname(file)).sort()).to.deep.equal(["alice", "alice_secret"])
    })

    it("names the file it could not write, not a temporary one", () => {
      // A file where a folder should be: nothing can be made inside it.
      fs.writeFileSync(path.join(dir, "blocker"), "")
      const file = path.join(dir, "blocker", "alice")
      const error = (() => {
        try {
          Certificate.create().save(file)
        } catch (err) {
          return err as NodeJS.ErrnoException
        }
      })()
      expect(error?.code).to.be.oneOf(["ENOTDIR", "EEXIST"])
      expect(error?.message).to.not.match(/\.tmp/)
    })

    it("writes the zcert layout: a metadata section, then a curve section, 4-space indents", () => {
      const cert = Certificate.create({name: "alice", note: 'say "hi"'})
      const lines = cert
        .format({secret: true})
        .split("\n")
        .filter(line => line !== "" && !line.startsWith("#"))
      expect(lines).to.deep.equal([
        "metadata",
        '    name = "alice"',
        `    note = 'say "hi"'`,
        "curve",
        `    public-key = "${cert.publicKey}"`,
        `    secret-key = "${cert.secretKey}"`,
      ])
    })

    it("loads the secret file when it exists, and the public file otherwise", () => {
      const cert = Certificate.create({name: "alice"})
      const file = path.join(dir, "alice")
      cert.save(file)
      const full = Certificate.load(file)
      expect(full.publicKey).to.equal(cert.publicKey)
      expect(full.secretKey).to.equal(cert.secretKey)
      expect(full.metadata).to.deep.equal({name: "alice"})

      fs.rmSync(`${file}_secret`)
      const publicOnly = Certificate.load(file)
      expect(publicOnly.publicKey).to.equal(cert.publicKey)
      expect(publicOnly.secretKey).to.equal(undefined)
      expect(publicOnly.metadata).to.deep.equal({name: "alice"})
    })

    it("reads a hand-written certificate with comments, unquoted values and CRLF lines", () => {
      const pair = curveKeyPair()
      const text = [
        "#   written by hand",
        "metadata",
        "    name = bob   # a comment",
        "    empty = ''",
        "curve",
        `    public-key = "${pair.publicKey}"`,
        `    secret-key = '${pair.secretKey}'`,
        "",
      ].join("\r\n")
      const cert = Certificate.parse(text, "bob.cert")
      expect(cert.metadata).to.deep.equal({name: "bob", empty: ""})
      expect(cert.publicKey).to.equal(pair.publicKey)
      expect(cert.secretKey).to.equal(pair.secretKey)
    })

    it("refuses broken files with a RangeError that names the file and line", () => {
      const key = curveKeyPair().publicKey
      expect(() => Certificate.parse(`curve\n\tpublic-key = "${key}"\n`, "f1")).to.throw(
        RangeError,
        /f1 line 2: tabs/,
      )
      expect(() => Certificate.parse(`curve\n  public-key = "${key}"\n`, "f2")).to.throw(
        RangeError,
        /f2 line 2: indent by 4 spaces/,
      )
      expect(() => Certificate.parse("metadata\n", "f3")).to.throw(RangeError, /f3: no curve/)
      expect(() => Certificate.parse('curve\n    public-key = "abc"\n', "f4")).to.throw(
        RangeError,
        /f4: .*40-character/,
      )
      const pair = curveKeyPair()
      const mismatch = `curve\n    public-key = "${key}"\n    secret-key = "${pair.secretKey}"\n`
      expect(() => Certificate.parse(mismatch, "f5")).to.throw(RangeError, /f5: .*does not belong/)
    })

    it("applies its keys to a socket", () => {
      const cert = Certificate.create()
      const socket = {curvePublicKey: "", curveSecretKey: ""}
      cert.apply(socket)
      expect(socket).to.deep.equal({curvePublicKey: cert.publicKey, curveSecretKey: cert.secretKey})
      expect(() => cert.toPublic().apply(socket)).to.throw(TypeError, /no secret key/)
    })
  })

  describe("CertificateStore", () => {
    it("loads the public certificates of a directory, skipping secret and dot files", () => {
      const alice = Certificate.create({name: "alice"})
      const bob = Certificate.create({name: "bob"})
      alice.save(path.join(dir, "alice"))
      bob.savePublic(path.join(dir, "bob"))
      fs.writeFileSync(path.join(dir, ".hidden"), "not a certificate")

      const store = new CertificateStore(dir, {watch: false})
      expect(store.size).to.equal(2)
      expect(store.has(alice.publicKey)).to.equal(true)
      expect(store.has(z85.decode(bob.publicKey))).to.equal(true)
      expect(store.has(curveKeyPair().publicKey)).to.equal(false)
      expect(store.get(alice.publicKey)!.metadata).to.deep.equal({name: "alice"})
      // Only the public part is kept, even though alice_secret is in the directory.
      for (const cert of store) expect(cert.secretKey).to.equal(undefined)
      expect(store.errors).to.deep.equal([])
    })

    it("lists the files that are no certificate and serves the others", () => {
      const alice = Certificate.create()
      alice.savePublic(path.join(dir, "alice"))
      fs.writeFileSync(path.join(dir, "junk"), "curve\n    public-key = nonsense\n")
      const store = new CertificateStore(dir, {watch: false})
      expect(store.has(alice.publicKey)).to.equal(true)
      expect(store.errors).to.have.length(1)
      expect(store.errors[0].file).to.equal(path.join(dir, "junk"))
      expect(store.errors[0].error).to.be.instanceOf(RangeError)
    })

    it("fails at once for a directory that does not exist", () => {
      expect(() => new CertificateStore(path.join(dir, "missing"))).to.throw(/ENOENT/)
      expect(() => new CertificateStore("")).to.throw(TypeError, /directory/)
    })

    it("picks up a new certificate and a deleted one through its directory watch", async () => {
      const store = new CertificateStore(dir)
      try {
        const carol = Certificate.create({name: "carol"})
        const added = nextChange(store)
        carol.savePublic(path.join(dir, "carol"))
        const change = await added
        expect(change.added.map(cert => cert.publicKey)).to.deep.equal([carol.publicKey])
        expect(store.size).to.equal(1)

        const removed = nextChange(store)
        fs.rmSync(path.join(dir, "carol"))
        expect((await removed).removed.map(cert => cert.publicKey)).to.deep.equal([carol.publicKey])
        expect(store.size).to.equal(0)
      } finally {
        store.close()
      }
    })

    it("reports changed metadata of a known key as updated", async () => {
      const dave = Certificate.create({name: "dave"})
      dave.savePublic(path.join(dir, "dave"))
      const store = new CertificateStore(dir)
      try {
        const updated = nextChange(store)
        dave.metadata = {name: "dave", team: "ops"}
        dave.savePublic(path.join(dir, "dave"))
        const change = await updated
        expect(change.added).to.deep.equal([])
        expect(change.updated.map(cert => cert.metadata)).to.deep.equal([
          {name: "dave", team: "ops"},
        ])
      } finally {
        store.close()
      }
    })

    it("re-reads a changed directory on reload() and on a lookup that misses", () => {
      const store = new CertificateStore(dir, {watch: false})
      const erin = Certificate.create()
      erin.savePublic(path.join(dir, "erin"))
      // No watch: the miss notices the directory changed and re-reads it.
      expect(store.has(erin.publicKey)).to.equal(true)

      fs.rmSync(path.join(dir, "erin"))
      const change = store.reload()
      expect(change.removed.map(cert => cert.publicKey)).to.deep.equal([erin.publicKey])
      expect(store.has(erin.publicKey)).to.equal(false)
    })

    it("empties itself when its directory disappears", () => {
      const frank = Certificate.create()
      frank.savePublic(path.join(dir, "frank"))
      const store = new CertificateStore(dir, {watch: false})
      expect(store.size).to.equal(1)
      fs.rmSync(dir, {recursive: true})
      store.reload()
      expect(store.size).to.equal(0)
      expect(store.errors[0].file).to.equal(dir)
    })

    it("checks its listener arguments", () => {
      const store = new CertificateStore(dir, {watch: false})
      expect(() => store.on("update" as "change", () => {})).to.throw(TypeError, /"update"/)
      expect(() => store.on("change", null as unknown as () => void)).to.throw(
        TypeError,
        /listener must be a function/,
      )
    })
  })
})
