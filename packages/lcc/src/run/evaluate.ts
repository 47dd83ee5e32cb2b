// Evaluates a compiled constraint for a peer. Synchronous outcomes stay synchronous (no promise,
// no microtask); only a component that returns a promise makes the evaluation asynchronous, and
// then it is raced against the constraint timeout.
import { ConstraintFaultError, ConstraintResultError, ConstraintTimeoutError, GoalError, LccError } from '../errors.js'
import type { Span } from '../span.js'
import { deref } from '../terms/term.js'
import type { Term } from '../terms/term.js'
import { termToString } from '../terms/print.js'
import { undo, unify } from '../terms/unify.js'
import { BUILTINS } from './builtins.js'
import type { CCon } from './compiled.js'
import type { PeerRun } from './peer.js'
import { build } from './template.js'
import type { Tpl } from './template.js'
import type { ConstraintCall, ConstraintOutcome } from './types.js'

export type Truth = boolean | Promise<boolean>

export function isPromise<T> (x: unknown): x is Promise<T> {
  return typeof x === 'object' && x !== null && typeof (x as { then?: unknown }).then === 'function'
}

function fault (e: unknown, call: ConstraintCall): LccError {
  if (e instanceof LccError) return e
  return new ConstraintFaultError(call.key, call.peer, e instanceof Error ? e.message : String(e), call.span)
}

function apply (out: ConstraintOutcome, call: ConstraintCall, p: PeerRun): boolean {
  if (out === true) return true
  if (out === false) { p.failedAt = call.span; return false }
  if (!Array.isArray(out) || out.length !== call.args.length) {
    throw new ConstraintResultError(call.key, Array.isArray(out) ? `${out.length} terms for ${call.args.length} arguments` : typeof out, call.span)
  }
  for (let i = 0; i < out.length; i++) {
    if (!unify(call.args[i] as Term, out[i] as Term, p.trail)) { p.failedAt = call.span; return false }
  }
  return true
}

function settleLater (pending: Promise<ConstraintOutcome>, call: ConstraintCall, p: PeerRun): Promise<boolean> {
  const ms = p.constraintTimeoutMs
  const timers = p.timers
  const epoch = p.epoch
  return new Promise<boolean>((resolve, reject) => {
    let settled = false
    const timer = timers.setTimeout(() => {
      if (settled) return
      settled = true
      reject(new ConstraintTimeoutError(call.key, call.peer, call.role, ms, call.span))
    }, ms)
    pending.then(out => {
      if (settled) return
      settled = true
      timers.clearTimeout(timer)
      // An answer for a peer that was reset meanwhile binds nothing.
      if (epoch !== p.epoch) { resolve(false); return }
      try { resolve(apply(out, call, p)) } catch (e) { reject(fault(e, call)) }
    }, (e: unknown) => {
      if (settled) return
      settled = true
      timers.clearTimeout(timer)
      reject(fault(e, call))
    })
  })
}

function dispatch (key: string, name: string, args: Term[], span: Span, p: PeerRun): Truth {
  const call: ConstraintCall = { key, name, args, peer: p.id, role: p.roleName, roleTerm: p.roleTerm, context: p.context, span }
  let out: ConstraintOutcome | Promise<ConstraintOutcome>
  try {
    out = p.dispatch(call)
  } catch (e) {
    throw fault(e, call)
  }
  if (isPromise<ConstraintOutcome>(out)) return settleLater(out, call, p)
  return apply(out, call, p)
}

function callGoal (goal: Term, span: Span, p: PeerRun): Truth {
  const g = deref(goal)
  let name: string
  let args: Term[]
  if (g.kind === 'atom') { name = g.name; args = [] } else if (g.kind === 'cmp') { name = g.functor; args = g.args.slice() } else {
    throw new GoalError(termToString(g), span)
  }
  if ((name === 'not' || name === '\\+') && args.length === 1) {
    const mark = p.trail.length
    const r = callGoal(args[0] as Term, span, p)
    const negate = (ok: boolean): boolean => {
      undo(p.trail, mark)
      if (ok) p.failedAt = span
      return !ok
    }
    return typeof r === 'boolean' ? negate(r) : r.then(negate)
  }
  const key = `${name}/${args.length}`
  const b = BUILTINS.get(key)
  if (b !== undefined) {
    if (b(args, p.trail, span)) return true
    p.failedAt = span
    return false
  }
  return dispatch(key, name, args, span, p)
}

/** Evaluates `c`; bindings go on the peer's trail. The caller undoes them if the step fails. */
export function evalCon (c: CCon, p: PeerRun): Truth {
  switch (c.kind) {
    case 'call': {
      const n = c.args.length
      const args = new Array<Term>(n)
      for (let i = 0; i < n; i++) args[i] = build(c.args[i] as Tpl, p.frame)
      if (c.builtin !== null) {
        if (c.builtin(args, p.trail, c.span)) return true
        p.failedAt = c.span
        return false
      }
      for (let i = 0; i < n; i++) args[i] = deref(args[i] as Term)
      return dispatch(c.key, c.name, args, c.span, p)
    }
    case 'dyn': return callGoal(build(c.goal, p.frame), c.span, p)
    case 'and': {
      const r = evalCon(c.left, p)
      if (r === true) return evalCon(c.right, p)
      if (r === false) return false
      return r.then(ok => ok ? evalCon(c.right, p) : false)
    }
    case 'or': {
      const mark = p.trail.length
      const r = evalCon(c.left, p)
      if (r === true) return true
      if (r === false) { undo(p.trail, mark); return evalCon(c.right, p) }
      return r.then(ok => {
        if (ok) return true
        undo(p.trail, mark)
        return evalCon(c.right, p)
      })
    }
    case 'not': {
      const mark = p.trail.length
      const r = evalCon(c.operand, p)
      const finish = (ok: boolean): boolean => {
        undo(p.trail, mark)
        if (ok) p.failedAt = c.span
        return !ok
      }
      return typeof r === 'boolean' ? finish(r) : r.then(finish)
    }
  }
}
