// Every built-in policy component the host agent registers, by `name/arity`: one place, so a new
// policy (balance, consolidate, ...) is added here and nowhere in the agent. Names must not clash
// across policies: a host running two IMs has one registry.
import type { ConstraintFn } from '@parley/lcc'
import { balanceComponents } from './balance.js'
import type { BalanceDeps } from './balance.js'
import { consolidateComponents } from './consolidate.js'
import type { ConsolidateDeps } from './consolidate.js'

export type PolicyDeps = BalanceDeps & Omit<ConsolidateDeps, keyof BalanceDeps>

export function policyComponents (deps: PolicyDeps): Record<string, ConstraintFn> {
  const balance = balanceComponents(deps)
  const consolidate = consolidateComponents(deps)
  const clash = Object.keys(consolidate).filter(k => k in balance)
  if (clash.length > 0) throw new Error(`policy components registered twice: ${clash.join(', ')}`)
  return { ...balance, ...consolidate }
}
