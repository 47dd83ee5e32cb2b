// The decisions of the consolidation policy (ims/consolidate.lcc), apart from any I/O: which hosts
// stay active (the keepers), which VMs fill a receiver's free cores, and which empty hosts stay
// powered on as reserve. Each host computes them alone from what it knows: its own sample and the
// load reports the other hosts gossip (components/cluster-load.ts). No host plans for another.

/** One host as the consolidation sees it: cores its VMs use, its cores, whether it is cordoned. */
export interface HostFigure {
  readonly peer: string
  readonly cores: number
  readonly cpus: number
  readonly cordoned: boolean
}

/**
 * Keepers beyond the bin-packing bound. Pairwise moves fill hosts less tightly than a central
 * first-fit-decreasing would; one more active host absorbs what they leave (target: FFD + 1).
 */
export const SPARE_KEEPERS = 1

const EPS = 1e-9

export interface KeeperRank {
  /** This host's place among the uncordoned hosts, most loaded first (0-based). */
  readonly rank: number
  /** How many hosts stay active: the bin-packing bound over the ranked hosts, plus the spare. */
  readonly keepers: number
  /** Cores used in the whole cluster (cordoned hosts included: their VMs must go somewhere). */
  readonly total: number
}

function byLoad (a: HostFigure, b: HostFigure): number {
  return b.cores / b.cpus - a.cores / a.cpus || (a.peer < b.peer ? -1 : a.peer > b.peer ? 1 : 0)
}

/**
 * Ranks the uncordoned hosts by load (cores / cpus, then peer id: every host that holds the same
 * reports ranks alike) and counts the keepers: the fewest top-ranked hosts whose cores hold all the
 * load, plus `spare`. A host whose rank is below `keepers` should fill up; the others should empty.
 * The most loaded hosts keep their VMs, so the fewest VMs move. A cordoned host ranks last.
 */
export function rankKeepers (self: HostFigure, others: readonly HostFigure[], spare = SPARE_KEEPERS): KeeperRank {
  const all = [self, ...others.filter(o => o.peer !== self.peer)]
  const total = all.reduce((s, h) => s + Math.max(0, h.cores), 0)
  const open = all.filter(h => !h.cordoned).sort(byLoad)
  let k = 0
  let room = 0
  while (k < open.length && room < total - EPS) { room += (open[k] as HostFigure).cpus; k++ }
  const rank = self.cordoned ? open.length : open.indexOf(self)
  return { rank, keepers: Math.min(open.length, k + spare), total }
}

export interface FillVm { readonly name: string, readonly cores: number }

/** Subsets up to this many candidate VMs are searched exhaustively; beyond, largest first. */
const EXACT_LIMIT = 14

/**
 * The VMs to send to a receiver with `capacity` free cores, at most `maxCount` of them: every VM
 * when they all fit (the source empties, idle VMs included); otherwise the set that fills the most
 * cores (fewer VMs on a tie: fewer migrations), so receivers end up full and few hosts stay active.
 */
export function bestFill (vms: readonly FillVm[], capacity: number, maxCount = Infinity): string[] {
  if (!(maxCount >= 1)) return []
  const sorted = [...vms].sort((a, b) => b.cores - a.cores || a.name.localeCompare(b.name))
  const all = sorted.reduce((s, v) => s + v.cores, 0)
  if (all <= capacity + EPS && sorted.length <= maxCount) return sorted.map(v => v.name)
  // idle VMs add nothing to a partial fill: they leave with the move that empties the host
  const fit = sorted.filter(v => v.cores > 0 && v.cores <= capacity + EPS)
  if (fit.length === 0) return []
  if (fit.length > EXACT_LIMIT) {
    const out: string[] = []
    let left = capacity
    for (const v of fit) {
      if (out.length >= maxCount) break
      if (v.cores <= left + EPS) { out.push(v.name); left -= v.cores }
    }
    return out
  }
  let best = { sum: -1, count: 0, mask: 0 }
  for (let mask = 1; mask < 1 << fit.length; mask++) {
    let sum = 0
    let count = 0
    for (let i = 0; i < fit.length; i++) {
      if ((mask & (1 << i)) === 0) continue
      sum += (fit[i] as FillVm).cores
      count++
    }
    if (count > maxCount || sum > capacity + EPS) continue
    if (sum > best.sum + EPS || (Math.abs(sum - best.sum) <= EPS && count < best.count)) best = { sum, count, mask }
  }
  return fit.filter((_, i) => (best.mask & (1 << i)) !== 0).map(v => v.name)
}

/**
 * Whether this empty host stays powered on as reserve: of the empty, powered-on, uncordoned hosts
 * it knows (itself included), the `reserve` with the lowest peer ids stay on. Hosts that hold the
 * same reports agree on which; one that empties later with a lower id takes a reserve place, and
 * the host it displaces powers off on its next look.
 */
export function keptAsReserve (self: string, emptyPeers: readonly string[], reserve: number): boolean {
  if (!(reserve >= 1)) return false
  const ids = [...new Set([self, ...emptyPeers])].sort()
  return ids.indexOf(self) < reserve
}
