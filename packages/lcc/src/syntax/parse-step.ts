// Steps, the atoms of a definition: M => a(R, X) [<- C], M <= a(R, X), C <- M <= a(R, X),
// null <- C, and a role change a(R, X) [<- C].
import type { ConstraintNode, RoleRefNode, StepNode, TermNode } from '../ast.js'
import type { Span } from '../span.js'
import { spanOf } from '../span.js'
import { parseExpr, toConstraint, toTerm } from './parse-expr.js'
import type { Expr } from './parse-expr.js'
import { ARG_PREC, TOP_PREC } from './operators.js'
import type { ParserState } from './state.js'

export function isRoleTerm (e: Expr): e is TermNode & { kind: 'compound' } {
  return e.kind === 'compound' && e.functor === 'a' && e.args.length === 2
}

export function roleRefOf (e: TermNode & { kind: 'compound' }): RoleRefNode {
  return { kind: 'role', type: e.args[0]!, id: e.args[1]!, span: e.span }
}

export function parseRoleRef (s: ParserState): RoleRefNode {
  const e = parseExpr(s, ARG_PREC, false)
  if (!isRoleTerm(e)) s.fail('LCC010', 'expected a role a(Role, Id)', e.span)
  return roleRefOf(e)
}

function isNull (e: Expr): boolean {
  return e.kind === 'atom' && e.name === 'null' && !e.quoted
}

function parseConstraint (s: ParserState): ConstraintNode {
  return toConstraint(parseExpr(s, TOP_PREC, false))
}

function message (s: ParserState, e: Expr): TermNode {
  if (e.kind === 'and' || e.kind === 'or' || e.kind === 'not') {
    s.fail('LCC012', 'a message must be a term, not a constraint', e.span)
  }
  return toTerm(s, e)
}

export function parseStep (s: ParserState): StepNode {
  const first = parseExpr(s, TOP_PREC, false)
  const arrow = s.peek()
  if (s.at('=>')) {
    s.next()
    const to = parseRoleRef(s)
    let guard: ConstraintNode | null = null
    if (s.at('<-')) { s.next(); guard = parseConstraint(s) }
    return { kind: 'send', message: message(s, first), to, guard, span: spanOf(first.span, (guard ?? to).span) }
  }
  if (s.at('<=')) {
    s.next()
    const from = parseRoleRef(s)
    if (s.at('<-')) s.fail('LCC012', 'a receive takes its constraint in front: C <- M <= a(R, X)', s.peek().span)
    return { kind: 'receive', message: message(s, first), from, constraint: null, span: spanOf(first.span, from.span) }
  }
  if (s.at('<-')) {
    s.next()
    const second = parseExpr(s, TOP_PREC, false)
    if (s.at('<=')) {
      s.next()
      const from = parseRoleRef(s)
      return { kind: 'receive', message: message(s, second), from, constraint: toConstraint(first), span: spanOf(first.span, from.span) }
    }
    if (s.at('=>')) s.fail('LCC012', 'a send takes its guard after the role: M => a(R, X) <- C', s.peek().span)
    const span: Span = spanOf(first.span, second.span)
    if (isNull(first)) return { kind: 'null', guard: toConstraint(second), span }
    if (isRoleTerm(first)) return { kind: 'change', role: roleRefOf(first), guard: toConstraint(second), span }
    s.fail('LCC012', 'expected null or a(Role, Id) before <-, or a receive C <- M <= a(R, X)', first.span)
  }
  if (isRoleTerm(first)) return { kind: 'change', role: roleRefOf(first), guard: null, span: first.span }
  if (arrow.type === 'op' && arrow.text === '->') s.fail('LCC012', 'unknown arrow ->', arrow.span)
  if (isNull(first)) s.fail('LCC012', 'null needs a constraint: null <- C', first.span)
  const before = s.tokens[s.p - 1 - countTokens(s, first)]
  if (before?.type === 'name' && before.text === 'or') {
    s.fail('LCC012', "expected a step after the choice 'or'; to join constraints write C1 || C2, or (C1 or C2)", first.span)
  }
  s.fail('LCC012', 'expected a step: a message with => or <=, null <- C, or a role a(R, X)', first.span)
}

/** How many tokens the expression `e` took, ending at the cursor. */
function countTokens (s: ParserState, e: Expr): number {
  let n = 0
  while (s.p - 1 - n >= 0 && s.tokens[s.p - 1 - n]!.span.start.offset >= e.span.start.offset) n++
  return n
}
