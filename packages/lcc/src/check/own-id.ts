// A role change keeps the peer's own id (LCC035). `a(idle, PID1)` at the end of a clause headed
// `a(underloaded, PID2)` (Herry's fig. 2) asks this peer to continue as its partner; the interpreter
// refuses it at run time (LCC057), so the checker says so before the model runs.
import type { ClauseNode, TermNode } from '../ast.js'
import type { Diagnostic } from '../diagnostic.js'
import { diagnostic } from '../codes.js'
import { formatTerm } from '../syntax/format-term.js'
import { stepsOf } from './walk.js'

function sameId (own: TermNode, next: TermNode): boolean {
  if (own.kind === 'var' && own.name === '_') return true
  if (next.kind === 'var' && next.name === '_') return true
  return formatTerm(own) === formatTerm(next)
}

export function checkOwnId (clause: ClauseNode): Diagnostic[] {
  const own = clause.head.id
  const out: Diagnostic[] = []
  for (const s of stepsOf(clause.body)) {
    if (s.kind !== 'change' || sameId(own, s.role.id)) continue
    out.push(diagnostic('LCC035',
      `the role change to ${formatTerm(s.role.type)} gives this peer the id ${formatTerm(s.role.id)}, but the clause is played by ${formatTerm(own)}`,
      s.role.id.span))
  }
  return out
}
