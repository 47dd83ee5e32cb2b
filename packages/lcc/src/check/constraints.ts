// Constraints: goals that are not callable (LCC027), and constraints that no component provides
// (LCC026: an error at every use when a component set is given; without one, a warning at the
// first use of each name/arity, since nothing can vouch for it).
import type { ModelNode } from '../ast.js'
import type { Diagnostic } from '../diagnostic.js'
import { diagnostic } from '../codes.js'
import { BUILTIN_CONSTRAINTS, goalKey } from './components.js'
import type { ComponentSet } from './components.js'
import { eachConstraint, stepConstraint, stepsOf } from './walk.js'
import { formatTerm } from '../syntax/format-term.js'

export function checkConstraints (model: ModelNode, components?: ComponentSet): Diagnostic[] {
  const out: Diagnostic[] = []
  const warned = new Set<string>()
  for (const clause of model.clauses) {
    for (const step of stepsOf(clause.body)) {
      const c = stepConstraint(step)
      if (c === null) continue
      eachConstraint(c, call => {
        const g = call.goal
        if (g.kind === 'var') return
        const key = goalKey(g)
        if (key === null) {
          out.push(diagnostic('LCC027', `${formatTerm(g)} is not a callable constraint`, call.span))
          return
        }
        if (BUILTIN_CONSTRAINTS.has(key)) return
        if (components !== undefined) {
          if (!components.has(key)) out.push(diagnostic('LCC026', `no component provides the constraint ${key}`, call.span))
        } else if (!warned.has(key)) {
          warned.add(key)
          out.push(diagnostic('LCC026', `no component set given: cannot tell whether the constraint ${key} exists`, call.span, 'warning'))
        }
      })
    }
  }
  return out
}
