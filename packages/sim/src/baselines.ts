// What a central controller with global knowledge would do, computed on the same scenario so the
// peer-to-peer policy has a yardstick: a greedy balancer (moves) and first-fit-decreasing packing
// (hosts kept). These never drive the simulated cluster; they only read the scenario.
import { hostCores, outOfBand } from './metrics.js'
import type { Band } from './metrics.js'
import type { Placement, SimHost, SimVm } from './scenario.js'

export interface GreedyMove { readonly vm: string, readonly from: string, readonly to: string }

export interface GreedyResult {
  readonly migrations: number
  readonly moves: readonly GreedyMove[]
  readonly final: Placement
  /** Hosts still out of band when greedy stopped. */
  readonly outOfBand: number
  /** Why it stopped: everything in band, or no move from the most to the least loaded host helps. */
  readonly stopped: 'in-band' | 'no-improving-move' | 'move-limit'
}

/**
 * Repeatedly moves, from the most loaded host to the least loaded one, the VM that most reduces the
 * sum of squared loads of the two, until every host is in the band or no such move reduces it.
 * Ties break on host order then VM id, so the result is deterministic.
 */
export function greedyBalance (hosts: readonly SimHost[], vms: readonly SimVm[], initial: Placement, band: Band, maxMoves = 10 * vms.length + 100): GreedyResult {
  const placement: Placement = { ...initial }
  const cores = hostCores(hosts, vms, placement)
  const caps = hosts.map(h => h.capacity)
  const byHost = hosts.map(() => [] as SimVm[])
  const index = new Map(hosts.map((h, i) => [h.id, i]))
  for (const v of [...vms].sort((a, b) => a.id.localeCompare(b.id))) {
    const i = index.get(placement[v.id] ?? '')
    if (i !== undefined) byHost[i]?.push(v)
  }
  const loads = (): number[] => cores.map((c, i) => c / (caps[i] as number))
  const moves: GreedyMove[] = []
  let stopped: GreedyResult['stopped'] = 'move-limit'
  while (moves.length < maxMoves) {
    const l = loads()
    if (outOfBand(l, band) === 0) { stopped = 'in-band'; break }
    let hi = 0; let lo = 0
    for (let i = 1; i < l.length; i++) {
      if ((l[i] as number) > (l[hi] as number)) hi = i
      if ((l[i] as number) < (l[lo] as number)) lo = i
    }
    const a = l[hi] as number; const b = l[lo] as number
    const ch = caps[hi] as number; const cl = caps[lo] as number
    const before = a * a + b * b
    let best: SimVm | undefined
    let bestAfter = before - 1e-12
    for (const v of byHost[hi] as SimVm[]) {
      const after = (a - v.load / ch) ** 2 + (b + v.load / cl) ** 2
      if (after < bestAfter) { bestAfter = after; best = v }
    }
    if (best === undefined || hi === lo) { stopped = 'no-improving-move'; break }
    const from = hosts[hi] as SimHost; const to = hosts[lo] as SimHost
    byHost[hi] = (byHost[hi] as SimVm[]).filter(v => v !== best)
    byHost[lo]?.push(best)
    cores[hi] = (cores[hi] as number) - best.load
    cores[lo] = (cores[lo] as number) + best.load
    placement[best.id] = to.id
    moves.push({ vm: best.id, from: from.id, to: to.id })
  }
  return { migrations: moves.length, moves, final: placement, outOfBand: outOfBand(loads(), band), stopped }
}

export interface FfdResult {
  /** Hosts that first-fit-decreasing keeps active. */
  readonly hosts: number
  readonly placement: Placement
  /** VMs that fit no host at all. */
  readonly unplaced: readonly string[]
}

/**
 * Consolidation yardstick: VMs by decreasing demand, each onto the first host (largest capacity
 * first, then host order) where it fits under `fill` x capacity.
 */
export function firstFitDecreasing (hosts: readonly SimHost[], vms: readonly SimVm[], fill = 1): FfdResult {
  const order = hosts.map((h, i) => ({ h, i })).sort((x, y) => y.h.capacity - x.h.capacity || x.i - y.i).map(x => x.h)
  const room = new RoomTree(order.map(h => h.capacity * fill + 1e-9))
  const placement: Placement = {}
  const unplaced: string[] = []
  const sorted = [...vms].sort((a, b) => b.load - a.load || a.id.localeCompare(b.id))
  for (const v of sorted) {
    const k = room.firstWith(v.load)
    if (k < 0) { unplaced.push(v.id); continue }
    room.take(k, v.load)
    placement[v.id] = (order[k] as SimHost).id
  }
  return { hosts: new Set(Object.values(placement)).size, placement, unplaced }
}

/** Max-tree over the hosts' free room: the first host with room for a VM in O(log hosts). */
class RoomTree {
  private readonly size: number
  private readonly max: Float64Array
  constructor (room: readonly number[]) {
    let n = 1
    while (n < room.length) n *= 2
    this.size = n
    this.max = new Float64Array(2 * n).fill(-Infinity)
    room.forEach((r, i) => { this.max[n + i] = r })
    for (let i = n - 1; i >= 1; i--) this.max[i] = Math.max(this.max[2 * i] as number, this.max[2 * i + 1] as number)
  }

  firstWith (need: number): number {
    if ((this.max[1] as number) < need) return -1
    let i = 1
    while (i < this.size) i = (this.max[2 * i] as number) >= need ? 2 * i : 2 * i + 1
    return i - this.size
  }

  take (k: number, amount: number): void {
    let i = k + this.size
    this.max[i] = (this.max[i] as number) - amount
    for (i >>= 1; i >= 1; i >>= 1) this.max[i] = Math.max(this.max[2 * i] as number, this.max[2 * i + 1] as number)
  }
}
