// Scenario runs turned into sequence-diagram events on peer lifelines: role boxes when a peer
// takes a role, constraints as diamonds on its lifeline, messages as dashed arrows (the notation
// of the Herry paper's fig. 1 and fig. 8). Runs that share a beginning are merged into one
// sequence followed by alternatives.
import type { StepNode } from '../ast.js'
import { formatConstraint, formatTerm } from '../syntax/format-term.js'
import type { Transition } from '../verify/successors.js'
import type { Scenarios } from './scenarios.js'

export type SeqEvent =
  | { readonly k: 'role', readonly peer: number, readonly text: string, readonly at: number }
  | { readonly k: 'constraint', readonly peer: number, readonly text: string, readonly at: number }
  | { readonly k: 'message', readonly from: number, readonly to: number | null, readonly text: string, readonly toRole: string, readonly at: number }

export interface Sequence {
  readonly lifelines: readonly string[]
  /** Where every lifeline starts. */
  readonly start: readonly SeqEvent[]
  readonly common: readonly SeqEvent[]
  /** One list per alternative after the common part; empty when there is one scenario. */
  readonly alternatives: ReadonlyArray<{ readonly title: string, readonly events: readonly SeqEvent[] }>
}

function eventsOf (s: Scenarios, t: Transition): SeqEvent[] {
  const step = s.prog.nodes[t.fire.step] as StepNode
  const peer = t.peer
  /** Source offset of the step: alternatives are listed in the order the IM writes them. */
  const at = step.span.start.offset
  const out: SeqEvent[] = []
  for (const p of t.fire.passed) {
    const ps = s.prog.nodes[p] as StepNode
    if (ps.kind === 'null') out.push({ k: 'constraint', peer, text: `not ${formatConstraint(ps.guard)}`, at: ps.span.start.offset })
  }
  const e = t.fire.effect
  switch (step.kind) {
    case 'null': out.push({ k: 'constraint', peer, text: formatConstraint(step.guard), at }); break
    case 'change':
      if (step.guard !== null) out.push({ k: 'constraint', peer, text: formatConstraint(step.guard), at })
      if (e?.k === 'change') {
        const clause = s.prog.clauses.get(e.role)
        out.push({ k: 'role', peer, text: clause === undefined ? `${e.role} (no clause)` : formatTerm(clause.head.type), at })
      }
      break
    case 'send':
      if (step.guard !== null) out.push({ k: 'constraint', peer, text: formatConstraint(step.guard), at })
      if (e?.k === 'send') {
        const text = formatTerm(step.message) + (e.noClause && e.to !== null ? `  (to role ${e.toRole}: no clause)` : '')
        out.push({ k: 'message', from: peer, to: e.to, text, toRole: e.toRole, at })
      }
      break
    case 'receive':
      if (step.constraint !== null) out.push({ k: 'constraint', peer, text: formatConstraint(step.constraint), at })
      break
  }
  return out
}

const same = (a: SeqEvent, b: SeqEvent): boolean => JSON.stringify(a) === JSON.stringify(b)

export function sequenceOf (s: Scenarios): Sequence {
  const runs = s.runs.map(r => r.flatMap(t => eventsOf(s, t)))
  const start: SeqEvent[] = s.peers.map((p, i) => {
    const clause = s.prog.clauses.get(p.role)
    return { k: 'role', peer: i, text: clause === undefined ? p.role : formatTerm(clause.head.type), at: 0 }
  })
  let n = 0
  if (runs.length > 1) {
    while (runs.every(r => r[n] !== undefined && same(r[n]!, runs[0]![n]!))) n++
  } else n = runs[0]?.length ?? 0
  const common = runs[0]?.slice(0, n) ?? []
  const alternatives = runs.length > 1
    ? runs.map(r => {
      const rest = r.slice(n)
      const first = rest.find(e => e.k === 'message' || e.k === 'constraint')
      return { title: first === undefined ? 'otherwise' : first.text, events: rest, at: rest[0]?.at ?? 0 }
    }).sort((a, b) => a.at - b.at).map(({ title, events }) => ({ title, events }))
    : []
  return { lifelines: s.peers.map(p => p.name), start, common, alternatives }
}
