// The top level: role declarations and clauses, with recovery. A syntax error inside an item
// abandons that item and resumes at the next clause head, so one pass reports several errors.
import type { ClauseNode, DefNode, ModelNode, RoleDeclNode, RoleMode, TermNode } from '../ast.js'
import type { Diagnostic } from '../diagnostic.js'
import type { Span } from '../span.js'
import { spanOf } from '../span.js'
import { diagnostic } from '../codes.js'
import { lex } from './lexer.js'
import { parseDef } from './parse-def.js'
import { parseExpr } from './parse-expr.js'
import { isRoleTerm, roleRefOf } from './parse-step.js'
import { ARG_PREC } from './operators.js'
import { Bail, ParserState } from './state.js'

export interface ParseResult { model: ModelNode, diagnostics: Diagnostic[] }

export function parse (text: string): ParseResult {
  const lexed = lex(text)
  const s = new ParserState(lexed.tokens)
  const roles: RoleDeclNode[] = []
  const clauses: ClauseNode[] = []
  while (s.peek().type !== 'eof') {
    const start = s.p
    try {
      const item = parseItem(s)
      if (item?.kind === 'clause') clauses.push(item)
      else if (item?.kind === 'roleDecl') roles.push(item)
    } catch (e) {
      if (!(e instanceof Bail)) throw e
      s.depth = 0
      if (s.p === start) s.next()
      while (!s.isItemStartAt(s.p)) s.next()
    }
  }
  const end = s.peek().span
  const zero = { offset: 0, line: 1, column: 1 }
  const model: ModelNode = { kind: 'model', roles, clauses, comments: lexed.comments, span: { start: zero, end: end.end } }
  const diagnostics = [...lexed.diagnostics, ...s.diagnostics]
  if (clauses.length === 0 && !diagnostics.some(d => d.severity === 'error')) {
    diagnostics.push(diagnostic('LCC016', 'the model has no clauses', model.span))
  }
  diagnostics.sort((a, b) => a.span.start.offset - b.span.start.offset)
  return { model, diagnostics }
}

function parseItem (s: ParserState): ClauseNode | RoleDeclNode | null {
  const t = s.peek()
  if (t.type === 'op' && t.text === '.') s.fail('LCC004', "unexpected '.'", t.span)
  if (t.type === 'op' && t.text === ')') s.fail('LCC006', "unmatched ')'", t.span)
  const head = parseExpr(s, ARG_PREC, false)
  if (s.at('::')) {
    const colons = s.next()
    if (!isRoleTerm(head)) s.fail('LCC010', 'a clause head must be a role a(Role, Id)', head.span)
    return clause(s, head, colons.span)
  }
  if (head.kind === 'compound' && head.functor === 'r' && !isRoleTerm(head)) {
    const decl = roleDecl(s, head)
    endItem(s)
    return decl
  }
  if (isRoleTerm(head)) {
    // `a(R, X)` then a step: the `::` is missing. Say so, and read the definition anyway.
    s.report('LCC005', "expected '::' after the clause head", { start: head.span.end, end: s.peek().span.start })
    if (startsStep(s)) return clause(s, head, head.span)
    throw new Bail('missing ::')
  }
  s.fail('LCC004', 'expected a clause a(Role, Id) :: ... or a role declaration r(Role, Mode)', head.span)
}

function startsStep (s: ParserState): boolean {
  const t = s.peek()
  return t.type === 'name' || t.type === 'var' || t.type === 'qatom' || (t.type === 'op' && t.text === '(')
}

function clause (s: ParserState, head: TermNode & { kind: 'compound' }, colons: Span): ClauseNode {
  const t = s.peek()
  if (t.type === 'eof' || (t.type === 'op' && t.text === '.') || s.isClauseHeadAt(s.p)) {
    s.fail('LCC015', 'the clause has no definition after ::', colons)
  }
  const body: DefNode = parseDef(s)
  const node: ClauseNode = { kind: 'clause', head: roleRefOf(head), body, span: spanOf(head.span, body.span) }
  endItem(s)
  return node
}

/** After a clause or declaration: an optional `.`, then the next item or the end. */
function endItem (s: ParserState): void {
  if (s.at('.')) s.next()
  const t = s.peek()
  // `r(` starts a declaration; `a(` first on its line is a clause head whose `::` is missing
  // (parseItem says so).
  if (s.isItemStartAt(s.p) || (t.type === 'name' && t.text === 'r' && s.peek(1).text === '(')) return
  const prev = s.tokens[s.p - 1]
  if (t.type === 'name' && t.text === 'a' && s.peek(1).text === '(' && prev !== undefined && prev.span.end.line < t.span.start.line) return
  if (t.type === 'op' && t.text === ')') s.fail('LCC006', "unmatched ')'", t.span)
  if (t.type === 'op' && t.text === '->') s.fail('LCC012', 'unknown arrow ->', t.span)
  s.fail('LCC004', `unexpected '${t.text}' after the definition; expected then, or, par, '.' or the next clause`, t.span)
}

const MODES: ReadonlySet<string> = new Set(['initial', 'necessary', 'auxiliary'])

function roleDecl (s: ParserState, t: TermNode & { kind: 'compound' }): RoleDeclNode | null {
  const [role, mode, count] = t.args
  const bad = (why: string): null => { s.report('LCC011', why, t.span); return null }
  if (t.args.length < 2 || t.args.length > 3) return bad('r(...) takes a role and a mode, and for necessary a count')
  if (role?.kind !== 'atom') return bad('the role of r(...) must be an atom')
  if (mode?.kind !== 'atom' || !MODES.has(mode.name)) return bad('the mode of r(...) must be initial, necessary or auxiliary')
  let n: number | null = null
  if (count !== undefined) {
    if (mode.name !== 'necessary') return bad('only a necessary role takes a count')
    if (count.kind !== 'number' || !Number.isInteger(count.value) || count.value < 0) return bad('the count must be a whole number')
    n = count.value
  }
  const span: Span = t.span
  return { kind: 'roleDecl', role: role.name, mode: mode.name as RoleMode, count: n, span }
}
