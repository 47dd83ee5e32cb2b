// Messages sent that no role receives (LCC021) and receives that nothing sends (LCC022). A send of
// M to role R needs, in R's clause, a receive of a pattern that unifies with M from the sender's
// role; and the other way round. Sends to undefined roles are left to LCC020.
import type { ClauseNode, ReceiveNode, SendNode, TermNode } from '../ast.js'
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
  // Candidates by message name/arity, so that large models stay linear-ish.
  const receivesByKey = groupBy(receives, r => messageKey(r.step.message))
  const sendsByKey = groupBy(sends, s => messageKey(s.step.message))
  const candidates = <T>(map: Map<string, T[]>, key: string): T[] => key === '*' ? [...map.values()].flat() : [...(map.get(key) ?? []), ...(map.get('*') ?? [])]
  for (const s of sends) {
    if (s.to !== null && !defined.has(s.to)) continue
    const ok = candidates(receivesByKey, messageKey(s.step.message)).some(r => same(r.at, s.to) && same(r.from, s.from) && compatible(s.step.message, r.step.message))
    if (!ok) {
      out.push(diagnostic('LCC021', `no role ${s.to ?? ''} receives ${formatTerm(s.step.message)} from ${s.from ?? 'this role'}`.replace('  ', ' '), s.step.span))
    }
  }
  for (const r of receives) {
    if (r.from !== null && !defined.has(r.from)) continue
    const ok = candidates(sendsByKey, messageKey(r.step.message)).some(s => same(s.from, r.from) && same(s.to, r.at) && compatible(s.step.message, r.step.message))
    if (!ok) {
      out.push(diagnostic('LCC022', `no role ${r.from ?? ''} sends ${formatTerm(r.step.message)} to ${r.at ?? 'this role'}`.replace('  ', ' '), r.step.span))
    }
  }
  return out
}

/** name/arity of a message, or `*` for a variable, which may match anything. */
function messageKey (t: TermNode): string {
  switch (t.kind) {
    case 'var': return '*'
    case 'atom': return `${t.name}/0`
    case 'compound': return `${t.functor}/${t.args.length}`
    case 'list': return '[]'
    default: return `${t.kind}:${String(t.value)}`
  }
}

function groupBy<T> (items: T[], key: (t: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>()
  for (const item of items) {
    const k = key(item)
    const list = map.get(k)
    if (list === undefined) map.set(k, [item])
    else list.push(item)
  }
  return map
}
