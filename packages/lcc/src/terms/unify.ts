// Unification over binding cells with a trail. A caller takes `trail.length` as a mark before an
// attempt and calls `undo(trail, mark)` when the attempt fails, which leaves no bindings behind.
import { deref } from './term.js'
import type { Term, Var } from './term.js'

/** The variables bound since some mark, newest last. */
export type Trail = Var[]

export function bind (v: Var, t: Term, trail: Trail): void {
  v.ref = t
  trail.push(v)
}

/** Unbinds every variable bound after `mark`. */
export function undo (trail: Trail, mark: number): void {
  while (trail.length > mark) (trail.pop() as Var).ref = null
}

/** True when variable `v` occurs in `t` (for the optional occurs check). */
export function occursIn (v: Var, t: Term): boolean {
  const d = deref(t)
  if (d === v) return true
  if (d.kind !== 'cmp') return false
  for (const a of d.args) if (occursIn(v, a)) return true
  return false
}

/**
 * Unifies `a` and `b`, recording bindings on `trail`. On failure some bindings may remain: the
 * caller undoes to its mark. The last argument of a compound is handled by looping, so long lists
 * do not grow the stack.
 */
export function unify (a: Term, b: Term, trail: Trail, occursCheck = false): boolean {
  for (;;) {
    a = deref(a)
    b = deref(b)
    if (a === b) return true
    if (a.kind === 'var') {
      if (occursCheck && occursIn(a, b)) return false
      bind(a, b, trail)
      return true
    }
    if (b.kind === 'var') {
      if (occursCheck && occursIn(b, a)) return false
      bind(b, a, trail)
      return true
    }
    switch (a.kind) {
      case 'atom': return b.kind === 'atom' && a.name === b.name
      case 'num': return b.kind === 'num' && a.value === b.value
      case 'str': return b.kind === 'str' && a.value === b.value
      case 'cmp': {
        if (b.kind !== 'cmp' || a.functor !== b.functor) return false
        const n = a.args.length
        if (n !== b.args.length) return false
        for (let i = 0; i < n - 1; i++) {
          if (!unify(a.args[i] as Term, b.args[i] as Term, trail, occursCheck)) return false
        }
        a = a.args[n - 1] as Term
        b = b.args[n - 1] as Term
      }
    }
  }
}

/** Unifies and undoes on failure, so a failed call leaves nothing bound. */
export function unifyOrUndo (a: Term, b: Term, trail: Trail, occursCheck = false): boolean {
  const mark = trail.length
  if (unify(a, b, trail, occursCheck)) return true
  undo(trail, mark)
  return false
}

/** Structural identity (`==`): no bindings, unbound variables equal only themselves. */
export function identical (a: Term, b: Term): boolean {
  for (;;) {
    a = deref(a)
    b = deref(b)
    if (a === b) return true
    switch (a.kind) {
      case 'var': return false
      case 'atom': return b.kind === 'atom' && a.name === b.name
      case 'num': return b.kind === 'num' && a.value === b.value
      case 'str': return b.kind === 'str' && a.value === b.value
      case 'cmp': {
        if (b.kind !== 'cmp' || a.functor !== b.functor) return false
        const n = a.args.length
        if (n !== b.args.length) return false
        for (let i = 0; i < n - 1; i++) if (!identical(a.args[i] as Term, b.args[i] as Term)) return false
        a = a.args[n - 1] as Term
        b = b.args[n - 1] as Term
      }
    }
  }
}
