// The JSON a run writes (`--json`): enough to re-check it without the simulator (see replay.ts).
import { firstFitDecreasing, greedyBalance } from './baselines.js'
import { placementFigures, round3 } from './metrics.js'
import type { Band } from './metrics.js'
import type { Placement, SimHost, SimVm } from './scenario.js'

export const REPORT_FORMAT = 'parley-sim/1'

export interface MigrationRecord {
  /** Virtual time of completion, ms since the start of the run. */
  readonly time: number
  /** The round in which it completed (1-based). */
  readonly round: number
  readonly vm: string
  readonly from: string
  readonly to: string
}

export interface Baseline {
  readonly greedy: { readonly migrations: number, readonly outOfBand: number, readonly stopped: string }
  readonly ffd: { readonly hosts: number }
}

export interface Efficacy {
  readonly migrations: number
  /** Hosts running VMs before minus after (negative when the policy spread VMs onto empty hosts). */
  readonly hostsReleased: number
  readonly activeHostsBefore: number
  readonly activeHostsAfter: number
  /** Standard deviation of per-host load in % of the mean load. */
  readonly stddevBefore: number
  readonly stddevAfter: number
  readonly outOfBandBefore: number
  readonly outOfBandAfter: number
  /** The policy's migrations over the greedy balancer's (null when greedy needed none). */
  readonly migrationsVsGreedy: number | null
  /** Active hosts after minus the ones first-fit-decreasing keeps (consolidation: 1 is FFD + 1). */
  readonly activeHostsOverFfd: number
  /** Hosts the policy powered off by the end (released resources; `poweredOff` names them). */
  readonly hostsPoweredOff: number
}

export interface Messages {
  readonly total: number
  readonly perHost: number
  readonly gossip: number
  readonly requests: number
}

export interface AgentEventCounts {
  readonly interactionsStarted: number
  readonly interactionsEnded: number
  readonly interactionsAborted: number
  readonly migrationsFailed: number
}

export interface Series {
  /** Virtual time (ms) of each point; point 0 is the initial placement. */
  readonly times: readonly number[]
  /** loads[point][host]: cores demanded / host cores, hosts in `hosts` order. */
  readonly loads: ReadonlyArray<readonly number[]>
  /** Hosts running VMs at each point (see metrics.activeHostsByRound). */
  readonly activeHosts?: readonly number[]
}

export interface SimReport {
  readonly format: typeof REPORT_FORMAT
  readonly seed: number
  readonly policy: { readonly file: string, readonly name: string }
  /** In % of the mean load, e.g. [80, 120]. */
  readonly band: readonly [number, number]
  readonly roundMs: number
  readonly rounds: number
  /** Which factory built the peers (always @parley/runtime's createHostAgent outside tests). */
  readonly agentFactory: string
  readonly hosts: readonly SimHost[]
  readonly vms: readonly SimVm[]
  readonly initial: Placement
  readonly migrations: readonly MigrationRecord[]
  readonly final: Placement
  readonly messages: Messages
  /** What the agents reported (for information; the checked figures come from the hypervisors). */
  readonly agentEvents: AgentEventCounts
  readonly baseline: Baseline
  readonly efficacy: Efficacy
  /** Hosts whose hypervisor is powered off at the end of the run (the consolidation's shutdowns). */
  readonly poweredOff?: readonly string[]
  readonly series: Series
  /** Wall time of the run, ms (not re-checkable; for information). */
  readonly wallMs: number
}

export function bandOf (report: Pick<SimReport, 'band'>): Band {
  return { low: report.band[0] / 100, high: report.band[1] / 100 }
}

export function computeBaseline (hosts: readonly SimHost[], vms: readonly SimVm[], initial: Placement, band: Band): Baseline {
  const g = greedyBalance(hosts, vms, initial, band)
  const f = firstFitDecreasing(hosts, vms)
  return { greedy: { migrations: g.migrations, outOfBand: g.outOfBand, stopped: g.stopped }, ffd: { hosts: f.hosts } }
}

export function computeEfficacy (
  hosts: readonly SimHost[], vms: readonly SimVm[], initial: Placement, final: Placement,
  migrations: number, band: Band, baseline: Baseline, poweredOff = 0
): Efficacy {
  const before = placementFigures(hosts, vms, initial, band)
  const after = placementFigures(hosts, vms, final, band)
  const g = baseline.greedy.migrations
  return {
    migrations,
    hostsReleased: before.activeHosts - after.activeHosts,
    activeHostsBefore: before.activeHosts,
    activeHostsAfter: after.activeHosts,
    stddevBefore: before.stddevPctOfMean,
    stddevAfter: after.stddevPctOfMean,
    outOfBandBefore: before.outOfBand,
    outOfBandAfter: after.outOfBand,
    migrationsVsGreedy: g === 0 ? null : round3(migrations / g),
    activeHostsOverFfd: after.activeHosts - baseline.ffd.hosts,
    hostsPoweredOff: poweredOff
  }
}
