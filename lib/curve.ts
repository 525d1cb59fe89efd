/**
 * CURVE keys and the Z85 encoding.
 * @module
 */
import {binding} from "./addon"

/** A CURVE key pair as 40-character Z85 strings. */
export interface CurveKeyPair {
  /** The public key, Z85 (40 characters): give it to peers. */
  publicKey: string
  /** The secret key, Z85 (40 characters): keep it private. */
  secretKey: string
}

/** Creates a new CURVE key pair (Z85 strings), for `curvePublicKey`/`curveSecretKey`. */
export function curveKeyPair(): CurveKeyPair {
  return binding.curveKeyPair()
}

/** Derives the public key from a secret key (both Z85 strings). */
export function curvePublicKey(secretKey: string): string {
  if (typeof secretKey !== "string")
    throw new TypeError("curvePublicKey(secretKey): secretKey must be a string")
  if (secretKey.length !== 40)
    throw new RangeError("curvePublicKey(secretKey): a Z85 key has 40 characters")
  return binding.curvePublic(secretKey)
}

/** Z85 (ZeroMQ's base-85): 4 bytes become 5 printable characters. */
export const z85 = {
  /** Encodes bytes whose length is a multiple of 4. */
  encode(data: Uint8Array): string {
    if (!(data instanceof Uint8Array))
      throw new TypeError("z85.encode(data): data must be a Uint8Array or Buffer")
    if (data.length % 4 !== 0)
      throw new RangeError("z85.encode(data): the length must be a multiple of 4")
    return binding.z85Encode(Buffer.from(data.buffer, data.byteOffset, data.byteLength))
  },
  /** Decodes a Z85 string whose length is a multiple of 5. */
  decode(text: string): Buffer {
    if (typeof text !== "string") throw new TypeError("z85.decode(text): text must be a string")
    if (text.length % 5 !== 0)
      throw new RangeError("z85.decode(text): the length must be a multiple of 5")
    try {
      return binding.z85Decode(text)
    } catch (err) {
      throw new RangeError(`z85.decode(text): not a valid Z85 string`, {cause: err})
    }
  },
}
