// Roles: references to roles no clause defines (LCC020), role heads that are not names (LCC010),
// duplicate clauses (LCC032), declarations of undefined roles (LCC031), duplicate declarations
// (LCC034), and a model without an initial role (LCC033).
import type { ModelNode, RoleRefNode, StepNode } from '../ast.js'
import { roleName } from '../ast.js'
import type { Diagnostic } from '../diagnostic.js'
import { diagnostic } from '../codes.js'
import { clauseRole, stepsOf } from './walk.js'
import { formatTerm } from '../syntax/format-term.js'

function referenced (s: StepNode): { role: RoleRefNode, why: string } | null {
  switch (s.kind) {
    case 'send': return { role: s.to, why: `${formatTerm(s.message)} is sent to it` }
    case 'receive': return { role: s.from, why: `${formatTerm(s.message)} is received from it` }
    case 'change': return { role: s.role, why: 'a role change goes to it' }
    case 'null': return null
  }
}

export function checkRoles (model: ModelNode): Diagnostic[] {
  const out: Diagnostic[] = []
  const defined = new Map<string, RoleRefNode>()
  for (const c of model.clauses) {
    const name = clauseRole(c)
    if (name === null) {
      out.push(diagnostic('LCC010', `a clause head must name its role with an atom or compound, not ${formatTerm(c.head.type)}`, c.head.span))
      continue
    }
    const first = defined.get(name)
    if (first !== undefined) {
      out.push(diagnostic('LCC032', `role ${name} is already defined at line ${first.span.start.line}`, c.head.span))
    } else defined.set(name, c.head)
  }
  for (const c of model.clauses) {
    for (const s of stepsOf(c.body)) {
      const ref = referenced(s)
      if (ref === null) continue
      const name = roleName(ref.role)
      if (name !== null && !defined.has(name)) {
        out.push(diagnostic('LCC020', `role ${name} is not defined by any clause (${ref.why})`, ref.role.span))
      }
    }
  }
  const declared = new Map<string, number>()
  for (const r of model.roles) {
    if (!defined.has(r.role)) out.push(diagnostic('LCC031', `r(${r.role}, ${r.mode}) declares a role that no clause defines`, r.span))
    const line = declared.get(r.role)
    if (line !== undefined) out.push(diagnostic('LCC034', `role ${r.role} is already declared at line ${line}`, r.span))
    else declared.set(r.role, r.span.start.line)
  }
  const first = model.clauses[0]
  if (first !== undefined && !model.roles.some(r => r.mode === 'initial')) {
    out.push(diagnostic('LCC033', 'no role is declared initial; peers would have to be started in a role by hand', first.head.span))
  }
  return out
}
