// Drain: cordon the host (it advertises no accepting role) and let the agent offload it as an
// overloaded host until no VM is left, within a deadline. Reports a result for every VM; the reason
// for each one that could not be placed. The host stays cordoned afterwards until `uncordon`.
import type { Discovery } from '@parley/discovery'
import type { Clock, DomainInfo, Hypervisor } from '@parley/hypervisor'
import type { Logger } from 'pino'
import type { DrainEvent, DrainParams, DrainResult, DrainVmResult } from '../control/index.js'
import type { AgentEvent, DaemonAgent } from './agent.js'
import { preflight } from './drain-preflight.js'

export const DEFAULT_DRAIN_DEADLINE_MS = 30 * 60_000
const POLL_MS = 500

export interface DrainDeps {
  hypervisor: Hypervisor
  discovery: Discovery
  agent: DaemonAgent
  clock: Clock
  log: Logger
  /** Names of the IMs this host subscribes to. */
  subscriptions: () => string[]
  /** Cordons (or uncordons) the agent and persists the flag so a restart keeps it. */
  setCordoned: (cordoned: boolean) => void
}

export interface DrainState { active: boolean, total: number, remaining: number, moved: number, failed: number }

const owned = (d: DomainInfo): boolean => d.migrating !== 'in'

class DrainRun {
  readonly results = new Map<string, DrainVmResult>()
  readonly lastFailure = new Map<string, string>()
  readonly listeners = new Set<(e: DrainEvent) => void>()
  remaining: string[]
  readonly done: Promise<DrainResult>
  private finish!: (r: DrainResult) => void
  private readonly stop = new AbortController()

  /** Every VM the drain has to move: those here at the start, and any that turn up meanwhile. */
  constructor (readonly total: string[], readonly deadlineAt: number) {
    this.remaining = [...total]
    this.done = new Promise(resolve => { this.finish = resolve })
  }

  emit (e: DrainEvent): void { for (const l of this.listeners) l(e) }

  progress (): DrainEvent {
    const failed = [...this.results.values()].filter(r => r.outcome !== 'moved').length
    return { type: 'progress', total: this.total.length, done: this.total.length - this.remaining.length, remaining: this.remaining.length, failed }
  }

  record (r: DrainVmResult): void {
    const prev = this.results.get(r.vm)
    // the same news again, unless it now says where the VM went
    if (prev?.outcome === r.outcome && (prev.to !== undefined || r.to === undefined)) return
    this.results.set(r.vm, r)
    this.emit({ type: 'vm', result: r })
  }

  end (empty: boolean): void {
    this.stop.abort()
    this.finish({ dryRun: false, started: true, finished: true, empty, total: this.total.length, results: this.total.map(vm => this.results.get(vm)!).filter(r => r !== undefined) })
  }

  get signal (): AbortSignal { return this.stop.signal }
}

export class DrainController {
  private run: DrainRun | null = null

  constructor (private readonly deps: DrainDeps) {}

  state (): DrainState {
    const r = this.run
    if (r === null) return { active: false, total: 0, remaining: 0, moved: 0, failed: 0 }
    const p = r.progress() as Extract<DrainEvent, { type: 'progress' }>
    return { active: true, total: p.total, remaining: p.remaining, moved: p.done, failed: p.failed }
  }

  async drain (params: DrainParams, emit: (e: DrainEvent) => void, signal: AbortSignal): Promise<DrainResult> {
    const { hypervisor, agent, discovery } = this.deps
    const vms = (await hypervisor.list()).filter(owned)
    const plan = preflight(vms, { attached: agent.attached, subscriptions: this.deps.subscriptions(), peers: discovery.peers(), discovery })
    const blocked = plan.filter(r => r.outcome === 'unplaced')
    if (params.dryRun === true) return { dryRun: true, started: false, finished: true, empty: vms.length === 0, total: vms.length, results: plan }
    if (blocked.length > 0 && params.force !== true && this.run === null) {
      return { dryRun: false, started: false, finished: true, empty: vms.length === 0, total: vms.length, results: plan }
    }
    this.deps.setCordoned(true)
    let run = this.run
    if (run === null) {
      run = new DrainRun(vms.map(v => v.name), this.deps.clock.now() + (params.deadlineMs ?? DEFAULT_DRAIN_DEADLINE_MS))
      this.run = run
      this.deps.log.info({ vms: run.total, deadlineMs: params.deadlineMs ?? DEFAULT_DRAIN_DEADLINE_MS, force: params.force === true }, 'drain started')
      for (const r of blocked) run.record(r)
      void this.follow(run)
    }
    const listener = (e: DrainEvent): void => { if (!signal.aborted) emit(e) }
    run.listeners.add(listener)
    emit(run.progress())
    try {
      if (params.wait !== true) {
        return { dryRun: false, started: true, finished: false, empty: run.remaining.length === 0, total: run.total.length, results: plan }
      }
      return await run.done
    } finally {
      run.listeners.delete(listener)
    }
  }

  /** Ends the drain in progress (uncordon): VMs still here are reported as stopped. */
  cancel (reason: string): boolean {
    const run = this.run
    if (run === null) return false
    for (const vm of run.remaining) run.record({ vm, outcome: 'stopped', reason })
    this.run = null
    run.end(false)
    return true
  }

  private async follow (run: DrainRun): Promise<void> {
    const { hypervisor, agent, clock, log } = this.deps
    // a VM that left ends the poll's sleep: the host may be empty now, and --wait should say so at once
    let wake = new AbortController()
    const off = agent.on((e: AgentEvent) => {
      const vm = typeof e.vm === 'string' ? e.vm : undefined
      if (vm === undefined || !run.total.includes(vm)) return
      if (e.type === 'migration') { run.record({ vm, outcome: 'moved', to: String(e.to) }); wake.abort() }
      else if (e.type === 'migration-failed') run.lastFailure.set(vm, `${String(e.code)}: ${String(e.reason)}`)
    })
    try {
      while (!run.signal.aborted) {
        const here = new Set((await hypervisor.list().catch(() => null))?.filter(owned).map(d => d.name) ?? run.remaining)
        const before = `${run.total.length}/${run.remaining.length}`
        for (const vm of here) {
          if (!run.total.includes(vm)) { run.total.push(vm); run.remaining.push(vm) }
        }
        for (const vm of run.remaining) {
          if (!here.has(vm) && run.results.get(vm)?.outcome !== 'moved') run.record({ vm, outcome: 'moved' })
        }
        run.remaining = run.remaining.filter(vm => here.has(vm))
        if (`${run.total.length}/${run.remaining.length}` !== before) run.emit(run.progress())
        if (run.remaining.length === 0) {
          log.info({ vms: run.total.length }, 'drain finished: the host is empty')
          this.finishRun(run, true)
          return
        }
        if (clock.now() >= run.deadlineAt) {
          for (const vm of run.remaining) {
            run.record({ vm, outcome: 'unplaced', reason: run.results.get(vm)?.reason ?? run.lastFailure.get(vm) ?? 'no peer took it before the deadline' })
          }
          log.warn({ remaining: run.remaining }, 'drain deadline passed with VMs left; the host stays cordoned')
          this.finishRun(run, false)
          return
        }
        await clock.sleep(Math.min(POLL_MS, Math.max(1, run.deadlineAt - clock.now())), AbortSignal.any([run.signal, wake.signal])).catch(() => {})
        if (wake.signal.aborted) wake = new AbortController()
      }
    } finally {
      off()
    }
  }

  private finishRun (run: DrainRun, empty: boolean): void {
    if (this.run === run) this.run = null
    run.end(empty)
  }
}
