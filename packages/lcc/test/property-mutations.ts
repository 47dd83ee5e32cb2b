// Texts for the robustness property: LCC fixtures with tokens and characters deleted, inserted,
// swapped and duplicated, token soups, and random Unicode.
import fc from 'fast-check'

/** Pieces of LCC (and of things that are not LCC) to insert. */
export const VOCABULARY = [
  '(', ')', '[', ']', '|', ',', '.', '::', '=>', '<=', '<-', '->', '⇒', '⇐', '←', '≤', '≥', 'then', 'or', 'par',
  'and', 'not', '&&', '||', 'is', 'mod', 'null', 'a(', 'r(', 'a(r, X)', 'a(r, X) ::', 'r(r, initial)', 'X', '_', 'Y1',
  'ok', '42', '-3', '1.5', '"', '\'', '"str"', '\'q\'', '/*', '*/', '//', '\n', ' ', '=', '==', '\\=', '<', '>', '=<',
  '>=', '+', '-', '*', '/', '“', '”', '§', '\u0000', '\uffff', '😀', '\r\n', '\t',
]

const TOKEN = /[A-Za-z_][A-Za-z0-9_]*|[0-9]+(?:\.[0-9]+)?|\s+|./gsu

export function tokenise (text: string): string[] {
  return text.match(TOKEN) ?? []
}

type Mutation =
  | { op: 'deleteToken', at: number }
  | { op: 'insertToken', at: number, token: string }
  | { op: 'swapTokens', at: number, with: number }
  | { op: 'duplicate', at: number, length: number }
  | { op: 'deleteChar', at: number }
  | { op: 'insertChar', at: number, char: string }

const at = fc.nat(100_000)
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  at.map(a => ({ op: 'deleteToken', at: a }) as Mutation),
  fc.tuple(at, fc.constantFrom(...VOCABULARY)).map(([a, token]) => ({ op: 'insertToken', at: a, token }) as Mutation),
  fc.tuple(at, at).map(([a, w]) => ({ op: 'swapTokens', at: a, with: w }) as Mutation),
  fc.tuple(at, fc.integer({ min: 1, max: 30 })).map(([a, length]) => ({ op: 'duplicate', at: a, length }) as Mutation),
  at.map(a => ({ op: 'deleteChar', at: a }) as Mutation),
  fc.tuple(at, fc.string({ unit: 'binary', minLength: 1, maxLength: 2 })).map(([a, char]) => ({ op: 'insertChar', at: a, char }) as Mutation),
)

function apply (text: string, m: Mutation): string {
  const tokens = tokenise(text)
  const n = Math.max(tokens.length, 1)
  switch (m.op) {
    case 'deleteToken': tokens.splice(m.at % n, 1); return tokens.join('')
    case 'insertToken': tokens.splice(m.at % (n + 1), 0, m.token); return tokens.join('')
    case 'swapTokens': {
      const i = m.at % n
      const j = m.with % n
      const t = tokens[i] ?? ''
      tokens[i] = tokens[j] ?? ''
      tokens[j] = t
      return tokens.join('')
    }
    case 'duplicate': {
      const i = m.at % n
      tokens.splice(i, 0, ...tokens.slice(i, i + m.length))
      return tokens.join('')
    }
    case 'deleteChar': {
      const i = m.at % Math.max(text.length, 1)
      return text.slice(0, i) + text.slice(i + 1)
    }
    case 'insertChar': {
      const i = m.at % (text.length + 1)
      return text.slice(0, i) + m.char + text.slice(i)
    }
  }
}

export function mutatedText (sources: readonly string[]): fc.Arbitrary<string> {
  return fc.tuple(fc.nat(sources.length - 1), fc.array(mutation, { minLength: 1, maxLength: 8 }))
    .map(([i, ms]) => ms.reduce(apply, sources[i]!))
}

export const tokenSoup: fc.Arbitrary<string> = fc.array(fc.constantFrom(...VOCABULARY), { maxLength: 60 }).map(ts => ts.join(' '))

export const randomUnicode: fc.Arbitrary<string> = fc.string({ unit: 'binary', maxLength: 300 })
