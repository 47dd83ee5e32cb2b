// The errors of @parley/lcc's back end (terms and interpreter). Each failure has its own class
// with a stable `code` and a `hint`. The front end (parse, check) reports problems as
// diagnostics instead; these classes are for run time and for decoding terms from the network.
import type { Span } from './span.js'

export abstract class LccError extends Error {
  abstract readonly code: string
  readonly hint: string
  /** Where in the LCC text the failing step or constraint is, when known. */
  readonly span: Span | null
  constructor (message: string, hint: string, span: Span | null = null) {
    super(message)
    this.name = new.target.name
    this.hint = hint
    this.span = span
  }
}

function at (span: Span | null): string {
  return span === null ? '' : ` at ${span.start.line}:${span.start.column}`
}

// ---- terms ---------------------------------------------------------------------------------

/** A JSON term from outside (a peer message) is malformed. `path` locates the bad part. */
export class TermDecodeError extends LccError {
  readonly code = 'LCC050'
  constructor (readonly path: string, reason: string) {
    super(`malformed term at ${path}: ${reason}`, 'a term is a number, {"a":atom}, {"s":string}, {"v":Var}, {"f":functor,"args":[...]} or {"l":[...],"t":tail}')
  }
}

/** `is` or a comparison met an unbound variable. */
export class ArithmeticUnboundError extends LccError {
  readonly code = 'LCC051'
  constructor (variable: string, span: Span | null = null) {
    super(`arithmetic on unbound variable ${variable}${at(span)}`, 'bind the variable in an earlier step or constraint before computing with it', span)
  }
}

/** `is` or a comparison met a term that is not a number or an arithmetic expression. */
export class ArithmeticTypeError extends LccError {
  readonly code = 'LCC052'
  constructor (what: string, span: Span | null = null) {
    super(`not a number or arithmetic expression: ${what}${at(span)}`, 'arithmetic knows numbers, + - * / mod, unary minus, abs, min and max', span)
  }
}

/** Division by zero, or a result that is not a finite number. */
export class ArithmeticRangeError extends LccError {
  readonly code = 'LCC053'
  constructor (what: string, span: Span | null = null) {
    super(`arithmetic result out of range: ${what}${at(span)}`, 'guard the divisor, e.g. `D \\= 0`', span)
  }
}

// ---- program --------------------------------------------------------------------------------

/** The model cannot be compiled (a clause head without a role name, a role defined twice...). */
export class ProgramError extends LccError {
  readonly code = 'LCC054'
  constructor (message: string, span: Span | null = null) {
    super(`${message}${at(span)}`, 'run `parley im check` on the model: it reports this with more context', span)
  }
}

/** A peer was started in, or changed to, a role that has no clause. */
export class UnknownRoleError extends LccError {
  readonly code = 'LCC055'
  constructor (readonly role: string, span: Span | null = null) {
    super(`no clause defines role ${role}${at(span)}`, 'define `a(' + role + ', Id) :: ...` or fix the role name', span)
  }
}

/** A role change's arguments do not unify with the head of the new role's clause. */
export class RoleHeadMismatchError extends LccError {
  readonly code = 'LCC056'
  constructor (readonly role: string, given: string, span: Span | null = null) {
    super(`role change to ${given} does not match the head of role ${role}${at(span)}`, 'give the role change as many arguments as the clause head has', span)
  }
}

/** A role change names another peer's id: a peer can only change its own role. */
export class RoleChangeOtherPeerError extends LccError {
  readonly code = 'LCC057'
  constructor (readonly peer: string, given: string, span: Span | null = null) {
    super(`peer ${peer} cannot change into a role for peer ${given}${at(span)}`, 'use the clause\'s own id in the role change, e.g. `a(idle, ID2)` in the clause of ID2', span)
  }
}

// ---- constraints ----------------------------------------------------------------------------

export class UnknownConstraintError extends LccError {
  readonly code = 'LCC058'
  constructor (readonly key: string, readonly peer: string, span: Span | null = null) {
    super(`no component provides constraint ${key} for peer ${peer}${at(span)}`, 'register the constraint for this peer, or run `parley im check` with the component list', span)
  }
}

/** A constraint did not answer within the timeout. */
export class ConstraintTimeoutError extends LccError {
  readonly code = 'LCC059'
  constructor (readonly key: string, readonly peer: string, readonly role: string, readonly ms: number, span: Span | null = null) {
    super(`constraint ${key} of peer ${peer} in role ${role} did not answer within ${ms} ms${at(span)}`, 'the component is stuck or its host is unreachable; raise constraintTimeoutMs only if the call is legitimately slow', span)
  }
}

/** A constraint threw (or its promise rejected) instead of holding or failing. */
export class ConstraintFaultError extends LccError {
  readonly code = 'LCC060'
  constructor (readonly key: string, readonly peer: string, reason: string, span: Span | null = null) {
    super(`constraint ${key} of peer ${peer} failed with an error: ${reason}${at(span)}`, 'a constraint signals "does not hold" by returning false; errors are faults', span)
  }
}

/** A constraint returned something other than a boolean or one term per argument. */
export class ConstraintResultError extends LccError {
  readonly code = 'LCC061'
  constructor (readonly key: string, what: string, span: Span | null = null) {
    super(`constraint ${key} returned ${what}${at(span)}`, 'return true, false, or an array with one term per argument (unified with the arguments)', span)
  }
}

/** A constraint whose goal is a variable was evaluated while the variable was not callable. */
export class GoalError extends LccError {
  readonly code = 'LCC062'
  constructor (what: string, span: Span | null = null) {
    super(`not a callable goal: ${what}${at(span)}`, 'bind the goal variable to an atom or compound before the constraint runs', span)
  }
}

// ---- messages and peers ----------------------------------------------------------------------

/** A message or role change names a peer with a term that is not a peer id. */
export class PeerIdError extends LccError {
  readonly code = 'LCC063'
  constructor (what: string, span: Span | null = null) {
    super(`not a peer id: ${what}${at(span)}`, 'peer ids are atoms or strings', span)
  }
}

/** A message is addressed to a peer the executor does not know. */
export class UnknownPeerError extends LccError {
  readonly code = 'LCC064'
  constructor (readonly peer: string, span: Span | null = null) {
    super(`no such peer: ${peer}${at(span)}`, 'the peer left the interaction, or the id was computed wrongly', span)
  }
}

/** The peer resolver failed while finding a partner for a message. */
export class ResolverError extends LccError {
  readonly code = 'LCC065'
  constructor (readonly role: string, reason: string, span: Span | null = null) {
    super(`finding a peer playing ${role} failed: ${reason}${at(span)}`, 'check discovery: the resolver must return a peer id or null', span)
  }
}

// ---- run reports -----------------------------------------------------------------------------

/** A peer can fire no step and nothing can unblock it within the run (it is stuck). */
export class PeerBlockedError extends LccError {
  readonly code = 'LCC066'
  constructor (readonly peer: string, readonly role: string, readonly step: string, readonly reason: string, span: Span | null) {
    super(`peer ${peer} in role ${role} is blocked at ${step}${at(span)}: ${reason}`, 'a message that never comes or a constraint that never holds; `parley im verify` shows how the peers got here', span)
  }
}

/** The run used its step budget before it became quiescent. */
export class StepBudgetError extends LccError {
  readonly code = 'LCC067'
  constructor (readonly steps: number) {
    super(`step budget of ${steps} steps exhausted`, 'an IM that loops (e.g. an idle role that recurses) never quiesces: stop it by budget or by a condition')
  }
}

/** An unexpected exception inside the interpreter: a bug in @parley/lcc, reported as data. */
export class InterpreterFaultError extends LccError {
  readonly code = 'LCC068'
  constructor (readonly peer: string, reason: string, span: Span | null = null) {
    super(`interpreter fault in peer ${peer}: ${reason}${at(span)}`, 'this is a bug in @parley/lcc; please report it with the model and the trace', span)
  }
}
