/**
 * Socket options of the security mechanisms: PLAIN, CURVE, GSSAPI and ZAP.
 * Each doc comment is the option's documentation (generated into the typings).
 * Internal: not part of the public API.
 * @module
 */
import {
  ZMQ_CURVE,
  ZMQ_CURVE_PUBLICKEY,
  ZMQ_CURVE_SECRETKEY,
  ZMQ_CURVE_SERVER,
  ZMQ_CURVE_SERVERKEY,
  ZMQ_GSSAPI,
  ZMQ_GSSAPI_NT_HOSTBASED,
  ZMQ_GSSAPI_NT_KRB5_PRINCIPAL,
  ZMQ_GSSAPI_NT_USER_NAME,
  ZMQ_GSSAPI_PLAINTEXT,
  ZMQ_GSSAPI_PRINCIPAL,
  ZMQ_GSSAPI_PRINCIPAL_NAMETYPE,
  ZMQ_GSSAPI_SERVER,
  ZMQ_GSSAPI_SERVICE_PRINCIPAL,
  ZMQ_GSSAPI_SERVICE_PRINCIPAL_NAMETYPE,
  ZMQ_MECHANISM,
  ZMQ_NULL,
  ZMQ_PLAIN,
  ZMQ_PLAIN_PASSWORD,
  ZMQ_PLAIN_SERVER,
  ZMQ_PLAIN_USERNAME,
  ZMQ_ZAP_DOMAIN,
  ZMQ_ZAP_ENFORCE_DOMAIN,
} from "../generated/zmq-constants"
import {OptionKind, type OptionSpec} from "./spec"

export const securityOptions = {
  /**
   * The security mechanism implied by the security options set so far: `null` (none),
   * `"plain"`, `"curve"` or `"gssapi"`.
   */
  securityMechanism: {
    id: ZMQ_MECHANISM,
    kind: OptionKind.Int,
    value: "enum",
    access: "r",
    values: {plain: ZMQ_PLAIN, curve: ZMQ_CURVE, gssapi: ZMQ_GSSAPI},
    nullValue: ZMQ_NULL,
  },

  /** Makes the socket a PLAIN server that authenticates clients. Default `false`. */
  plainServer: {id: ZMQ_PLAIN_SERVER, kind: OptionKind.Int, value: "boolean", access: "rw"},

  /**
   * PLAIN username (up to 255 bytes) for outgoing connections; setting it selects the PLAIN
   * mechanism. Default `null`.
   */
  plainUsername: {
    id: ZMQ_PLAIN_USERNAME,
    kind: OptionKind.String,
    value: "string",
    access: "rw",
  },

  /**
   * PLAIN password (up to 255 bytes) for outgoing connections; setting it selects the PLAIN
   * mechanism. Default `null`.
   */
  plainPassword: {
    id: ZMQ_PLAIN_PASSWORD,
    kind: OptionKind.String,
    value: "string",
    access: "rw",
  },

  /**
   * Makes the socket a CURVE server; it then needs `curveSecretKey` but no public key.
   * Default `false`.
   */
  curveServer: {id: ZMQ_CURVE_SERVER, kind: OptionKind.Int, value: "boolean", access: "rw"},

  /**
   * This socket's long-term CURVE public key (required on clients), as a 40-character Z85
   * string or 32-byte Buffer; see `curveKeyPair()`.
   */
  curvePublicKey: {
    id: ZMQ_CURVE_PUBLICKEY,
    kind: OptionKind.String,
    value: "key",
    access: "rw",
    size: 41,
  },

  /**
   * This socket's long-term CURVE secret key (required on clients and servers), as a
   * 40-character Z85 string or 32-byte Buffer.
   */
  curveSecretKey: {
    id: ZMQ_CURVE_SECRETKEY,
    kind: OptionKind.String,
    value: "key",
    access: "rw",
    size: 41,
  },

  /**
   * The server's public key, set on CURVE clients, as a 40-character Z85 string or 32-byte
   * Buffer.
   */
  curveServerKey: {
    id: ZMQ_CURVE_SERVERKEY,
    kind: OptionKind.String,
    value: "key",
    access: "rw",
    size: 41,
  },

  /**
   * ZAP (RFC 27) authentication domain; with NULL security ZAP only runs when it is set.
   * Default `null`.
   */
  zapDomain: {id: ZMQ_ZAP_DOMAIN, kind: OptionKind.String, value: "string", access: "rw"},

  /** Makes the socket a GSSAPI server. Default `false`. */
  gssapiServer: {id: ZMQ_GSSAPI_SERVER, kind: OptionKind.Int, value: "boolean", access: "rw"},

  /** Name of this socket's GSSAPI principal (up to 255 bytes). Default `null`. */
  gssapiPrincipal: {
    id: ZMQ_GSSAPI_PRINCIPAL,
    kind: OptionKind.String,
    value: "string",
    access: "rw",
  },

  /** Name of the GSSAPI principal of the server a client connects to. Default `null`. */
  gssapiServicePrincipal: {
    id: ZMQ_GSSAPI_SERVICE_PRINCIPAL,
    kind: OptionKind.String,
    value: "string",
    access: "rw",
  },

  /** When `true`, GSSAPI authenticates but does not encrypt messages. Default `false`. */
  gssapiPlainText: {
    id: ZMQ_GSSAPI_PLAINTEXT,
    kind: OptionKind.Int,
    value: "boolean",
    access: "rw",
  },

  /** How `gssapiPrincipal` is interpreted. Default `"hostBased"`. */
  gssapiPrincipalNameType: {
    id: ZMQ_GSSAPI_PRINCIPAL_NAMETYPE,
    kind: OptionKind.Int,
    value: "enum",
    access: "rw",
    values: {
      hostBased: ZMQ_GSSAPI_NT_HOSTBASED,
      userName: ZMQ_GSSAPI_NT_USER_NAME,
      krb5Principal: ZMQ_GSSAPI_NT_KRB5_PRINCIPAL,
    },
  },

  /** How `gssapiServicePrincipal` is interpreted. Default `"hostBased"`. */
  gssapiServicePrincipalNameType: {
    id: ZMQ_GSSAPI_SERVICE_PRINCIPAL_NAMETYPE,
    kind: OptionKind.Int,
    value: "enum",
    access: "rw",
    values: {
      hostBased: ZMQ_GSSAPI_NT_HOSTBASED,
      userName: ZMQ_GSSAPI_NT_USER_NAME,
      krb5Principal: ZMQ_GSSAPI_NT_KRB5_PRINCIPAL,
    },
  },

  /**
   * When `true`, ZAP authentication requires a domain as RFC 27 says; older libzmq accepted
   * an empty one. Default `false`.
   */
  zapEnforceDomain: {
    id: ZMQ_ZAP_ENFORCE_DOMAIN,
    kind: OptionKind.Int,
    value: "boolean",
    access: "rw",
    draft: true,
  },
} as const satisfies Record<string, OptionSpec>
