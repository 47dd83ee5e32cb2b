// The LCC lexer: text -> tokens and comments. Never throws; bad characters become diagnostics.
import type { CommentNode } from '../ast.js'
import type { Diagnostic } from '../diagnostic.js'
import type { Position, Span } from '../span.js'
import { diagnostic } from '../codes.js'
import type { Token } from './token.js'

export interface LexResult { tokens: Token[], comments: CommentNode[], diagnostics: Diagnostic[] }

/** ASCII operators, longest first so that the scan takes the longest match. */
const OPERATORS = ['::', '=>', '<=', '<-', '->', '=<', '>=', '==', '\\=', '&&', '||',
  '=', '<', '>', '+', '-', '*', '/', '|', ',', '(', ')', '[', ']', '.']

/** The papers' Unicode arrows. `≤` is a receive in the Anderson-Bijani-Herry paper. */
const UNICODE: Record<string, string> = { '⇒': '=>', '⇐': '<=', '≤': '<=', '←': '<-', '≥': '>=' }

const TYPOGRAPHIC_QUOTES = '“”‘’„«»'

function isLower (c: string): boolean { return c >= 'a' && c <= 'z' }
function isUpper (c: string): boolean { return (c >= 'A' && c <= 'Z') || c === '_' }
function isDigit (c: string): boolean { return c >= '0' && c <= '9' }
function isIdent (c: string): boolean { return isLower(c) || isUpper(c) || isDigit(c) }
function isSpace (c: string): boolean { return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v' || c === '\u00a0' || c === '\ufeff' }

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', '\'': '\'', 0: '\0' }

export function lex (text: string): LexResult {
  const tokens: Token[] = []
  const comments: CommentNode[] = []
  const diagnostics: Diagnostic[] = []
  let i = 0
  let line = 1
  let col = 1
  let spaced = true

  const pos = (): Position => ({ offset: i, line, column: col })
  // Advances over n UTF-16 units, keeping line and column.
  const advance = (n: number): void => {
    for (let k = 0; k < n && i < text.length; k++) {
      if (text[i] === '\n') { line++; col = 1 } else col++
      i++
    }
  }
  const push = (type: Token['type'], tokText: string, start: Position, value?: number): void => {
    const tok: Token = { type, text: tokText, span: { start, end: pos() }, spaced }
    if (value !== undefined) tok.value = value
    tokens.push(tok)
    spaced = false
  }

  while (i < text.length) {
    const c = text[i]!
    if (isSpace(c)) { advance(1); spaced = true; continue }
    const start = pos()
    if (c === '/' && text[i + 1] === '/') {
      let j = i + 2
      while (j < text.length && text[j] !== '\n') j++
      const body = text.slice(i + 2, j)
      advance(j - i)
      comments.push({ kind: 'comment', text: body, block: false, span: { start, end: pos() } })
      spaced = true
      continue
    }
    if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2)
      const j = close < 0 ? text.length : close + 2
      const body = text.slice(i + 2, close < 0 ? text.length : close)
      advance(j - i)
      const span = { start, end: pos() }
      if (close < 0) diagnostics.push(diagnostic('LCC003', 'unterminated block comment', span))
      comments.push({ kind: 'comment', text: body, block: true, span })
      spaced = true
      continue
    }
    if (isLower(c) || isUpper(c)) {
      let j = i + 1
      while (j < text.length && isIdent(text[j]!)) j++
      const word = text.slice(i, j)
      advance(j - i)
      push(isLower(c) ? 'name' : 'var', word, start)
      continue
    }
    if (isDigit(c)) {
      const m = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 400))!
      advance(m[0].length)
      push('number', m[0], start, Number(m[0]))
      continue
    }
    if (c === '"' || c === '\'') {
      lexQuoted(c, start)
      continue
    }
    const uni = UNICODE[c]
    if (uni !== undefined) { advance(1); push('op', uni, start); continue }
    const op = OPERATORS.find(o => text.startsWith(o, i))
    if (op !== undefined) { advance(op.length); push('op', op, start); continue }
    // An unknown character: one code point, reported, then skipped.
    const cp = String.fromCodePoint(text.codePointAt(i)!)
    advance(cp.length)
    const span = { start, end: pos() }
    if (TYPOGRAPHIC_QUOTES.includes(cp)) diagnostics.push(diagnostic('LCC013', `typographic quote ${cp} outside a comment`, span))
    else diagnostics.push(diagnostic('LCC001', `unexpected character ${JSON.stringify(cp)}`, span))
    spaced = true
  }
  tokens.push({ type: 'eof', text: '', span: { start: pos(), end: pos() }, spaced: true })
  return { tokens, comments, diagnostics }

  // A quoted atom or string: escapes \n \t \\ \' \" and a doubled quote; it must close on its line.
  function lexQuoted (quote: string, start: Position): void {
    let j = i + 1
    let value = ''
    let closed = false
    while (j < text.length && text[j] !== '\n') {
      const d = text[j]!
      if (d === '\\' && j + 1 < text.length && text[j + 1] !== '\n') {
        const e = text[j + 1]!
        value += ESCAPES[e] ?? e
        j += 2
        continue
      }
      if (d === quote) {
        if (text[j + 1] === quote) { value += quote; j += 2; continue }
        closed = true
        j++
        break
      }
      value += d
      j++
    }
    advance(j - i)
    const span: Span = { start, end: pos() }
    if (!closed) diagnostics.push(diagnostic('LCC002', `unterminated ${quote === '"' ? 'string' : 'quoted atom'}`, span))
    push(quote === '"' ? 'string' : 'qatom', value, start)
  }
}
