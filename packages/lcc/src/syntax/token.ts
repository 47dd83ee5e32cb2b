import type { Span } from '../span.js'

export type TokenType =
  | 'name' // lower-case identifier: atom, functor or keyword (then, or, par, and, not, is, mod, null)
  | 'var' // Upper-case or _ identifier
  | 'number'
  | 'string' // "double quoted"
  | 'qatom' // 'single quoted'
  | 'op' // punctuation and operators, ASCII-normalised (⇒ becomes =>)
  | 'eof'

export interface Token {
  type: TokenType
  /** The token's text, with Unicode arrows normalised to ASCII and quotes removed. */
  text: string
  span: Span
  /** Whitespace or a comment precedes the token (so `-3` differs from `- 3`). */
  spaced: boolean
  /** Numeric value of a number token. */
  value?: number
}
