// The consolidation's keeper ranking where no per-host load reports exist (a large cluster, where
// the mean comes from push-sum): the decision of rankKeepers (consolidate-plan.ts), taken from a
// load histogram of the cluster that every host holds alike (packing-sum.ts gossips it) instead of
// from every host's report. The histogram counts the uncordoned hosts, their cores and the cores
// their VMs use per load bin; with the cluster's used cores it gives how many of the most loaded
// hosts hold the load (the keepers) and how many hosts are more loaded than this one (its rank).
//
// Ties and bins. Within a bin the hosts are taken as spread evenly. Loads are often equal (VM
// figures come in steps), and a group of equal hosts at the boundary would all decide alike: all
// keep or all shed. So every host ranks at its load plus a fixed offset of its own, up to one bin
// (JITTER_BINS), drawn from its peer id: equal loads rank by id, as with the reports, and the
// hosts of a bin are spread evenly indeed. Hosts more than a bin apart keep their order.
//
// Full keepers. rankKeepers counts a keeper's whole capacity; pairwise moves leave each keeper a
// little room no VM fills, which adds up in a large cluster (1,000 hosts: ~3 % of the keepers, the
// reports' way then ends at FFD + 4 %). Here each keeper counts FILL_WASTE_VMS mean VMs short of
// its capacity, and a host with less room than a mean VM counts as holding only what it runs: once
// the keepers are full, the next epoch's histogram asks for as many more keepers as the load left
// on the other hosts needs.
import { SPARE_KEEPERS } from './consolidate-plan.js'
import { hashString, seededRandom } from './random.js'

/** Load bins over [0, 1] (cores used / host cores); a load above 1 counts in the top bin. */
export const PACK_BINS = 64
/** The largest tie-breaking offset, in bins. */
export const JITTER_BINS = 1
/**
 * Keepers to spare for the estimate's error, as a share of the keepers, on top of SPARE_KEEPERS: a
 * boundary host ranks a few places off (~0.4 % in 2,000 hosts: its bin's hosts are spread unevenly
 * and the mixing has not quite converged). A keeper too few costs more than one too many: its
 * share of the load stays spread over the hosts that could not empty, until the next epoch.
 */
export const ESTIMATE_SPARE = 0.004
/** The room a keeper is expected to end with, in mean VMs (measured: ~0.22 at 300 to 2,000 hosts). */
export const FILL_WASTE_VMS = 0.25

/** The histogram as one host holds it: shares of the cluster's sums (the same scale throughout). */
export interface PackingHistogram {
  /** Cores used by the VMs of every host, cordoned ones included (their VMs must go somewhere). */
  readonly cores: number
  /** VMs in the cluster. */
  readonly vms: number
  /** Uncordoned, powered-on hosts per load bin. */
  readonly count: readonly number[]
  /** Their cores (capacity) per load bin. */
  readonly cpus: readonly number[]
  /** The cores their VMs use per load bin. */
  readonly used: readonly number[]
  /** Per load bin, the sum of its hosts' places in it (0: its lower edge, 1: its upper edge). */
  readonly place: readonly number[]
  /** Hosts one unit of the shares stands for: counts times this are hosts. */
  readonly scale: number
}

export interface PackingRank {
  /** Hosts more loaded than this one (fractional; all of them for a cordoned host). */
  readonly rank: number
  /** The keepers: the fewest most loaded hosts that hold the load, plus the spares. */
  readonly keepers: number
  /** Cores used in the cluster. */
  readonly total: number
  /** Uncordoned, powered-on hosts. */
  readonly open: number
}

const EPS = 1e-9

/** This host's tie-breaking offset: a fixed share of a bin, from its peer id (FNV alone clusters similar ids). */
export function jitterOf (peer: string): number {
  return JITTER_BINS * seededRandom(hashString(peer, 0x9e3779b9))() / PACK_BINS
}

/** The bin of a host at `x`: its load plus its offset (jitterOf). */
export function binOf (x: number): number {
  return Math.min(PACK_BINS - 1, Math.max(0, Math.floor(x * PACK_BINS)))
}

/** Hosts, in histogram units, that hold the load: the most loaded first; a full host holds only its own. */
function keeperUnits (h: PackingHistogram): number {
  const meanVm = h.vms > EPS ? h.cores / h.vms : 0
  let cap = 0
  let above = 0
  for (let b = PACK_BINS - 1; b >= 0; b--) {
    const count = h.count[b] ?? 0
    const cpus = h.cpus[b] ?? 0
    if (!(count > EPS)) continue
    const used = Math.min(cpus, h.used[b] ?? 0)
    const full = (cpus - used) / count < meanVm
    const holds = full ? used : Math.max(0, cpus - count * FILL_WASTE_VMS * meanVm)
    if (cap + holds >= h.cores - EPS * Math.max(1, h.cores)) return above + (holds > EPS ? count * Math.max(0, h.cores - cap) / holds : 0)
    cap += holds
    above += count
  }
  return above
}

/** Where in its bin a host at `x` (load plus offset) is: 0 its lower edge, 1 its upper edge. */
export function placeIn (x: number, bin: number): number {
  return Math.min(1, Math.max(0, x * PACK_BINS - bin))
}

/**
 * Hosts of bin `b` above the place `t`, the density in the bin taken as linear with the mean place
 * its hosts have. Taken as even, tens of hosts share a bin near the keepers' boundary in 2,000, and
 * their chance spread ranked the boundary hosts up to ~10 places off, mostly too low: too few keepers.
 */
function aboveInBin (h: PackingHistogram, b: number, t: number): number {
  const c = h.count[b] ?? 0
  if (!(c > EPS)) return 0
  // a linear density 1 + s (u - 1/2) on [0, 1] has the mean place 1/2 + s / 12
  const s = Math.max(-2, Math.min(2, 12 * ((h.place[b] ?? c / 2) / c - 0.5)))
  return c * (1 - t) * (1 + s * t / 2)
}

/**
 * This host's rank and the keepers, in hosts. A host with a rank below the keepers fills, the
 * others empty (as with rankKeepers).
 */
export function rankInHistogram (self: { readonly peer: string, readonly cores: number, readonly cpus: number, readonly cordoned: boolean }, h: PackingHistogram, spare = SPARE_KEEPERS, spareShare = ESTIMATE_SPARE): PackingRank {
  const open = h.count.reduce((s, c) => s + Math.max(0, c), 0)
  const hosts = open * h.scale
  const keepers = Math.min(hosts, keeperUnits(h) * h.scale * (1 + spareShare) + spare)
  const total = h.cores * h.scale
  if (self.cordoned || !(self.cpus > 0)) return { rank: hosts, keepers, total, open: hosts }
  const x = Math.max(0, self.cores / self.cpus) + jitterOf(self.peer)
  const bin = binOf(x)
  let rank = 0
  for (let b = PACK_BINS - 1; b > bin; b--) rank += h.count[b] ?? 0
  rank += aboveInBin(h, bin, placeIn(x, bin))
  return { rank: rank * h.scale, keepers, total, open: hosts }
}
