// The cluster mean without a central controller: every host gossips its own load as the args of a
// runtime-internal announcement (role `parley.load`) on the topic of each IM it runs, and takes the
// mean over the fresh reports it holds (discovery drops announcements older than its TTL) plus its
// own. A host re-publishes when its load moved by more than `epsilon`; discovery also re-sends the
// last report every announceIntervalMs, so reports from live hosts never go stale.
import type { Discovery, Json } from '@parley/discovery'
import type { Logger } from 'pino'

export const LOAD_ROLE = 'parley.load'

export interface LoadReport {
  readonly peer: string
  /** CPU cores used / host cores. */
  readonly load: number
  readonly cpus: number
}

export function loadReportArgs (load: number, cpus: number, domains: number): Json {
  return { load: round(load), cpus, domains }
}

export function parseLoadReport (peer: string, args: Json): LoadReport | null {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return null
  const { load, cpus } = args
  if (typeof load !== 'number' || !Number.isFinite(load) || load < 0 || load > 1000) return null
  if (typeof cpus !== 'number' || !Number.isFinite(cpus) || cpus <= 0) return null
  return { peer, load, cpus }
}

export function round (x: number): number {
  return Math.round(x * 1000) / 1000
}

export class ClusterLoad {
  private last: number | null = null
  private readonly imHashes = new Set<string>()

  constructor (private readonly discovery: Discovery, private readonly log: Logger, private readonly epsilon = 0.01) {}

  addIm (imHash: string): void { this.imHashes.add(imHash); this.last = null }
  removeIm (imHash: string): void { this.imHashes.delete(imHash) }

  /** Publishes this host's load when it changed enough (or was never published on an IM). */
  async publish (load: number, cpus: number, domains: number): Promise<void> {
    if (this.last !== null && Math.abs(load - this.last) < this.epsilon) return
    this.last = load
    const args = loadReportArgs(load, cpus, domains)
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
    return [...best.values()].map(b => b.r)
  }

  /** Mean load over the fresh reports and this host's own. */
  mean (own: number): { mean: number, reports: number } {
    const rs = this.reports()
    const sum = rs.reduce((s, r) => s + r.load, own)
    return { mean: sum / (rs.length + 1), reports: rs.length }
  }

  async stop (): Promise<void> {
    await Promise.all([...this.imHashes].map(async im => { await this.discovery.withdraw(im, LOAD_ROLE).catch(() => {}) }))
  }
}
