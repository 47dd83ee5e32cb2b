// Which constraints exist. The checker asks a ComponentSet by `name/arity`; the built-ins below are
// known without one.
import type { TermNode } from '../ast.js'

export interface ComponentSet {
  has: (nameArity: string) => boolean
}

export const BUILTIN_CONSTRAINTS: ReadonlySet<string> = new Set([
  '=/2', '==/2', '\\=/2', '</2', '>/2', '=</2', '>=/2', 'is/2', 'true/0', 'fail/0', 'not/1',
])

/** A ComponentSet over a list of `name/arity` keys. */
export function componentSet (keys: Iterable<string>): ComponentSet {
  const set = new Set(keys)
  return { has: k => set.has(k) }
}

/** `name/arity` of a goal, or null when the goal is not callable (a number, string, list or variable). */
export function goalKey (goal: TermNode): string | null {
  if (goal.kind === 'atom') return `${goal.name}/0`
  if (goal.kind === 'compound') return `${goal.functor}/${goal.args.length}`
  return null
}
