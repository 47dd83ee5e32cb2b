// One host's view of its load: samples from the hypervisor through the load tracker (CPU cores
// from cpu-time deltas, smoothed over a window), the cluster mean from gossip, and the
// over/under classification with hysteresis. The policy components read it; nothing else decides.
import { HysteresisDetector, LoadTracker } from '@parley/hypervisor'
import type { Clock, DomainLoad, HostLoad, Hypervisor } from '@parley/hypervisor'
import type { Logger } from 'pino'
import type { LoadStatus, PolicyParams } from '../types.js'
import { round } from './cluster-load.js'

export type LoadState = 'over' | 'under' | 'balanced'

export interface Classification {
  readonly state: LoadState
  readonly load: number
  readonly mean: number
  /** Cores to shed to reach the mean (all of them when cordoned). */
  readonly need: number
  /** Cores this host can take before reaching the mean. */
  readonly capacity: number
  /** Cores this host can take before crossing the overload threshold. */
  readonly headroom: number
}

export interface MeanSource {
  mean (own: number, ownCordoned: boolean): { mean: number, reports: number }
}

/** Below this mean the cluster counts as idle: nobody is over or under. */
const IDLE_MEAN = 1e-3

export class LoadModel {
  cordoned: boolean
  private readonly tracker: LoadTracker
  private readonly overD: HysteresisDetector
  private readonly underD: HysteresisDetector
  private latest: HostLoad | null = null
  private sampledAt = -Infinity
  private sampling: Promise<HostLoad> | null = null
  private lastClass: Classification = { state: 'balanced', load: 0, mean: 0, need: 0, capacity: 0, headroom: 0 }
  private reports = 0
  private readonly cooldown = new Map<string, number>()
  /** One migration at a time per host. */
  migrating = false

  constructor (
    private readonly hypervisor: Hypervisor,
    private readonly clock: Clock,
    private readonly params: PolicyParams,
    private readonly cluster: MeanSource,
    private readonly log: Logger,
    cordoned: boolean,
    private readonly onSample: (load: HostLoad) => void = () => {}
  ) {
    this.cordoned = cordoned
    this.tracker = new LoadTracker(params.loadWindowMs)
    this.overD = new HysteresisDetector({ direction: 'above', threshold: params.overloadRatio, sustainMs: params.sustainMs, clearSustainMs: 0 })
    this.underD = new HysteresisDetector({ direction: 'below', threshold: params.underloadRatio, sustainMs: params.sustainMs, clearSustainMs: 0 })
  }

  /** Samples the hypervisor unless a sample is fresher than half the sample interval. */
  async refresh (force = false): Promise<HostLoad> {
    const now = this.clock.now()
    if (!force && this.latest !== null && now - this.sampledAt < this.params.sampleIntervalMs / 2) return this.latest
    if (this.sampling !== null) return await this.sampling
    this.sampling = (async () => {
      try {
        const s = await this.hypervisor.sample()
        this.sampledAt = s.atMs
        const l = this.tracker.observe(s)
        this.latest = l
        this.classify(l)
        this.onSample(l)
        return l
      } finally {
        this.sampling = null
      }
    })()
    return await this.sampling
  }

  get current (): Classification { return this.lastClass }

  /** Cores used by this host's own (not incoming) domains. */
  cores (l: HostLoad | null = this.latest): number {
    return l === null ? 0 : l.domains.reduce((s, d) => s + (d.cpuCores ?? 0), 0)
  }

  cpus (): number { return this.latest?.capacity.cpus ?? 1 }

  /** The live classification, recomputed from the latest sample and the current mean. */
  private classify (l: HostLoad): Classification {
    const cpus = l.capacity.cpus
    const cores = this.cores(l)
    const load = cores / cpus
    const m = this.cluster.mean(load, this.cordoned)
    this.reports = m.reports
    const mean = m.mean
    const need = this.cordoned ? cores : Math.max(0, cores - mean * cpus)
    const capacity = this.cordoned ? 0 : Math.max(0, mean * cpus - cores)
    const headroom = this.cordoned ? 0 : Math.max(0, this.params.overloadRatio * mean * cpus - cores)
    let state: LoadState = 'balanced'
    if (this.cordoned) {
      state = l.domains.length > 0 ? 'over' : 'balanced'
    } else if (l.warmingUp > 0 || mean < IDLE_MEAN || m.reports === 0) {
      // unknown CPU figures, an idle cluster, or no one else heard of: no basis for a decision
      this.overD.reset(); this.underD.reset()
    } else {
      const ratio = load / mean
      const over = this.overD.update(ratio, l.atMs).active && ratio > this.params.overloadRatio
      const under = this.underD.update(ratio, l.atMs).active && ratio < this.params.underloadRatio
      state = over ? 'over' : under ? 'under' : 'balanced'
    }
    this.lastClass = { state, load: round(load), mean: round(mean), need: round(need), capacity: round(capacity), headroom: round(headroom) }
    return this.lastClass
  }

  /** After a move the host must hold its new state for a sustain time again. */
  resetHysteresis (): void {
    this.overD.reset()
    this.underD.reset()
    this.lastClass = { ...this.lastClass, state: 'balanced' }
  }

  coolDown (vm: string): void {
    this.cooldown.set(vm, this.clock.now() + this.params.cooldownMs)
  }

  inCooldown (vm: string): boolean {
    const until = this.cooldown.get(vm)
    if (until === undefined) return false
    if (this.clock.now() >= until) { this.cooldown.delete(vm); return false }
    return true
  }

  /** Domains this host owns with a known CPU figure, not cooling down. */
  movable (): DomainLoad[] {
    return (this.latest?.domains ?? []).filter(d => d.cpuCores !== null && !this.inCooldown(d.name))
  }

  domainCount (): number { return this.latest?.domains.length ?? 0 }

  status (): LoadStatus | null {
    if (this.latest === null) return null
    const c = this.lastClass
    return { load: c.load, mean: c.mean, reports: this.reports, state: c.state, domains: this.latest.domains.length }
  }

  get logger (): Logger { return this.log }
}

/**
 * The VMs to move: best fit of their loads into min(need, capacity), largest first. When none fits,
 * the smallest VM that still lowers the cluster's total deviation from the mean (cores <= need +
 * capacity; a cordoned host skips this test) and keeps the partner below its overload threshold
 * (cores <= headroom). A cordoned host first moves anything that fits the capacity, idle VMs too.
 */
export function pickVms (vms: ReadonlyArray<{ name: string, cores: number }>, need: number, capacity: number, headroom: number, cordoned: boolean): string[] {
  const EPS = 1e-9
  const limit = cordoned ? capacity : Math.min(need, capacity)
  const sorted = [...vms].sort((a, b) => b.cores - a.cores || a.name.localeCompare(b.name))
  const out: string[] = []
  let left = limit
  for (const v of sorted) {
    if (!cordoned && v.cores <= 0) continue
    if (v.cores <= left + EPS) { out.push(v.name); left -= v.cores }
  }
  if (out.length > 0) return out
  const fallback = [...sorted].reverse().find(v => (cordoned || (v.cores > 0 && v.cores <= need + capacity + EPS)) && v.cores <= headroom + EPS)
  return fallback === undefined ? [] : [fallback.name]
}
