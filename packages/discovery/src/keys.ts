/**
 * Keys the daemon persists: the host's libp2p identity key and the cluster's pre-shared key
 * (swarm.key). Serialised forms are text so they fit in config files.
 */
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { fromString, toString } from 'uint8arrays'
import { BadKeyError } from './errors.js'

export type { PrivateKey } from '@libp2p/interface'

export async function generatePrivateKey (): Promise<PrivateKey> {
  return await generateKeyPair('Ed25519')
}

/** Base64 of the libp2p protobuf encoding (the form js-libp2p and kubo use). */
export function serialisePrivateKey (key: PrivateKey): string {
  return toString(privateKeyToProtobuf(key), 'base64pad')
}

export function loadPrivateKey (text: string): PrivateKey {
  const trimmed = text.trim()
  let key: PrivateKey
  try {
    key = privateKeyFromProtobuf(fromString(trimmed, 'base64pad'))
  } catch (err) {
    throw new BadKeyError('host key', (err as Error).message, 'the key file must hold the base64 text written by serialisePrivateKey (parley keygen)')
  }
  return key
}

export function peerIdOf (key: PrivateKey): string {
  return peerIdFromPrivateKey(key).toString()
}

const SWARM_HEADER = '/key/swarm/psk/1.0.0/'
const SWARM_CODEC = '/base16/'

/** A new cluster key in the standard swarm.key format. */
export function generateSwarmKey (): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32))
  return `${SWARM_HEADER}\n${SWARM_CODEC}\n${toString(bytes, 'base16')}`
}

/**
 * Parse a swarm.key text and return the canonical bytes libp2p's pnet expects. Accepts CRLF, a
 * trailing newline and upper-case hex; refuses anything else with a hint.
 */
export function parseSwarmKey (text: string | Uint8Array): Uint8Array {
  const s = typeof text === 'string' ? text : new TextDecoder().decode(text)
  const lines = s.split(/\r?\n/)
  while (lines.length > 3 && lines[lines.length - 1] === '') lines.pop()
  const hint = 'a swarm.key is three lines: /key/swarm/psk/1.0.0/, /base16/, then 64 hex digits (generate one with generateSwarmKey)'
  if (lines.length !== 3) throw new BadKeyError('swarm key', `expected 3 lines, found ${lines.length}`, hint)
  if (lines[0] !== SWARM_HEADER) throw new BadKeyError('swarm key', `line 1 is "${lines[0].slice(0, 40)}", expected ${SWARM_HEADER}`, hint)
  if (lines[1] !== SWARM_CODEC) throw new BadKeyError('swarm key', `line 2 is "${lines[1].slice(0, 40)}", only ${SWARM_CODEC} is supported`, hint)
  const hex = lines[2].trim().toLowerCase()
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new BadKeyError('swarm key', 'line 3 must be exactly 64 hex digits (32 bytes)', hint)
  return new TextEncoder().encode(`${SWARM_HEADER}\n${SWARM_CODEC}\n${hex}`)
}
