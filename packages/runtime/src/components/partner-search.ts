// When a host looks for a partner, and when it rests instead: the decisions of ims/balance.lcc
// beyond the paper's thresholds.
//   * turn (isOverLoaded/0): where the per-host load reports tell (the 'reports' mean estimator),
//     the k-th most loaded overloaded host waits k sustain times before it offers, so the most
//     loaded go first, as the central greedy balancer's do; a draining host does not queue;
//   * back-off (noPartner/1): a search that found no partner makes the host rest before it plays a
//     partner-seeking role again: 1, 2, 4, then 8 sample intervals while searches keep failing,
//     cut short as soon as a host newly advertises the awaited role; a draining host rests at most
//     DRAIN_REST_MS, and a partner that announces the role anew also ends its rest;
//   * relief (canRelieve/2): a host in band but above the mean offers load to a host advertising
//     `underloaded` with a shortfall, that nobody overloaded serves. While the reports show a host
//     overloaded or draining, or without reports (push-sum), it waits RELIEF_DEFER sustain times
//     more. Either way it waits longer the closer it is to the mean (1 to 5 sustain times), so of
//     the hosts above the mean the most loaded comes first; and a host whose best move would leave
//     the underloaded host still under its band waits behind every host whose move fills it (one
//     VM that fills the hole, not several small ones from the hosts nearest the band);
//   * absorb (canAbsorb/1): where the reports show a host overloaded and none underloaded, a host in
//     band but below the mean offers to take load, as an underloaded host would, after the same
//     kind of wait (shorter the nearer it is to its lower band). Overloaded hosts fill hosts under
//     the band only to the band, so without this the last overloaded host may find every host at
//     or above 80 %: the one host the paper's fig. 3 leaves out of band, or several. Where they
//     show a host draining, any host not overloaded offers too, after one sustain time: in an idle
//     cluster nobody is underloaded, and a drained host's idle VMs would find no taker.
// A move changes the host's VMs (LoadModel.generation): the back-off and the waits start afresh.
import type { Json } from '@parley/discovery'
import type { Clock } from '@parley/hypervisor'
import type { PolicyParams } from '../types.js'
import type { LoadModel } from './load-model.js'

/** The peers that advertise `role` of the IM `im` now, with the args they advertise and when their
 * announcement arrived (fresh gossip). */
export type AdvertisedFn = (im: string, role: string) => ReadonlyArray<{ readonly peer: string, readonly args: Json, readonly receivedAt?: number }>

const MAX_DOUBLINGS = 3
/** How long a cordoned host rests, at most, after a search that found no partner. */
export const DRAIN_REST_MS = 150
/** A relief host just above the mean waits this many sustain times more than one near the band. */
const RELIEF_SPREAD = 4
/**
 * Sustain times a relief host waits on top while a host is, or may be, overloaded: that host comes
 * first, unless no VM of it fits the underloaded host, which then stays unserved that long.
 */
const RELIEF_DEFER = 5
/** Sample intervals without an advertiser after which the relief wait starts over. */
const GAP_INTERVALS = 2

/** The cores an advertised host needs to reach its lower band, as it advertises them (0 if not said). */
export function shortfallOf (args: Json): number {
  return typeof args === 'object' && args !== null && !Array.isArray(args) && typeof args.shortfall === 'number' ? args.shortfall : 0
}

/**
 * The shortfall under which relief leaves a host alone: 0.01 % of the mean host's cores, float noise.
 * The load figures are exact (cluster-load.ts), so a host under its band by more is out of it: it
 * was 0.25 % while reports were rounded to 0.001, and two hosts at 79.9 % stayed out (fig. 3 seed 1213).
 */
export function reliefFloor (m: LoadModel): number {
  return 0.0001 * m.current.mean * m.cpus()
}

interface Rest { readonly until: number, readonly since: number, readonly im: string, readonly role: string, readonly seen: ReadonlySet<string> }

export class PartnerSearch {
  private misses = 0
  private rest: Rest | null = null
  private reliefSince: number | null = null
  private reliefSeen = -Infinity
  private absorbSince: number | null = null
  private overSince: number | null = null
  private generation = -1

  constructor (
    private readonly model: LoadModel,
    private readonly clock: Clock,
    private readonly params: PolicyParams,
    private readonly advertised: AdvertisedFn | undefined,
    /** Whether this host's best move to a partner advertising these args brings it in band. */
    private readonly fills?: (args: Json) => boolean
  ) {}

  private sync (): void {
    if (this.generation === this.model.generation) return
    this.generation = this.model.generation
    this.misses = 0
    this.rest = null
    this.reliefSince = null
    this.absorbSince = null
  }

  /** No partner playing `role` of `im` took this host's offer, or came: rest before trying again. */
  noPartner (im: string | null, role: string): void {
    this.sync()
    const now = this.clock.now()
    // a drain rests briefly: the partners re-advertise as soon as they took a VM
    const ms = this.model.cordoned
      ? Math.min(DRAIN_REST_MS, this.params.sampleIntervalMs)
      : this.params.sampleIntervalMs * 2 ** Math.min(this.misses, MAX_DOUBLINGS)
    this.misses = Math.min(this.misses + 1, MAX_DOUBLINGS)
    const seen = new Set(im === null || this.advertised === undefined ? [] : this.advertised(im, role).map(a => a.peer))
    this.rest = { until: now + ms, since: now, im: im ?? '', role, seen }
  }

  /** Whether an overloaded host may offer its load now (its turn; see the header). */
  overloadTurn (): boolean {
    this.sync()
    const rank = this.model.overloadRank()
    const now = this.clock.now()
    if (this.model.current.state !== 'over') { this.overSince = null; return false }
    this.overSince ??= now
    if (rank === null || rank === 0 || this.model.cordoned) return true // a drain does not queue
    return now - this.overSince >= rank * Math.max(this.params.sustainMs, this.params.sampleIntervalMs)
  }

  /** Whether the host rests after a failed search (a new advertiser of the awaited role ends it). */
  resting (): boolean {
    this.sync()
    const r = this.rest
    if (r === null) return false
    // a new advertiser; for a draining host also one that announced anew since the rest began
    const cordoned = this.model.cordoned
    const fresh = r.im !== '' && this.advertised !== undefined && this.advertised(r.im, r.role)
      .some(a => !r.seen.has(a.peer) || (cordoned && a.receivedAt !== undefined && a.receivedAt > r.since))
    if (this.clock.now() >= r.until || fresh) { this.rest = null; return false }
    return true
  }

  /**
   * Cores this host may shed to relieve a host advertising `role` of `im`, or 0. It must be in band
   * and above the mean, with load to spare above its lower band, not resting, not cordoned, and the
   * condition must have held for its relief wait.
   */
  relief (im: string | null, role: string): number {
    this.sync()
    const m = this.model
    const c = m.current
    const p = this.params
    const now = this.clock.now()
    const ratio = c.mean > 0 ? c.load / c.mean : 0
    const overloaded = m.othersOverloaded()
    const able = im !== null && this.advertised !== undefined && !m.cordoned && m.decided &&
      c.state === 'balanced' && ratio > 1 && c.need > 0 && c.slack > 0 && !this.resting()
    // an underloaded host re-advertises when its role hold ends: a short gap does not restart the wait
    // a host under its band waits: not one that only offers to absorb (shortfall 0), nor one a
    // hair under it
    const waiters = able ? (this.advertised as AdvertisedFn)(im as string, role).filter(a => shortfallOf(a.args) > reliefFloor(m)) : []
    const waiting = waiters.length > 0
    if (waiting) this.reliefSeen = now
    if (!able || now - this.reliefSeen > GAP_INTERVALS * p.sampleIntervalMs) { this.reliefSince = null; return 0 }
    this.reliefSince ??= now
    const closeness = Math.min(1, Math.max(0, (p.overloadRatio - ratio) / (p.overloadRatio - 1)))
    // a host whose move would leave the partner under its band still waits behind every host
    // whose move brings it in: one VM that fills the hole beats several that each fill a part
    const fills = this.fills === undefined || waiters.some(a => (this.fills as (args: Json) => boolean)(a.args))
    const wait = (1 + RELIEF_SPREAD * closeness + (overloaded === false ? 0 : RELIEF_DEFER) + (fills ? 0 : 1 + RELIEF_SPREAD)) * Math.max(p.sustainMs, p.sampleIntervalMs)
    return waiting && now - this.reliefSince >= wait ? c.need : 0
  }

  /**
   * Cores this host may take as an absorber, or null when it should not offer: in band below the
   * mean while the reports show a host overloaded; or, whatever its load (an idle cluster has no
   * mean to be below), while they show a host draining. Either way only when no host is reported
   * underloaded: those take the load first. The capacity may be 0: a drained host's idle VMs cost
   * nothing to take.
   */
  absorb (): number | null {
    this.sync()
    const m = this.model
    const c = m.current
    const p = this.params
    const ratio = c.mean > 0 ? c.load / c.mean : 1
    const unit = Math.max(p.sustainMs, p.sampleIntervalMs)
    const base = !m.cordoned && m.measured && c.state !== 'over' && !this.resting() && m.othersUnderloaded() === false
    const forOverload = base && m.decided && c.state === 'balanced' && ratio < 1 && c.capacity > 0 && c.headroom > 0 && m.othersOverloaded() === true
    const forDrain = base && !forOverload && m.othersDraining() === true && (!m.decided || ratio < 1)
    if (!forOverload && !forDrain) { this.absorbSince = null; return null }
    const now = this.clock.now()
    this.absorbSince ??= now
    const closeness = Math.min(1, Math.max(0, (ratio - p.underloadRatio) / (1 - p.underloadRatio)))
    const wait = forDrain ? unit : (1 + RELIEF_SPREAD * closeness) * unit
    return now - this.absorbSince >= wait ? c.capacity : null
  }
}
