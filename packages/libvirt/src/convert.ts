// Numeric libvirt enums and typed parameters -> the package's string unions and named fields.
import type { CloseReason, DomainInfo, DomainStatsOptions, StatsGroup, DomainState, JobStats, JobType, LifecycleEvent, LifecycleEventType, NodeCpuStats } from './types.js'
import type { NativeDomainInfo, NativeLifecycleEvent, NativeParams } from './native.js'

const states: DomainState[] = ['nostate', 'running', 'blocked', 'paused', 'shutdown', 'shutoff', 'crashed', 'pmsuspended']
const jobTypes: JobType[] = ['none', 'bounded', 'unbounded', 'completed', 'failed', 'cancelled']
const lifecycle: LifecycleEventType[] = ['defined', 'undefined', 'started', 'suspended', 'resumed', 'stopped', 'shutdown', 'pmsuspended', 'crashed']
const closeReasons: CloseReason[] = ['error', 'eof', 'keepalive', 'client']

export function domainState (n: number): DomainState {
  return states[n] ?? 'nostate'
}

export function domainInfo (i: NativeDomainInfo): DomainInfo {
  return { ...i, state: domainState(i.state) }
}

export function lifecycleEvent (e: NativeLifecycleEvent): LifecycleEvent | null {
  const event = lifecycle[e.event]
  return event === undefined ? null : { domain: e.domain, uuid: e.uuid, event, detail: e.detail }
}

export function closeReason (n: number): CloseReason {
  return closeReasons[n] ?? 'unknown'
}

export function nodeCpuStats (raw: Record<string, number>): NodeCpuStats {
  return { kernelNs: raw.kernel ?? 0, userNs: raw.user ?? 0, idleNs: raw.idle ?? 0, iowaitNs: raw.iowait ?? 0 }
}

// VIR_DOMAIN_JOB_* typed parameter names -> JobStats fields.
const jobFields: Array<[string, keyof JobStats]> = [
  ['time_elapsed', 'timeElapsedMs'],
  ['data_total', 'dataTotal'],
  ['data_processed', 'dataProcessed'],
  ['data_remaining', 'dataRemaining'],
  ['memory_total', 'memTotal'],
  ['memory_processed', 'memProcessed'],
  ['memory_remaining', 'memRemaining'],
  ['memory_bps', 'memBps'],
  ['downtime', 'downtimeMs']
]

export function jobStats (type: number, params: NativeParams): JobStats {
  const out: JobStats = { ...params, type: jobTypes[type] ?? 'none' }
  for (const [raw, field] of jobFields) {
    const v = params[raw]
    if (typeof v === 'number') out[field] = v
  }
  return out
}

const statsBits: Record<StatsGroup, number> = {
  state: 1, cpu: 2, balloon: 4, vcpu: 8, interface: 16, block: 32, perf: 64, iothread: 128, memory: 256, dirtyrate: 512, vm: 1024
}
const STATS_ACTIVE = 1 // VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE
const STATS_NOWAIT = 1 << 29 // VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT

export function statsRequest (o: DomainStatsOptions): { stats: number, flags: number } {
  let stats = 0
  for (const g of o.groups ?? []) {
    const bit = statsBits[g]
    if (bit === undefined) throw new TypeError(`getAllDomainStats: unknown stats group '${String(g)}' (one of ${Object.keys(statsBits).join(', ')})`)
    stats |= bit
  }
  const flags = (o.nowait === true ? STATS_NOWAIT : 0) | (o.activeOnly === true ? STATS_ACTIVE : 0)
  return { stats, flags }
}
