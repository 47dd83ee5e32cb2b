// One simulation run: build the cluster, advance the virtual clock round by round, observe what the
// hypervisors report (every VM that arrives somewhere is a migration), then compute the baselines
// and the efficacy figures. A round is one sampling interval of the agents (default 1 s virtual).
import { pino } from 'pino'
import type { Logger } from 'pino'
import type { PolicyParams } from '@parley/runtime'
import { buildCluster, RUNTIME_AGENT_FACTORY, RUNTIME_AGENT_FACTORY_NAME } from './cluster.js'
import type { AgentFactory, PolicySource } from './cluster.js'
import { InvalidOptionError, SimAbortedError } from './errors.js'
import { activeHostsByRound, hostLoads, outOfBand, PAPER_BAND } from './metrics.js'
import type { Band } from './metrics.js'
import { computeBaseline, computeEfficacy, REPORT_FORMAT } from './report.js'
import type { MigrationRecord, SimReport } from './report.js'
import type { Placement, Scenario } from './scenario.js'
import { VirtualClock } from './virtual-clock.js'

export interface SimOptions {
  readonly scenario: Scenario
  readonly policy: PolicySource
  readonly rounds: number
  /** Fractions of the mean, default the paper's 0.8-1.2; handed to the agents as their thresholds. */
  readonly band?: Band
  /** Virtual length of a round, also the agents' sample interval (default 1,000 ms). */
  readonly roundMs?: number
  /** Further agent parameters (sustain, cooldown, ...); the band and round set their own. */
  readonly params?: Partial<PolicyParams>
  readonly vmMemoryMiB?: number
  /** Virtual time allowed for the agents to stop after the last round (default 60 rounds). */
  readonly stopGraceRounds?: number
}

export interface SimProgress {
  /** 'setup' while hosts are being built (round 0), then 'run'. */
  readonly stage: 'setup' | 'run'
  readonly hostsBuilt: number
  readonly round: number
  readonly rounds: number
  readonly timeMs: number
  readonly migrations: number
  readonly outOfBand: number
  readonly wallMs: number
}

export interface SimComponents {
  readonly logger?: Logger
  /** Tests inject a spy here; anything else runs @parley/runtime's createHostAgent. */
  readonly agentFactory?: AgentFactory
  readonly agentFactoryName?: string
  readonly onProgress?: (p: SimProgress) => void
  /** Aborting stops the run between hosts (setup) or rounds; runSimulation then throws SimAbortedError. */
  readonly signal?: AbortSignal
}

const round4 = (x: number): number => Math.round(x * 10000) / 10000

function checkOptions (o: SimOptions, band: Band, roundMs: number): void {
  if (!Number.isInteger(o.rounds) || o.rounds < 1) throw new InvalidOptionError('rounds', `must be an integer >= 1, got ${o.rounds}`, 'e.g. --rounds 120')
  if (!(band.low > 0 && band.low < 1 && band.high > 1)) throw new InvalidOptionError('band', `must be low,high with 0 < low < 100 < high, got ${band.low * 100},${band.high * 100}`, 'e.g. --band 80,120')
  if (!(roundMs > 0)) throw new InvalidOptionError('roundMs', `must be > 0, got ${roundMs}`, 'e.g. 1000')
}

export async function runSimulation (o: SimOptions, c: SimComponents = {}): Promise<SimReport> {
  const band = o.band ?? PAPER_BAND
  const roundMs = o.roundMs ?? 1000
  checkOptions(o, band, roundMs)
  const wallStart = performance.now()
  const { scenario } = o
  const logger = c.logger ?? pino({ level: 'silent' })
  const clock = new VirtualClock(0)
  const agentFactory = c.agentFactory ?? RUNTIME_AGENT_FACTORY
  const outBefore = outOfBand(hostLoads(scenario.hosts, scenario.vms, scenario.initial), band)
  const params: Partial<PolicyParams> = { ...o.params, overloadRatio: band.high, underloadRatio: band.low, sampleIntervalMs: roundMs }
  const cluster = await buildCluster(
    { scenario, policy: o.policy, params, ...(o.vmMemoryMiB === undefined ? {} : { vmMemoryMiB: o.vmMemoryMiB }) },
    {
      clock, logger, agentFactory, ...(c.signal === undefined ? {} : { signal: c.signal }),
      onBuilt: n => c.onProgress?.({ stage: 'setup', hostsBuilt: n, round: 0, rounds: o.rounds, timeMs: 0, migrations: 0, outOfBand: outBefore, wallMs: performance.now() - wallStart })
    }
  )

  // Ground truth comes from the hypervisors: a VM that lands on a host has migrated there.
  const placement: Placement = { ...scenario.initial }
  const migrations: MigrationRecord[] = []
  let round = 0
  const agentEvents = { interactionsStarted: 0, interactionsEnded: 0, interactionsAborted: 0, migrationsFailed: 0 }
  const unsubscribeAgents = cluster.hosts.map(h => h.agent.on(e => {
    if (e.type === 'interaction-started') agentEvents.interactionsStarted++
    else if (e.type === 'interaction-ended') agentEvents.interactionsEnded++
    else if (e.type === 'interaction-aborted') agentEvents.interactionsAborted++
    else if (e.type === 'migration-failed') agentEvents.migrationsFailed++
  }))
  const unsubscribe = [...unsubscribeAgents, ...cluster.hosts.map(h => h.hypervisor.on(e => {
    if (e.type !== 'migrated-in') return
    const from = placement[e.domain]
    if (from === undefined || from === h.id) return
    migrations.push({ time: clock.now(), round: round + 1, vm: e.domain, from, to: h.id })
    placement[e.domain] = h.id
  }))]
  const times: number[] = [0]
  const loads: number[][] = [hostLoads(scenario.hosts, scenario.vms, placement).map(round4)]
  const start0 = clock.now()

  // An aborted run is abandoned, not wound down: stopping thousands of agents gracefully costs as
  // much as a round. Their pending timers live on a clock nobody advances any more.
  const abort = async (stage: 'setup' | 'run'): Promise<never> => {
    for (const u of unsubscribe) u()
    await cluster.close()
    throw new SimAbortedError(stage, cluster.hosts.length, round)
  }
  try {
    await cluster.start(c.signal)
  } catch (err) {
    if (err instanceof SimAbortedError) await abort('setup')
    throw err
  }
  for (round = 0; round < o.rounds;) {
    if (c.signal?.aborted === true) await abort('run')
    await clock.advance(roundMs, c.signal)
    if (c.signal?.aborted === true) await abort('run')
    round++
    const l = hostLoads(scenario.hosts, scenario.vms, placement)
    times.push(clock.now() - start0)
    loads.push(l.map(round4))
    c.onProgress?.({ stage: 'run', hostsBuilt: scenario.hosts.length, round, rounds: o.rounds, timeMs: clock.now() - start0, migrations: migrations.length, outOfBand: outOfBand(l, band), wallMs: performance.now() - wallStart })
  }
  const final: Placement = { ...placement }
  const poweredOff = cluster.hosts.filter(h => h.hypervisor.powerState() === 'off').map(h => h.id)
  for (const u of unsubscribe) u()
  const stats = { ...cluster.network.stats }
  await stopWithin(cluster.stop(), clock, roundMs, o.stopGraceRounds ?? 60)
  await cluster.close()

  const baseline = computeBaseline(scenario.hosts, scenario.vms, scenario.initial, band)
  const efficacy = computeEfficacy(scenario.hosts, scenario.vms, scenario.initial, final, migrations.length, band, baseline, poweredOff.length)
  const total = stats.gossipDelivered + stats.requests
  return {
    format: REPORT_FORMAT,
    seed: scenario.seed,
    policy: { file: o.policy.file, name: o.policy.name },
    band: [Math.round(band.low * 100), Math.round(band.high * 100)],
    roundMs,
    rounds: o.rounds,
    agentFactory: c.agentFactory === undefined ? RUNTIME_AGENT_FACTORY_NAME : (c.agentFactoryName ?? (c.agentFactory.name || 'injected')),
    hosts: scenario.hosts,
    vms: scenario.vms,
    initial: scenario.initial,
    migrations,
    final,
    agentEvents,
    messages: { total, perHost: round4(total / scenario.hosts.length), gossip: stats.gossipDelivered, requests: stats.requests },
    baseline,
    efficacy,
    poweredOff,
    series: { times, loads, activeHosts: activeHostsByRound(scenario.hosts, scenario.vms, scenario.initial, migrations, times.length - 1) },
    wallMs: Math.round(performance.now() - wallStart)
  }
}

/** Stopping waits for in-flight interactions, which wait on virtual time: keep the clock moving. */
async function stopWithin (stopping: Promise<void>, clock: VirtualClock, stepMs: number, maxSteps: number): Promise<void> {
  let done = false
  const p = stopping.then(() => { done = true }, () => { done = true })
  for (let i = 0; i < maxSteps && !done; i++) await clock.advance(stepMs)
  if (done) await p
}
