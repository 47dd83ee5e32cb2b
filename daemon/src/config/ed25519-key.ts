// Whether a `trust` value is an ed25519 public key in libp2p's string form (12D3KooW..., what
// signing tools print). The config checks it here, without loading libp2p: every `parley` command
// reads this module, and @parley/discovery costs about a third of a second to import. The form is
// base58btc of an identity multihash (code 0x00, length 36) over the protobuf PublicKey
// { Type (field 1) = Ed25519 (1), Data (field 2) = 32 bytes }. test/config.test.ts holds this check
// to the discovery's parsePublicKey, which refuses the key again when the trust list is applied.
const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'
const HEADER = [0x00, 0x24, 0x08, 0x01, 0x12, 0x20]
const KEY_BYTES = 32

export function isEd25519PublicKey (text: string): boolean {
  const bytes = base58Decode(text)
  return bytes !== null && bytes.length === HEADER.length + KEY_BYTES && HEADER.every((b, i) => bytes[i] === b)
}

/** The bytes of a base58btc string (each leading '1' is a zero byte); null on a foreign character. */
function base58Decode (text: string): number[] | null {
  let n = 0n
  let zeros = 0
  for (const c of text) {
    const digit = BASE58.indexOf(c)
    if (digit < 0) return null
    if (n === 0n && digit === 0) zeros++
    n = n * 58n + BigInt(digit)
  }
  const bytes: number[] = []
  for (; n > 0n; n >>= 8n) bytes.unshift(Number(n & 0xffn))
  return [...new Array<number>(zeros).fill(0), ...bytes]
}
