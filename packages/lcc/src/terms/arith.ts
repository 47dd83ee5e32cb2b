// `is` arithmetic and the arithmetic comparisons. Errors (unbound, non-numeric, division by zero)
// are coded exceptions, as in Prolog: they are faults in the model, not failures of a goal.
import { ArithmeticRangeError, ArithmeticTypeError, ArithmeticUnboundError } from '../errors.js'
import type { Span } from '../span.js'
import { deref } from './term.js'
import type { Term } from './term.js'
import { termToString } from './print.js'

function checked (v: number, t: Term, span: Span | null): number {
  if (!Number.isFinite(v)) throw new ArithmeticRangeError(termToString(t), span)
  return v
}

/** Evaluates an arithmetic expression: numbers, + - * / mod, unary - and +, abs, min, max. */
export function evalArith (t: Term, span: Span | null = null): number {
  const d = deref(t)
  switch (d.kind) {
    case 'num': return d.value
    case 'var': throw new ArithmeticUnboundError(d.name, span)
    case 'cmp': {
      const args = d.args
      if (args.length === 2) {
        const a = evalArith(args[0] as Term, span)
        const b = evalArith(args[1] as Term, span)
        switch (d.functor) {
          case '+': return checked(a + b, d, span)
          case '-': return checked(a - b, d, span)
          case '*': return checked(a * b, d, span)
          case '/':
            if (b === 0) throw new ArithmeticRangeError(`division by zero in ${termToString(d)}`, span)
            return checked(a / b, d, span)
          case 'mod': {
            if (b === 0) throw new ArithmeticRangeError(`mod by zero in ${termToString(d)}`, span)
            // Prolog's mod takes the sign of the divisor.
            const m = a % b
            return m !== 0 && (m < 0) !== (b < 0) ? m + b : m
          }
          case 'min': return Math.min(a, b)
          case 'max': return Math.max(a, b)
        }
      } else if (args.length === 1) {
        const a = evalArith(args[0] as Term, span)
        switch (d.functor) {
          case '-': return -a
          case '+': return a
          case 'abs': return Math.abs(a)
        }
      }
      throw new ArithmeticTypeError(termToString(d), span)
    }
    default: throw new ArithmeticTypeError(termToString(d), span)
  }
}

export type ComparisonOp = '<' | '>' | '=<' | '>=' | '=:=' | '=\\='

/** Compares two arithmetic expressions after evaluating both. */
export function compareArith (op: ComparisonOp, a: Term, b: Term, span: Span | null = null): boolean {
  const x = evalArith(a, span)
  const y = evalArith(b, span)
  switch (op) {
    case '<': return x < y
    case '>': return x > y
    case '=<': return x <= y
    case '>=': return x >= y
    case '=:=': return x === y
    case '=\\=': return x !== y
  }
}
