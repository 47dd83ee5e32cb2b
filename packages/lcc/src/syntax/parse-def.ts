// Definitions: steps combined by `then` (tighter) and `or` / `par`, with parentheses. Chains are
// flattened into one n-ary node; a parenthesised chain stays nested.
import type { ChoiceNode, DefNode, ParNode } from '../ast.js'
import type { Span } from '../span.js'
import { spanOf } from '../span.js'
import { expectClose } from './parse-expr.js'
import { parseStep } from './parse-step.js'
import type { ParserState } from './state.js'

export function parseDef (s: ParserState): DefNode {
  const first = parseThen(s)
  if (!s.at('or') && !s.at('par')) return first
  const kind = s.peek().text
  const branches: DefNode[] = [first]
  const ops: Span[] = []
  while (s.at('or') || s.at('par')) {
    const op = s.next()
    if (op.text !== kind) {
      s.report('LCC007', `'${op.text}' mixed with '${kind}' without parentheses`, op.span)
    }
    ops.push(op.span)
    branches.push(parseThen(s))
  }
  const span = spanOf(first.span, branches[branches.length - 1]!.span)
  if (kind === 'par') return { kind: 'par', branches, span } satisfies ParNode
  return { kind: 'choice', branches, span, orSpans: ops } satisfies ChoiceNode
}

function parseThen (s: ParserState): DefNode {
  const steps: DefNode[] = [parseUnit(s)]
  while (s.at('then')) {
    const then = s.next()
    if (endsChain(s)) {
      s.report('LCC008', "'then' with no step after it", then.span)
      break
    }
    steps.push(parseUnit(s))
  }
  if (steps.length === 1) return steps[0]!
  return { kind: 'then', steps, span: spanOf(steps[0]!.span, steps[steps.length - 1]!.span) }
}

/** After a `then`: nothing follows in this chain (the papers' fig. 2 writes `... then )`). */
function endsChain (s: ParserState): boolean {
  const t = s.peek()
  if (t.type === 'eof') return true
  if (t.type === 'op' && (t.text === ')' || t.text === '.')) return true
  if (t.type === 'name' && (t.text === 'or' || t.text === 'par' || t.text === 'then')) return true
  return s.isClauseHeadAt(s.p)
}

function parseUnit (s: ParserState): DefNode {
  if (!s.at('(') || !isGroup(s)) return parseStep(s)
  const open = s.next()
  s.enter(open.span)
  try {
    const def = parseDef(s)
    expectClose(s, ')', open)
    return def
  } finally {
    s.leave()
  }
}

/**
 * A `(` opens a group of steps unless its `)` is followed by an operator, as in
 * `(X + 1) * 2 => a(r, Y)` or `(A || B) <- M <= a(r, Y)`.
 */
function isGroup (s: ParserState): boolean {
  const c = s.close[s.p]!
  if (c < 0) return true
  const after = s.tokens[c + 1]!
  if (after.type === 'op') return after.text === ')' || after.text === '.'
  if (after.type === 'name') return !['and', 'is', 'mod'].includes(after.text)
  return true
}
