// SIGHUP: read the configuration again. allow-im, trust and log-level apply at once; any other
// change is logged as needing a restart. A bad new configuration is refused and the old one kept.
import { ConfigError, LIVE_KEYS } from '../config/index.js'
import type { DaemonConfig, LoadedConfig } from '../config/index.js'
import { bump } from '../metrics/index.js'
import type { Host } from './host.js'
import { enforceAllowRule } from './subscribe.js'

export interface ReloadOutcome {
  ok: boolean
  applied: string[]
  needRestart: string[]
  unsubscribed: string[]
  error?: string
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b)

/** A discovery that can change its trusted keys while it runs. */
interface LiveTrust { setTrustedKeys: (keys: string[]) => void }
const hasLiveTrust = (d: unknown): d is LiveTrust => typeof (d as Partial<LiveTrust>).setTrustedKeys === 'function'

export async function applyReload (host: Host, read: () => LoadedConfig): Promise<ReloadOutcome> {
  let next: LoadedConfig
  try {
    next = read()
  } catch (err) {
    const line = err instanceof ConfigError ? err.line() : (err as Error).message
    host.log.error({ code: (err as ConfigError).code, error: line }, 'reload refused: the new configuration is invalid; keeping the running one')
    bump(host.counters.reloads, 'error')
    return { ok: false, applied: [], needRestart: [], unsubscribed: [], error: line }
  }
  const prev = host.config()
  const changed = (Object.keys(next.config) as Array<keyof DaemonConfig>).filter(k => !same(prev[k], next.config[k]))
  const live = changed.filter(k => LIVE_KEYS.includes(k))
  const needRestart = changed.filter(k => !LIVE_KEYS.includes(k))
  host.loaded = { ...next, config: { ...prev, ...Object.fromEntries(live.map(k => [k, next.config[k]])) } }
  if (live.includes('logLevel')) host.logging.setLevel(next.config.logLevel)
  if (live.includes('trust')) {
    if (hasLiveTrust(host.discovery)) host.discovery.setTrustedKeys([...next.config.trust])
    else host.log.warn('trust changed: components already fetched keep their check; new fetches use the keys given at start until restart')
  }
  const unsubscribed = live.includes('allowIm') ? await enforceAllowRule(host) : []
  if (needRestart.length > 0) host.log.warn({ keys: needRestart }, 'configuration changed that only a restart applies')
  host.log.info({ applied: live, needRestart, unsubscribed }, 'configuration reloaded')
  bump(host.counters.reloads, 'ok')
  return { ok: true, applied: live, needRestart, unsubscribed }
}
