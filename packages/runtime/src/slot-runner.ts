// How one subscribed IM runs on its host: the local loop on the injected clock, then, for a role
// that needs a partner, either coordinating an interaction (the role sends first: initiator) or
// advertising and waiting to be invited (the role receives first). Each path resolves with the
// role term the local loop resumes from.
import type { Discovery, Json } from '@parley/discovery'
import type { Clock } from '@parley/hypervisor'
import { copyTerm, termFromJson } from '@parley/lcc'
import type { ConstraintDispatcher, Term, Timers } from '@parley/lcc'
import type { Logger } from 'pino'
import { codeOf, messageOf } from './errors.js'
import type { LoadedIm } from './im.js'
import { Interaction, newInteractionId } from './interaction.js'
import type { InteractionDeps, StartParticipant } from './interaction.js'
import type { LeaseTable } from './lease.js'
import { Deferred } from './slot.js'
import type { Slot } from './slot.js'
import type { HostAgentEvent, PolicyParams } from './types.js'

export type EventIn = HostAgentEvent extends infer T ? T extends unknown ? Omit<T, 'at' | 'host'> : never : never

/** What the runner needs of its agent. */
export interface SlotHost {
  readonly self: string
  readonly params: PolicyParams
  readonly log: Logger
  readonly leases: LeaseTable
  readonly discovery: Discovery
  readonly clock: Clock
  readonly timers: Timers | undefined
  readonly coordinating: Map<string, Interaction>
  readonly stopSignal: AbortSignal
  readonly cordoned: boolean
  /** This host's own constraints. */
  readonly dispatcher: ConstraintDispatcher
  isRunning (): boolean
  /** Sleeps on the clock; false when the agent stops meanwhile. */
  sleep (ms: number): Promise<boolean>
  argsFor (role: Term): Json
  skipCandidate (peer: string, args: Json | undefined): boolean
  emit (e: EventIn): void
  finish (slot: Slot, interaction: string, role: Term, outcome: 'ended' | 'aborted' | 'expired', reason?: string): void
}

/** How long a cordoned host waits, at most, before seeking again after a search found no partner. */
export const DRAIN_RETRY_MS = 150

export function initialTerm (im: LoadedIm): Term { return termFromJson({ a: im.initialRole }) }

export class SlotRunner {
  constructor (private readonly h: SlotHost) {}

  async run (slot: Slot): Promise<void> {
    const initial = initialTerm(slot.im)
    while (this.h.isRunning() && !slot.stopped) {
      let engage: boolean
      try {
        engage = await this.localPhase(slot)
      } catch (err) {
        // a bug or a bad role term must not kill the host's loop: restart the initial role
        this.h.log.error({ code: codeOf(err), err: messageOf(err), im: slot.im.name }, 'local loop failed; restarting the initial role')
        slot.peer.become(initial)
        if (await this.h.sleep(this.h.params.sampleIntervalMs)) continue
        break
      }
      if (!engage) break
      let next: Term
      try {
        next = slot.im.roles.get(slot.peer.roleName)?.kind === 'seeks' ? await this.initiate(slot) : await this.awaitInvitation(slot)
      } catch (err) {
        this.h.log.error({ code: codeOf(err), err: messageOf(err), im: slot.im.name }, 'engaging a partner failed')
        next = initial
        await this.h.sleep(this.h.params.sampleIntervalMs)
      }
      slot.phase = 'local'
      slot.interaction = null
      slot.wait = null
      if (!this.h.isRunning() || slot.stopped) break
      try { slot.peer.become(next) } catch { slot.peer.become(initial) }
    }
    slot.phase = 'stopped'
  }

  /** Steps the local role until it reaches a role that needs a partner; false when stopping. */
  private async localPhase (slot: Slot): Promise<boolean> {
    const p = slot.peer
    let burst = 0
    for (;;) {
      if (!this.h.isRunning() || slot.stopped) return false
      if (!p.clause.local) return true
      const before = p.roleName
      let out = p.step()
      if (typeof out !== 'string') out = await out
      let pause = 0
      switch (out) {
        case 'fired': if (++burst >= 1000) { burst = 0; pause = 1 } break
        // a loop iteration that only recursed waits a sample interval: no spinning
        case 'changed':
          burst = 0
          if (p.clause.local && p.roleName === before) {
            pause = this.h.params.sampleIntervalMs
            slot.misses = 0 // a quiet iteration: the next seek starts without back-off
          }
          break
        case 'blocked': pause = this.h.params.sampleIntervalMs; break
        case 'finished': p.become(initialTerm(slot.im)); pause = this.h.params.sampleIntervalMs; break
        case 'failed':
          this.h.log.warn({ im: slot.im.name, role: before, code: p.error?.code, err: p.error?.message }, 'local role failed; restarting the initial role')
          p.become(initialTerm(slot.im))
          pause = this.h.params.sampleIntervalMs
          break
        case 'aborted': break
      }
      if (pause > 0 && !await this.h.sleep(pause)) return false
    }
  }

  /** The role sends first to a partner it does not know: coordinate an interaction and recruit. */
  private async initiate (slot: Slot): Promise<Term> {
    const initial = initialTerm(slot.im)
    if (!this.h.leases.isFree()) { await this.h.sleep(this.h.params.sampleIntervalMs); return initial }
    const id = newInteractionId(this.h.self)
    const role = copyTerm(slot.peer.roleTerm)
    slot.phase = 'seeking'
    slot.interaction = id
    slot.wait = new Deferred<Term>()
    this.h.leases.grant(id, this.h.self, slot.im.hash, this.h.params.leaseTtlMs)
    this.h.emit({ type: 'joined', interaction: id, imHash: slot.im.hash, coordinator: this.h.self })
    const r = await this.coordinate(slot, id, [{ id: this.h.self, role, args: this.h.argsFor(role), remote: false }])
    if (r.outcome === 'handed-over') {
      slot.phase = 'interacting'
      return await slot.wait.promise
    }
    this.h.finish(slot, id, r.role, r.outcome)
    if (r.code === 'RT_NO_PARTNER') await this.backOff(slot)
    else slot.misses = 0
    return r.role
  }

  async coordinate (slot: Slot, id: string, start: StartParticipant[]): Promise<{ outcome: 'ended' | 'aborted' | 'handed-over', role: Term, code?: string }> {
    const deps: InteractionDeps = {
      self: this.h.self,
      im: slot.im,
      discovery: this.h.discovery,
      clock: this.h.clock,
      timers: this.h.timers,
      params: this.h.params,
      log: this.h.log,
      election: slot.election,
      dispatch: this.h.dispatcher,
      argsFor: r => this.h.argsFor(r),
      emit: e => { this.h.emit(e) },
      renewOwn: i => this.h.leases.extend(i),
      handOver: (i, coordinator) => { this.h.leases.handOver(i, coordinator) },
      skipCandidate: (peer, args) => this.h.skipCandidate(peer, args),
      stopping: () => !this.h.isRunning()
    }
    slot.phase = 'interacting'
    try {
      const inter = new Interaction(id, deps, start)
      this.h.coordinating.set(id, inter)
      const r = await inter.run()
      if (r.outcome === 'handed-over') return { outcome: r.outcome, role: initialTerm(slot.im) }
      return r.outcome === 'ended' ? { outcome: 'ended', role: r.selfRole } : { outcome: 'aborted', role: r.selfRole, code: r.code }
    } catch (err) {
      this.h.log.error({ interaction: id, code: codeOf(err), err: messageOf(err) }, 'coordinator failed')
      return { outcome: 'aborted', role: initialTerm(slot.im), code: codeOf(err) }
    } finally {
      this.h.coordinating.delete(id)
    }
  }

  /** The role receives first from a partner it does not know: advertise and wait to be invited. */
  private async awaitInvitation (slot: Slot): Promise<Term> {
    const initial = initialTerm(slot.im)
    if (this.h.cordoned || !this.h.leases.isFree()) { await this.h.sleep(this.h.params.sampleIntervalMs); return initial }
    const role = copyTerm(slot.peer.roleTerm)
    const wait = slot.wait = new Deferred<Term>()
    slot.phase = 'advertising'
    slot.advertised = slot.peer.roleName
    try {
      await this.h.discovery.advertise(slot.im.hash, slot.peer.roleName, this.h.argsFor(role), { awaitDht: false })
      this.h.emit({ type: 'advertised', imHash: slot.im.hash, role: slot.peer.roleName })
    } catch (err) {
      this.h.log.warn({ code: codeOf(err), err: messageOf(err), role: slot.peer.roleName }, 'advertising failed')
      if (slot.phase === 'advertising') { slot.phase = 'local'; wait.resolve(initial) }
    }
    const hold = slot.hold = new AbortController()
    void (async () => {
      try { await this.h.clock.sleep(this.h.params.roleHoldMs, AbortSignal.any([hold.signal, this.h.stopSignal])) } catch { return }
      // nobody invited this host in time: go back and re-sample (the advertised figures are stale)
      if (slot.phase === 'advertising' && slot.wait === wait) { slot.phase = 'local'; wait.resolve(initial) }
    })()
    const next = await wait.promise
    hold.abort()
    await this.withdraw(slot)
    return next
  }

  /**
   * Nobody accepted: wait before seeking again, doubling up to 8 sample intervals while nobody
   * does (a draining host: DRAIN_RETRY_MS), but go at once when a host announces a partner role
   * (a fresh candidate).
   */
  private async backOff (slot: Slot): Promise<void> {
    const p = this.h.params
    // a draining host retries soon: its partners re-advertise as soon as they took a VM, and a
    // sample interval's wait per missed search was the largest pause of a drain
    const ms = this.h.cordoned
      ? Math.min(DRAIN_RETRY_MS, p.sampleIntervalMs)
      : Math.min(p.sampleIntervalMs * 2 ** slot.misses, 8 * p.sampleIntervalMs)
    slot.misses = Math.min(slot.misses + 1, 3)
    const partners = new Set(slot.im.roles.get(slot.peer.roleName)?.partnerRoles ?? [])
    const heard = new AbortController()
    const off = this.h.discovery.on('announcement', a => {
      if (a.imHash === slot.im.hash && !a.withdrawn && partners.has(a.role)) heard.abort()
    })
    try {
      await this.h.clock.sleep(ms, AbortSignal.any([heard.signal, this.h.stopSignal]))
    } catch {
      // a partner was announced, or the agent stops
    } finally {
      off()
    }
  }

  async withdraw (slot: Slot): Promise<void> {
    const role = slot.advertised
    if (role === null) return
    slot.advertised = null
    try {
      await this.h.discovery.withdraw(slot.im.hash, role)
      this.h.emit({ type: 'withdrawn', imHash: slot.im.hash, role })
    } catch (err) {
      this.h.log.debug({ code: codeOf(err), role }, 'withdraw failed')
    }
  }
}
