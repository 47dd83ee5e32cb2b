// How a placement is judged. A host's load is the CPU its VMs demand over its cores (what the
// runtime's load model measures, cores used / host cores); the cluster mean is the mean of those
// per-host loads (what the runtime's gossip average converges to). A host is in band when its load
// is within [low, high] x the mean, the 2012 paper's 80-120 %.
import type { Placement, SimHost, SimVm } from './scenario.js'

export interface Band { readonly low: number, readonly high: number }
export const PAPER_BAND: Band = { low: 0.8, high: 1.2 }
const EPS = 1e-9

/** Cores demanded per host, in host order. */
export function hostCores (hosts: readonly SimHost[], vms: readonly SimVm[], placement: Placement): number[] {
  const index = new Map(hosts.map((h, i) => [h.id, i]))
  const cores = hosts.map(() => 0)
  for (const v of vms) {
    const i = index.get(placement[v.id] ?? '')
    if (i !== undefined) cores[i] = (cores[i] as number) + v.load
  }
  return cores
}

/** Per-host load: cores demanded / host cores. */
export function hostLoads (hosts: readonly SimHost[], vms: readonly SimVm[], placement: Placement): number[] {
  const cores = hostCores(hosts, vms, placement)
  return cores.map((c, i) => c / (hosts[i] as SimHost).capacity)
}

export function mean (xs: readonly number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((s, x) => s + x, 0) / xs.length
}

/** Each load as a percentage of the mean load (100 when the cluster is idle). */
export function percentOfMean (loads: readonly number[]): number[] {
  const m = mean(loads)
  return loads.map(l => m <= EPS ? 100 : 100 * l / m)
}

export function stddev (xs: readonly number[]): number {
  const m = mean(xs)
  return Math.sqrt(mean(xs.map(x => (x - m) ** 2)))
}

export function outOfBand (loads: readonly number[], band: Band): number {
  const m = mean(loads)
  if (m <= EPS) return 0
  return loads.filter(l => l / m > band.high + EPS || l / m < band.low - EPS).length
}

export function activeHosts (hosts: readonly SimHost[], vms: readonly SimVm[], placement: Placement): number {
  const known = new Set(hosts.map(h => h.id))
  return new Set(vms.map(v => placement[v.id]).filter(h => h !== undefined && known.has(h))).size
}

/**
 * Active hosts at each point of a run: point 0 is `initial`, point r the placement after the
 * migrations that completed by round r (the consolidation's curve, next to the FFD baseline).
 */
export function activeHostsByRound (hosts: readonly SimHost[], vms: readonly SimVm[], initial: Placement, migrations: ReadonlyArray<{ readonly round: number, readonly vm: string, readonly to: string }>, rounds: number): number[] {
  const placement: Placement = { ...initial }
  const out: number[] = [activeHosts(hosts, vms, placement)]
  let i = 0
  for (let r = 1; r <= rounds; r++) {
    for (; i < migrations.length && (migrations[i] as { round: number }).round <= r; i++) {
      const m = migrations[i] as { vm: string, to: string }
      placement[m.vm] = m.to
    }
    out.push(activeHosts(hosts, vms, placement))
  }
  return out
}

export interface PlacementFigures {
  /** Standard deviation of the per-host load, in % of the mean load. */
  readonly stddevPctOfMean: number
  readonly outOfBand: number
  readonly activeHosts: number
}

export function placementFigures (hosts: readonly SimHost[], vms: readonly SimVm[], placement: Placement, band: Band): PlacementFigures {
  const loads = hostLoads(hosts, vms, placement)
  return {
    stddevPctOfMean: round3(stddev(percentOfMean(loads))),
    outOfBand: outOfBand(loads, band),
    activeHosts: activeHosts(hosts, vms, placement)
  }
}

export function round3 (x: number): number {
  return Math.round(x * 1000) / 1000
}
