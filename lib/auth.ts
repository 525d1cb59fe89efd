/**
 * ZAP authentication (ZeroMQ RFC 27): an {@link Authenticator} decides which peers a
 * PLAIN or CURVE server (or a NULL server with a `zapDomain`) accepts.
 * @module
 */
import {createHash, timingSafeEqual} from "node:crypto"
import {BlockList, isIP} from "node:net"
import {CertificateStore, curveKeyText} from "./certificates"
import {Context, context as defaultContext} from "./context"
import {ZmqError, zmqError} from "./errors"
import {Router} from "./socket/classes"

/** The endpoint libzmq sends ZAP requests to, one per context (RFC 27). */
export const zapEndpoint = "inproc://zeromq.zap.01"

const ZAP_VERSION = "1.0"
/** The domain whose policies apply to every domain that has none of its own. */
const ANY_DOMAIN = "*"

/** The ZAP status codes: 200 allowed; 300 temporary failure; 400 refused; 500 internal error. */
export type ZapStatusCode = 200 | 300 | 400 | 500

/**
 * One authentication decision, reported to `onDecision` and `"decision"` listeners.
 * The reason is for your logs: libzmq tells a refused client only the status code.
 */
export interface AuthDecision {
  /** The server socket's `zapDomain` (empty when not set). */
  domain: string
  /** The client's IP address (empty for transports without one, such as ipc). */
  address: string
  /** `"NULL"`, `"PLAIN"` or `"CURVE"` (`"GSSAPI"` is refused: this handler has no policy for it). */
  mechanism: string
  /** Who the client claims to be: the PLAIN username, the Z85 CURVE public key, or `""`. */
  identity: string
  /** Whether the client was admitted. */
  allowed: boolean
  /** The ZAP status code sent to libzmq: 200 admitted, 300, 400 or 500 refused. */
  statusCode: ZapStatusCode
  /** Why, e.g. `address 10.0.0.7 is denied` or `wrong password for "alice"`. */
  reason: string
  /** The user id sent back to libzmq (the connection's `User-Id`): username or Z85 key. */
  userId: string
}

/** What a PLAIN callback is asked about. */
export interface PlainCredentials {
  /** The server socket's `zapDomain` (empty when not set). */
  domain: string
  /** The client's IP address (empty for transports without one, such as ipc). */
  address: string
  /** The username the client sent. */
  username: string
  /** The password the client sent, in clear (PLAIN does not encrypt). */
  password: string
}

/** What a CURVE callback is asked about. */
export interface CurveCredentials {
  /** The server socket's `zapDomain` (empty when not set). */
  domain: string
  /** The client's IP address (empty for transports without one, such as ipc). */
  address: string
  /** The client's long-term public key, Z85. */
  publicKey: string
}

/**
 * A callback's answer: `true`/`false`, or an object to give the reason, the user id
 * (default: username or Z85 key) or, for a refusal, the status code (default 400; 300
 * asks the client to come back later).
 */
export type AuthVerdict =
  | boolean
  | {
      /** Whether the client is admitted. */
      allowed: boolean
      /** Why, for the decision log; a default reason when left out. */
      reason?: string
      /** The connection's `User-Id`; the username or Z85 key when left out. */
      userId?: string
      /** For a refusal: 400 (the default), 300 (come back later) or 500 (internal error). */
      statusCode?: 300 | 400 | 500
    }

/**
 * Who may log in with PLAIN: a table of usernames and passwords, or a (possibly async)
 * callback. A callback that throws or rejects refuses the client with status 500.
 */
export type PlainPolicy =
  | Readonly<Record<string, string>>
  | ReadonlyMap<string, string>
  | ((credentials: PlainCredentials) => AuthVerdict | Promise<AuthVerdict>)

/**
 * Which CURVE clients are accepted:
 * - `"any"`: every client key (the connection is still encrypted);
 * - public keys (Z85 strings or 32-byte buffers);
 * - a {@link CertificateStore}, or `{directory}` for a store the authenticator opens,
 *   watches and closes itself;
 * - a (possibly async) callback; one that throws or rejects refuses with status 500.
 */
export type CurvePolicy =
  | "any"
  | Iterable<string | Uint8Array>
  | CertificateStore
  | {
      /** A folder of public certificates, opened as a watched {@link CertificateStore}. */
      directory: string
    }
  | ((credentials: CurveCredentials) => AuthVerdict | Promise<AuthVerdict>)

/** Which ZAP domain a policy is for. */
export interface PolicyOptions {
  /**
   * The server socket's `zapDomain` this applies to; `"*"` (the default) applies to every
   * domain without a policy of its own for the same thing (addresses, PLAIN or CURVE).
   */
  domain?: string
}

/** Options of an {@link Authenticator}. */
export interface AuthenticatorOptions {
  /** The context whose sockets are authenticated (default: the shared one). */
  context?: Context
  /** Called with every decision (as are the `"decision"` listeners). */
  onDecision?: (decision: AuthDecision) => void
}

interface AddressRules {
  allow: BlockList | undefined
  deny: BlockList | undefined
  allowed: string[]
  denied: string[]
}

type Verdict = {
  allowed: boolean
  statusCode: ZapStatusCode
  reason: string
  userId: string
}

type Credentials<C> = (credentials: C) => AuthVerdict | Promise<AuthVerdict>

type PlainRule =
  | {kind: "table"; passwords: Map<string, Buffer>}
  | {kind: "callback"; callback: Credentials<PlainCredentials>}

type CurveRule =
  | {kind: "any"}
  | {kind: "keys"; keys: Set<string>}
  | {kind: "store"; store: CertificateStore; directory?: string}
  | {kind: "callback"; callback: Credentials<CurveCredentials>}

interface DomainPolicy {
  addresses?: AddressRules
  plain?: PlainRule
  curve?: CurveRule
}

const running = new WeakMap<Context, Authenticator>()

/**
 * A ZAP handler written in TypeScript: answers libzmq's authentication requests for one
 * context on `inproc://zeromq.zap.01` (RFC 27). Without one, PLAIN and CURVE servers let
 * every client in.
 *
 * ```ts
 * const auth = new Authenticator({onDecision: d => console.log(d.address, d.reason)})
 * auth.allow("127.0.0.1")                        // IP allow list (deny() for a deny list)
 * auth.configureCurve({directory: "certs"})      // client certificates, reloaded on change
 * auth.configurePlain({admin: "secret"}, {domain: "ops"})
 * auth.start()
 * const server = new Reply({curveServer: true, curveSecretKey, zapDomain: "global"})
 * // …
 * auth.stop()
 * ```
 *
 * How a request is decided, in order: an address on the deny list is refused; with an
 * allow list, an address not on it is refused; a NULL client (only asked about when the
 * server set a `zapDomain`) is then accepted; a PLAIN or CURVE client must pass the PLAIN
 * or CURVE policy, and is refused when there is none. Each part (addresses, PLAIN, CURVE)
 * comes from the request's domain when configured for it, else from `"*"`.
 *
 * One authenticator runs per context: libzmq has one ZAP endpoint per context. While it
 * runs it keeps the process alive (it waits for requests): call {@link stop} when done.
 */
export class Authenticator {
  /** The context this authenticator serves. */
  readonly context: Context
  readonly #policies = new Map<string, DomainPolicy>()
  readonly #listeners = new Set<(decision: AuthDecision) => void>()
  readonly #onDecision: ((decision: AuthDecision) => void) | undefined
  #router: Router | undefined

  /** An authenticator for `options.context` (default: the shared one), serving once started. */
  constructor(options: AuthenticatorOptions = {}) {
    if (options === null || typeof options !== "object") {
      throw new TypeError("Authenticator(options): options must be an object")
    }
    for (const name of Object.keys(options)) {
      if (name !== "context" && name !== "onDecision") {
        throw new TypeError(
          `Authenticator: unknown option ${JSON.stringify(name)} (options: context, onDecision)`,
        )
      }
    }
    const {context = defaultContext, onDecision} = options
    if (!(context instanceof Context)) {
      throw new TypeError('Authenticator option "context" must be a Context')
    }
    if (onDecision !== undefined && typeof onDecision !== "function") {
      throw new TypeError('Authenticator option "onDecision" must be a function')
    }
    this.context = context
    this.#onDecision = onDecision
  }

  /** The authenticator running on `context` (default: the shared one), if any. */
  static runningOn(context: Context = defaultContext): Authenticator | undefined {
    return running.get(context)
  }

  /** Whether {@link start} was called and {@link stop} not since. */
  get running(): boolean {
    return this.#router !== undefined
  }

  /**
   * Starts answering ZAP requests. Policies may be changed at any time; each request
   * uses the policies of that moment.
   * @throws ZmqError with code `EADDRINUSE` when this or another authenticator (or any
   *   other ZAP handler) already runs on the context.
   */
  start(): this {
    const other = running.get(this.context)
    if (other !== undefined) {
      throw zmqError(
        "EADDRINUSE",
        other === this
          ? "Authenticator.start(): this authenticator is already running"
          : "Authenticator.start(): another authenticator already runs on this context " +
              "(libzmq has one ZAP handler per context; stop() it first)",
        zapEndpoint,
      )
    }
    // Stores from {directory} watch only while running; reopen them before binding so a
    // directory that went missing fails the start cleanly.
    for (const policy of this.#policies.values()) {
      const rule = policy.curve
      if (rule?.kind === "store" && rule.directory !== undefined && rule.store.closed) {
        rule.store = new CertificateStore(rule.directory)
      }
    }
    const router = new Router({context: this.context, linger: 0})
    try {
      router.bindSync(zapEndpoint)
    } catch (err) {
      router.close()
      if (err instanceof ZmqError && err.code === "EADDRINUSE") {
        throw zmqError(
          "EADDRINUSE",
          `Authenticator.start(): a ZAP handler is already bound to ${zapEndpoint} ` +
            "on this context (another thread or library)",
          zapEndpoint,
        )
      }
      throw err
    }
    this.#router = router
    running.set(this.context, this)
    void this.#serve(router)
    return this
  }

  /**
   * Stops answering. Connections that are still being authenticated fail; new ones are
   * no longer checked by this handler (PLAIN and CURVE servers then accept everyone:
   * close them first). Certificate stores opened from `{directory}` stop watching.
   */
  stop(): void {
    const router = this.#router
    if (router === undefined) return
    this.#router = undefined
    if (running.get(this.context) === this) running.delete(this.context)
    // Closing alone frees the endpoint later, on libzmq's reaper thread: unbinding frees
    // it now, so a new authenticator can start right away.
    try {
      router.unbindSync(zapEndpoint)
    } catch {
      // Already closed with its context.
    }
    router.close()
    for (const policy of this.#policies.values()) {
      if (policy.curve?.kind === "store" && policy.curve.directory !== undefined) {
        policy.curve.store.close()
      }
    }
  }

  /**
   * Adds IP addresses or CIDR ranges (`"10.0.0.0/8"`, `"fd00::/8"`) to the allow list:
   * with an allow list, clients from other addresses are refused.
   * @throws RangeError naming an entry that is no IP address or range.
   */
  allow(addresses: string | Iterable<string>, options?: PolicyOptions): this {
    const rules = this.#addressRules("allow", options)
    for (const entry of addressList("allow", addresses)) {
      rules.allow = addToList(rules.allow, entry)
      rules.allowed.push(entry)
    }
    return this
  }

  /**
   * Adds IP addresses or CIDR ranges to the deny list: clients from there are refused,
   * even when the allow list also has them.
   * @throws RangeError naming an entry that is no IP address or range.
   */
  deny(addresses: string | Iterable<string>, options?: PolicyOptions): this {
    const rules = this.#addressRules("deny", options)
    for (const entry of addressList("deny", addresses)) {
      rules.deny = addToList(rules.deny, entry)
      rules.denied.push(entry)
    }
    return this
  }

  /** The allow and deny lists of a domain (default `"*"`), as given. */
  addresses(options?: PolicyOptions): {
    /** The allow list: addresses and CIDR ranges. */
    allowed: string[]
    /** The deny list, which wins over the allow list. */
    denied: string[]
  } {
    const rules = this.#policies.get(domainOf("addresses", options))?.addresses
    return {allowed: [...(rules?.allowed ?? [])], denied: [...(rules?.denied ?? [])]}
  }

  /**
   * Sets who may log in with PLAIN (replacing the previous PLAIN policy of the domain);
   * `null` removes it, so PLAIN clients of that domain are refused (or fall back to `"*"`).
   * Passwords are compared in constant time.
   * @throws TypeError for a policy of the wrong type or a password that is no string.
   */
  configurePlain(policy: PlainPolicy | null, options?: PolicyOptions): this {
    const domain = domainOf("configurePlain", options)
    if (policy === null) {
      this.#policy(domain).plain = undefined
      return this
    }
    let rule: PlainRule
    if (typeof policy === "function") {
      rule = {kind: "callback", callback: policy}
    } else if (policy !== null && typeof policy === "object") {
      const entries = policy instanceof Map ? [...policy.entries()] : Object.entries(policy)
      const passwords = new Map<string, Buffer>()
      for (const [username, password] of entries) {
        if (typeof username !== "string") {
          throw new TypeError("configurePlain(passwords): usernames must be strings")
        }
        if (typeof password !== "string") {
          throw new TypeError(
            `configurePlain(passwords): the password of ${JSON.stringify(username)} must be a ` +
              `string, got ${typeof password}`,
          )
        }
        passwords.set(username, digest(password))
      }
      rule = {kind: "table", passwords}
    } else {
      throw new TypeError(
        "configurePlain(policy): policy must be an object or Map of passwords, or a function",
      )
    }
    this.#policy(domain).plain = rule
    return this
  }

  /**
   * Sets which CURVE client keys are accepted (replacing the previous CURVE policy of the
   * domain); `null` removes it. See {@link CurvePolicy}.
   * @throws TypeError or RangeError naming a key that is no Z85 string or 32-byte buffer;
   *   Node's file error when `{directory}` cannot be read.
   */
  configureCurve(policy: CurvePolicy | null, options?: PolicyOptions): this {
    const domain = domainOf("configureCurve", options)
    let rule: CurveRule | undefined
    if (policy === null) {
      rule = undefined
    } else if (policy === "any") {
      rule = {kind: "any"}
    } else if (typeof policy === "string") {
      throw new TypeError(
        `configureCurve(policy): the only string policy is "any"; for a certificate ` +
          `directory pass {directory: ${JSON.stringify(policy)}}, for one key pass [key]`,
      )
    } else if (typeof policy === "function") {
      rule = {kind: "callback", callback: policy}
    } else if (policy instanceof CertificateStore) {
      rule = {kind: "store", store: policy}
    } else if (policy !== null && typeof policy === "object" && "directory" in policy) {
      const {directory} = policy as {directory: unknown}
      if (typeof directory !== "string") {
        throw new TypeError("configureCurve({directory}): directory must be a string")
      }
      rule = {kind: "store", store: new CertificateStore(directory), directory}
      if (!this.running) rule.store.close()
    } else if (policy !== null && typeof policy === "object" && Symbol.iterator in policy) {
      const keys = new Set<string>()
      let index = 0
      for (const key of policy as Iterable<unknown>) {
        keys.add(curveKeyText(key, `configureCurve(keys): key ${index++}`))
      }
      rule = {kind: "keys", keys}
    } else {
      throw new TypeError(
        'configureCurve(policy): policy must be "any", public keys, a CertificateStore, ' +
          "{directory} or a function",
      )
    }
    const current = this.#policy(domain)
    if (current.curve?.kind === "store" && current.curve.directory !== undefined) {
      current.curve.store.close()
    }
    current.curve = rule
    return this
  }

  /**
   * Calls `listener` with every decision (like the `onDecision` option). A listener that
   * throws is reported as an uncaught exception; the decision stands.
   */
  on(event: "decision", listener: (decision: AuthDecision) => void): this {
    checkListener("on", event, listener)
    this.#listeners.add(listener)
    return this
  }

  /** Removes a listener added with {@link on}. */
  off(event: "decision", listener: (decision: AuthDecision) => void): this {
    checkListener("off", event, listener)
    this.#listeners.delete(listener)
    return this
  }

  #policy(domain: string): DomainPolicy {
    let policy = this.#policies.get(domain)
    if (policy === undefined) this.#policies.set(domain, (policy = {}))
    return policy
  }

  #addressRules(method: string, options: PolicyOptions | undefined): AddressRules {
    const policy = this.#policy(domainOf(method, options))
    return (policy.addresses ??= {allow: undefined, deny: undefined, allowed: [], denied: []})
  }

  /** The domain's own policy for one part, else the default domain's. */
  #lookup<K extends keyof DomainPolicy>(domain: string, part: K): DomainPolicy[K] {
    return this.#policies.get(domain)?.[part] ?? this.#policies.get(ANY_DOMAIN)?.[part]
  }

  async #serve(router: Router): Promise<void> {
    try {
      for await (const frames of router) this.#handle(router, frames)
    } catch {
      // The context was terminated under the authenticator: nothing is left to answer.
    }
    if (this.#router === router) this.stop()
  }

  #handle(router: Router, frames: Buffer[]): void {
    // [routing id, "", version, request id, domain, address, identity, mechanism, credentials…]
    if (frames.length < 4 || frames[1].length !== 0) return
    const [routingId, , version, requestId] = frames
    const reply = (verdict: Verdict) =>
      router
        .send([
          routingId,
          "",
          ZAP_VERSION,
          requestId,
          String(verdict.statusCode),
          verdict.reason,
          verdict.userId,
          "",
        ])
        .catch(() => {
          // Stopped meanwhile: libzmq fails the handshake of that connection.
        })
    const text = (index: number) => frames[index]?.toString("utf8") ?? ""
    const request = {
      domain: text(4),
      address: text(5),
      mechanism: text(7),
    }
    let identity = ""
    let settled: Verdict | Promise<Verdict>
    if (version.toString() !== ZAP_VERSION || frames.length < 8) {
      settled = refuse(
        500,
        `unsupported ZAP request (version ${JSON.stringify(version.toString())})`,
      )
    } else {
      const credentials = frames.slice(8)
      if (request.mechanism === "PLAIN" && credentials.length === 2) {
        identity = credentials[0].toString("utf8")
      } else if (request.mechanism === "CURVE" && credentials.length === 1) {
        identity = credentials[0].length === 32 ? curveKeyText(credentials[0], "key") : ""
      }
      settled = this.#decide(request, credentials)
    }
    const finish = (verdict: Verdict) => {
      void reply(verdict)
      this.#report({...request, identity, ...verdict})
    }
    if (settled instanceof Promise) {
      settled.then(finish, (err: unknown) => finish(failure(err)))
    } else {
      finish(settled)
    }
  }

  #decide(
    request: {domain: string; address: string; mechanism: string},
    credentials: Buffer[],
  ): Verdict | Promise<Verdict> {
    const {domain, address, mechanism} = request
    const rules = this.#lookup(domain, "addresses")
    let listed = false
    if (rules !== undefined) {
      const family = isIP(address)
      const type = family === 6 ? "ipv6" : "ipv4"
      if (family !== 0 && rules.deny?.check(address, type)) {
        return refuse(400, `address ${address} is denied`)
      }
      if (rules.allow !== undefined) {
        if (family === 0 || !rules.allow.check(address, type)) {
          return refuse(400, `address ${address || "(none)"} is not on the allow list`)
        }
        listed = true
      }
    }
    switch (mechanism) {
      case "NULL":
        return allow(listed ? `address ${address} is allowed` : "NULL: no address rule refused it")
      case "PLAIN":
        return this.#decidePlain(request, credentials)
      case "CURVE":
        return this.#decideCurve(request, credentials)
      default:
        return refuse(400, `mechanism ${mechanism} is not supported by this authenticator`)
    }
  }

  #decidePlain(
    {domain, address}: {domain: string; address: string},
    credentials: Buffer[],
  ): Verdict | Promise<Verdict> {
    if (credentials.length !== 2) return refuse(400, "PLAIN: malformed credentials")
    const username = credentials[0].toString("utf8")
    const password = credentials[1].toString("utf8")
    const rule = this.#lookup(domain, "plain")
    if (rule === undefined)
      return refuse(400, `PLAIN: no policy for domain ${JSON.stringify(domain)}`)
    if (rule.kind === "callback") {
      return ask(() => rule.callback({domain, address, username, password}), username, "PLAIN")
    }
    const expected = rule.passwords.get(username)
    if (expected === undefined)
      return refuse(400, `PLAIN: unknown user ${JSON.stringify(username)}`)
    // Digests of equal length: the comparison takes the same time for every password.
    if (!timingSafeEqual(expected, digest(password))) {
      return refuse(400, `PLAIN: wrong password for ${JSON.stringify(username)}`)
    }
    return allow(`PLAIN: password of ${JSON.stringify(username)} accepted`, username)
  }

  #decideCurve(
    {domain, address}: {domain: string; address: string},
    credentials: Buffer[],
  ): Verdict | Promise<Verdict> {
    if (credentials.length !== 1 || credentials[0].length !== 32) {
      return refuse(400, "CURVE: malformed credentials")
    }
    const publicKey = curveKeyText(credentials[0], "key")
    const rule = this.#lookup(domain, "curve")
    if (rule === undefined)
      return refuse(400, `CURVE: no policy for domain ${JSON.stringify(domain)}`)
    switch (rule.kind) {
      case "any":
        return allow("CURVE: any key is allowed", publicKey)
      case "keys":
        return rule.keys.has(publicKey)
          ? allow("CURVE: key is in the allowed set", publicKey)
          : refuse(400, "CURVE: key is not in the allowed set", publicKey)
      case "store":
        return rule.store.has(publicKey)
          ? allow(`CURVE: certificate found in ${rule.store.directory}`, publicKey)
          : refuse(400, `CURVE: no certificate in ${rule.store.directory}`, publicKey)
      case "callback":
        return ask(() => rule.callback({domain, address, publicKey}), publicKey, "CURVE")
    }
  }

  #report(decision: AuthDecision): void {
    const listeners = this.#onDecision
      ? [this.#onDecision, ...this.#listeners]
      : [...this.#listeners]
    for (const listener of listeners) {
      try {
        listener(decision)
      } catch (err) {
        process.nextTick(() => {
          throw err
        })
      }
    }
  }
}

function allow(reason: string, userId = ""): Verdict {
  return {allowed: true, statusCode: 200, reason, userId}
}

function refuse(statusCode: 300 | 400 | 500, reason: string, userId = ""): Verdict {
  return {allowed: false, statusCode, reason, userId}
}

function failure(err: unknown): Verdict {
  const message = err instanceof Error ? err.message : String(err)
  return refuse(500, `callback failed: ${message}`)
}

/** Runs a policy callback and turns its answer into a verdict. */
function ask(
  callback: () => AuthVerdict | Promise<AuthVerdict>,
  userId: string,
  mechanism: string,
): Verdict | Promise<Verdict> {
  let answer: AuthVerdict | Promise<AuthVerdict>
  try {
    answer = callback()
  } catch (err) {
    return failure(err)
  }
  if (answer instanceof Promise) {
    return answer.then(
      value => verdictOf(value, userId, mechanism),
      (err: unknown) => failure(err),
    )
  }
  return verdictOf(answer, userId, mechanism)
}

function verdictOf(answer: unknown, userId: string, mechanism: string): Verdict {
  if (typeof answer === "boolean") {
    return answer
      ? allow(`${mechanism}: accepted by the callback`, userId)
      : refuse(400, `${mechanism}: refused by the callback`)
  }
  if (
    answer === null ||
    typeof answer !== "object" ||
    typeof (answer as {allowed?: unknown}).allowed !== "boolean"
  ) {
    return refuse(500, `${mechanism}: the callback answered neither a boolean nor {allowed}`)
  }
  const {allowed, reason, userId: id, statusCode} = answer as Exclude<AuthVerdict, boolean>
  const text =
    typeof reason === "string"
      ? reason
      : `${mechanism}: ${allowed ? "accepted" : "refused"} by the callback`
  if (allowed) return allow(text, typeof id === "string" ? id : userId)
  const code = statusCode === 300 || statusCode === 500 ? statusCode : 400
  return refuse(code, text)
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest()
}

function domainOf(method: string, options: PolicyOptions | undefined): string {
  if (options === undefined) return ANY_DOMAIN
  if (options === null || typeof options !== "object") {
    throw new TypeError(`${method}(…, options): options must be an object`)
  }
  const {domain = ANY_DOMAIN} = options
  if (typeof domain !== "string") {
    throw new TypeError(`${method}(…, options): option "domain" must be a string`)
  }
  return domain
}

function addressList(method: string, addresses: unknown): string[] {
  const list =
    typeof addresses === "string"
      ? [addresses]
      : addresses !== null && typeof addresses === "object" && Symbol.iterator in addresses
        ? [...(addresses as Iterable<unknown>)]
        : undefined
  if (list === undefined) {
    throw new TypeError(`${method}(addresses): addresses must be a string or a list of strings`)
  }
  for (const entry of list) {
    if (typeof entry !== "string") {
      throw new TypeError(
        `${method}(addresses): every address must be a string, got ${typeof entry}`,
      )
    }
    const [ip, prefix, extra] = entry.split("/")
    const family = isIP(ip)
    const bits = family === 6 ? 128 : 32
    const validPrefix = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits)
    if (family === 0 || !validPrefix || extra !== undefined) {
      throw new RangeError(
        `${method}(addresses): ${JSON.stringify(entry)} is not an IP address or CIDR range`,
      )
    }
  }
  return list as string[]
}

function addToList(list: BlockList | undefined, entry: string): BlockList {
  const result = list ?? new BlockList()
  const [ip, prefix] = entry.split("/")
  const type = isIP(ip) === 6 ? "ipv6" : "ipv4"
  if (prefix === undefined) result.addAddress(ip, type)
  else result.addSubnet(ip, Number(prefix), type)
  return result
}

function checkListener(method: string, event: unknown, listener: unknown): void {
  if (event !== "decision") {
    throw new TypeError(
      `Authenticator.${method}(event, listener): unknown event ${JSON.stringify(event)}; ` +
        'the event is "decision"',
    )
  }
  if (typeof listener !== "function") {
    throw new TypeError(`Authenticator.${method}(event, listener): listener must be a function`)
  }
}
