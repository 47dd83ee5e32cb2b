// Every built-in policy component the host agent registers, by `name/arity`: one place, so a new
// policy (balance, consolidate, ...) is added here and nowhere in the agent.
import type { ConstraintFn } from '@parley/lcc'
import { balanceComponents } from './balance.js'
import type { BalanceDeps } from './balance.js'

export type PolicyDeps = BalanceDeps

export function policyComponents (deps: PolicyDeps): Record<string, ConstraintFn> {
  return { ...balanceComponents(deps) }
}
