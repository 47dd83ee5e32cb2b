/**
 * Component signatures: ed25519 over "parley-component/1\n" followed by the component's bytes. The
 * prefix keeps a component signature from being valid for anything else signed with the same key.
 */
import type { PrivateKey, PublicKey } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { fromString, toString } from 'uint8arrays'
import { BadKeyError, BadSignatureError, UnsignedComponentError, UntrustedSignerError } from '../errors.js'
import type { ComponentSignature } from '../types.js'

const PREFIX = new TextEncoder().encode('parley-component/1\n')

function signedMessage (bytes: Uint8Array): Uint8Array {
  const m = new Uint8Array(PREFIX.byteLength + bytes.byteLength)
  m.set(PREFIX, 0)
  m.set(bytes, PREFIX.byteLength)
  return m
}

export async function signComponent (bytes: Uint8Array, privateKey: PrivateKey): Promise<ComponentSignature> {
  if (privateKey.type !== 'Ed25519') throw new BadKeyError('signing key', `${privateKey.type} key`, 'component signing keys are ed25519')
  const sig = await privateKey.sign(signedMessage(bytes))
  return { publicKey: privateKey.publicKey.toString(), signature: toString(sig, 'base64') }
}

/** Parse a public key in its string form (12D3Koo...). */
export function parsePublicKey (text: string): PublicKey {
  let key: PublicKey | undefined
  try { key = peerIdFromString(text).publicKey } catch { key = undefined }
  if (key === undefined || key.type !== 'Ed25519') {
    throw new BadKeyError('public key', `"${text.slice(0, 80)}"`, 'give the ed25519 public key string printed by the keygen command (12D3KooW...)')
  }
  return key
}

/** Check that a signature is well-formed and verifies for `bytes` (trust is checked separately). */
export async function signatureValid (bytes: Uint8Array, sig: ComponentSignature): Promise<boolean> {
  let key: PublicKey
  let raw: Uint8Array
  try {
    key = parsePublicKey(sig.publicKey)
    raw = fromString(sig.signature, 'base64')
  } catch {
    return false
  }
  try {
    return await key.verify(signedMessage(bytes), raw)
  } catch {
    // a signature of the wrong length throws rather than failing to verify
    return false
  }
}

/** Throws the coded error that refuses a component, or returns when it may be loaded. */
export async function checkComponent (hash: string, bytes: Uint8Array, sig: ComponentSignature | null | undefined, trusted: ReadonlySet<string>): Promise<void> {
  if (sig === null || sig === undefined) throw new UnsignedComponentError(hash)
  if (!trusted.has(sig.publicKey)) throw new UntrustedSignerError(hash, sig.publicKey)
  if (!await signatureValid(bytes, sig)) throw new BadSignatureError(hash)
}
