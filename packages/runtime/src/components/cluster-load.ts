// The cluster mean without a central controller: every host gossips its own load as the args of a
// runtime-internal announcement (role `parley.load`) on the topic of each IM it runs, and takes the
// mean over the fresh reports it holds (discovery drops announcements older than its TTL) plus its
// own. A cordoned host's load counts in the sum but the host not in the divisor: the mean is what
// every uncordoned host must carry once the drained load is spread (hosts assumed alike in size).
// A host re-publishes when its load moved by more than `epsilon`; discovery also re-sends the
// last report every announceIntervalMs, so reports from live hosts never go stale.
import type { Discovery, Json } from '@parley/discovery'
import type { Logger } from 'pino'

export const LOAD_ROLE = 'parley.load'

export interface LoadReport {
  readonly peer: string
  /** CPU cores used / host cores. */
  readonly load: number
  readonly cpus: number
  readonly cordoned: boolean
  /** Domains the host holds, when its report says (consolidation: is it empty?). */
  readonly domains?: number
}

export function loadReportArgs (load: number, cpus: number, domains: number, cordoned: boolean): Json {
  return { load: round(load), cpus, domains, cordoned }
}

export function parseLoadReport (peer: string, args: Json): LoadReport | null {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return null
  const { load, cpus } = args
  if (typeof load !== 'number' || !Number.isFinite(load) || load < 0 || load > 1000) return null
  if (typeof cpus !== 'number' || !Number.isFinite(cpus) || cpus <= 0) return null
  const domains = args.domains
  return { peer, load, cpus, cordoned: args.cordoned === true, ...(typeof domains === 'number' && Number.isInteger(domains) && domains >= 0 ? { domains } : {}) }
}

export function round (x: number): number {
  return Math.round(x * 1000) / 1000
}

export class ClusterLoad {
  private last: { load: number, cordoned: boolean } | null = null
  private readonly imHashes = new Set<string>()
  private cached: { at: number, reports: LoadReport[] } | null = null

  /**
   * `cacheMs`: how long one read of the announcement tables serves (a large simulated cluster
   * would otherwise scan every report on every sample of every host).
   */
  constructor (private readonly discovery: Discovery, private readonly log: Logger, private readonly now: () => number, private readonly cacheMs = 0, private readonly epsilon = 0.01) {}

  addIm (imHash: string): void { this.imHashes.add(imHash); this.last = null; this.cached = null }
  removeIm (imHash: string): void { this.imHashes.delete(imHash); this.cached = null }

  /** Publishes this host's load when it changed enough (or was never published on an IM). */
  async publish (load: number, cpus: number, domains: number, cordoned: boolean): Promise<void> {
    if (this.last !== null && Math.abs(load - this.last.load) < this.epsilon && this.last.cordoned === cordoned) return
    this.last = { load, cordoned }
    const args = loadReportArgs(load, cpus, domains, cordoned)
    await Promise.all([...this.imHashes].map(async im => {
      try {
        await this.discovery.advertise(im, LOAD_ROLE, args, { awaitDht: false })
      } catch (err) {
        this.last = null
        this.log.debug({ err: (err as Error).message, im }, 'load report not published')
      }
    }))
  }

  /** The freshest report per other peer, over every IM this host runs. */
  reports (): LoadReport[] {
    const now = this.now()
    if (this.cached !== null && now - this.cached.at < this.cacheMs) return this.cached.reports
    const best = new Map<string, { r: LoadReport, at: number }>()
    for (const im of this.imHashes) {
      for (const a of this.discovery.announcements(im, LOAD_ROLE)) {
        if (a.withdrawn || a.peerId === this.discovery.peerId) continue
        const r = parseLoadReport(a.peerId, a.args)
        if (r === null) continue
        const prev = best.get(a.peerId)
        if (prev === undefined || a.receivedAt > prev.at) best.set(a.peerId, { r, at: a.receivedAt })
      }
    }
    const reports = [...best.values()].map(b => b.r)
    this.cached = { at: now, reports }
    return reports
  }

  /** Mean load over the fresh reports and this host's own, per uncordoned host. */
  mean (own: number, ownCordoned = false): { mean: number, reports: number } {
    const rs = this.reports()
    const sum = rs.reduce((s, r) => s + r.load, own)
    const hosts = rs.filter(r => !r.cordoned).length + (ownCordoned ? 0 : 1)
    return { mean: sum / Math.max(1, hosts), reports: rs.length }
  }

  async stop (): Promise<void> {
    await Promise.all([...this.imHashes].map(async im => { await this.discovery.withdraw(im, LOAD_ROLE).catch(() => {}) }))
  }
}
