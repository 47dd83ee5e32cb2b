// One host's view of its load: samples from the hypervisor through the load tracker (CPU cores
// from cpu-time deltas, smoothed over a window), the cluster mean from gossip, and the
// over/under classification with hysteresis. The policy components read it; nothing else decides.
import { HysteresisDetector, LoadTracker } from '@parley/hypervisor'
import type { Clock, DomainLoad, HostLoad, Hypervisor } from '@parley/hypervisor'
import type { Json } from '@parley/discovery'
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
  /** Cores above the overload threshold (0 when not above). */
  readonly excess: number
  /** Cores this host can shed and stay at or above the underload threshold. */
  readonly slack: number
  /** Cores this host needs to reach the underload threshold (0 when not below). */
  readonly shortfall: number
}

export interface MeanSource {
  mean (own: number, ownCordoned: boolean): { mean: number, reports: number }
  /** Every other host's load, when the estimator gossips per-host reports ('reports'). */
  reports?: () => ReadonlyArray<{ readonly peer?: string, readonly load: number, readonly cpus?: number, readonly cordoned: boolean, readonly domains?: number, readonly movable?: number }>
  readonly using?: 'reports' | 'push-sum'
  /** This host sent a VM of `cores` to `peer`: count it there until its report shows it. */
  sent?: (peer: string, cores: number) => void
  /** This host's largest movable VM (see largestMovable), for its report. */
  noteMovable?: (cores: number) => void
  /** The band's edges as fractions of the mean: a report goes out when the load crosses one. */
  setBand?: (low: number, high: number) => void
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
  private lastClass: Classification = { state: 'balanced', load: 0, mean: 0, need: 0, capacity: 0, headroom: 0, excess: 0, slack: 0, shortfall: 0 }
  private reports = 0
  private readonly cooldown = new Map<string, number>()
  private readonly expected = new Map<string, number>()
  /** Partners no VM of this host fitted, with their headroom then, until this host's VMs change. */
  private readonly futile = new Map<string, { headroom: number, until: number }>()
  /** This host's migration/2 runs now (one at a time per host). */
  migrating = false
  /** Bumped whenever the host's VMs changed through a move: state that depended on them is void. */
  generation = 0
  private basis = false
  /** See largestOwnMovable: what this host's report says as `movable`. */
  private ownMovable = 0
  private known = false

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
    cluster.setBand?.(params.underloadRatio, params.overloadRatio)
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
        for (const vm of this.expected.keys()) {
          const d = l.domains.find(x => x.name === vm)
          if (d === undefined || d.cpuCores !== null) this.expected.delete(vm)
        }
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

  /** The next refresh samples anew: the host's situation changed (cordon) since the last one. */
  invalidate (): void { this.sampledAt = -Infinity }

  /**
   * Cores used by this host's own (not incoming) domains. A VM that just arrived counts with the
   * cores its source measured until its own figure is known: read as idle, it would make this host,
   * and through its report the cluster mean, look lighter than it is, and other hosts shed too much.
   */
  cores (l: HostLoad | null = this.latest): number {
    return l === null ? 0 : l.domains.reduce((s, d) => s + (d.cpuCores ?? this.expected.get(d.name) ?? 0), 0)
  }

  /** The cores `vm` counts with until measured here (see expect), if it just arrived. */
  expectedCores (vm: string): number | undefined { return this.expected.get(vm) }

  /** `vm` arrived here using `cores` on its source: count that until it is measured here. */
  expect (vm: string, cores: number): void {
    if (this.expected.size >= 1024) this.expected.clear()
    this.expected.set(vm, cores)
  }

  cpus (): number { return this.latest?.capacity.cpus ?? 1 }

  /**
   * Cores of the largest VM any host can move now and stay at or above its lower band, from the load
   * reports and this host's own VMs: the most one move can still bring a host under its band
   * (pick.ts counts the moves a partner still needs in it). A large VM on a host near its lower
   * band does not count: it cannot go anywhere.
   */
  largestMovable (): number {
    return (this.cluster.reports?.() ?? []).reduce((m, r) => Math.max(m, r.movable ?? 0), this.ownMovable)
  }

  /** Cores of this host's largest VM it can move now (not cooling down) and keep `slack`; any when cordoned. */
  private largestOwnMovable (slack: number): number {
    let best = 0
    for (const d of this.movable()) {
      const cores = d.cpuCores ?? 0
      if ((this.cordoned || cores <= slack + 1e-9) && cores > best) best = cores
    }
    return best
  }

  /**
   * Every other host the load reports show under the underload threshold, with the figures it would
   * advertise as a partner (capacity, headroom, shortfall, in cores); none without reports.
   */
  underloadedPeers (): Array<{ peer: string, capacity: number, headroom: number, shortfall: number }> {
    const mean = this.lastClass.mean
    const p = this.params
    const out: Array<{ peer: string, capacity: number, headroom: number, shortfall: number }> = []
    if (this.cluster.using !== 'reports' || !(mean > 0)) return out
    for (const r of this.cluster.reports?.() ?? []) {
      if (r.cordoned || r.peer === undefined || !(r.load < p.underloadRatio * mean)) continue
      const cpus = r.cpus ?? this.cpus()
      const cores = r.load * cpus
      out.push({ peer: r.peer, capacity: Math.max(0, mean * cpus - cores), headroom: Math.max(0, p.overloadRatio * mean * cpus - cores), shortfall: p.underloadRatio * mean * cpus - cores })
    }
    return out
  }

  /** This host moved `vm` of `cores` to `peer` (the mean counts it there until the peer reports it). */
  sent (peer: string, cores: number): void { this.cluster.sent?.(peer, cores) }

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
    const excess = Math.max(0, cores - this.params.overloadRatio * mean * cpus)
    const slack = Math.max(0, cores - this.params.underloadRatio * mean * cpus)
    const shortfall = Math.max(0, this.params.underloadRatio * mean * cpus - cores)
    let state: LoadState = 'balanced'
    let decided = false
    this.known = l.warmingUp <= l.domains.filter(d => d.cpuCores === null && this.expected.has(d.name)).length
    if (this.cordoned) {
      state = l.domains.length > 0 ? 'over' : 'balanced'
    } else if (!this.known || mean < IDLE_MEAN || m.reports === 0) {
      // unknown CPU figures, an idle cluster, or no one else heard of: no basis for a decision
      this.overD.reset(); this.underD.reset()
    } else {
      decided = true
      const ratio = load / mean
      const over = this.overD.update(ratio, l.atMs).active && ratio > this.params.overloadRatio
      const under = this.underD.update(ratio, l.atMs).active && ratio < this.params.underloadRatio
      state = over ? 'over' : under ? 'under' : 'balanced'
    }
    this.basis = decided
    this.ownMovable = this.largestOwnMovable(slack)
    this.cluster.noteMovable?.(this.ownMovable)
    // unrounded: the band tests, the picks and the figures partners advertise compare these exactly
    this.lastClass = { state, load, mean, need, capacity, headroom, excess, slack, shortfall }
    return this.lastClass
  }

  /** No VM of this host fitted `peer` (advertising `headroom`): do not invite it again soon. */
  noteFutile (peer: string, headroom: number): void {
    this.futile.set(peer, { headroom, until: this.clock.now() + 8 * this.params.sampleIntervalMs })
  }

  /** Set by the policy components: whether to pass over a candidate partner (see partner-choice.ts). */
  candidateFilter: ((peer: string, args: Json | undefined) => boolean) | null = null

  /** Whether the coordinator of this host's search should pass over `peer`, advertising `args`. */
  skipCandidate (peer: string, args: Json | undefined): boolean {
    if (this.candidateFilter !== null) return this.candidateFilter(peer, args)
    const headroom = typeof args === 'object' && args !== null && !Array.isArray(args) && typeof args.headroom === 'number' ? args.headroom : Infinity
    return this.isFutile(peer, headroom)
  }

  /** Whether inviting `peer` (advertising `headroom`) would fail like last time. */
  isFutile (peer: string, headroom: number): boolean {
    const f = this.futile.get(peer)
    if (f === undefined) return false
    if (this.clock.now() >= f.until) { this.futile.delete(peer); return false }
    return headroom <= f.headroom + 1e-9
  }

  /** Whether the last classification had a basis: CPU figures known, others heard of, load to balance. */
  get decided (): boolean { return this.basis }

  /** Whether every VM's CPU figure was known at the last sample (measured here, or its source's). */
  get measured (): boolean { return this.known }

  /**
   * Whether another host is above the overload threshold or draining, from the per-host load
   * reports; null when the mean comes without them (push-sum) and nobody can tell.
   */
  othersOverloaded (): boolean | null {
    if (this.cluster.using !== 'reports' || this.cluster.reports === undefined) return null
    const limit = this.params.overloadRatio * this.lastClass.mean
    return this.cluster.reports().some(r => r.cordoned ? r.load > 0 : r.load > limit + 1e-9)
  }

  /** Whether the load reports show a cordoned host that still holds VMs (idle ones too); null without reports. */
  othersDraining (): boolean | null {
    if (this.cluster.using !== 'reports' || this.cluster.reports === undefined) return null
    return this.cluster.reports().some(r => r.cordoned && ((r.domains ?? 0) > 0 || r.load > 0))
  }

  /** Whether the load reports show another host under the underload threshold; null without reports. */
  othersUnderloaded (): boolean | null {
    if (this.cluster.using !== 'reports' || this.cluster.reports === undefined) return null
    const limit = this.params.underloadRatio * this.lastClass.mean
    return this.cluster.reports().some(r => !r.cordoned && r.load < limit - 1e-9)
  }

  /** How many other hosts the load reports show overloaded and more loaded than this one; null without reports. */
  overloadRank (): number | null {
    if (this.cluster.using !== 'reports' || this.cluster.reports === undefined) return null
    const limit = this.params.overloadRatio * this.lastClass.mean
    const own = this.lastClass.load
    return this.cluster.reports().filter(r => !r.cordoned && r.load > limit + 1e-9 && r.load > own + 1e-9).length
  }

  /** Live migrations in flight on this host now, in or out, whoever started them. */
  async migrationsInFlight (): Promise<number> {
    return (await this.hypervisor.list()).filter(d => d.migrating !== undefined).length
  }

  /**
   * After a move the host must hold its new state for a sustain time again. The source of a move
   * (`shed`) keeps its overload detector: shedding load cannot have made it overloaded, and one
   * still above the band after a refresh goes on shedding without a new wait. While another host
   * drains, a host keeps its underload detector too: the drained load has to go somewhere, and a
   * new sustain wait after each VM it took made a drain wait for its partners after nearly every
   * VM (pnpm bench drain-vs-virsh); one no longer under after a refresh stops at once.
   */
  resetHysteresis (shed = false): void {
    this.generation++
    this.futile.clear() // its VMs changed: every partner is worth a new try
    if (!shed) this.overD.reset()
    if (!this.peerDraining()) this.underD.reset()
    if (!shed) this.lastClass = { ...this.lastClass, state: 'balanced' }
  }

  /** Whether the load reports show a cordoned host still carrying load (a drain in progress). */
  private peerDraining (): boolean {
    if (this.cordoned || this.cluster.reports === undefined) return false
    return this.cluster.reports().some(r => r.cordoned && r.load > 0)
  }

  coolDown (vm: string): void {
    const now = this.clock.now()
    if (this.cooldown.size >= 1024) for (const [k, until] of this.cooldown) if (now >= until) this.cooldown.delete(k)
    this.cooldown.set(vm, now + this.params.cooldownMs)
  }

  inCooldown (vm: string): boolean {
    const until = this.cooldown.get(vm)
    if (until === undefined) return false
    if (this.clock.now() >= until) { this.cooldown.delete(vm); return false }
    return true
  }

  /**
   * Domains this host owns with a known CPU figure, not cooling down. A cordoned host ignores the
   * cooldown: the operator wants every VM out, and a VM that just arrived would hold the drain up.
   */
  movable (): DomainLoad[] {
    return (this.latest?.domains ?? []).filter(d => d.cpuCores !== null && (this.cordoned || !this.inCooldown(d.name)))
  }

  /** movable() as the VM pickers take it: name and cores. */
  movableVms (): Array<{ name: string, cores: number }> {
    return this.movable().map(d => ({ name: d.name, cores: d.cpuCores ?? 0 }))
  }

  domainCount (): number { return this.latest?.domains.length ?? 0 }

  status (): LoadStatus | null {
    if (this.latest === null) return null
    const c = this.lastClass
    // rounded for display (status API, dashboard); the policy reads the exact figures
    return { load: round(c.load), mean: round(c.mean), reports: this.reports, state: c.state, domains: this.latest.domains.length }
  }

  get logger (): Logger { return this.log }
  get policy (): PolicyParams { return this.params }
}
