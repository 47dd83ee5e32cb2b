// Every configuration key of parleyd. Each is a YAML key, a flag (--KEY) and an environment variable
// (PARLEY_KEY with dashes as underscores). `live` keys change on SIGHUP; the others need a restart.
import * as check from './checks.js'
import type { Check } from './checks.js'
import { runtimeDefault } from './policy.js'

export interface KeySpec {
  /** The YAML key and the flag name. */
  name: string
  env: string
  list: boolean
  /** The default, or null when it is derived (migrate-uri) or absent. */
  default: string | string[] | null
  live: boolean
  check: Check
  /** For --help and the example config. */
  help: string
  /** Placeholder in --help. */
  arg: string
}

const key = (name: string, list: boolean, def: string | string[] | null, live: boolean, chk: Check, arg: string, help: string): KeySpec =>
  ({ name, env: `PARLEY_${name.toUpperCase().replaceAll('-', '_')}`, list, default: def, live, check: chk, arg, help })

/** A policy key: optional, restart-only, its help naming the runtime's default. */
const policy = (name: string, chk: Check, arg: string, help: string): KeySpec =>
  key(name, false, null, false, chk, arg, `${help} (runtime default ${runtimeDefault(name)})`)

export const KEYS: readonly KeySpec[] = [
  key('hypervisor', false, 'qemu:///system', false, check.hypervisorUri, 'URI', 'libvirt URI of this host, or memory://NAME[?cpus=N&memory=MiB&vms=NAME:VCPUS:MiB,...&listen=HOST:PORT] for the simulated backend (listen= lets other processes migrate to it)'),
  key('migrate-uri', false, null, false, check.migrateUri, 'URI', 'the libvirt URI peers use to migrate to this host (default: derived from --hypervisor)'),
  key('listen', true, ['/ip4/0.0.0.0/tcp/4001'], false, check.listenAddr, 'MULTIADDR', 'libp2p listen address (repeatable)'),
  key('bootstrap', true, [], false, check.bootstrapAddr, 'MULTIADDR', 'a peer to join the cluster through, with its /p2p/ id (repeatable)'),
  key('psk', false, '/etc/parley/swarm.key', false, check.anyPath, 'FILE', 'the cluster pre-shared key in swarm.key format (parley psk new FILE)'),
  key('socket', false, '/run/parley/parley.sock', false, check.absolutePath, 'PATH', 'the control socket the parley CLI talks to'),
  key('data-dir', false, '/var/lib/parley', false, check.absolutePath, 'DIR', 'where the peer key and the journal live'),
  key('trust', true, [], true, check.trustKey, 'KEY', 'an ed25519 public key whose signed constraint components this host loads (repeatable)'),
  key('allow-im', true, [], true, check.allowIm, 'HASH|NAME', 'an interaction model this host may subscribe to, by name or sha256 of its text (repeatable)'),
  key('http', false, 'off', false, check.httpAddr, 'ADDR', 'HOST:PORT of the operator HTTP endpoint (/metrics, /healthz, /readyz and the load dashboard at /), or off (the default)'),
  key('log-level', false, 'info', true, check.logLevel, 'LEVEL', `log level: ${check.LOG_LEVELS.join(', ')}`),
  key('shutdown-timeout', false, '30s', false, check.duration, 'DURATION', 'on SIGTERM, how long running interactions get to finish before they are aborted'),
  // Policy figures handed to the host agent; unset, the runtime's defaults apply (shown in the help).
  // None is live: the runtime takes its policy once, when the agent is created.
  policy('sample-interval', check.positiveDuration, 'DURATION', 'how often the host samples its load and re-runs its local role'),
  policy('sustain', check.duration, 'DURATION', 'how long a load threshold must hold before the host changes role'),
  policy('cooldown', check.duration, 'DURATION', 'a VM moved is not moved again within this time'),
  policy('lease-ttl', check.positiveDuration, 'DURATION', 'lifetime of the lease a host takes in a negotiation'),
  policy('overload-ratio', check.overloadRatio, 'RATIO', 'overloaded above this multiple of the cluster mean load'),
  policy('underload-ratio', check.underloadRatio, 'RATIO', 'accepts load below this multiple of the cluster mean load'),
  policy('min-improvement', check.minImprovement, 'FRACTION', 'a move must cut the two hosts\' summed squared deviation from the mean load by at least this fraction of it, so that no move merely swaps which host is off balance'),
  policy('max-concurrent-migrations', check.maxConcurrentMigrations, 'N', 'live migrations in flight on this host at once, in or out'),
  policy('constraint-timeout', check.positiveDuration, 'DURATION', 'bound on one step a peer runs for a negotiation, a live migration included (a drain starts no VM past half of it): raise it when VMs take longer to migrate, with interaction-timeout'),
  policy('interaction-timeout', check.positiveDuration, 'DURATION', 'bound on a whole negotiation, its migrations included; at least constraint-timeout'),
  policy('mean-estimator', check.meanEstimator, check.MEAN_ESTIMATORS.join('|'), 'how the cluster mean load is estimated: reports takes every host\'s load report (exact, O(N) per host); push-sum gossips with one peer per sample (O(1) per host); auto uses reports in small clusters and push-sum in large ones'),
]

export const KEY_BY_NAME: ReadonlyMap<string, KeySpec> = new Map(KEYS.map(k => [k.name, k]))
export const KEY_BY_ENV: ReadonlyMap<string, KeySpec> = new Map(KEYS.map(k => [k.env, k]))

/** The closest known key name, for "did you mean" hints. */
export function closestKey (name: string): string | undefined {
  let best: string | undefined
  let bestDistance = 3
  for (const k of KEYS) {
    const d = editDistance(name.toLowerCase().replaceAll('_', '-'), k.name)
    if (d < bestDistance) { best = k.name; bestDistance = d }
  }
  return best
}

function editDistance (a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const cur = [i]
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    prev = cur
  }
  return prev[b.length]!
}
