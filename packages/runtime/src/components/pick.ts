// Which VMs a migration moves, among the sets of up to three of the source's VMs: the fewest VMs
// first, then sets that put the source in band, then those that spare the partner the most moves
// to its band (counted in the largest VM any host can still move), then the larger drop of the pair's squared
// deviation from the mean (the central greedy balancer's rule); see bestPick. Where
// no host absorbs load (no per-host load reports, push-sum clusters), `fillToMean` fills the
// partner towards the mean instead, several VMs at once.
// Every move keeps the partner at or under its upper band, takes a source that is in band no lower
// than its lower band (a host in band is never moved out of it), and lowers the two hosts' summed
// squared deviation from the mean by at least `minImprovement` of it (a swap of which host is off
// balance is no move). A cordoned host moves every VM the partner has room for up to its upper band, idle VMs included.

export interface PickLimits {
  /** Source: cores above the mean. */
  readonly need: number
  /** Source: cores above its upper band (0 when not over). */
  readonly excess: number
  /** Source: cores it can shed and stay at or above its lower band. */
  readonly slack: number
  /** Partner: cores below the mean. */
  readonly capacity: number
  /** Partner: cores it can take and stay at or below its upper band. */
  readonly headroom: number
  /** Partner: cores it needs to reach its lower band (0 when in band). */
  readonly shortfall: number
  readonly cordoned: boolean
  /** Fraction of the two hosts' summed squared deviation a move must remove (default 0: any). */
  readonly minImprovement?: number
  /**
   * Fill the partner towards the mean, several VMs at once (see bestPick): where no host in band
   * below the mean offers to absorb (no per-host load reports), a partner filled only to its band
   * leaves the last overloaded hosts without one.
   */
  readonly fillToMean?: boolean
  /**
   * Cores of the largest VM any host can still move (LoadModel.largestMovable): the most one move
   * can bring a partner. The moves a partner still needs to reach its band are counted in it
   * (default: the source's largest VM).
   */
  readonly unit?: number
}

export interface Vm { readonly name: string, readonly cores: number }

/**
 * How many leading entries of a move's key (outside fillToMean) say what kind of move it is: the
 * VMs it takes, whether the source ends in band, the moves it spares the partner. The rest only
 * ranks moves of one kind.
 */
export const MOVE_KIND = 3

const EPS = 1e-9
/** Cores under which a draining host's VM counts as idle: it fits any partner. */
export const DRAIN_IDLE_CORES = 0.01

function largestFirst (vms: readonly Vm[], limit: number, idleToo: boolean): Vm[] {
  const out: Vm[] = []
  let left = limit
  for (const v of vms) {
    if (!idleToo && v.cores <= 0) continue
    if (v.cores <= left + EPS) { out.push(v); left -= v.cores }
  }
  return out
}

/** Subsets of `vms` with 1..k members (k small), in a stable order. */
function * subsets (vms: readonly Vm[], k: number, from = 0, chosen: Vm[] = []): Generator<Vm[]> {
  for (let i = from; i < vms.length; i++) {
    const next = [...chosen, vms[i] as Vm]
    yield next
    if (next.length < k) yield * subsets(vms, k, i + 1, next)
  }
}

/** Whether key `a` sorts before key `b` (lexicographic, with a tolerance). */
export function keyBefore (a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number
    const y = b[i] as number
    if (x < y - EPS) return true
    if (x > y + EPS) return false
  }
  return false
}

/**
 * Whether moving `t` cores lowers need² + capacity² (the two hosts' squared deviations from the
 * mean, hosts alike in size) by at least minImprovement of it. The gain is 2t(need + capacity - t).
 */
export function improves (t: number, l: Pick<PickLimits, 'need' | 'capacity' | 'minImprovement'>): boolean {
  const before = l.need * l.need + l.capacity * l.capacity
  const gain = 2 * t * (l.need + l.capacity - t)
  return gain > EPS && gain >= (l.minImprovement ?? 0) * before - EPS
}

/** The set a migration would move, and how it leaves the two hosts. */
export interface Move {
  readonly names: string[]
  /** Cores moved. */
  readonly total: number
  /** The source stays out of band after the move. */
  readonly sourceOut: boolean
  /** The partner stays under its lower band after the move. */
  readonly partnerOut: boolean
  /** How good the move is, to compare moves to different partners: lower is better. */
  readonly key: readonly number[]
}

export function pickVms (vms: readonly Vm[], l: PickLimits): string[] {
  return bestPick(vms, l)?.names ?? []
}

export function bestPick (vms: readonly Vm[], l: PickLimits): Move | null {
  const sorted = [...vms].sort((a, b) => b.cores - a.cores || a.name.localeCompare(b.name))
  const of = (set: readonly Vm[], key: number[]): Move => {
    const total = set.reduce((s, v) => s + v.cores, 0)
    return { names: set.map(v => v.name), total, sourceOut: total < l.excess - EPS || total > l.slack + EPS, partnerOut: total < l.shortfall - EPS, key }
  }
  if (l.cordoned) {
    // a drain moves, in one interaction, every VM the partner has room for up to its upper band
    // (one live migration after another): an interaction per VM cost the drain 0.1-0.2 s of
    // negotiation each (pnpm bench drain-vs-virsh). A VM that barely runs (a halted guest's
    // measurement noise) costs nothing of the room, like an idle one.
    const fill = largestFirst(sorted.map(v => v.cores < DRAIN_IDLE_CORES ? { ...v, cores: 0 } : v), Math.max(l.capacity, l.headroom), true)
    if (fill.length > 0) return of(fill, [0, 0, 0, -fill.reduce((s, v) => s + v.cores, 0)])
    return null
  }
  const busy = sorted.filter(v => v.cores > 0)
  const target = Math.min(l.need, l.capacity)
  const unit = l.unit ?? busy[0]?.cores ?? 0
  /** Moves of at most `unit` cores that a shortfall of `x` cores takes, at least. */
  const movesFor = (x: number): number => x <= EPS || unit <= EPS ? 0 : Math.ceil(x / unit - EPS)
  const partnerMoves = movesFor(l.shortfall)
  const k = busy.length <= 12 ? 3 : busy.length <= 40 ? 2 : 1
  let best: { key: number[], set: Vm[] } | null = null
  const consider = (set: Vm[]): void => {
    if (set.length === 0) return
    const t = set.reduce((s, v) => s + v.cores, 0)
    if (t > l.headroom + EPS || !improves(t, l)) return
    if (l.excess <= EPS && t > l.slack + EPS) return
    // still above its band is better than pushed below it: another move fixes the former
    const srcOut = t > l.slack + EPS ? 2 : t < l.excess - EPS ? 1 : 0
    const dstOut = t < l.shortfall - EPS ? 1 : 0
    const gain = 2 * t * (l.need + l.capacity - t)
    // the moves the partner no longer needs to reach its band, counted in the largest VM that can move
    const spared = partnerMoves - movesFor(l.shortfall - t)
    // fewest VMs first: a source still above the band after one VM offers again, to another
    // host, and one VM to each of two underloaded hosts beats two VMs to one of them. Then the
    // source in band. Then the move that spares the partner a move: one that brings it in band,
    // or a large VM into a deep hole (a host that needs several VMs: only the overloaded hosts
    // can shed large VMs, and a deep hole left for later is filled by relief, a small VM at a
    // time); not one that leaves it a hair under its band. Then the larger drop of the pair's
    // squared deviation (the central greedy balancer's rule: its VM goes where it helps most).
    const key = l.fillToMean === true
      // the source in band, the partner too, the fewest VMs, the total nearest min(need, capacity);
      // else as much of the need as fits
      ? (srcOut > 0 ? [1, Math.abs(t - target), set.length] : [0, dstOut, set.length, Math.abs(t - target)])
      : [set.length, srcOut, -spared, -gain, dstOut]
    if (best === null || keyBefore(key, best.key)) best = { key, set }
  }
  if (l.fillToMean === true) consider(largestFirst(busy, target, false))
  for (const s of subsets(busy, k)) consider(s)
  return best === null ? null : of((best as { set: Vm[] }).set, (best as { key: number[] }).key)
}
