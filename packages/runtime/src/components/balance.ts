// The constraint components of ims/balance.lcc, one implementation for the daemon and the
// simulator. They answer from the host's LoadModel and act through its Hypervisor:
//   getPeerState(Status)           samples; Status = cores to shed (over) or to take (under), else 0
//   isOverLoaded() / isUnderLoaded()  the sampled classification (hysteresis, cordon)
//   isMigrationPossible(Cap, Need) this host still has room and is not busy
//   migration(ID1, ID2)            moves best-fit VMs from ID1 (this host) to ID2's migrate URI
//   waitForMigration()             holds once the VMs a migration announced for this host arrived
// migration/2 is idempotent per interaction: a re-sent call for an interaction that already moved
// its VMs answers the same without moving anything again.
import type { Hypervisor } from '@parley/hypervisor'
import type { Json } from '@parley/discovery'
import { deref, num, termToString } from '@parley/lcc'
import type { ConstraintCall, ConstraintFn, Term } from '@parley/lcc'
import type { Clock } from '@parley/hypervisor'
import { NothingToMoveError, codeOf, messageOf } from '../errors.js'
import type { HostAgentEvent } from '../types.js'
import { contextOf, participantArgs } from './context.js'
import type { ConstraintContext } from './context.js'
import { pickVms } from './pick.js'
import type { LoadModel } from './load-model.js'

export interface BalanceDeps {
  readonly model: LoadModel
  readonly hypervisor: Hypervisor
  readonly clock: Clock
  /** This host's peer id (as LCC sees it in `a(Role, Id)`). */
  readonly self: () => string
  readonly emit: (e: DistributiveOmit<HostAgentEvent, 'at' | 'host'>) => void
  readonly arrivalPollMs: number
  readonly arrivalTimeoutMs: number
}

type DistributiveOmit<T, K extends keyof any> = T extends unknown ? Omit<T, K> : never

export interface MovedVm { vm: string, uuid: string, to: string, cores: number }

const MOVED = 'moved'

function numberOf (t: Term | undefined): number | null {
  if (t === undefined) return null
  const d = deref(t)
  return d.kind === 'num' ? d.value : null
}

function idOf (t: Term | undefined): string | null {
  if (t === undefined) return null
  const d = deref(t)
  return d.kind === 'atom' ? d.name : d.kind === 'str' ? d.value : null
}

function movedNote (ctx: ConstraintContext): MovedVm[] | null {
  const n = ctx.notes[MOVED]
  if (!Array.isArray(n)) return null
  const out: MovedVm[] = []
  for (const x of n) {
    if (typeof x !== 'object' || x === null || Array.isArray(x)) continue
    const { vm, uuid, to, cores } = x
    if (typeof vm === 'string' && typeof uuid === 'string' && typeof to === 'string' && typeof cores === 'number') out.push({ vm, uuid, to, cores })
  }
  return out
}

export function balanceComponents (deps: BalanceDeps): Record<string, ConstraintFn> {
  const { model, hypervisor, clock } = deps
  const log = model.logger.child({ component: 'balance' })
  /** interaction -> the VMs its migration moved (idempotence under retry) */
  const done = new Map<string, MovedVm[]>()

  async function migration (args: readonly Term[], call: ConstraintCall): Promise<boolean> {
    const ctx = contextOf(call)
    const from = idOf(args[0])
    const to = idOf(args[1])
    if (ctx === null || from === null || to === null) return false
    const previous = done.get(ctx.interaction)
    if (previous !== undefined) { ctx.notes[MOVED] = previous as unknown as Json; return true }
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
      const vms = model.movable().map(d => ({ name: d.name, cores: d.cpuCores ?? 0 }))
      const pick = pickVms(vms, { need: c.need, excess: c.excess, slack: c.slack, capacity, headroom, shortfall, cordoned: model.cordoned })
      if (pick.length === 0) {
        // definitive for this interaction (the partner's figures are fixed): fail it now rather
        // than let the coordinator poll until it stalls
        log.info({ interaction: ctx.interaction, need: c.need, capacity, headroom, vms: vms.length }, 'no VM fits the partner')
        model.noteFutile(to, headroom)
        throw new NothingToMoveError(c.need, capacity)
      }
      const moved: MovedVm[] = []
      for (const name of pick) {
        if (ctx.signal?.aborted === true) break // the interaction was aborted: move no further VM
        const cores = vms.find(v => v.name === name)?.cores ?? 0
        deps.emit({ type: 'migration-started', interaction: ctx.interaction, vm: name, from, to, cores })
        try {
          // aborting cancels the job and leaves the VM running here (the hypervisor's contract)
          const r = await hypervisor.migrate(name, uri, ctx.signal === undefined ? {} : { signal: ctx.signal })
          moved.push({ vm: name, uuid: r.uuid, to, cores })
          model.coolDown(name)
          deps.emit({ type: 'migration', interaction: ctx.interaction, vm: name, from, to, cores })
          log.info({ interaction: ctx.interaction, vm: name, to, cores, elapsedMs: r.elapsedMs }, 'migrated')
        } catch (err) {
          // the hypervisor's migrate is atomic: on failure the VM stays here (err.location says)
          deps.emit({ type: 'migration-failed', interaction: ctx.interaction, vm: name, to, code: codeOf(err), reason: messageOf(err) })
          log.warn({ interaction: ctx.interaction, vm: name, to, code: codeOf(err), err: messageOf(err) }, 'migration failed')
          break
        }
      }
      if (moved.length === 0) return false
      done.set(ctx.interaction, moved)
      if (done.size > 256) done.delete(done.keys().next().value as string)
      ctx.notes[MOVED] = moved as unknown as Json
      model.resetHysteresis()
      await model.refresh(true)
      return true
    } finally {
      model.migrating = false
    }
  }

  async function waitForMigration (_args: readonly Term[], call: ConstraintCall): Promise<boolean> {
    const ctx = contextOf(call)
    if (ctx === null) return true
    const moved = movedNote(ctx)
    if (moved === null) return false // the partner has not migrated yet: the coordinator polls again
    const mine = moved.filter(m => m.to === deps.self())
    const end = clock.now() + deps.arrivalTimeoutMs
    for (;;) {
      const here = new Set((await hypervisor.list()).filter(d => d.migrating !== 'in').map(d => d.name))
      if (mine.every(m => here.has(m.vm))) break
      if (clock.now() >= end) {
        log.warn({ interaction: ctx.interaction, vms: mine.map(m => m.vm) }, 'announced VMs did not arrive in time')
        return false
      }
      await clock.sleep(deps.arrivalPollMs)
    }
    for (const m of mine) model.coolDown(m.vm)
    model.resetHysteresis()
    await model.refresh(true)
    return true
  }

  return {
    'getPeerState/1': async () => {
      await model.refresh()
      const c = model.current
      return [num(c.state === 'over' ? c.need : c.state === 'under' ? c.capacity : 0)]
    },
    'isOverLoaded/0': () => model.current.state === 'over',
    'isUnderLoaded/0': () => model.current.state === 'under' && !model.cordoned,
    'isMigrationPossible/2': async (args, call) => {
      const cap = numberOf(args[0])
      const need = numberOf(args[1])
      if (cap === null || need === null || model.cordoned || model.migrating) return false
      await model.refresh()
      const live = model.current.capacity
      const ok = Math.min(cap, live) > 0 && need >= 0
      log.debug({ interaction: contextOf(call)?.interaction, cap, need, live, ok, role: termToString(call.roleTerm) }, 'isMigrationPossible')
      return ok
    },
    'migration/2': migration,
    'waitForMigration/0': waitForMigration
  }
}
