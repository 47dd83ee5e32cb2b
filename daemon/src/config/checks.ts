// Checks of single values. Each returns null when the value is fine, else the problem and a hint.
import { isEd25519PublicKey } from './ed25519-key.js'

export interface Problem { problem: string, hint: string }
export type Check = (value: string) => Problem | null

const URI = /^[a-z][a-z0-9+.-]*:\/\/[^\s]*$/i
const MEMORY = /^memory:\/\/([A-Za-z0-9._-]+)(\?[^\s]*)?$/

export const hypervisorUri: Check = v => {
  if (v.startsWith('memory:')) {
    return MEMORY.test(v) ? null : { problem: `"${v}" is not memory://NAME`, hint: 'e.g. memory://host1 or memory://host1?cpus=8&memory=16384&vms=web:2:2048' }
  }
  return URI.test(v) ? null : { problem: `"${v}" is not a libvirt URI`, hint: 'e.g. qemu:///system, qemu+tcp://10.0.0.2/system, or memory://NAME for the simulated backend' }
}

export const migrateUri: Check = v => URI.test(v)
  ? null
  : { problem: `"${v}" is not a URI`, hint: 'the libvirt URI peers use to reach this host, e.g. qemu+tcp://10.0.0.2/system' }

const MULTIADDR = /^\/(ip4|ip6|dns|dns4|dns6)\/[^/\s]+\/tcp\/(\d{1,5})(\/p2p\/[1-9A-HJ-NP-Za-km-z]+)?$/

export const listenAddr: Check = v => {
  const m = MULTIADDR.exec(v)
  if (m === null || m[3] !== undefined || Number(m[2]) > 65535) {
    return { problem: `"${v}" is not a TCP listen multiaddr`, hint: 'e.g. /ip4/0.0.0.0/tcp/4001 (port 0 picks a free port)' }
  }
  return null
}

export const bootstrapAddr: Check = v => {
  const m = MULTIADDR.exec(v)
  if (m === null || m[3] === undefined || Number(m[2]) > 65535) {
    return { problem: `"${v}" is not a bootstrap multiaddr with a peer id`, hint: 'e.g. /ip4/10.0.0.2/tcp/4001/p2p/12D3KooW... (parley status prints a host\'s addresses)' }
  }
  return null
}

export const absolutePath: Check = v => v.startsWith('/')
  ? null
  : { problem: `"${v}" is not an absolute path`, hint: 'give a path starting with /' }

export const anyPath: Check = v => v.length > 0 ? null : { problem: 'is empty', hint: 'give a file path' }

export const trustKey: Check = v => {
  if (!/^12D3KooW[1-9A-HJ-NP-Za-km-z]{44}$/.test(v)) {
    return { problem: `"${v.slice(0, 80)}" is not an ed25519 public key`, hint: 'give the signer\'s key string, 12D3KooW... (52 characters)' }
  }
  return isEd25519PublicKey(v)
    ? null
    : { problem: `"${v}" is not an ed25519 public key: it has the form of one but does not decode to a key`, hint: 'copy the key again from the signer\'s output (a character is wrong)' }
}

export const allowIm: Check = v => /^[0-9a-f]{64}$/.test(v) || /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(v)
  ? null
  : { problem: `"${v.slice(0, 80)}" is neither an IM name nor a sha256 hash`, hint: 'give the IM\'s name (e.g. balance) or the sha256 of its text in hex (sha256sum ims/balance.lcc)' }

export const httpAddr: Check = v => {
  if (v === 'off') return null
  const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(v)
  return m !== null && Number(m[2]) <= 65535
    ? null
    : { problem: `"${v}" is not HOST:PORT`, hint: 'e.g. 127.0.0.1:9470, [::1]:9470, or off to turn off /metrics and the dashboard' }
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = typeof LOG_LEVELS[number]

export const logLevel: Check = v => (LOG_LEVELS as readonly string[]).includes(v)
  ? null
  : { problem: `"${v}" is not a log level`, hint: `one of ${LOG_LEVELS.join(', ')}` }

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

/** Milliseconds of a duration like 500ms, 30s, 2m, 1h; null when malformed. */
export function parseDuration (v: string): number | null {
  const m = DURATION.exec(v.trim())
  if (m === null) return null
  return Math.round(Number(m[1]) * UNIT_MS[m[2]!]!)
}

export const duration: Check = v => parseDuration(v) !== null
  ? null
  : { problem: `"${v}" is not a duration`, hint: 'e.g. 500ms, 30s, 2m or 1h' }

/** A duration the runtime refuses when zero (a sampling period, a lease, a timeout). */
export const positiveDuration: Check = v => {
  const ms = parseDuration(v)
  if (ms === null) return duration(v)
  return ms > 0 ? null : { problem: 'must be above 0', hint: 'e.g. 500ms, 30s, 2m or 1h' }
}

export const overloadRatio: Check = v => /^\d+(\.\d+)?$/.test(v) && Number(v) > 1
  ? null
  : { problem: `"${v}" is not a ratio above 1`, hint: 'a host is overloaded above this multiple of the cluster mean load, e.g. 1.2' }

export const underloadRatio: Check = v => /^0?\.\d+$/.test(v) && Number(v) > 0 && Number(v) < 1
  ? null
  : { problem: `"${v}" is not a ratio between 0 and 1`, hint: 'a host accepts load below this multiple of the cluster mean load, e.g. 0.8' }

export const minImprovement: Check = v => /^(0|0?\.\d+)$/.test(v)
  ? null
  : { problem: `"${v}" is not a fraction from 0 up to (not including) 1`, hint: 'a move must cut the two hosts\' summed squared deviation from the mean by at least this fraction, e.g. 0.1; 0 takes any move that improves the balance' }

export const maxConcurrentMigrations: Check = v => /^[1-9]\d{0,3}$/.test(v)
  ? null
  : { problem: `"${v}" is not a whole number from 1 to 9999`, hint: 'live migrations in flight on this host at once, in or out, e.g. 2; each one shares the host\'s migration network and its CPU' }

export const MEAN_ESTIMATORS = ['reports', 'push-sum', 'auto'] as const
export type MeanEstimatorName = typeof MEAN_ESTIMATORS[number]

export const meanEstimator: Check = v => (MEAN_ESTIMATORS as readonly string[]).includes(v)
  ? null
  : { problem: `"${v}" is not a mean estimator`, hint: 'one of reports (every host\'s load report: exact, O(N) per host), push-sum (gossip: O(1) per host, for large clusters), auto (reports in small clusters, push-sum in large ones)' }
