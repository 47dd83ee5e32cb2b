// Terms and constraints, by operator precedence. One expression grammar serves both: `and`, `or`
// and `not` build constraint nodes, every other operator builds a compound term. A term used where
// a constraint is expected becomes a call.
import type { AndNode, ConstraintNode, NotNode, OrConstraintNode, TermNode } from '../ast.js'
import { spanOf } from '../span.js'
import type { Token } from './token.js'
import { AND_PREC, MINUS_PREC, NOT_PREC, OR_PREC, TERM_INFIX, TOP_PREC, KEYWORDS } from './operators.js'
import type { Assoc } from './operators.js'
import type { ParserState } from './state.js'

export type Expr = TermNode | AndNode | OrConstraintNode | NotNode

interface Infix { prec: number, assoc: Assoc, build: (l: Expr, r: Expr, s: ParserState) => Expr }

function infixAt (s: ParserState, orKeyword: boolean): Infix | null {
  const t = s.peek()
  if (t.type !== 'op' && t.type !== 'name') return null
  if (t.text === '||' || (orKeyword && t.type === 'name' && t.text === 'or')) {
    return { prec: OR_PREC, assoc: 'xfy', build: (l, r) => ({ kind: 'or', left: toConstraint(l), right: toConstraint(r), span: spanOf(l.span, r.span) }) }
  }
  if (t.text === '&&' || (t.type === 'name' && t.text === 'and')) {
    return { prec: AND_PREC, assoc: 'xfy', build: (l, r) => ({ kind: 'and', left: toConstraint(l), right: toConstraint(r), span: spanOf(l.span, r.span) }) }
  }
  const op = TERM_INFIX[t.text]
  if (op === undefined || (t.type === 'name') !== (t.text === 'is' || t.text === 'mod')) return null
  return {
    ...op,
    build: (l, r, st) => ({ kind: 'compound', functor: t.text, args: [toTerm(st, l), toTerm(st, r)], span: spanOf(l.span, r.span) }),
  }
}

export function toConstraint (e: Expr): ConstraintNode {
  if (e.kind === 'and' || e.kind === 'or' || e.kind === 'not') return e
  return { kind: 'call', goal: e, span: e.span }
}

/** A constraint connective where a term is needed is an error (LCC014). */
export function toTerm (s: ParserState, e: Expr): TermNode {
  if (e.kind === 'and' || e.kind === 'or' || e.kind === 'not') {
    s.fail('LCC014', `'${e.kind}' joins constraints and cannot appear inside a term`, e.span)
  }
  return e
}

export function parseExpr (s: ParserState, maxPrec: number, orKeyword: boolean): Expr {
  s.enter(s.peek().span)
  try {
    let left = parsePrefix(s, orKeyword)
    let leftPrec = left.prec
    for (;;) {
      const op = infixAt(s, orKeyword)
      if (op === null || op.prec > maxPrec) break
      const leftMax = op.assoc === 'yfx' ? op.prec : op.prec - 1
      if (leftPrec > leftMax) break
      s.next()
      const right = parseExpr(s, op.assoc === 'xfy' ? op.prec : op.prec - 1, orKeyword)
      left = { expr: op.build(left.expr, right, s), prec: op.prec }
      leftPrec = op.prec
    }
    return left.expr
  } finally {
    s.leave()
  }
}

/** An argument or list item. Commas are not operators here, so the whole priority range is open. */
export function parseTerm (s: ParserState): TermNode {
  return toTerm(s, parseExpr(s, TOP_PREC, true))
}

interface Parsed { expr: Expr, prec: number }

function parsePrefix (s: ParserState, orKeyword: boolean): Parsed {
  const t = s.peek()
  if (t.type === 'name' && t.text === 'not' && !isCallOpen(s, 1)) {
    s.next()
    const operand = parseExpr(s, NOT_PREC, orKeyword)
    const node: NotNode = { kind: 'not', operand: toConstraint(operand), span: spanOf(t.span, operand.span) }
    return { expr: node, prec: NOT_PREC }
  }
  if (t.type === 'name' && t.text === 'not') {
    // not(C): the parenthesised operand may itself be a constraint.
    s.next()
    const operand = parseExpr(s, 0, orKeyword)
    return { expr: { kind: 'not', operand: toConstraint(operand), span: spanOf(t.span, operand.span) }, prec: 0 }
  }
  if (t.type === 'op' && t.text === '-' && !isCallOpen(s, 1)) {
    s.next()
    const n = s.peek()
    if (n.type === 'number' && !n.spaced) {
      s.next()
      return { expr: { kind: 'number', value: -(n.value ?? 0), span: spanOf(t.span, n.span) }, prec: 0 }
    }
    const operand = parseExpr(s, MINUS_PREC, orKeyword)
    return { expr: { kind: 'compound', functor: '-', args: [toTerm(s, operand)], span: spanOf(t.span, operand.span) }, prec: MINUS_PREC }
  }
  return { expr: parsePrimary(s), prec: 0 }
}

/** Token k ahead is a `(` directly after the current token: functional notation `f(...)`. */
function isCallOpen (s: ParserState, k: number): boolean {
  const t = s.peek(k)
  return t.type === 'op' && t.text === '(' && !t.spaced
}

function parsePrimary (s: ParserState): Expr {
  const t = s.peek()
  switch (t.type) {
    case 'number':
      s.next()
      return { kind: 'number', value: t.value ?? 0, span: t.span }
    case 'string':
      s.next()
      return { kind: 'string', value: t.text, span: t.span }
    case 'var':
      s.next()
      return { kind: 'var', name: t.text, span: t.span }
    case 'qatom':
      s.next()
      if (s.at('(')) return parseCompound(s, t)
      return { kind: 'atom', name: t.text, quoted: true, span: t.span }
    case 'name':
      s.next()
      if (s.at('(') && (isCallOpen(s, 0) || !KEYWORDS.has(t.text))) return parseCompound(s, t)
      if (KEYWORDS.has(t.text)) s.fail('LCC004', `unexpected keyword '${t.text}'`, t.span)
      return { kind: 'atom', name: t.text, quoted: false, span: t.span }
    case 'op':
      if (t.text === '(') {
        s.next()
        const inner = parseExpr(s, TOP_PREC, true)
        expectClose(s, ')', t)
        return inner
      }
      if (t.text === '[') return parseList(s)
      if (TERM_INFIX[t.text] !== undefined && isCallOpen(s, 1)) {
        s.next()
        return parseCompound(s, t)
      }
      break
    case 'eof':
      s.fail('LCC004', 'unexpected end of text', t.span)
  }
  s.fail('LCC004', `unexpected '${t.text}'`, t.span)
}

function parseCompound (s: ParserState, functor: Token): TermNode {
  const open = s.next()
  const args: TermNode[] = []
  if (!s.at(')')) {
    for (;;) {
      args.push(parseTerm(s))
      if (!s.at(',')) break
      s.next()
    }
  }
  const close = expectClose(s, ')', open)
  return { kind: 'compound', functor: functor.text, args, span: spanOf(functor.span, close.span) }
}

function parseList (s: ParserState): TermNode {
  const open = s.next()
  const items: TermNode[] = []
  let tail: TermNode | null = null
  if (!s.at(']')) {
    for (;;) {
      items.push(parseTerm(s))
      if (!s.at(',')) break
      s.next()
    }
    if (s.at('|')) {
      s.next()
      tail = parseTerm(s)
    }
  }
  const close = expectClose(s, ']', open)
  return { kind: 'list', items, tail, span: spanOf(open.span, close.span) }
}

/** The closing bracket, or LCC006 naming where the bracket was opened. */
export function expectClose (s: ParserState, text: string, open: Token): Token {
  if (s.at(text)) return s.next()
  const t = s.peek()
  const found = t.type === 'eof' ? 'the end of the text' : `'${t.text}'`
  return s.fail('LCC006', `expected '${text}' to close the '${open.text}' at ${open.span.start.line}:${open.span.start.column}, found ${found}`, t.span)
}
