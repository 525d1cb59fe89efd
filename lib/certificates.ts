/**
 * CURVE certificates in CZMQ's `zcert` file format, and a store that serves a directory of
 * them to the {@link Authenticator}.
 *
 * A certificate file is ZPL text (ZeroMQ RFC 4) with a `metadata` section (free-form
 * `name = "value"` pairs) and a `curve` section holding `public-key` and, in the secret
 * file only, `secret-key`, both as 40-character Z85 strings. `save("alice")` writes the
 * public file `alice` (safe to hand out) and the secret file `alice_secret` (mode 0600),
 * so files written here are read by CZMQ, pyzmq and zauth, and the other way round.
 * @module
 */
import {randomBytes} from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import {curveKeyPair, curvePublicKey, z85} from "./curve"

/** Free-form certificate metadata: names follow ZPL's name syntax, values are one line. */
export type CertificateMetadata = Record<string, string>

/** The keys (Z85 strings or 32-byte buffers) and metadata a {@link Certificate} is made of. */
export interface CertificateInit {
  /** The public key; derived from `secretKey` when left out. */
  publicKey?: string | Uint8Array
  /** The secret key: certificates of peers you authenticate have none. */
  secretKey?: string | Uint8Array
  /** Free-form metadata, written to the file's `metadata` section. */
  metadata?: CertificateMetadata
}

const SECRET_SUFFIX = "_secret"
// ZPL (RFC 4): names start with a letter or digit; values are quoted or a single word.
const zplName = /^[a-zA-Z0-9][a-zA-Z0-9$\-_@.&+/]*$/

/**
 * A CURVE key as Z85 text, from Z85 text or 32 raw bytes.
 * @internal
 */
export function curveKeyText(value: unknown, what: string): string {
  if (typeof value === "string") {
    if (value.length !== 40) {
      throw new RangeError(`${what} must be a 40-character Z85 key, got ${value.length} characters`)
    }
    try {
      z85.decode(value)
    } catch {
      throw new RangeError(`${what} is not a valid Z85 key`)
    }
    return value
  }
  if (value instanceof Uint8Array) {
    if (value.byteLength !== 32) {
      throw new RangeError(`${what} must be a 32-byte key, got ${value.byteLength} bytes`)
    }
    return z85.encode(value)
  }
  throw new TypeError(
    `${what} must be a 40-character Z85 string or a 32-byte Buffer, got ${describe(value)}`,
  )
}

function describe(value: unknown): string {
  if (value === null) return "null"
  if (Array.isArray(value)) return "an array"
  return typeof value
}

function checkMetadata(metadata: unknown, what: string): CertificateMetadata {
  if (metadata === null || typeof metadata !== "object" || Array.isArray(metadata)) {
    throw new TypeError(`${what} must be an object of strings, got ${describe(metadata)}`)
  }
  const copy: CertificateMetadata = {}
  for (const [name, value] of Object.entries(metadata)) {
    if (!zplName.test(name)) {
      throw new RangeError(
        `${what}: ${JSON.stringify(name)} is not a valid name (letters, digits and $-_@.&+/, ` +
          "starting with a letter or digit)",
      )
    }
    if (typeof value !== "string") {
      throw new TypeError(`${what}.${name} must be a string, got ${describe(value)}`)
    }
    if (/[\r\n]/.test(value)) throw new RangeError(`${what}.${name} must be a single line`)
    // ZPL has no escapes: a value is wrapped in the quote it does not contain.
    if (value.includes('"') && value.includes("'")) {
      throw new RangeError(`${what}.${name} cannot contain both ' and " (ZPL has no escapes)`)
    }
    copy[name] = value
  }
  return copy
}

/**
 * A CURVE certificate: a key pair (or only the public key of a peer) with metadata.
 *
 * ```ts
 * const server = Certificate.create({name: "server"})
 * server.save("certs/server")          // certs/server and certs/server_secret
 * const again = Certificate.load("certs/server") // reads the secret file when it exists
 * again.apply(reply)                   // sets curvePublicKey and curveSecretKey
 * ```
 *
 * File access is synchronous: certificates are read and written while configuring.
 */
export class Certificate {
  /** The public key (Z85). */
  readonly publicKey: string
  /** The secret key (Z85), or `undefined` for a public certificate. */
  readonly secretKey: string | undefined
  /** The metadata, written to the `metadata` section; may be changed before {@link save}. */
  metadata: CertificateMetadata

  /**
   * @param init The keys: a secret key (the public key is derived and, when also given,
   *   must match), or only a public key.
   * @throws TypeError or RangeError for keys that are not Z85 strings or 32-byte buffers,
   *   keys that do not belong together, or bad metadata.
   */
  constructor(init: CertificateInit) {
    if (init === null || typeof init !== "object") {
      throw new TypeError(`Certificate(init): init must be an object, got ${describe(init)}`)
    }
    const {publicKey, secretKey, metadata = {}} = init
    if (publicKey === undefined && secretKey === undefined) {
      throw new TypeError("Certificate(init): give a publicKey, a secretKey or both")
    }
    const secret =
      secretKey === undefined ? undefined : curveKeyText(secretKey, "Certificate secretKey")
    const given =
      publicKey === undefined ? undefined : curveKeyText(publicKey, "Certificate publicKey")
    const derived = secret === undefined ? undefined : curvePublicKey(secret)
    if (given !== undefined && derived !== undefined && given !== derived) {
      throw new RangeError("Certificate: publicKey does not belong to secretKey")
    }
    this.publicKey = (given ?? derived)!
    this.secretKey = secret
    this.metadata = checkMetadata(metadata, "Certificate metadata")
  }

  /** A new certificate with a fresh key pair. */
  static create(metadata: CertificateMetadata = {}): Certificate {
    return new Certificate({...curveKeyPair(), metadata})
  }

  /**
   * Reads a certificate saved with {@link save} (or by CZMQ): the secret file
   * `<filename>_secret` when it exists, else the public file `<filename>`. A name that
   * already ends in `_secret` is read as it is.
   * @throws RangeError naming the file when it is no valid certificate; Node's file
   *   errors (code `ENOENT`, …) when it cannot be read.
   */
  static load(filename: string): Certificate {
    if (typeof filename !== "string") {
      throw new TypeError(`Certificate.load(filename): filename must be a string`)
    }
    const secretFile = filename.endsWith(SECRET_SUFFIX) ? filename : filename + SECRET_SUFFIX
    const file = fs.existsSync(secretFile) ? secretFile : filename
    return Certificate.parse(fs.readFileSync(file, "utf8"), file)
  }

  /**
   * Reads a certificate from ZPL text (the content of a certificate file).
   * @param source Named in error messages (a file name).
   */
  static parse(text: string, source = "certificate"): Certificate {
    if (typeof text !== "string")
      throw new TypeError("Certificate.parse(text): text must be a string")
    const root = parseZpl(text, source)
    const curve = root.children.get("curve")
    const publicKey = curve?.children.get("public-key")?.value
    const secretKey = curve?.children.get("secret-key")?.value
    if (!publicKey && !secretKey) throw new RangeError(`${source}: no curve/public-key`)
    const metadata: CertificateMetadata = {}
    for (const [name, node] of root.children.get("metadata")?.children ?? []) {
      metadata[name] = node.value ?? ""
    }
    try {
      return new Certificate({
        publicKey: publicKey || undefined,
        secretKey: secretKey || undefined,
        metadata,
      })
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err)
      throw new RangeError(`${source}: ${message}`, {cause: err})
    }
  }

  /** Whether this certificate holds a secret key. */
  get hasSecret(): boolean {
    return this.secretKey !== undefined
  }

  /** The public part only: what peers get. */
  toPublic(): Certificate {
    return new Certificate({publicKey: this.publicKey, metadata: this.metadata})
  }

  /**
   * The file content: the public certificate, or with `{secret: true}` the secret one
   * (public and secret key).
   */
  format(options: {secret?: boolean} = {}): string {
    const secret = options.secret === true
    if (secret && this.secretKey === undefined) {
      throw new TypeError("Certificate.format({secret: true}): this certificate has no secret key")
    }
    const metadata = checkMetadata(this.metadata, "Certificate metadata")
    const lines = secret
      ? [
          "#   ZeroMQ CURVE secret certificate (zeromq-napi).",
          "#   Keep it private: whoever has this file can act as its owner.",
        ]
      : [
          "#   ZeroMQ CURVE public certificate (zeromq-napi).",
          "#   Give it to the peers that should accept this key; check it arrived unchanged.",
        ]
    lines.push(`#   Written ${new Date().toISOString()}`, "", "metadata")
    for (const [name, value] of Object.entries(metadata)) {
      lines.push(`    ${name} = ${quote(value)}`)
    }
    lines.push("curve", `    public-key = ${quote(this.publicKey)}`)
    if (secret) lines.push(`    secret-key = ${quote(this.secretKey!)}`)
    return lines.join("\n") + "\n"
  }

  /**
   * Writes the public file `filename` and, when there is a secret key, the secret file
   * `<filename>_secret` (mode 0600). Each file is replaced in one step (written next to
   * it, then renamed), so a {@link CertificateStore} never reads half a file.
   */
  save(filename: string): void {
    this.savePublic(filename)
    if (this.secretKey !== undefined) this.saveSecret(filename + SECRET_SUFFIX)
  }

  /** Writes only the public file. */
  savePublic(filename: string): void {
    checkFilename("savePublic", filename)
    writeAtomically(filename, this.format(), 0o644)
  }

  /** Writes only the secret file, under exactly this name (mode 0600). */
  saveSecret(filename: string): void {
    checkFilename("saveSecret", filename)
    writeAtomically(filename, this.format({secret: true}), 0o600)
  }

  /**
   * Sets this certificate's keys on a socket (`curvePublicKey`, `curveSecretKey`). A
   * server also needs `curveServer = true`; a client needs the server's `curveServerKey`.
   */
  apply(socket: {curvePublicKey: string | Buffer; curveSecretKey: string | Buffer}): void {
    if (this.secretKey === undefined) {
      throw new TypeError("Certificate.apply(socket): a public certificate has no secret key")
    }
    socket.curvePublicKey = this.publicKey
    socket.curveSecretKey = this.secretKey
  }
}

function checkFilename(method: string, filename: unknown): asserts filename is string {
  if (typeof filename !== "string" || filename === "") {
    throw new TypeError(`Certificate.${method}(filename): filename must be a non-empty string`)
  }
}

function quote(value: string): string {
  return value.includes('"') ? `'${value}'` : `"${value}"`
}

function writeAtomically(filename: string, content: string, mode: number): void {
  const dir = path.dirname(filename)
  // A dot name: CertificateStore skips it while it is being written.
  const temp = path.join(dir, `.${path.basename(filename)}.${randomBytes(6).toString("hex")}.tmp`)
  try {
    // Like CZMQ's zcert_save: the folder is made when it is missing.
    fs.mkdirSync(dir, {recursive: true})
    fs.writeFileSync(temp, content, {mode, flag: "wx"})
  } catch (err) {
    throw namedAfter(err, temp, filename)
  }
  try {
    // The mode given to writeFileSync is reduced by the umask; a secret file must be 0600.
    fs.chmodSync(temp, mode)
    fs.renameSync(temp, filename)
  } catch (err) {
    fs.rmSync(temp, {force: true})
    throw namedAfter(err, temp, filename)
  }
}

/** A file system error about the temporary file, told about the file the caller named. */
function namedAfter(err: unknown, temp: string, filename: string): unknown {
  if (err instanceof Error) {
    err.message = err.message.split(temp).join(filename)
    const details = err as NodeJS.ErrnoException
    if (details.path === temp) details.path = filename
  }
  return err
}

interface ZplNode {
  value: string | undefined
  children: Map<string, ZplNode>
}

/** Parses ZPL (RFC 4): 4 spaces of indent per level, `name [= value] [# comment]`. */
function parseZpl(text: string, source: string): ZplNode {
  const root: ZplNode = {value: undefined, children: new Map()}
  const stack: ZplNode[] = [root]
  const lines = text.split(/\r?\n/)
  lines.forEach((raw, index) => {
    const where = `${source} line ${index + 1}`
    const content = raw.trimStart()
    if (content === "" || content.startsWith("#")) return
    const indent = raw.length - content.length
    if (raw.slice(0, indent).includes("\t")) throw new RangeError(`${where}: tabs are not allowed`)
    if (indent % 4 !== 0) throw new RangeError(`${where}: indent by 4 spaces per level`)
    const level = indent / 4
    if (level >= stack.length) throw new RangeError(`${where}: indented too far`)
    const match = /^([^\s=#]+)\s*(?:=\s*(?:"([^"]*)"|'([^']*)'|([^\s#"']*)))?\s*(?:#.*)?$/.exec(
      content,
    )
    if (match === null || !zplName.test(match[1])) {
      throw new RangeError(`${where}: expected "name" or "name = value"`)
    }
    const node: ZplNode = {value: match[2] ?? match[3] ?? match[4], children: new Map()}
    stack.length = level + 1
    stack[level].children.set(match[1], node)
    stack.push(node)
  })
  return root
}

/** A file of the directory that is no certificate, and why. */
export interface CertificateFileError {
  /** The file's path. */
  file: string
  /** Why it is no certificate (unreadable, not ZPL, a key missing or malformed). */
  error: Error
}

/** What one (re)load of a {@link CertificateStore} changed. */
export interface CertificateStoreChange {
  /** Certificates whose public key is new. */
  added: Certificate[]
  /** Certificates whose public key is gone. */
  removed: Certificate[]
  /** Certificates whose key stayed but whose metadata changed (the new versions). */
  updated: Certificate[]
  /** The files that could not be read as certificates (see {@link CertificateStore.errors}). */
  errors: CertificateFileError[]
}

/** Options of a {@link CertificateStore}. */
export interface CertificateStoreOptions {
  /**
   * Watch the directory (`fs.watch`) and reload when it changes. Default `true`. Either
   * way a lookup that misses re-reads the directory first if it changed since the last
   * load, and {@link CertificateStore.reload} reloads on request.
   */
  watch?: boolean
}

// Watch events come in bursts (create, write, rename): one reload after the burst.
const RELOAD_DELAY_MS = 20

/**
 * The public certificates of a directory, by public key: the peers a CURVE server
 * accepts (`authenticator.configureCurve(store)`).
 *
 * It reads every file except secret files (`*_secret`) and dot files, keeps the public
 * part only, and follows the directory: new, changed and deleted files take effect after
 * a watch event, on the next lookup that misses, or on {@link reload}. Files that are no
 * certificate are skipped and listed in {@link errors}. When the directory cannot be read
 * the store is empty: nobody is let in on a stale list.
 */
export class CertificateStore {
  /** The directory, as given. */
  readonly directory: string
  #certificates = new Map<string, Certificate>()
  #errors: CertificateFileError[] = []
  #stamp: bigint | undefined
  #watcher: fs.FSWatcher | undefined
  #timer: NodeJS.Timeout | undefined
  #closed = false
  readonly #listeners = new Set<(change: CertificateStoreChange) => void>()

  /**
   * Loads the directory now.
   * @throws Node's file error (code `ENOENT`, `ENOTDIR`, …) when the directory cannot be read.
   */
  constructor(directory: string, options: CertificateStoreOptions = {}) {
    if (typeof directory !== "string" || directory === "") {
      throw new TypeError("CertificateStore(directory): directory must be a non-empty string")
    }
    if (options === null || typeof options !== "object") {
      throw new TypeError("CertificateStore(directory, options): options must be an object")
    }
    if (options.watch !== undefined && typeof options.watch !== "boolean") {
      throw new TypeError('CertificateStore option "watch" must be a boolean')
    }
    this.directory = directory
    // Fail early on a wrong path rather than serve an empty store.
    if (!fs.statSync(directory).isDirectory()) {
      throw Object.assign(new Error(`ENOTDIR: not a directory, ${directory}`), {
        code: "ENOTDIR",
        path: directory,
      })
    }
    this.reload()
    if (options.watch !== false) this.#watch()
  }

  /** How many certificates the store holds. */
  get size(): number {
    return this.#certificates.size
  }

  /** The files of the last load that are no certificate, with the reason. */
  get errors(): readonly CertificateFileError[] {
    return this.#errors
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this.#closed
  }

  /** The certificate with this public key (Z85 or 32 bytes), if the directory has it. */
  get(publicKey: string | Uint8Array): Certificate | undefined {
    const key = curveKeyText(publicKey, "CertificateStore.get(publicKey): publicKey")
    let found = this.#certificates.get(key)
    // A file written since the last load, before its watch event arrived (or with no
    // watching): re-read when the directory changed, so a new peer is not refused.
    if (found === undefined && this.#changedOnDisk()) {
      this.reload()
      found = this.#certificates.get(key)
    }
    return found
  }

  /** Whether the directory has a certificate with this public key. */
  has(publicKey: string | Uint8Array): boolean {
    return this.get(publicKey) !== undefined
  }

  /** The certificates (public parts). */
  values(): IterableIterator<Certificate> {
    return this.#certificates.values()
  }

  /** The certificates (public parts), as {@link values}. */
  [Symbol.iterator](): IterableIterator<Certificate> {
    return this.values()
  }

  /**
   * Re-reads the directory now and returns what changed; listeners of `"change"` hear of
   * it when something did.
   */
  reload(): CertificateStoreChange {
    const next = new Map<string, Certificate>()
    const errors: CertificateFileError[] = []
    let stamp: bigint | undefined
    try {
      stamp = fs.statSync(this.directory, {bigint: true}).mtimeNs
      const names = fs.readdirSync(this.directory).sort()
      for (const name of names) {
        if (name.startsWith(".") || name.endsWith(SECRET_SUFFIX)) continue
        const file = path.join(this.directory, name)
        try {
          if (!fs.statSync(file).isFile()) continue
          const certificate = Certificate.parse(fs.readFileSync(file, "utf8"), file).toPublic()
          next.set(certificate.publicKey, certificate)
        } catch (err) {
          // Deleted between listing and reading: simply gone.
          if ((err as NodeJS.ErrnoException).code === "ENOENT") continue
          errors.push({file, error: err instanceof Error ? err : new Error(String(err))})
        }
      }
    } catch (err) {
      errors.push({
        file: this.directory,
        error: err instanceof Error ? err : new Error(String(err)),
      })
      next.clear()
    }
    const change = diff(this.#certificates, next, errors)
    this.#certificates = next
    this.#errors = errors
    this.#stamp = stamp
    if (change.added.length + change.removed.length + change.updated.length > 0) {
      for (const listener of [...this.#listeners]) {
        try {
          listener(change)
        } catch (err) {
          process.nextTick(() => {
            throw err
          })
        }
      }
    }
    return change
  }

  /** Calls `listener` after each reload that added, removed or updated certificates. */
  on(event: "change", listener: (change: CertificateStoreChange) => void): this {
    checkStoreListener("on", event, listener)
    this.#listeners.add(listener)
    return this
  }

  /** Removes a listener added with {@link on}. */
  off(event: "change", listener: (change: CertificateStoreChange) => void): this {
    checkStoreListener("off", event, listener)
    this.#listeners.delete(listener)
    return this
  }

  /** Stops watching the directory. The certificates stay readable; lookups still re-read. */
  close(): void {
    this.#closed = true
    clearTimeout(this.#timer)
    this.#timer = undefined
    this.#watcher?.close()
    this.#watcher = undefined
  }

  #watch(): void {
    // Not persistent: a store alone does not keep the process running.
    const watcher = fs.watch(this.directory, {persistent: false}, () => this.#schedule())
    // The directory was removed or became unreadable: reload empties the store.
    watcher.on("error", () => {
      watcher.close()
      if (this.#watcher === watcher) this.#watcher = undefined
      this.#schedule()
    })
    this.#watcher = watcher
  }

  #schedule(): void {
    if (this.#timer !== undefined) return
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      this.reload()
    }, RELOAD_DELAY_MS)
    this.#timer.unref()
  }

  #changedOnDisk(): boolean {
    try {
      return fs.statSync(this.directory, {bigint: true}).mtimeNs !== this.#stamp
    } catch {
      return this.#stamp !== undefined
    }
  }
}

function checkStoreListener(method: string, event: unknown, listener: unknown): void {
  if (event !== "change") {
    throw new TypeError(
      `CertificateStore.${method}(event, listener): unknown event ${JSON.stringify(event)}; ` +
        'the event is "change"',
    )
  }
  if (typeof listener !== "function") {
    throw new TypeError(`CertificateStore.${method}(event, listener): listener must be a function`)
  }
}

function diff(
  before: Map<string, Certificate>,
  after: Map<string, Certificate>,
  errors: CertificateFileError[],
): CertificateStoreChange {
  const change: CertificateStoreChange = {added: [], removed: [], updated: [], errors}
  for (const [key, certificate] of after) {
    const old = before.get(key)
    if (old === undefined) change.added.push(certificate)
    else if (!sameMetadata(old.metadata, certificate.metadata)) change.updated.push(certificate)
  }
  for (const [key, certificate] of before) {
    if (!after.has(key)) change.removed.push(certificate)
  }
  return change
}

function sameMetadata(a: CertificateMetadata, b: CertificateMetadata): boolean {
  const keys = Object.keys(a)
  return keys.length === Object.keys(b).length && keys.every(key => b[key] === a[key])
}
