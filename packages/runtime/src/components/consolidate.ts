// The constraint components of ims/consolidate.lcc (the 2012 paper's second policy), one
// implementation for the daemon and the simulator. They answer from the host's LoadModel, the
// load reports other hosts gossip, and act through the Hypervisor:
//   getPackingState(Used, Free)   samples; cores this host's VMs use and cores still free
//   hasNoLoad()                   no VM runs here (nor migrates in or out)
//   canAcceptMoreLoad()           a keeper (consolidate-plan.ts) with free cores: it pulls VMs
//                                 (answering after its turn: see TURNS)
//   shouldShedLoad()              not a keeper and runs VMs: it empties itself into keepers
//   canFitInto(Capacity, Load)    one of this host's movable VMs fits a receiver's free cores
//   migrateInto(From, To, Cap)    moves the VMs that best fill Cap from From (this host) to To
//   waitForMigration()            (balance.ts) holds once the VMs the source announced arrived;
//                                 they count at the source's cores until measured here
//   refusalReason(Why)            binds why this host refuses: smallest(Cores), its smallest VM
//   noteRefusal(Partner, Why)     the partner had nothing that fits: skip it until this host changes,
//                                 and rest a sample interval before asking another
//   noPartnerWithin(Ms)           holds once this role has waited Ms for a partner (the way back)
//   releaseResources(Reserve), isPoweredOn(), sleep(Ms)   see consolidate-power.ts
// The rank comes from the per-host load reports where the cluster has them (exact: rankKeepers), and
// where it has none (a large cluster: the mean comes from push-sum) from the histogram gossip of
// packing-exchange.ts (estimated: rankInHistogram, with a few more keepers to spare).
// A keeper must hold its rank for sustainMs before it pulls (hysteresis, as the balance policy's),
// and stops being one only two ranks past the boundary, so a receiver whose fresh VMs are still
// warming up does not turn round and give them away. A host below the keepers offers its VMs at
// once (the keeper decides), and stops only two ranks inside the boundary.
import type { Clock, Hypervisor, PowerState } from '@parley/hypervisor'
import { HysteresisDetector } from '@parley/hypervisor'
import { atom, compound, num, termToString } from '@parley/lcc'
import type { ConstraintCall, ConstraintFn, Term } from '@parley/lcc'
import { NothingToMoveError } from '../errors.js'
import type { PolicyParams } from '../types.js'
import type { LoadReport } from './cluster-load.js'
import { round } from './cluster-load.js'
import { bestFill, rankKeepers } from './consolidate-plan.js'
import { powerComponents } from './consolidate-power.js'
import { contextOf, participantArgs } from './context.js'
import type { LoadModel } from './load-model.js'
import { MovedByInteraction, idOf, migrateOne, noteMoved, numberOf } from './moves.js'
import type { EmitEvent, MovedVm } from './moves.js'
import type { PackingExchange } from './packing-exchange.js'
import { rankInHistogram } from './packing-rank.js'

export interface ConsolidateDeps {
  readonly model: LoadModel
  readonly hypervisor: Hypervisor
  readonly clock: Clock
  /** This host's peer id (as LCC sees it in `a(Role, Id)`). */
  readonly self: () => string
  readonly emit: EmitEvent
  /**
   * The agent's policy figures (defaults: sustain 2,000 ms, sample interval 1,000 ms); live
   * migrations per host are unbounded without a cap.
   */
  readonly params?: Partial<Pick<PolicyParams, 'sustainMs' | 'sampleIntervalMs'>> & { readonly maxConcurrentMigrations?: number }
  /** The other hosts' fresh load reports (gossip); without them a host ranks alone. */
  readonly peers?: () => readonly LoadReport[]
  /**
   * The histogram gossip (packing-exchange.ts) that ranks this host while the cluster's mean comes
   * without per-host reports (push-sum); without it such a host ranks alone and nothing moves.
   */
  readonly packingGossip?: Pick<PackingExchange, 'observe' | 'estimate' | 'powered'>
  /** Tells the agent that this host powered off or on (it stops or resumes reporting its load). */
  readonly powerChanged?: (state: PowerState) => void
}

/** A receiver with fewer free cores than this counts as full, whatever VMs it has seen. */
const MIN_FREE_CORES = 0.05
const RUNNING = new Set(['running', 'blocked', 'paused'])
/**
 * Keepers that sample at the same moment ask in turn, the one with the most free cores first, a
 * turn apart (at most 2 ms, and at most 1/64 of a sample interval): each then finds the hosts that
 * the keepers before it took already withdrawn, instead of all inviting the same few first
 * candidates and most finding none (a herd); and whole hosts go where they fit whole.
 */
const TURNS = 32
const MAX_TURN_MS = 2

interface Packing {
  /** Cores used: measured, or a VM's vcpus while its figure is unknown (just arrived). */
  readonly used: number
  readonly free: number
  /** VMs running here or migrating out; an incoming copy is not this host's yet. */
  readonly running: number
  readonly migrating: boolean
}

export function consolidateComponents (deps: ConsolidateDeps): Record<string, ConstraintFn> {
  const { model, hypervisor, clock, packingGossip } = deps
  const log = model.logger.child({ component: 'consolidate' })
  const sustainMs = deps.params?.sustainMs ?? 2000
  const sampleMs = deps.params?.sampleIntervalMs ?? 1000
  // value: rank - keepers (negative: among the keepers)
  const keepD = new HysteresisDetector({ direction: 'below', threshold: 0, clearThreshold: 2, sustainMs })
  // offering is immediate: the keeper that takes the offer has held its rank for sustainMs, and any
  // move from a less loaded host into a keeper consolidates, whatever this host's sample noise
  const exactShedD = new HysteresisDetector({ direction: 'above', threshold: -0.5, clearThreshold: -2, sustainMs: 0, clearSustainMs: sustainMs })
  // an estimated rank may still move while the epoch's histogram mixes: a host near the boundary
  // that shed at once on its first figure would stay out, one keeper short (no keeper pulls before
  // sustainMs anyway)
  const gossipShedD = new HysteresisDetector({ direction: 'above', threshold: -0.5, clearThreshold: -2, sustainMs, clearSustainMs: sustainMs })
  let shedD = exactShedD
  let packing: Packing = { used: 0, free: 0, running: 0, migrating: false }
  /** This host's place among the keepers counted from the least loaded one (0: the most room). */
  let turn = 0
  const done = new MovedByInteraction()
  const waiting = new Map<string, number>()
  /** The smallest VM this host has held: a gap below it is not worth a search. */
  let smallestSeen = Infinity
  /** After a refusal, no new search before this time. */
  let restUntil = -Infinity

  async function sample (): Promise<Packing> {
    const l = await model.refresh()
    const measured = new Map(l.domains.map(d => [d.name, d.cpuCores]))
    const mine = (await hypervisor.list()).filter(d => d.migrating !== 'in')
    const live = mine.filter(d => RUNNING.has(d.state) || d.migrating === 'out')
    // a VM that just arrived counts at its source's figure, any other unknown one at its vcpus
    const used = live.reduce((s, d) => s + (measured.get(d.name) ?? model.expectedCores(d.name) ?? d.vcpus), 0)
    for (const c of measured.values()) if (c !== null && c > 0) smallestSeen = Math.min(smallestSeen, c)
    const cpus = l.capacity.cpus
    packing = { used, free: Math.max(0, cpus - used), running: live.length, migrating: live.some(d => d.migrating !== undefined) }
    // only exact figures move the classification: a warming-up VM would skew this host's rank
    const exact = l.warmingUp === 0
    const gossip = packingGossip !== undefined && !reportsMode() ? packingGossip : null
    if (gossip !== null) {
      // VMs that just arrived count at their source's figure: held back until measured here, they
      // would be missing from the cluster's load (the source no longer counts them), and a keeper
      // that takes VMs every round is rarely without one
      gossip.observe({ cores: used, cpus, vms: live.length, cordoned: model.cordoned, empty: packing.running === 0 && !packing.migrating })
      const e = gossip.estimate()
      if (exact && e.histogram !== null) classify({ ...rankInHistogram({ peer: deps.self(), cores: used, cpus, cordoned: model.cordoned }, e.histogram), epoch: e.histogramEpoch }, used, l.atMs, true)
    } else if (exact) {
      const others = (deps.peers?.() ?? []).map(r => ({ peer: r.peer, cores: r.load * r.cpus, cpus: r.cpus, cordoned: r.cordoned }))
      if (others.length > 0) classify(rankKeepers({ peer: deps.self(), cores: used, cpus, cordoned: model.cordoned }, others), used, l.atMs, false)
    }
    return packing
  }

  function classify (k: { rank: number, keepers: number, total: number, open?: number, epoch?: number }, used: number, atMs: number, estimated: boolean): void {
    const d = estimated ? gossipShedD : exactShedD
    if (d !== shedD) { shedD = d; d.reset(); keepD.reset() }
    turn = Math.max(0, Math.floor(k.keepers - 1 - k.rank))
    const value = k.rank - k.keepers
    keepD.update(value, atMs)
    shedD.update(value, atMs)
    log.debug({ used: round(used), rank: round(k.rank), keepers: round(k.keepers), total: round(k.total), ...(k.open === undefined ? {} : { open: round(k.open), epoch: k.epoch }), keeper: keepD.isActive, shedder: shedD.isActive }, 'packing state')
  }

  /**
   * Whether the cluster's mean comes from per-host reports (LoadModel answers null to questions
   * only reports can answer while it comes from push-sum): then they rank this host exactly.
   */
  function reportsMode (): boolean { return model.othersDraining() !== null }

  const keeper = (): boolean => keepD.isActive && !model.cordoned
  const shedder = (): boolean => shedD.isActive && !keepD.isActive && !model.cordoned

  async function migrateInto (args: readonly Term[], call: ConstraintCall): Promise<boolean> {
    const ctx = contextOf(call)
    const from = idOf(args[0])
    const to = idOf(args[1])
    const capacity = numberOf(args[2])
    if (ctx === null || from === null || to === null || capacity === null) return false
    const previous = done.get(ctx.interaction)
    if (previous !== undefined) { noteMoved(ctx, previous); return true }
    if (from !== deps.self()) {
      log.warn({ interaction: ctx.interaction, from, to }, 'migrateInto/3 pulls from another host: the source must run it')
      return false
    }
    const uri = participantArgs(ctx, to).migrateUri
    if (typeof uri !== 'string' || uri === '') {
      log.warn({ interaction: ctx.interaction, to }, 'partner advertised no migrate URI')
      return false
    }
    if (model.migrating) return false
    model.migrating = true
    try {
      await model.refresh(true)
      const vms = model.movableVms()
      const slots = (deps.params?.maxConcurrentMigrations ?? Infinity) - await model.migrationsInFlight()
      const pick = bestFill(vms, capacity, slots)
      if (pick.length === 0) {
        log.info({ interaction: ctx.interaction, capacity, vms: vms.length, slots }, 'no VM fits the receiver')
        throw new NothingToMoveError(model.cores(), capacity)
      }
      const cores = new Map(vms.map(v => [v.name, v.cores]))
      // the picked VMs move side by side: one interaction, one wait on the receiver
      const results = await Promise.all(pick.map(async vm => await migrateOne(deps, ctx, { vm, cores: cores.get(vm) ?? 0, from, to, uri }, log)))
      const moved = results.filter((m): m is MovedVm => m !== null)
      if (moved.length === 0) return false
      done.set(ctx.interaction, moved)
      noteMoved(ctx, moved)
      await model.refresh(true)
      return true
    } finally {
      model.migrating = false
    }
  }

  return {
    'getPackingState/2': async () => {
      const p = await sample()
      return [num(round(p.used)), num(round(p.free))]
    },
    'hasNoLoad/0': () => packing.running === 0 && !packing.migrating && !model.migrating,
    'canAcceptMoreLoad/0': async () => {
      const room = packing.free >= Math.max(MIN_FREE_CORES, smallestSeen === Infinity ? 0 : smallestSeen)
      if (!keeper() || !room || clock.now() < restUntil) return false
      await clock.sleep((turn % TURNS) * Math.min(MAX_TURN_MS, sampleMs / (2 * TURNS)))
      return true
    },
    'shouldShedLoad/0': () => shedder() && packing.running > 0,
    'canFitInto/2': async (args, call) => {
      const capacity = numberOf(args[0])
      if (capacity === null || model.cordoned || model.migrating || !shedder()) return false
      await model.refresh()
      const smallest = Math.min(...model.movable().map(d => d.cpuCores ?? 0))
      const ok = smallest <= capacity + 1e-9
      log.debug({ interaction: contextOf(call)?.interaction, capacity, smallest, ok }, 'canFitInto')
      return ok
    },
    'migrateInto/3': migrateInto,
    'refusalReason/1': () => {
      const cores = model.movable().map(d => d.cpuCores ?? 0).filter(c => c > 0)
      return [compound('smallest', [num(cores.length === 0 ? 0 : round(Math.min(...cores)))])]
    },
    'noteRefusal/2': (args, call) => {
      const ctx = contextOf(call)
      const partner = idOf(args[0])
      if (ctx !== null && partner !== null) {
        const headroom = participantArgs(ctx, partner).headroom
        model.noteFutile(partner, typeof headroom === 'number' ? headroom : 0)
        log.debug({ interaction: ctx.interaction, partner, why: termToString(args[1] ?? atom('none')) }, 'partner refused')
      }
      restUntil = clock.now() + sampleMs
      return true
    },
    'noPartnerWithin/1': (args, call) => {
      const ms = numberOf(args[0])
      if (ms === null) return false
      const key = `${contextOf(call)?.interaction ?? 'local'}|${call.peer}|${termToString(call.roleTerm)}`
      const now = clock.now()
      const since = waiting.get(key)
      if (since === undefined) {
        if (waiting.size >= 256) waiting.delete(waiting.keys().next().value as string)
        waiting.set(key, now)
        return false
      }
      if (now - since < ms) return false
      waiting.delete(key)
      return true
    },
    ...powerComponents({
      hypervisor,
      clock,
      self: deps.self,
      cordoned: () => model.cordoned,
      empty: async () => { const p = await sample(); return p.running === 0 && !p.migrating && !model.migrating },
      ...(deps.peers === undefined ? {} : { peers: deps.peers }),
      ...(packingGossip === undefined ? {} : { gossipEmpty: () => reportsMode() ? null : packingGossip.estimate().empty }),
      powerChanged: state => {
        packingGossip?.powered(state === 'on')
        deps.powerChanged?.(state)
      }
    }, log)
  }
}
