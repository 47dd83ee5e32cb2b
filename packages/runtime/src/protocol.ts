// The agent's two stream protocols and their bodies. Every body is validated (structure here, terms
// by lcc's JSON codec in the handler); failures are answered with coded errors, never a crash.
//
// /parley/invite/1 — the lease life cycle, by `type`:
//   invite {interaction, im, role, from, coordinator, fromRole: TermJson, fromArgs, ttlMs}
//     (coordinator is the elected one: `from`, or the invited host itself, which then coordinates)
//     -> {accepted: true, role: TermJson, args: Json, ttlMs}     refusals: RT_NOT_IN_ROLE, RT_LEASED,
//                                                                 RT_NOT_SUBSCRIBED, RT_CORDONED
//   renew  {interaction}                -> {ok: true, ttlMs}       RT_NO_LEASE
//   end    {interaction, role: TermJson} -> {ok: true}             (resume the local loop from `role`)
//   abort  {interaction, reason}        -> {ok: true}             (resume the initial role)
// /parley/constraint/1 — evaluate one participant's constraint for the coordinator:
//   {interaction, seq, peer, role, roleTerm: TermJson, key, args: TermJson[], context}
//     -> {outcome: boolean | TermJson[], notes}                   RT_NO_LEASE, RT_WRONG_PARTICIPANT,
//                                                                 RT_UNKNOWN_CONSTRAINT, RT_BAD_TERM,
//                                                                 RT_CONSTRAINT_FAILED
import type { Json, Validator } from '@parley/discovery'
import { guard, isObj, PEER_ID as ID } from './wire-read.js'
import type { Obj } from './wire-read.js'

export const INVITE_PROTOCOL = '/parley/invite/1'
export const CONSTRAINT_PROTOCOL = '/parley/constraint/1'

export type InviteBody = { type: 'invite', interaction: string, im: string, role: string, from: string, coordinator: string, fromRole: Json, fromArgs: Json, ttlMs: number }
export type RenewBody = { type: 'renew', interaction: string }
export type EndBody = { type: 'end', interaction: string, role: Json }
export type AbortBody = { type: 'abort', interaction: string, reason: string }
export type InviteRequest = InviteBody | RenewBody | EndBody | AbortBody

export type InviteAccepted = { accepted: true, role: Json, args: Json, ttlMs: number }
export type OkReply = { ok: true, ttlMs?: number }

/** What the coordinator shares with every constraint call of an interaction. */
export type WireContext = {
  im: string
  coordinator: string
  /** Per participant: its role term when it joined and the args it advertised. */
  participants: { [peer: string]: { role: Json, args: Json } }
  /** Facts constraints recorded for the others (e.g. the VMs a migration moved). */
  notes: { [key: string]: Json }
}

export type ConstraintRequest = {
  interaction: string
  seq: number
  peer: string
  role: string
  roleTerm: Json
  key: string
  args: Json[]
  context: WireContext
}

export type ConstraintReply = { outcome: boolean | Json[], notes: { [key: string]: Json } }

const KEY = /^[^/\s]{1,200}\/\d{1,3}$/

class Check {
  constructor (private readonly o: Obj, private readonly path = '$') {}
  str (k: string, re: RegExp = ID, max = 200): string {
    const v = this.o[k]
    if (typeof v !== 'string') throw new Error(`${this.path}.${k} must be a string`)
    if (v.length > max || !re.test(v)) throw new Error(`${this.path}.${k} is not a valid value`)
    return v
  }
  text (k: string, max = 1000): string {
    const v = this.o[k]
    if (typeof v !== 'string' || v.length > max) throw new Error(`${this.path}.${k} must be a string of at most ${max} characters`)
    return v
  }
  num (k: string, min: number, max: number): number {
    const v = this.o[k]
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw new Error(`${this.path}.${k} must be a number in [${min}, ${max}]`)
    return v
  }
  present (k: string): Json {
    if (!(k in this.o) || this.o[k] === undefined) throw new Error(`${this.path}.${k} is missing`)
    return this.o[k] as Json
  }
  obj (k: string): Obj {
    const v = this.o[k]
    if (!isObj(v)) throw new Error(`${this.path}.${k} must be an object`)
    return v
  }
}

export const validateInviteRequest: Validator<InviteRequest> = guard(o => {
  const c = new Check(o)
  const type = o.type
  switch (type) {
    case 'invite':
      return {
        type,
        interaction: c.str('interaction'),
        im: c.str('im'),
        role: c.str('role'),
        from: c.str('from'),
        coordinator: c.str('coordinator'),
        fromRole: c.present('fromRole'),
        fromArgs: 'fromArgs' in o ? o.fromArgs as Json : null,
        ttlMs: c.num('ttlMs', 1, 3_600_000)
      }
    case 'renew': return { type, interaction: c.str('interaction') }
    case 'end': return { type, interaction: c.str('interaction'), role: c.present('role') }
    case 'abort': return { type, interaction: c.str('interaction'), reason: c.text('reason') }
    default: throw new Error('$.type must be one of invite, renew, end, abort')
  }
})

export const validateInviteAccepted: Validator<InviteAccepted> = guard(o => {
  const c = new Check(o)
  if (o.accepted !== true) throw new Error('$.accepted must be true')
  return { accepted: true, role: c.present('role'), args: c.present('args'), ttlMs: c.num('ttlMs', 1, 3_600_000) }
})

export const validateOk: Validator<OkReply> = guard(o => {
  if (o.ok !== true) throw new Error('$.ok must be true')
  const ttl = o.ttlMs
  return typeof ttl === 'number' ? { ok: true, ttlMs: ttl } : { ok: true }
})

function readContext (o: Obj): WireContext {
  const c = new Check(o, '$.context')
  const parts = c.obj('participants')
  const participants: WireContext['participants'] = {}
  for (const [peer, p] of Object.entries(parts)) {
    if (!ID.test(peer) || !isObj(p)) throw new Error(`$.context.participants.${peer.slice(0, 40)} is not valid`)
    const pc = new Check(p, `$.context.participants.${peer}`)
    participants[peer] = { role: pc.present('role'), args: pc.present('args') }
  }
  return { im: c.str('im'), coordinator: c.str('coordinator'), participants, notes: c.obj('notes') as WireContext['notes'] }
}

export const validateConstraintRequest: Validator<ConstraintRequest> = guard(o => {
  const c = new Check(o)
  const args = o.args
  if (!Array.isArray(args) || args.length > 32) throw new Error('$.args must be an array of at most 32 terms')
  return {
    interaction: c.str('interaction'),
    seq: c.num('seq', 0, Number.MAX_SAFE_INTEGER),
    peer: c.str('peer'),
    role: c.str('role'),
    roleTerm: c.present('roleTerm'),
    key: c.str('key', KEY),
    args: args as Json[],
    context: readContext(c.obj('context'))
  }
})

export const validateConstraintReply: Validator<ConstraintReply> = guard(o => {
  const outcome = o.outcome
  if (typeof outcome !== 'boolean' && !Array.isArray(outcome)) throw new Error('$.outcome must be a boolean or an array of terms')
  const notes = o.notes
  if (!isObj(notes)) throw new Error('$.notes must be an object')
  return { outcome: outcome as boolean | Json[], notes: notes as ConstraintReply['notes'] }
})
