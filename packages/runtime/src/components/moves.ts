// What the policies' migration components share: reading ids and numbers out of constraint
// arguments, moving one VM through the Hypervisor (events, cooldown, log), and the interaction
// note that announces the moved VMs to the receiving host (waitForMigration/0 reads it there).
import type { Json } from '@parley/discovery'
import type { Clock, Hypervisor } from '@parley/hypervisor'
import { deref } from '@parley/lcc'
import type { Term } from '@parley/lcc'
import type { Logger } from 'pino'
import { codeOf, messageOf } from '../errors.js'
import type { HostAgentEvent } from '../types.js'
import type { ConstraintContext } from './context.js'
import type { LoadModel } from './load-model.js'

export type DistributiveOmit<T, K extends keyof any> = T extends unknown ? Omit<T, K> : never
export type EmitEvent = (e: DistributiveOmit<HostAgentEvent, 'at' | 'host'>) => void

/** A VM a migration component moved, as the interaction note lists it. */
export interface MovedVm { vm: string, uuid: string, to: string, cores: number }

/** The interaction note under which the source lists the VMs it moved. */
export const MOVED_NOTE = 'moved'

export function numberOf (t: Term | undefined): number | null {
  if (t === undefined) return null
  const d = deref(t)
  return d.kind === 'num' ? d.value : null
}

export function idOf (t: Term | undefined): string | null {
  if (t === undefined) return null
  const d = deref(t)
  return d.kind === 'atom' ? d.name : d.kind === 'str' ? d.value : null
}

/** The VMs the interaction's source announced as moved, or null while it has announced none. */
export function movedNote (ctx: ConstraintContext): MovedVm[] | null {
  const n = ctx.notes[MOVED_NOTE]
  if (!Array.isArray(n)) return null
  const out: MovedVm[] = []
  for (const x of n) {
    if (typeof x !== 'object' || x === null || Array.isArray(x)) continue
    const { vm, uuid, to, cores } = x
    if (typeof vm === 'string' && typeof uuid === 'string' && typeof to === 'string' && typeof cores === 'number') out.push({ vm, uuid, to, cores })
  }
  return out
}

export function noteMoved (ctx: ConstraintContext, moved: readonly MovedVm[]): void {
  ctx.notes[MOVED_NOTE] = moved as unknown as Json
}

export interface MoveDeps {
  readonly model: LoadModel
  readonly hypervisor: Hypervisor
  readonly emit: EmitEvent
}

export interface MoveOne {
  readonly vm: string
  readonly cores: number
  readonly from: string
  readonly to: string
  readonly uri: string
}

/**
 * Live-migrates one VM inside interaction `ctx`: the hypervisor's migrate is atomic (on failure the
 * VM stays on the source), so the answer is the moved VM or null, never a VM in two places.
 */
export async function migrateOne (deps: MoveDeps, ctx: ConstraintContext, m: MoveOne, log: Logger): Promise<MovedVm | null> {
  deps.emit({ type: 'migration-started', interaction: ctx.interaction, vm: m.vm, from: m.from, to: m.to, cores: m.cores })
  try {
    // aborting cancels the job and leaves the VM running here (the hypervisor's contract)
    const r = await deps.hypervisor.migrate(m.vm, m.uri, ctx.signal === undefined ? {} : { signal: ctx.signal })
    deps.model.coolDown(m.vm)
    deps.emit({ type: 'migration', interaction: ctx.interaction, vm: m.vm, from: m.from, to: m.to, cores: m.cores })
    log.info({ interaction: ctx.interaction, vm: m.vm, to: m.to, cores: m.cores, elapsedMs: r.elapsedMs }, 'migrated')
    return { vm: m.vm, uuid: r.uuid, to: m.to, cores: m.cores }
  } catch (err) {
    deps.emit({ type: 'migration-failed', interaction: ctx.interaction, vm: m.vm, to: m.to, code: codeOf(err), reason: messageOf(err) })
    log.warn({ interaction: ctx.interaction, vm: m.vm, to: m.to, code: codeOf(err), err: messageOf(err) }, 'migration failed')
    return null
  }
}

/** Interaction -> what its migration moved, so a re-sent call answers the same without moving again. */
export class MovedByInteraction {
  private readonly done = new Map<string, MovedVm[]>()
  constructor (private readonly max = 256) {}
  get (interaction: string): MovedVm[] | undefined { return this.done.get(interaction) }
  set (interaction: string, moved: MovedVm[]): void {
    this.done.set(interaction, moved)
    if (this.done.size > this.max) this.done.delete(this.done.keys().next().value as string)
  }
}

/**
 * Waits until every VM the note announces for `self` runs here (polling the hypervisor), then cools
 * them down and has the load model count each at the cores its source measured until measured
 * here. The VMs that arrived; null while the source has announced none or when they did not arrive
 * in time.
 */
export async function awaitArrivals (
  deps: { readonly model: LoadModel, readonly hypervisor: Hypervisor, readonly clock: Clock, readonly arrivalPollMs: number, readonly arrivalTimeoutMs: number },
  ctx: ConstraintContext, self: string, log: Logger
): Promise<MovedVm[] | null> {
  const moved = movedNote(ctx)
  if (moved === null) return null
  const mine = moved.filter(m => m.to === self)
  const end = deps.clock.now() + deps.arrivalTimeoutMs
  for (;;) {
    const here = new Set((await deps.hypervisor.list()).filter(d => d.migrating !== 'in').map(d => d.name))
    if (mine.every(m => here.has(m.vm))) break
    if (deps.clock.now() >= end) {
      log.warn({ interaction: ctx.interaction, vms: mine.map(m => m.vm) }, 'announced VMs did not arrive in time')
      return null
    }
    await deps.clock.sleep(deps.arrivalPollMs)
  }
  for (const m of mine) { deps.model.coolDown(m.vm); deps.model.expect(m.vm, m.cores) }
  return mine
}
