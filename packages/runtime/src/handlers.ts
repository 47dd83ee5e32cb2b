// The participant's side of the two protocols: accept or refuse invitations (lease rules), renew,
// end and abort, and evaluate this host's constraints for a coordinator that holds its lease.
// Every refusal is a coded RuntimeError, which the discovery layer answers as a coded error frame.
import type { Json, RequestContext } from '@parley/discovery'
import { termFromJson, termToJson, termsFromJson } from '@parley/lcc'
import type { ConstraintCall, ConstraintFn, Span, Term } from '@parley/lcc'
import type { Logger } from 'pino'
import type { ConstraintContext } from './components/context.js'
import {
  AlreadyLeasedError, BadMessageError, BadTermError, ConstraintFailedError, CordonedError, NoLeaseError, NotInRoleError, NotSubscribedError,
  RuntimeError, UnknownConstraintError, WrongParticipantError, messageOf
} from './errors.js'
import type { LeaseTable } from './lease.js'
import type { ConstraintReply, ConstraintRequest, InviteAccepted, InviteBody, InviteRequest, OkReply } from './protocol.js'
import type { Slot } from './slot.js'

/** What the handlers need of the agent. */
export interface ParticipantHost {
  readonly self: string
  readonly leases: LeaseTable
  readonly log: Logger
  readonly cordoned: boolean
  readonly ttlMs: number
  slot (imHash: string): Slot | undefined
  slotOf (interaction: string): Slot | undefined
  constraint (key: string): ConstraintFn | undefined
  argsFor (role: Term): Json
  /** The invitation was accepted: the slot is now in the interaction. */
  accepted (slot: Slot, body: InviteBody, fromRole: Term): void
  /** The participation ended (end/abort): release the lease and resume the slot from `role`. */
  finish (slot: Slot, interaction: string, role: Term, outcome: 'ended' | 'aborted', reason?: string): void
}

const NO_SPAN: Span = { start: { offset: 0, line: 1, column: 1 }, end: { offset: 0, line: 1, column: 1 } }

function decodeTerm (x: Json, where: string): Term {
  try { return termFromJson(x) } catch (err) { throw new BadTermError(where, messageOf(err)) }
}

export function inviteHandler (h: ParticipantHost) {
  return (body: InviteRequest, rc: RequestContext): InviteAccepted | OkReply => {
    switch (body.type) {
      case 'invite': return invite(h, body, rc)
      case 'renew': {
        const l = h.leases.valid(body.interaction)
        if (l.coordinator !== rc.peerId) throw new NoLeaseError(body.interaction)
        h.leases.renew(body.interaction)
        return { ok: true, ttlMs: l.ttlMs }
      }
      case 'end': {
        const l = h.leases.valid(body.interaction)
        if (l.coordinator !== rc.peerId) throw new NoLeaseError(body.interaction)
        const slot = h.slotOf(body.interaction)
        if (slot === undefined) throw new NoLeaseError(body.interaction)
        let role = decodeTerm(body.role, '$.role')
        const d = role.kind === 'atom' ? role.name : role.kind === 'cmp' ? role.functor : ''
        if (slot.im.program.clause(d) === undefined) role = termFromJson({ a: slot.im.initialRole })
        h.finish(slot, body.interaction, role, 'ended')
        return { ok: true }
      }
      case 'abort': {
        // idempotent: an abort for a lease already gone is answered ok
        const l = h.leases.held
        const slot = h.slotOf(body.interaction)
        if (l !== null && l.interaction === body.interaction && l.coordinator === rc.peerId && slot !== undefined) {
          h.finish(slot, body.interaction, termFromJson({ a: slot.im.initialRole }), 'aborted', body.reason)
        }
        return { ok: true }
      }
    }
  }
}

function invite (h: ParticipantHost, body: InviteBody, rc: RequestContext): InviteAccepted {
  const slot = h.slot(body.im)
  if (slot === undefined) throw new NotSubscribedError(body.im)
  if (body.coordinator !== rc.peerId && body.coordinator !== h.self) throw new BadMessageError('$.coordinator', 'the coordinator must be the inviting host or this host')
  if (h.cordoned) throw new CordonedError()
  if (slot.phase !== 'advertising' || slot.peer.roleName !== body.role) {
    throw new NotInRoleError(body.role, slot.phase === 'advertising' ? slot.peer.roleName : `${slot.peer.roleName} (${slot.phase})`)
  }
  const held = h.leases.held
  if (held !== null) throw new AlreadyLeasedError(held.interaction)
  const fromRole = decodeTerm(body.fromRole, '$.fromRole')
  const role = slot.peer.roleTerm
  h.leases.grant(body.interaction, body.coordinator, body.im, Math.min(body.ttlMs, h.ttlMs * 4))
  h.accepted(slot, body, fromRole)
  h.log.info({ interaction: body.interaction, from: rc.peerId, coordinator: body.coordinator, role: body.role }, 'invitation accepted; lease granted')
  return { accepted: true, role: termToJson(role), args: h.argsFor(role), ttlMs: body.ttlMs }
}

/** Answers are cached per (interaction, seq): a re-sent call is answered without running again. */
export function constraintHandler (h: ParticipantHost) {
  const cache = new Map<string, ConstraintReply>()
  return async (body: ConstraintRequest, rc: RequestContext): Promise<ConstraintReply> => {
    if (body.peer !== h.self) throw new WrongParticipantError(body.peer, h.self)
    const lease = h.leases.valid(body.interaction)
    if (lease.coordinator !== rc.peerId) throw new NoLeaseError(body.interaction)
    h.leases.renew(body.interaction)
    const cacheKey = `${body.interaction}#${body.seq}`
    const hit = cache.get(cacheKey)
    if (hit !== undefined) return hit
    const fn = h.constraint(body.key)
    if (fn === undefined) throw new UnknownConstraintError(body.key)
    let args: Term[]
    try { args = termsFromJson(body.args) } catch (err) { throw new BadTermError('$.args', messageOf(err)) }
    const roleTerm = decodeTerm(body.roleTerm, '$.roleTerm')
    const context: ConstraintContext = { ...body.context, interaction: body.interaction, notes: { ...body.context.notes } }
    const call: ConstraintCall = {
      key: body.key, name: body.key.slice(0, body.key.lastIndexOf('/')), args, peer: h.self, role: body.role, roleTerm, context, span: NO_SPAN
    }
    let outcome
    try {
      outcome = await fn(args, call)
    } catch (err) {
      if (err instanceof RuntimeError) throw err
      h.log.warn({ interaction: body.interaction, key: body.key, err: messageOf(err) }, 'constraint component threw')
      throw new ConstraintFailedError(body.key, messageOf(err), { cause: err })
    }
    const reply: ConstraintReply = { outcome: typeof outcome === 'boolean' ? outcome : outcome.map(termToJson), notes: context.notes }
    cache.set(cacheKey, reply)
    if (cache.size > 128) cache.delete(cache.keys().next().value as string)
    return reply
  }
}
