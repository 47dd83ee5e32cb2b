// The host's persistent identity and the cluster key. The peer key is created on first start in
// the data dir with mode 0600 and reused afterwards, so the peer id survives restarts.
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { generatePrivateKey, loadPrivateKey, parseSwarmKey, serialisePrivateKey } from '@parley/discovery'
import type { PrivateKey } from '@parley/discovery'
import type { Logger } from 'pino'
import { InvalidValueError } from '../config/index.js'
import type { Origin } from '../config/index.js'
import { DataDirError, PeerKeyError } from './errors.js'
import { makeDirs } from './make-dirs.js'

export const PEER_KEY_FILE = 'peer.key'

export function ensureDataDir (dir: string): void {
  try {
    makeDirs(dir, 0o700)
  } catch (e) {
    throw new DataDirError(dir, (e as NodeJS.ErrnoException).code ?? (e as Error).message)
  }
}

export async function loadOrCreatePeerKey (dataDir: string, log: Logger): Promise<{ key: PrivateKey, created: boolean, path: string }> {
  const path = join(dataDir, PEER_KEY_FILE)
  if (!existsSync(path)) {
    const key = await generatePrivateKey()
    try {
      writeFileSync(path, serialisePrivateKey(key) + '\n', { mode: 0o600, flag: 'wx' })
    } catch (e) {
      throw new DataDirError(dataDir, `cannot write ${PEER_KEY_FILE} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`)
    }
    log.info({ path }, 'created a new peer key')
    return { key, created: true, path }
  }
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    throw new PeerKeyError(path, `cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`)
  }
  const mode = statSync(path).mode & 0o777
  if ((mode & 0o077) !== 0) {
    log.warn({ path, mode: mode.toString(8) }, 'the peer key was readable by others; set its mode to 0600')
    chmodSync(path, 0o600)
  }
  try {
    return { key: loadPrivateKey(text), created: false, path }
  } catch (e) {
    throw new PeerKeyError(path, (e as Error).message)
  }
}

/** Reads and checks the swarm key named by the psk key; errors name the key and its source. */
export function readPsk (path: string, origin: Origin, log: Logger): string {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message
    throw new InvalidValueError('psk', origin, `cannot read ${path} (${why})`, `create the cluster key once with parley psk new ${path} and copy it to every host`)
  }
  try {
    parseSwarmKey(text)
  } catch (e) {
    const hint = (e as { hint?: string }).hint ?? 'a swarm.key is three lines: /key/swarm/psk/1.0.0/, /base16/, 64 hex digits'
    throw new InvalidValueError('psk', origin, `${path} is not a swarm key: ${(e as Error).message}`, hint)
  }
  const mode = statSync(path).mode & 0o777
  if ((mode & 0o007) !== 0) log.warn({ path, mode: mode.toString(8) }, 'the cluster key is readable by every user; chmod 600 it')
  return text
}
