import { pino } from 'pino'
import type { Logger } from 'pino'
import type { Clock, DiscoveryComponents, DiscoveryInit, Timers } from '../types.js'

/** DiscoveryInit with every default filled in. */
export interface Settings {
  trustedKeys: string[]
  maxFrameBytes: number
  maxArtefactBytes: number
  rateLimit: { burst: number, perSecond: number }
  readTimeoutMs: number
  requestTimeoutMs: number
  handlerTimeoutMs: number
  queryTimeoutMs: number
  provideTimeoutMs: number
  announcementTtlMs: number
  announceIntervalMs: number
}

export interface Env {
  logger: Logger
  clock: Clock
  timers: Timers
}

export function resolveSettings (init: DiscoveryInit): Settings {
  return {
    trustedKeys: init.trustedKeys ?? [],
    maxFrameBytes: init.maxFrameBytes ?? 64 * 1024,
    maxArtefactBytes: init.maxArtefactBytes ?? 4 * 1024 * 1024,
    rateLimit: init.rateLimit ?? { burst: 100, perSecond: 50 },
    readTimeoutMs: init.readTimeoutMs ?? 5_000,
    requestTimeoutMs: init.requestTimeoutMs ?? 10_000,
    handlerTimeoutMs: init.handlerTimeoutMs ?? 30_000,
    queryTimeoutMs: init.queryTimeoutMs ?? 5_000,
    provideTimeoutMs: init.provideTimeoutMs ?? 10_000,
    announcementTtlMs: init.announcementTtlMs ?? 30_000,
    announceIntervalMs: init.announceIntervalMs ?? 10_000
  }
}

export function resolveEnv (components: DiscoveryComponents, name: string): Env {
  const base = components.logger ?? pino({ level: 'warn' })
  return {
    logger: base.child({ component: name }),
    clock: components.clock ?? { now: () => Date.now() },
    timers: components.timers ?? {
      setTimeout: (fn, ms) => { const t = setTimeout(fn, ms); t.unref(); return t },
      clearTimeout: (h) => { clearTimeout(h as NodeJS.Timeout) }
    }
  }
}
