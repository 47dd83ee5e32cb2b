// check(model): everything that can be known about a model before running it. Diagnostics come
// back sorted by position; only errors should fail a build.
import type { ModelNode } from '../ast.js'
import type { Diagnostic } from '../diagnostic.js'
import type { ComponentSet } from './components.js'
import { checkConstraints } from './constraints.js'
import { checkMessages } from './messages.js'
import { checkOwnId } from './own-id.js'
import { checkRoles } from './roles.js'
import { checkTrap } from './trap.js'
import { checkVariables } from './variables.js'

export interface CheckOptions {
  /** The constraints that exist. Without it, unknown constraints are warnings, not errors. */
  components?: ComponentSet
}

export function check (model: ModelNode, options: CheckOptions = {}): Diagnostic[] {
  const out: Diagnostic[] = [
    ...checkRoles(model),
    ...checkMessages(model.clauses),
    ...model.clauses.flatMap(c => [...checkVariables(c), ...checkTrap(c), ...checkOwnId(c)]),
    ...checkConstraints(model, options.components),
  ]
  return out.sort((a, b) => a.span.start.offset - b.span.start.offset || a.code.localeCompare(b.code))
}
