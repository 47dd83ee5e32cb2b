// Firing the four kinds of step. Each attempt either fires (returns DONE, or CHANGED for a role
// change) or blocks: then it undoes every binding it made and records why on the peer.
import { PeerIdError, ResolverError, RoleChangeOtherPeerError } from '../errors.js'
import { copyTerm } from '../terms/copy.js'
import { termToString } from '../terms/print.js'
import { atom, deref } from '../terms/term.js'
import type { Term } from '../terms/term.js'
import { bind, undo, unify } from '../terms/unify.js'
import type { Trail } from '../terms/unify.js'
import type { Span } from '../span.js'
import type { CChange, CNull, CReceive, CSend, CStep } from './compiled.js'
import { evalCon, isPromise } from './evaluate.js'
import type { Truth } from './evaluate.js'
import type { PeerRun } from './peer.js'
import { ABORTED, BLOCKED, CHANGED, DONE } from './proc.js'
import type { Advance, AdvanceResult } from './proc.js'
import { build } from './template.js'
import type { BlockReason, Envelope, PeerId } from './types.js'

function blocked (p: PeerRun, s: CStep, mark: number, reason: BlockReason): Advance {
  undo(p.trail, mark)
  p.noteBlocked(s, reason)
  return BLOCKED
}

/** Runs `then` once the guard holds; blocks when it does not. */
function guarded (p: PeerRun, s: CStep, mark: number, truth: Truth, then: () => AdvanceResult): AdvanceResult {
  if (truth === true) return then()
  if (truth === false) return blocked(p, s, mark, 'constraint')
  const epoch = p.epoch
  return truth.then(ok => epoch !== p.epoch ? ABORTED : ok ? then() : blocked(p, s, mark, 'constraint'))
}

/** The peer id a bound id term names. */
export function peerIdOf (t: Term, span: Span): PeerId {
  const d = deref(t)
  if (d.kind === 'atom') return d.name
  if (d.kind === 'str') return d.value
  throw new PeerIdError(termToString(d), span)
}

function unifyId (idT: Term, id: PeerId, trail: Trail): boolean {
  const d = deref(idT)
  if (d.kind === 'var') { bind(d, atom(id), trail); return true }
  if (d.kind === 'atom') return d.name === id
  if (d.kind === 'str') return d.value === id
  return false
}

// ---- null <- C ---------------------------------------------------------------------------

export function tryNull (p: PeerRun, s: CNull): AdvanceResult {
  const mark = p.trail.length
  return guarded(p, s, mark, evalCon(s.guard, p), () => p.fired(s, DONE))
}

// ---- M => a(R, X) [<- C] ----------------------------------------------------------------------

export function trySend (p: PeerRun, s: CSend): AdvanceResult {
  const mark = p.trail.length
  if (s.guard === null) return sendTo(p, s, mark)
  return guarded(p, s, mark, evalCon(s.guard, p), () => sendTo(p, s, mark))
}

function sendTo (p: PeerRun, s: CSend, mark: number): AdvanceResult {
  const idT = deref(build(s.toId, p.frame))
  if (idT.kind !== 'var') return deliver(p, s, peerIdOf(idT, s.span))
  const query = { peer: p.id, role: p.roleName, toRole: s.toRole, message: build(s.message, p.frame), context: p.context, span: s.span }
  let found: PeerId | null | Promise<PeerId | null>
  try {
    found = p.resolve(query)
  } catch (e) {
    throw new ResolverError(s.toRole, e instanceof Error ? e.message : String(e), s.span)
  }
  const use = (id: PeerId | null): Advance => {
    if (id === null) return blocked(p, s, mark, 'no-peer')
    if (typeof id !== 'string' || id === '') throw new ResolverError(s.toRole, `returned ${typeof id === 'string' ? 'an empty id' : typeof id}`, s.span)
    bind(idT, atom(id), p.trail)
    return deliver(p, s, id)
  }
  if (!isPromise<PeerId | null>(found)) return use(found)
  const epoch = p.epoch
  return found.then(
    id => epoch !== p.epoch ? ABORTED : use(id),
    (e: unknown) => { throw new ResolverError(s.toRole, e instanceof Error ? e.message : String(e), s.span) }
  )
}

function deliver (p: PeerRun, s: CSend, to: PeerId): Advance {
  const env: Envelope = { from: p.id, fromRole: p.roleName, to, toRole: s.toRole, message: copyTerm(build(s.message, p.frame)) }
  p.post(env, s.span)
  return p.fired(s, DONE)
}

// ---- [C <-] M <= a(R, X) ----------------------------------------------------------------------

export function tryReceive (p: PeerRun, s: CReceive): AdvanceResult {
  if (p.inbox.length === 0) return blocked(p, s, p.trail.length, 'message')
  return scan(p, s, build(s.message, p.frame), build(s.fromId, p.frame), 0, false)
}

/** The first message in the inbox (from `i`) that matches and satisfies the step's constraint. */
function scan (p: PeerRun, s: CReceive, msgT: Term, idT: Term, i: number, sawConstraint: boolean): AdvanceResult {
  const inbox = p.inbox
  for (; i < inbox.length; i++) {
    const env = inbox[i] as Envelope
    if (env.fromRole !== s.fromRole || env.toRole !== p.roleName) continue
    const mark = p.trail.length
    if (!unifyId(idT, env.from, p.trail) || !unify(msgT, env.message, p.trail)) { undo(p.trail, mark); continue }
    if (s.constraint === null) return accept(p, s, env)
    const r = evalCon(s.constraint, p)
    if (r === true) return accept(p, s, env)
    if (r === false) { undo(p.trail, mark); sawConstraint = true; continue }
    const epoch = p.epoch
    const next = i + 1
    return r.then(ok => {
      if (epoch !== p.epoch) return ABORTED
      if (ok) return accept(p, s, env)
      undo(p.trail, mark)
      return scan(p, s, msgT, idT, next, true)
    })
  }
  return blocked(p, s, p.trail.length, sawConstraint ? 'constraint' : 'message')
}

function accept (p: PeerRun, s: CReceive, env: Envelope): Advance {
  p.take(env, s.span)
  return p.fired(s, DONE)
}

// ---- a(R, X) [<- C] ---------------------------------------------------------------------------

export function tryChange (p: PeerRun, s: CChange): AdvanceResult {
  const mark = p.trail.length
  if (s.guard === null) return change(p, s)
  return guarded(p, s, mark, evalCon(s.guard, p), () => change(p, s))
}

function change (p: PeerRun, s: CChange): Advance {
  const id = deref(build(s.id, p.frame))
  if (id.kind === 'var') bind(id, p.idAtom, p.trail)
  else if (peerIdOf(id, s.span) !== p.id) throw new RoleChangeOtherPeerError(p.id, termToString(id), s.span)
  p.fired(s, CHANGED)
  p.enterRole(build(s.roleType, p.frame), s.span)
  return CHANGED
}
