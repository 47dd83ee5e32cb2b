// The parser's cursor over the tokens, its diagnostics, and the bail-out used for recovery: a
// syntax error inside an item throws `Bail`, which `parseModel` catches before skipping to the
// next clause head. `Bail` never leaves the parser.
import type { Diagnostic } from '../diagnostic.js'
import type { Span } from '../span.js'
import { diagnostic } from '../codes.js'
import type { Token } from './token.js'

/** Deeper nesting than this is reported (LCC009) instead of risking the stack. */
export const MAX_DEPTH = 200

export class Bail extends Error {}

export class ParserState {
  readonly tokens: Token[]
  readonly diagnostics: Diagnostic[] = []
  /** Index of the matching close bracket of each `(` or `[`, or -1. */
  readonly close: Int32Array
  p = 0
  depth = 0

  constructor (tokens: Token[]) {
    this.tokens = tokens
    this.close = matchBrackets(tokens)
  }

  peek (k = 0): Token {
    return this.tokens[Math.min(this.p + k, this.tokens.length - 1)]!
  }

  next (): Token {
    const t = this.peek()
    if (this.p < this.tokens.length - 1) this.p++
    return t
  }

  /** The current token is the operator or keyword `text`. */
  at (text: string): boolean {
    const t = this.peek()
    return (t.type === 'op' || t.type === 'name') && t.text === text
  }

  report (code: string, message: string, span: Span): void {
    this.diagnostics.push(diagnostic(code, message, span))
  }

  fail (code: string, message: string, span: Span): never {
    this.report(code, message, span)
    throw new Bail(message)
  }

  enter (span: Span): void {
    if (++this.depth > MAX_DEPTH) this.fail('LCC009', `nesting deeper than ${MAX_DEPTH} levels`, span)
  }

  leave (): void { this.depth-- }

  /** `a ( ... ) ::` starts at token index i. */
  isClauseHeadAt (i: number): boolean {
    const t = this.tokens[i]
    const open = this.tokens[i + 1]
    if (t?.type !== 'name' || t.text !== 'a' || open?.text !== '(' || open.type !== 'op') return false
    const c = this.close[i + 1]!
    return c >= 0 && this.tokens[c + 1]?.text === '::'
  }

  /** Where a top-level item may start: a clause head, `r(` first on its line, or after a `.`. */
  isItemStartAt (i: number): boolean {
    const t = this.tokens[i]!
    if (t.type === 'eof') return true
    if (this.isClauseHeadAt(i)) return true
    const prev = this.tokens[i - 1]
    if (prev !== undefined && prev.type === 'op' && prev.text === '.') return true
    return t.type === 'name' && t.text === 'r' && this.tokens[i + 1]?.text === '(' &&
      (prev === undefined || prev.span.end.line < t.span.start.line)
  }
}

function matchBrackets (tokens: Token[]): Int32Array {
  const close = new Int32Array(tokens.length).fill(-1)
  const stack: number[] = []
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!
    if (t.type !== 'op') continue
    if (t.text === '(' || t.text === '[') stack.push(i)
    else if (t.text === ')' || t.text === ']') {
      const want = t.text === ')' ? '(' : '['
      const top = stack[stack.length - 1]
      if (top !== undefined && tokens[top]!.text === want) { close[top] = i; stack.pop() }
    }
  }
  return close
}
