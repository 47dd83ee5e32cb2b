// Copies a term out of a clause's variable scope: bound variables are replaced by their values
// and unbound ones by fresh variables (one per distinct variable). A message leaves its sender
// this way, so the receiver's unification can never bind a variable of the sender's clause.
import { deref, variable } from './term.js'
import type { Term, Var } from './term.js'

function copyInto (t: Term, fresh: Map<Var, Var>): Term {
  const d = deref(t)
  if (d.kind === 'var') {
    let v = fresh.get(d)
    if (v === undefined) {
      v = variable(d.name)
      fresh.set(d, v)
    }
    return v
  }
  if (d.kind !== 'cmp') return d
  let args: Term[] | null = null
  for (let i = 0; i < d.args.length; i++) {
    const a = d.args[i] as Term
    const c = copyInto(a, fresh)
    if (c !== a && args === null) args = d.args.slice(0, i)
    if (args !== null) args.push(c)
  }
  // Unchanged subterms are shared: a ground message costs no allocation.
  return args === null ? d : { kind: 'cmp', functor: d.functor, args }
}

/** The term with bindings substituted and unbound variables renamed apart. */
export function copyTerm (t: Term): Term {
  return copyInto(t, new Map())
}

/** True when the term (after following bindings) contains no unbound variable. */
export function isGround (t: Term): boolean {
  const d = deref(t)
  if (d.kind === 'var') return false
  if (d.kind !== 'cmp') return true
  for (const a of d.args) if (!isGround(a)) return false
  return true
}
