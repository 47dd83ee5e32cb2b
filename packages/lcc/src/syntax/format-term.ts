// Terms and constraints printed back as canonical text: ASCII operators, single spaces around infix
// operators, and parentheses only where the priorities need them to keep the same tree.
import type { ConstraintNode, RoleRefNode, TermNode } from '../ast.js'
import { AND_PREC, ARG_PREC, KEYWORDS, MINUS_PREC, NOT_PREC, OR_PREC, TERM_INFIX, TOP_PREC } from './operators.js'

const BARE_ATOM = /^[a-z][A-Za-z0-9_]*$/

function quote (text: string, q: string): string {
  let out = q
  for (const ch of text) {
    if (ch === '\\') out += '\\\\'
    else if (ch === q) out += '\\' + q
    else if (ch === '\n') out += '\\n'
    else if (ch === '\r') out += '\\r'
    else if (ch === '\t') out += '\\t'
    else out += ch
  }
  return out + q
}

function atomText (name: string, quoted: boolean): string {
  return !quoted && BARE_ATOM.test(name) && !KEYWORDS.has(name) ? name : quote(name, '\'')
}

/** A functor in f(...) notation: bare when the lexer reads it back as the same name. */
function functorText (name: string): string {
  if (BARE_ATOM.test(name) && !KEYWORDS.has(name)) return name
  if (TERM_INFIX[name] !== undefined && !BARE_ATOM.test(name)) return name
  return quote(name, '\'')
}

function termPrec (t: TermNode): number {
  if (t.kind !== 'compound') return 0
  if (t.args.length === 2) return TERM_INFIX[t.functor]?.prec ?? 0
  if (t.args.length === 1 && t.functor === '-') return MINUS_PREC
  return 0
}

export function formatTerm (t: TermNode, maxPrec = ARG_PREC): string {
  const text = termText(t)
  return termPrec(t) > maxPrec ? `(${text})` : text
}

function termText (t: TermNode): string {
  switch (t.kind) {
    case 'atom': return atomText(t.name, t.quoted)
    case 'var': return t.name
    case 'number': return Object.is(t.value, -0) ? '-0.0' : String(t.value)
    case 'string': return quote(t.value, '"')
    case 'list': {
      const items = t.items.map(i => formatTerm(i)).join(', ')
      if (t.tail === null) return `[${items}]`
      return `[${items} | ${formatTerm(t.tail)}]`
    }
    case 'compound': {
      const op = TERM_INFIX[t.functor]
      if (op !== undefined && t.args.length === 2) {
        const [l, r] = t.args as [TermNode, TermNode]
        const left = formatTerm(l, op.assoc === 'yfx' ? op.prec : op.prec - 1)
        const right = formatTerm(r, op.assoc === 'xfy' ? op.prec : op.prec - 1)
        return `${left} ${t.functor} ${right}`
      }
      if (t.functor === '-' && t.args.length === 1 && t.args[0]!.kind !== 'number') {
        const operand = formatTerm(t.args[0]!, MINUS_PREC)
        return operand.startsWith('(') ? `-${operand}` : `- ${operand}`
      }
      return `${functorText(t.functor)}(${t.args.map(a => formatTerm(a)).join(', ')})`
    }
  }
}

function constraintPrec (c: ConstraintNode): number {
  switch (c.kind) {
    case 'call': return termPrec(c.goal)
    case 'and': return AND_PREC
    case 'or': return OR_PREC
    case 'not': return NOT_PREC
  }
}

export function formatConstraint (c: ConstraintNode, maxPrec = TOP_PREC): string {
  const text = constraintText(c)
  return constraintPrec(c) > maxPrec ? `(${text})` : text
}

function constraintText (c: ConstraintNode): string {
  switch (c.kind) {
    case 'call': return formatTerm(c.goal, TOP_PREC)
    case 'and': return `${formatConstraint(c.left, AND_PREC - 1)} and ${formatConstraint(c.right, AND_PREC)}`
    // `||`, because a bare `or` after a constraint is the choice combinator.
    case 'or': return `${formatConstraint(c.left, OR_PREC - 1)} || ${formatConstraint(c.right, OR_PREC)}`
    case 'not': {
      const operand = formatConstraint(c.operand, NOT_PREC)
      return `not ${operand}`
    }
  }
}

export function formatRole (r: RoleRefNode): string {
  return `a(${formatTerm(r.type)}, ${formatTerm(r.id)})`
}
