// The constraint components of ims/balance.lcc, one implementation for the daemon and the
// simulator. They answer from the host's LoadModel and act through its Hypervisor:
//   getPeerState(Status)           samples; Status = cores to shed (over) or to take (under), else 0
//   isOverLoaded() / isUnderLoaded()  the sampled classification (hysteresis, cordon), unless the
//                                  host rests after a search that found no partner
//   canRelieve(Role, Need)         in band above the mean, a host advertising Role waits for load:
//                                  Need = cores above the mean (see partner-search.ts)
//   canAbsorb(Capacity)            in band below the mean, a host overloaded (or any host draining)
//                                  per the load reports: Capacity = cores below the mean
//                                  (see partner-search.ts)
//   noPartner(Role)                no partner playing Role took part: rest before searching again
//   isMigrationPossible(Cap, Need) this host still has room and is not busy
//   migration(ID1, ID2)            moves best-fit VMs from ID1 (this host) to ID2's migrate URI
//   waitForMigration()             holds once the VMs a migration announced for this host arrived
// Anti-oscillation: the classification holds for sustainMs first (LoadModel); a VM that moved is
// not picked again within cooldownMs (LoadModel.movable, on both hosts); a move must remove at
// least minImprovement of the pair's squared deviation (pickVms); at most maxConcurrentMigrations
// live migrations are in flight on a host, in or out.
// migration/2 is idempotent per interaction: a re-sent call for an interaction that already moved
// its VMs answers the same without moving anything again.
import type { Hypervisor } from '@parley/hypervisor'
import { atom, num, termToString } from '@parley/lcc'
import type { ConstraintCall, ConstraintFn, Term } from '@parley/lcc'
import type { Clock } from '@parley/hypervisor'
import { roleNameOf } from '../candidates.js'
import { NothingToMoveError } from '../errors.js'
import { round } from './cluster-load.js'
import { contextOf, participantArgs } from './context.js'
import { MovedByInteraction, awaitArrivals, idOf, migrateOne, noteMoved, numberOf } from './moves.js'
import type { EmitEvent, MovedVm } from './moves.js'
import { pickVms } from './pick.js'
import type { LoadModel } from './load-model.js'
import { PartnerChoice } from './partner-choice.js'
import type { Seeking } from './partner-choice.js'
import { PartnerSearch } from './partner-search.js'
import type { AdvertisedFn } from './partner-search.js'

export interface BalanceDeps {
  readonly model: LoadModel
  readonly hypervisor: Hypervisor
  readonly clock: Clock
  /** This host's peer id (as LCC sees it in `a(Role, Id)`). */
  readonly self: () => string
  readonly emit: EmitEvent
  readonly arrivalPollMs: number
  readonly arrivalTimeoutMs: number
  /** Who advertises a role of an IM now (gossip); without it, no relief and no early end of a rest. */
  readonly advertised?: AdvertisedFn
}

/** The constraints ims/balance.lcc uses, by name/arity (what `parley im check --components` needs). */
export const BALANCE_CONSTRAINTS: readonly string[] = [
  'getPeerState/1', 'isOverLoaded/0', 'isUnderLoaded/0', 'canRelieve/2', 'canAbsorb/1', 'noPartner/1',
  'isMigrationPossible/2', 'migration/2', 'waitForMigration/0'
]

export type { MovedVm } from './moves.js'

/** The role an overloaded host offers its load to (ims/balance.lcc). */
const OFFER_TO = 'underloaded'

/** The IM a call runs for: from the interaction, or from the local loop's context `{ im }`. */
function imOf (call: ConstraintCall): string | null {
  const c = call.context
  if (typeof c === 'object' && c !== null && typeof (c as { im?: unknown }).im === 'string') return (c as { im: string }).im
  return null
}

export function balanceComponents (deps: BalanceDeps): Record<string, ConstraintFn> {
  const { model, clock } = deps
  const log = model.logger.child({ component: 'balance' })
  const params = model.policy
  /** The IM and partner role of the search this host is about to run (it just decided to offer). */
  let seeking: Seeking | null = null
  const choice = new PartnerChoice(model, params, deps.advertised, () => seeking, () => clock.now())
  const search = new PartnerSearch(model, clock, params, deps.advertised, args => choice.fills(args))
  model.candidateFilter = (peer, args) => choice.skip(peer, args)
  /** interaction -> the VMs its migration moved (idempotence under retry) */
  const done = new MovedByInteraction()

  async function migration (args: readonly Term[], call: ConstraintCall): Promise<boolean> {
    const ctx = contextOf(call)
    const from = idOf(args[0])
    const to = idOf(args[1])
    if (ctx === null || from === null || to === null) return false
    const previous = done.get(ctx.interaction)
    if (previous !== undefined) { noteMoved(ctx, previous); return true }
    if (from !== deps.self()) {
      log.warn({ interaction: ctx.interaction, from, to }, 'migration/2 pulls from another host: not supported, the source must run it')
      return false
    }
    const partner = participantArgs(ctx, to)
    const uri = partner.migrateUri
    const capacity = typeof partner.capacity === 'number' ? partner.capacity : 0
    const headroom = typeof partner.headroom === 'number' ? partner.headroom : capacity
    const shortfall = typeof partner.shortfall === 'number' ? partner.shortfall : 0
    if (typeof uri !== 'string' || uri === '') {
      log.warn({ interaction: ctx.interaction, to }, 'partner advertised no migrate URI')
      return false
    }
    if (model.migrating) return false
    model.migrating = true
    try {
      await model.refresh(true)
      const c = model.current
      const vms = model.movableVms()
      const pick = pickVms(vms, { need: c.need, excess: c.excess, slack: c.slack, capacity, headroom, shortfall, cordoned: model.cordoned, minImprovement: params.minImprovement, fillToMean: model.othersOverloaded() === null, unit: model.largestMovable() })
      log.debug({ interaction: ctx.interaction, to, need: c.need, excess: c.excess, slack: c.slack, mean: c.mean, capacity, headroom, shortfall, vms: vms.length, pick }, 'VMs picked')
      if (pick.length === 0) {
        // definitive for this interaction (the partner's figures are fixed): fail it now rather
        // than let the coordinator poll until it stalls
        log.info({ interaction: ctx.interaction, need: c.need, capacity, headroom, vms: vms.length }, 'no VM fits the partner')
        model.noteFutile(to, headroom)
        throw new NothingToMoveError(c.need, capacity)
      }
      const moved: MovedVm[] = []
      // a drain batch runs inside one constraint call: start no VM past half its timeout, so the
      // call ends in time and the rest go in the next interaction
      const batchEnd = clock.now() + params.constraintTimeoutMs / 2
      for (const name of pick) {
        if (ctx.signal?.aborted === true) break // the interaction was aborted: move no further VM
        if (moved.length > 0 && clock.now() >= batchEnd) {
          log.info({ interaction: ctx.interaction, moved: moved.length, left: pick.length - moved.length }, 'batch time spent: the other VMs go in the next interaction')
          break
        }
        if (await model.migrationsInFlight() >= params.maxConcurrentMigrations) {
          log.info({ interaction: ctx.interaction, vm: name, cap: params.maxConcurrentMigrations }, 'migration cap reached: no further VM now')
          break
        }
        const cores = vms.find(v => v.name === name)?.cores ?? 0
        // the hypervisor's migrate is atomic: on failure the VM stays here, and no further VM goes
        const m = await migrateOne(deps, ctx, { vm: name, cores, from, to, uri }, log)
        if (m === null) break
        model.sent(to, m.cores)
        moved.push(m)
      }
      if (moved.length === 0) return false
      done.set(ctx.interaction, moved)
      noteMoved(ctx, moved)
      model.resetHysteresis(true)
      await model.refresh(true)
      return true
    } finally {
      model.migrating = false
    }
  }

  async function waitForMigration (_args: readonly Term[], call: ConstraintCall): Promise<boolean> {
    const ctx = contextOf(call)
    if (ctx === null) return true
    // false while the partner has not migrated yet (the coordinator polls again), or when the
    // announced VMs did not arrive in time
    if (await awaitArrivals(deps, ctx, deps.self(), log) === null) return false
    model.resetHysteresis()
    await model.refresh(true)
    return true
  }

  return {
    // keep BALANCE_CONSTRAINTS in step
    'getPeerState/1': async () => {
      seeking = null // a new turn of idle: this host's last search, if any, is over
      await model.refresh()
      const c = model.current
      choice.turn()
      // the role term shows the figure (logs, status); the components read the model's exact ones
      return [num(round(c.state === 'over' ? c.need : c.state === 'under' ? c.capacity : 0))]
    },
    'isOverLoaded/0': (_args, call) => {
      const over = model.current.state === 'over' && search.overloadTurn() && !search.resting()
      const im = imOf(call)
      if (over && im !== null) seeking = { im, role: OFFER_TO, relief: false }
      return over
    },
    // a cordoned host never plays an accepting role
    'isUnderLoaded/0': () => model.current.state === 'under' && !model.cordoned && !search.resting(),
    'canRelieve/2': (args, call) => {
      const role = idOf(args[0])
      const im = imOf(call)
      const need = role === null ? 0 : search.relief(im, role)
      if (need > 0 && im !== null) seeking = { im, role: role as string, relief: true }
      return need > 0 ? [atom(role as string), num(need)] : false
    },
    'canAbsorb/1': () => {
      const capacity = search.absorb()
      return capacity === null ? false : [num(capacity)]
    },
    // holds when no participant of this interaction plays Role (a partner that joined may just
    // not have sent yet: the coordinator may step this host first)
    'noPartner/1': (args, call) => {
      const role = idOf(args[0]) ?? ''
      const ctx = contextOf(call)
      if (ctx !== null && Object.values(ctx.participants).some(p => roleNameOf(p.role) === role)) return false
      search.noPartner(imOf(call), role)
      return true
    },
    'isMigrationPossible/2': async (args, call) => {
      const cap = numberOf(args[0])
      const need = numberOf(args[1])
      if (cap === null || need === null || model.cordoned || model.migrating) return false
      if (await model.migrationsInFlight() >= params.maxConcurrentMigrations) return false
      await model.refresh()
      const live = model.current.capacity
      // Need 0: a draining host's idle VMs, which take no CPU, so no room either
      const ok = need >= 0 && (Math.min(cap, live) > 0 || need === 0)
      log.debug({ interaction: contextOf(call)?.interaction, cap, need, live, ok, role: termToString(call.roleTerm) }, 'isMigrationPossible')
      return ok
    },
    'migration/2': migration,
    'waitForMigration/0': waitForMigration
  }
}
