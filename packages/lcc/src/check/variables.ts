// Variables used before any step can bind them (LCC023), sent unbound (LCC024), or passed unbound
// to a role change (LCC025). Each variable is reported once per clause and code.
import type { ClauseNode, StepNode, TermNode, VarNode } from '../ast.js'
import type { Diagnostic } from '../diagnostic.js'
import { diagnostic } from '../codes.js'
import { bindConstraint, walkClause } from './flow.js'
import type { Bound } from './flow.js'
import { varsOf } from './walk.js'
import { formatRole, formatTerm } from '../syntax/format-term.js'

export function checkVariables (clause: ClauseNode): Diagnostic[] {
  const out: Diagnostic[] = []
  const seen = new Set<string>()
  const report = (code: string, v: VarNode, message: string): void => {
    const key = `${code}:${v.name}`
    if (seen.has(key)) return
    seen.add(key)
    out.push(diagnostic(code, message, v.span))
  }
  const unboundIn = (t: TermNode, bound: Bound): VarNode[] => varsOf(t).filter(v => !bound.has(v.name))
  const readUnbound = (v: VarNode): void => report('LCC023', v, `variable ${v.name} is used before any step binds it`)

  walkClause(clause, {
    step (s: StepNode, before: Bound) {
      switch (s.kind) {
        case 'send': {
          const bound = s.guard === null ? before : bindConstraint(s.guard, before, readUnbound)
          for (const v of unboundIn(s.message, bound)) {
            report('LCC024', v, `variable ${v.name} is sent unbound in ${formatTerm(s.message)}`)
          }
          break
        }
        case 'receive':
          if (s.constraint !== null) {
            const bound = new Set([...before, ...[s.message, s.from.type, s.from.id].flatMap(t => varsOf(t).map(v => v.name))])
            bindConstraint(s.constraint, bound, readUnbound)
          }
          break
        case 'null':
          bindConstraint(s.guard, before, readUnbound)
          break
        case 'change': {
          const bound = s.guard === null ? before : bindConstraint(s.guard, before, readUnbound)
          for (const v of [...unboundIn(s.role.type, bound), ...unboundIn(s.role.id, bound)]) {
            report('LCC025', v, `variable ${v.name} is unbound when changing role to ${formatRole(s.role)}`)
          }
          break
        }
      }
    },
  })
  return out
}
