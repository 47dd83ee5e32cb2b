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
  let live = changed.filter(k => LIVE_KEYS.includes(k))
  const needRestart = changed.filter(k => !LIVE_KEYS.includes(k))
  if (live.includes('trust') && !applyTrust(host, next.config.trust)) live = live.filter(k => k !== 'trust')
  host.loaded = { ...next, config: { ...prev, ...Object.fromEntries(live.map(k => [k, next.config[k]])) } }
  if (live.includes('logLevel')) host.logging.setLevel(next.config.logLevel)
  const unsubscribed = live.includes('allowIm') ? await enforceAllowRule(host) : []
  if (needRestart.length > 0) host.log.warn({ keys: needRestart }, 'configuration changed that only a restart applies')
  host.log.info({ applied: live, needRestart, unsubscribed }, 'configuration reloaded')
  bump(host.counters.reloads, 'ok')
  return { ok: true, applied: live, needRestart, unsubscribed }
}

/**
 * The discovery checks every fetched component against the new keys from now on (also components it
 * already holds) and logs what changed. A key it cannot use leaves the running list in force.
 */
function applyTrust (host: Host, keys: readonly string[]): boolean {
  try {
    host.discovery.setTrustedKeys([...keys])
    return true
  } catch (err) {
    host.log.error({ code: (err as { code?: string }).code, error: (err as Error).message }, 'trust not applied: a key is unusable; keeping the running list')
    return false
  }
}
