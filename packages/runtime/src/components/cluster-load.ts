// The cluster mean without a central controller, by one of two estimators (PolicyParams.meanEstimator):
//
// - 'reports': every host gossips its own load as the args of a runtime-internal announcement (role
//   `parley.load`) on the topic of each IM it runs, and takes the mean over the fresh reports it
//   holds (discovery drops announcements older than its TTL) plus its own. Exact, and the per-host
//   reports are there for dashboards, but every host hears every other: O(N) per host per round.
//   A host re-publishes when its load moved by more than `epsilon`; discovery also re-sends the
//   last report every announceIntervalMs, so reports from live hosts never go stale.
// - 'push-sum': gossip averaging over /parley/load/1 (load-exchange.ts, push-sum.ts): one exchange
//   per host per sample interval, whatever the cluster's size. No per-host reports.
// - 'auto': reports while the cluster is small; from `autoHosts` hosts on (as listed by discovery,
//   counted from the reports, or estimated by push-sum's size sketch) push-sum. A cluster that
//   grows past the threshold runs both until push-sum has mixed, then withdraws its reports; one
//   that shrinks below 3/4 of it publishes them again. Hosts still on reports answer exchanges.
//
// Either way a cordoned host's load counts in the sum but the host not in the divisor: the mean is
// what every uncordoned host must carry once the drained load is spread (hosts assumed alike in size).
//
// A VM this host sent counts, in this host's own mean, on its new host until that host's report
// shows it (or a few sample intervals passed): the source knows its own load at once, but the
// destination reports the VM a moment later, and meanwhile the sum lacks it. A source still above
// its band that went on at once judged its next move against a mean too low by the VM's share and
// pushed itself under the band (fig. 3, seed 27).
import type { Discovery, Json } from '@parley/discovery'
import type { Logger } from 'pino'
import type { MeanEstimator } from '../types.js'
import { LoadExchange } from './load-exchange.js'

export const LOAD_ROLE = 'parley.load'

export interface LoadReport {
  readonly peer: string
  /** CPU cores used / host cores. */
  readonly load: number
  readonly cpus: number
  readonly cordoned: boolean
  /** Domains the host holds, when its report says (consolidation: is it empty?). */
  readonly domains?: number
  /**
   * Cores of the largest VM the host can move now and stay at or above its lower band, when its
   * report says: the most one move from it can carry (pick.ts counts partners' moves in it).
   */
  readonly movable?: number
}

// The load goes out at full precision: every host takes the mean over these reports and judges its
// own band against it, and reports rounded to 0.001 (0.4 % of a mean load of 0.25) made a host at
// 120.06 % of the true mean read as in band (fig. 3, seed 181).
export function loadReportArgs (load: number, cpus: number, domains: number, cordoned: boolean, movable: number | null = null): Json {
  return { load, cpus, domains, cordoned, ...(movable === null ? {} : { movable }) }
}

export function parseLoadReport (peer: string, args: Json): LoadReport | null {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return null
  const { load, cpus } = args
  if (typeof load !== 'number' || !Number.isFinite(load) || load < 0 || load > 1000) return null
  if (typeof cpus !== 'number' || !Number.isFinite(cpus) || cpus <= 0) return null
  const { domains, movable } = args
  return {
    peer, load, cpus, cordoned: args.cordoned === true,
    ...(typeof domains === 'number' && Number.isInteger(domains) && domains >= 0 ? { domains } : {}),
    ...(typeof movable === 'number' && Number.isFinite(movable) && movable >= 0 && movable <= cpus ? { movable } : {})
  }
}

/** For display only (logs, role terms): never round a figure the policy compares. */
export function round (x: number): number {
  return Math.round(x * 1000) / 1000
}

export interface ClusterLoadOptions {
  /** Default 'reports'. */
  readonly estimator?: MeanEstimator
  /** Hosts from which 'auto' uses push-sum (default 200). */
  readonly autoHosts?: number
  /** The agents' sample interval: one push-sum exchange each; epochs and warm-up are multiples (default 1,000 ms). */
  readonly sampleIntervalMs?: number
  /** How long one read of the announcement tables serves (a large cluster would otherwise scan every report on every sample). */
  readonly cacheMs?: number
  /** Smallest load change worth a new report (default 0.01). */
  readonly epsilon?: number
}

/** Push-sum timing in sample intervals: restart period, warm-up, exchanges before warm, view refills. */
const EPOCH_INTERVALS = 30
const WARM_INTERVALS = 12
const MIN_CONTACTS = 5
const REFILL_INTERVALS = 30

type Source = 'reports' | 'warming' | 'push-sum'

/** Sample intervals after which a VM sent counts no longer on its new host unless the report shows it. */
const TRANSIT_INTERVALS = 3

/** A VM this host sent: `share` of the destination's load, on top of its report of load `before`. */
interface Transit { readonly peer: string, readonly share: number, readonly before: number, readonly until: number }

export class ClusterLoad {
  private last: { load: number, cordoned: boolean, movable: number | null } | null = null
  /** This host's LoadReport.movable, as its load model last saw it (goes out with the report). */
  private movable: number | null = null
  private band: readonly [number, number] | null = null
  private readonly imHashes = new Set<string>()
  private cached: { at: number, reports: LoadReport[] } | null = null
  private readonly estimator: MeanEstimator
  private readonly exchange: LoadExchange | null
  private source: Source
  private decided = false
  /** parley.load announcements went out since the last withdrawal. */
  private published = false
  private readonly cacheMs: number
  private readonly epsilon: number
  private readonly autoHosts: number
  private readonly sampleIntervalMs: number
  private transits: Transit[] = []

  constructor (private readonly discovery: Discovery, private readonly log: Logger, private readonly now: () => number, o: ClusterLoadOptions = {}) {
    this.estimator = o.estimator ?? 'reports'
    this.cacheMs = o.cacheMs ?? 0
    this.epsilon = o.epsilon ?? 0.01
    this.autoHosts = o.autoHosts ?? 200
    const interval = o.sampleIntervalMs ?? 1000
    this.sampleIntervalMs = interval
    this.exchange = this.estimator === 'reports'
      ? null
      : new LoadExchange(discovery, log, now, {
        intervalMs: interval,
        epochMs: EPOCH_INTERVALS * interval,
        warmMs: WARM_INTERVALS * interval,
        minContacts: MIN_CONTACTS,
        refillMs: REFILL_INTERVALS * interval
      })
    this.source = this.estimator === 'push-sum' ? 'push-sum' : 'reports'
  }

  /** Serves /parley/load/1 (push-sum and auto). */
  async start (): Promise<void> { await this.exchange?.start() }

  addIm (imHash: string): void { this.imHashes.add(imHash); this.last = null; this.cached = null }
  removeIm (imHash: string): void { this.imHashes.delete(imHash); this.cached = null }

  /** Where the mean comes from now. */
  get using (): 'reports' | 'push-sum' { return this.source === 'push-sum' ? 'push-sum' : 'reports' }

  /**
   * Called once per sample: starts this interval's push-sum exchange, and publishes this host's
   * load report when it changed enough (or was never published on an IM) unless on push-sum.
   */
  async publish (load: number, cpus: number, domains: number, cordoned: boolean): Promise<void> {
    this.exchange?.observe(load, cordoned)
    this.decide()
    if (this.source !== 'reports') this.exchange?.tick()
    if (this.source === 'push-sum') { await this.withdrawReports(); return }
    const movable = this.movable
    const same = this.last !== null && Math.abs(load - this.last.load) < this.epsilon && this.last.cordoned === cordoned &&
      (movable === null || (this.last.movable !== null && Math.abs(movable - this.last.movable) < this.epsilon * cpus)) &&
      !this.crossedEdge(this.last.load, load, cordoned)
    if (same) return
    this.last = { load, cordoned, movable }
    this.published = true
    const args = loadReportArgs(load, cpus, domains, cordoned, movable)
    await Promise.all([...this.imHashes].map(async im => {
      try {
        await this.discovery.advertise(im, LOAD_ROLE, args, { awaitDht: false })
      } catch (err) {
        this.last = null
        this.log.debug({ err: (err as Error).message, im }, 'load report not published')
      }
    }))
  }

  /** The freshest report per other peer, over every IM this host runs (none from hosts on push-sum). */
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

  /**
   * Mean load per uncordoned host, with this host's own load; `reports` is how many other hosts it
   * stands for (0: no basis yet, e.g. push-sum has not mixed).
   */
  mean (own: number, ownCordoned = false): { mean: number, reports: number } {
    this.exchange?.observe(own, ownCordoned)
    if (this.exchange !== null && this.source === 'push-sum') {
      const e = this.exchange.estimate()
      return { mean: e.mean, reports: e.warm ? Math.max(1, Math.round(e.size) - 1) : 0 }
    }
    const rs = this.reports()
    const sum = rs.reduce((s, r) => s + r.load, own) + this.inTransit(rs)
    const hosts = rs.filter(r => !r.cordoned).length + (ownCordoned ? 0 : 1)
    return { mean: sum / Math.max(1, hosts), reports: rs.length }
  }

  /** The host's band, as fractions of the mean (its policy's thresholds): see crossedEdge. */
  setBand (low: number, high: number): void { this.band = [low, high] }

  /**
   * Whether the load moved across an edge of the band since the last report, however little: other
   * hosts read this host's band from its report, and one that read it a hair under its band (a VM
   * that arrived measures a little above what its source measured) waited for it to take load it
   * never advertised for: the hosts below the mean held back from absorbing, and 14 hosts of 150
   * stayed over the band.
   */
  private crossedEdge (last: number, load: number, cordoned: boolean): boolean {
    if (this.band === null || cordoned) return false
    const rs = this.reports()
    const hosts = rs.filter(r => !r.cordoned).length + 1
    const mean = rs.reduce((s, r) => s + r.load, load) / hosts
    return this.band.some(f => (last < f * mean) !== (load < f * mean))
  }

  /** This host's LoadReport.movable now: its next report says it. */
  noteMovable (cores: number): void { this.movable = cores }

  /** This host sent a VM of `cores` to `peer` just now (see the header). */
  sent (peer: string, cores: number): void {
    if (this.source === 'push-sum') return
    const r = this.reports().find(x => x.peer === peer)
    if (r === undefined || !(cores > 0)) return
    if (this.transits.length >= 64) this.transits.shift()
    // the destination's report before the VM, counted with what it took since the last one
    const before = r.load + this.transits.filter(t => t.peer === peer).reduce((s, t) => s + t.share, 0)
    this.transits.push({ peer, share: cores / r.cpus, before, until: this.now() + TRANSIT_INTERVALS * this.sampleIntervalMs })
    this.cached = null
  }

  /** Load the reports lack: VMs this host sent that their new host's report does not show yet. */
  private inTransit (rs: readonly LoadReport[]): number {
    if (this.transits.length === 0) return 0
    const now = this.now()
    this.transits = this.transits.filter(t => {
      const r = rs.find(x => x.peer === t.peer)
      return r !== undefined && now < t.until && r.load < t.before + t.share - 1e-9
    })
    let extra = 0
    for (const t of this.transits) {
      const r = rs.find(x => x.peer === t.peer) as LoadReport
      extra += Math.min(t.share, t.before + t.share - r.load)
    }
    return extra
  }

  /** Hosts in the cluster: counted from the reports, or estimated (push-sum's sketch, discovery's listing). */
  hosts (): number {
    const counted = this.reports().length + 1
    if (this.exchange === null) return counted
    const e = this.exchange.estimate()
    return Math.max(counted, e.warm ? Math.round(e.size) : this.exchange.listed())
  }

  async stop (): Promise<void> {
    await this.withdrawReports()
    await this.exchange?.stop()
  }

  /** 'auto': pick the source by cluster size, with hysteresis (see the header). */
  private decide (): void {
    if (this.estimator !== 'auto') return
    const size = this.hosts()
    const big = size >= this.autoHosts
    const small = size < 0.75 * this.autoHosts
    const was = this.source
    if (!this.decided) {
      this.decided = true
      this.source = big ? 'push-sum' : 'reports'
    } else if (this.source === 'reports' && big) {
      this.source = 'warming'
    } else if (this.source !== 'reports' && small) {
      this.source = 'reports'
      this.last = null
    } else if (this.source === 'warming' && this.exchange?.estimate().warm === true) {
      this.source = 'push-sum'
    }
    if (this.source !== was) this.log.info({ hosts: size, from: was, to: this.source }, 'cluster mean estimator changed')
  }

  private async withdrawReports (): Promise<void> {
    if (!this.published) return
    this.published = false
    this.last = null
    await Promise.all([...this.imHashes].map(async im => { await this.discovery.withdraw(im, LOAD_ROLE).catch(() => {}) }))
  }
}
