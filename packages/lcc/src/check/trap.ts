// The trap in the papers (DESIGN.md): `null <- getPeerState(S) then (A) or (B) or C` parses as
// `(null <- getPeerState(S) then A) or B or C`. Under committed choice the first branch commits
// as soon as getPeerState succeeds, which it does for every peer. We warn (LCC030) at the `or`
// when the first branch opens with a null step and either its next element was a parenthesised
// group (the author meant the choice to start there) or a later branch uses a variable that only
// that null step binds (the author meant it to run first).
import type { ChoiceNode, ClauseNode, DefNode } from '../ast.js'
import type { Diagnostic } from '../diagnostic.js'
import type { Span } from '../span.js'
import { diagnostic } from '../codes.js'
import { bindConstraint, walkClause } from './flow.js'
import type { Bound } from './flow.js'
import { defVars } from './walk.js'
import { stepText } from '../syntax/format-def.js'

function isGroup (d: DefNode): boolean {
  return d.kind === 'then' || d.kind === 'choice' || d.kind === 'par'
}

function orSpan (c: ChoiceNode): Span {
  const given = c.orSpans?.[0]
  if (given !== undefined) return given
  return { start: c.branches[0]!.span.end, end: c.branches[1]!.span.start }
}

function trapped (c: ChoiceNode, before: Bound): string | null {
  const first = c.branches[0]
  if (first?.kind !== 'then' || first.steps.length < 2) return null
  const x = first.steps[0]!
  if (x.kind !== 'null') return null
  if (isGroup(first.steps[1]!)) return stepText(x)
  const after = bindConstraint(x.guard, before)
  const fresh = [...after].filter(v => !before.has(v))
  const later = new Set(c.branches.slice(1).flatMap(b => defVars(b).map(v => v.name)))
  return fresh.some(v => later.has(v)) ? stepText(x) : null
}

export function checkTrap (clause: ClauseNode): Diagnostic[] {
  const out: Diagnostic[] = []
  walkClause(clause, {
    choice (c, before) {
      const x = trapped(c, before)
      if (x === null) return
      out.push(diagnostic('LCC030',
        `this 'or' binds looser than 'then': the text reads as (${x} then ...) or ..., so the first branch commits as soon as ${x} succeeds and the other branches never run after it`,
        orSpan(c)))
    },
  })
  return out
}
