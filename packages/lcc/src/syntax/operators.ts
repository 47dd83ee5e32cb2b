// Operator table shared by the parser and the formatter (Prolog priorities: a lower number binds
// tighter). `or` is a constraint disjunction only inside parentheses: at the top of a step's
// constraint it is the `or` combinator of the definition.

export type Assoc = 'xfx' | 'xfy' | 'yfx'

export interface InfixOp { prec: number, assoc: Assoc }

/** Term operators: they build compound terms whose functor is the operator. */
export const TERM_INFIX: Readonly<Record<string, InfixOp>> = {
  '=': { prec: 700, assoc: 'xfx' },
  '==': { prec: 700, assoc: 'xfx' },
  '\\=': { prec: 700, assoc: 'xfx' },
  '<': { prec: 700, assoc: 'xfx' },
  '>': { prec: 700, assoc: 'xfx' },
  '=<': { prec: 700, assoc: 'xfx' },
  '>=': { prec: 700, assoc: 'xfx' },
  is: { prec: 700, assoc: 'xfx' },
  '+': { prec: 500, assoc: 'yfx' },
  '-': { prec: 500, assoc: 'yfx' },
  '*': { prec: 400, assoc: 'yfx' },
  '/': { prec: 400, assoc: 'yfx' },
  mod: { prec: 400, assoc: 'yfx' },
}

export const OR_PREC = 1100
export const AND_PREC = 1000
export const NOT_PREC = 900
export const MINUS_PREC = 200
/** Arguments of compounds and list items sit below the comma. */
export const ARG_PREC = 999
export const TOP_PREC = 1200

/** Names that the definition grammar reserves; as atoms they must be quoted. */
export const KEYWORDS: ReadonlySet<string> = new Set(['then', 'or', 'par', 'and', 'not', 'is', 'mod'])
