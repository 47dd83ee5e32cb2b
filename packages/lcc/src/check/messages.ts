// Messages sent that no role receives (LCC021) and receives that nothing sends (LCC022). A send of
// M to role R needs, in R's clause, a receive of a pattern that unifies with M from the sender's
// role; and the other way round. Sends to undefined roles are left to LCC020.
import type { ClauseNode, ReceiveNode, SendNode } from '../ast.js'
import { roleName } from '../ast.js'
import type { Diagnostic } from '../diagnostic.js'
import { diagnostic } from '../codes.js'
import { compatible } from './compatible.js'
import { clauseRole, stepsOf } from './walk.js'
import { formatTerm } from '../syntax/format-term.js'

interface Sent { step: SendNode, from: string | null, to: string | null }
interface Received { step: ReceiveNode, at: string | null, from: string | null }

export function checkMessages (clauses: readonly ClauseNode[]): Diagnostic[] {
  const sends: Sent[] = []
  const receives: Received[] = []
  for (const c of clauses) {
    const role = clauseRole(c)
    for (const s of stepsOf(c.body)) {
      if (s.kind === 'send') sends.push({ step: s, from: role, to: roleName(s.to) })
      if (s.kind === 'receive') receives.push({ step: s, at: role, from: roleName(s.from) })
    }
  }
  const defined = new Set(clauses.map(clauseRole))
  // A role written as a variable matches any role.
  const same = (a: string | null, b: string | null): boolean => a === null || b === null || a === b
  const out: Diagnostic[] = []
  for (const s of sends) {
    if (s.to !== null && !defined.has(s.to)) continue
    const ok = receives.some(r => same(r.at, s.to) && same(r.from, s.from) && compatible(s.step.message, r.step.message))
    if (!ok) {
      out.push(diagnostic('LCC021', `no role ${s.to ?? ''} receives ${formatTerm(s.step.message)} from ${s.from ?? 'this role'}`.replace('  ', ' '), s.step.span))
    }
  }
  for (const r of receives) {
    if (r.from !== null && !defined.has(r.from)) continue
    const ok = sends.some(s => same(s.from, r.from) && same(s.to, r.at) && compatible(s.step.message, r.step.message))
    if (!ok) {
      out.push(diagnostic('LCC022', `no role ${r.from ?? ''} sends ${formatTerm(r.step.message)} to ${r.at ?? 'this role'}`.replace('  ', ' '), r.step.span))
    }
  }
  return out
}
