// One peer running a program: its current role and clause, its position in the clause, its inbox.
// `step()` fires at most one step. Executors (the Scheduler, the runtime's host loop and
// coordinator) call it and route the messages it posts.
import { InterpreterFaultError, LccError, RoleHeadMismatchError, UnknownRoleError } from '../errors.js'
import type { Span } from '../span.js'
import { termToString } from '../terms/print.js'
import { atom, deref } from '../terms/term.js'
import type { Atom, Term, Var } from '../terms/term.js'
import { undo, unify } from '../terms/unify.js'
import type { CStep } from './compiled.js'
import { isPromise } from './evaluate.js'
import { BLOCKED, CHANGED, DONE, advance, start } from './proc.js'
import type { Advance, Proc, Signal } from './proc.js'
import type { CompiledClause, Program } from './program.js'
import { build, newFrame } from './template.js'
import type {
  BlockedStep, BlockReason, ConstraintDispatcher, Envelope, PeerId, PeerResolver, PeerStatus, RunEventListener, StepOutcome, Timers
} from './types.js'

export interface PeerInit {
  readonly id: PeerId
  /** The role to start in: a role name, or a role term with arguments such as `underloaded(4)`. */
  readonly role: string | Term
  /** Passed to constraint calls and resolver queries (e.g. the interaction id). */
  readonly context?: unknown
}

export interface PeerEnv {
  readonly dispatch: ConstraintDispatcher
  readonly resolve: PeerResolver
  /** Routes a message the peer sends; throw UnknownPeerError for an unknown recipient. */
  readonly send: (e: Envelope) => void
  readonly onEvent?: RunEventListener | undefined
  /** Per constraint call (default 30,000 ms). */
  readonly constraintTimeoutMs?: number | undefined
  readonly timers?: Timers | undefined
}

const defaultTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: h => clearTimeout(h as ReturnType<typeof setTimeout>)
}

function asRoleTerm (role: string | Term): Term {
  return typeof role === 'string' ? atom(role) : role
}

export class PeerRun {
  readonly id: PeerId
  readonly idAtom: Atom
  readonly context: unknown
  readonly dispatch: ConstraintDispatcher
  readonly resolve: PeerResolver
  readonly constraintTimeoutMs: number
  readonly timers: Timers
  /** Messages delivered and not yet received, oldest first. */
  readonly inbox: Envelope[] = []
  /** Bindings of the attempt in progress; emptied when a step fires. */
  readonly trail: Var[] = []
  frame: Var[] = []
  roleName = ''
  roleTerm: Term = atom('')
  status: PeerStatus = 'ready'
  /** Why the last attempt fired nothing (when status is 'blocked'). */
  blocked: readonly BlockedStep[] | null = null
  /** Some blocked step waits on a constraint or a partner, which may change without a message. */
  pollable = false
  error: LccError | null = null
  /** Steps fired so far. */
  steps = 0
  /** Bumped by `become`: continuations of an abandoned attempt check it and do nothing. */
  epoch = 0
  /** The constraint call that most recently did not hold (for block reports). */
  failedAt: Span | null = null
  private clauseNow: CompiledClause | null = null
  private proc: Proc | null = null
  private blockedNow: BlockedStep[] = []
  private pending: Promise<StepOutcome> | null = null
  private readonly postFn: (e: Envelope) => void
  private readonly onEvent: RunEventListener | undefined

  constructor (readonly program: Program, init: PeerInit, env: PeerEnv) {
    this.id = init.id
    this.idAtom = atom(init.id)
    this.context = init.context
    this.dispatch = env.dispatch
    this.resolve = env.resolve
    this.postFn = env.send
    this.onEvent = env.onEvent
    this.constraintTimeoutMs = env.constraintTimeoutMs ?? 30_000
    this.timers = env.timers ?? defaultTimers
    this.enterRole(asRoleTerm(init.role), null)
    this.trail.length = 0
  }

  /** The clause of the current role (its `seeks`/`advertises`/`local` flags guide the host). */
  get clause (): CompiledClause { return this.clauseNow as CompiledClause }

  /** Fires at most one step. Synchronous unless a constraint or the resolver answers a promise. */
  step (): StepOutcome | Promise<StepOutcome> {
    switch (this.status) {
      case 'finished': case 'failed': return this.status
      case 'waiting': return this.pending as Promise<StepOutcome>
    }
    if (this.blockedNow.length > 0) this.blockedNow = []
    this.failedAt = null
    let r
    try {
      r = advance(this, this.proc as Proc)
    } catch (e) {
      return this.fail(e)
    }
    if (!isPromise<Advance>(r)) return this.settle(r)
    this.status = 'waiting'
    const epoch = this.epoch
    const pending = r.then(
      a => epoch === this.epoch ? this.settle(a) : 'aborted' as const,
      (e: unknown) => epoch === this.epoch ? this.fail(e) : 'aborted' as const
    )
    this.pending = pending
    return pending
  }

  /** Puts a message in the inbox. */
  deliver (e: Envelope): void {
    this.inbox.push(e)
    if (this.status === 'blocked') this.status = 'ready'
  }

  /**
   * Abandons the current clause (and any step in flight) and starts `role` afresh: how an
   * executor aborts an interaction and puts the peer back into a local role.
   */
  become (role: string | Term, opts: { keepInbox?: boolean } = {}): void {
    this.epoch++
    this.pending = null
    undo(this.trail, 0)
    if (opts.keepInbox !== true) this.inbox.length = 0
    this.status = 'ready'
    this.error = null
    this.blocked = null
    this.enterRole(asRoleTerm(role), null)
    this.trail.length = 0
  }

  // ---- used by the step functions ----------------------------------------------------------

  enterRole (roleType: Term, span: Span | null): void {
    const d = deref(roleType)
    const name = d.kind === 'atom' ? d.name : d.kind === 'cmp' ? d.functor : termToString(d)
    const clause = this.program.clause(name)
    if (clause === undefined) throw new UnknownRoleError(name, span)
    const frame = newFrame(clause.vars)
    if (!unify(build(clause.headType, frame), d, this.trail) || !unify(build(clause.headId, frame), this.idAtom, this.trail)) {
      throw new RoleHeadMismatchError(name, termToString(d), span)
    }
    const from = this.roleName
    this.clauseNow = clause
    this.frame = frame
    this.roleName = name
    this.roleTerm = d
    this.proc = start(clause.body)
    if (this.onEvent !== undefined) this.onEvent({ type: 'role', peer: this.id, from, to: name, roleTerm: d, span })
  }

  fired (s: CStep, sig: Signal): Signal {
    this.steps++
    if (this.onEvent !== undefined) this.onEvent({ type: 'step', peer: this.id, role: this.roleName, step: s.kind, span: s.span })
    return sig
  }

  noteBlocked (s: CStep, reason: BlockReason): void {
    let partnerRole: string | null = null
    let partnerKnown = false
    if (s.kind === 'send' || s.kind === 'receive') {
      partnerRole = s.kind === 'send' ? s.toRole : s.fromRole
      partnerKnown = deref(build(s.kind === 'send' ? s.toId : s.fromId, this.frame)).kind !== 'var'
    }
    this.blockedNow.push({ kind: s.kind, span: s.span, reason, at: reason === 'constraint' ? this.failedAt : null, partnerRole, partnerKnown })
  }

  post (e: Envelope, span: Span): void {
    this.postFn(e)
    if (this.onEvent !== undefined) this.onEvent({ type: 'send', peer: this.id, role: this.roleName, to: e.to, toRole: e.toRole, message: e.message, span })
  }

  take (e: Envelope, span: Span): void {
    const i = this.inbox.indexOf(e)
    if (i >= 0) this.inbox.splice(i, 1)
    if (this.onEvent !== undefined) this.onEvent({ type: 'receive', peer: this.id, role: this.roleName, from: e.from, fromRole: e.fromRole, message: e.message, span })
  }

  // ---- internals ---------------------------------------------------------------------------

  private settle (a: Advance): StepOutcome {
    this.trail.length = 0
    this.pending = null
    if (a.kind !== 'signal') {
      this.proc = a
      this.status = 'ready'
      this.blocked = null
      return 'fired'
    }
    if (a === BLOCKED) {
      const was = this.status
      this.status = 'blocked'
      this.blocked = this.blockedNow
      this.blockedNow = []
      this.pollable = this.blocked.some(b => b.reason !== 'message')
      if (was !== 'blocked' && this.onEvent !== undefined) this.onEvent({ type: 'blocked', peer: this.id, role: this.roleName, steps: this.blocked })
      return 'blocked'
    }
    if (a === CHANGED) {
      this.status = 'ready'
      this.blocked = null
      return 'changed'
    }
    if (a === DONE) {
      this.status = 'finished'
      this.blocked = null
      if (this.onEvent !== undefined) this.onEvent({ type: 'finished', peer: this.id, role: this.roleName })
      return 'finished'
    }
    return 'aborted'
  }

  private fail (e: unknown): StepOutcome {
    undo(this.trail, 0)
    this.pending = null
    const err = e instanceof LccError ? e : new InterpreterFaultError(this.id, e instanceof Error ? e.message : String(e))
    this.status = 'failed'
    this.error = err
    if (this.onEvent !== undefined) this.onEvent({ type: 'failed', peer: this.id, role: this.roleName, error: err })
    return 'failed'
  }
}
