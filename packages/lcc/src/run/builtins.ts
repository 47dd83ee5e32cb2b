// The built-in constraints, evaluated in place (synchronously, no dispatch): unification and
// identity, `is`, arithmetic comparison, true/fail. `not` is compiled into the constraint tree.
import type { Span } from '../span.js'
import { compareArith, evalArith } from '../terms/arith.js'
import { num } from '../terms/term.js'
import type { Term } from '../terms/term.js'
import { identical, unify, unifyOrUndo, undo } from '../terms/unify.js'
import type { Trail } from '../terms/unify.js'

/** A built-in: may bind (recording on the trail) and must leave no bindings when it fails. */
export type Builtin = (args: readonly Term[], trail: Trail, span: Span) => boolean

const a0 = (args: readonly Term[]): Term => args[0] as Term
const a1 = (args: readonly Term[]): Term => args[1] as Term

export const BUILTINS: ReadonlyMap<string, Builtin> = new Map<string, Builtin>([
  ['true/0', () => true],
  ['fail/0', () => false],
  ['false/0', () => false],
  ['=/2', (args, trail) => unifyOrUndo(a0(args), a1(args), trail)],
  ['\\=/2', (args, trail) => {
    const mark = trail.length
    const ok = unify(a0(args), a1(args), trail)
    undo(trail, mark)
    return !ok
  }],
  ['==/2', args => identical(a0(args), a1(args))],
  ['\\==/2', args => !identical(a0(args), a1(args))],
  ['is/2', (args, trail, span) => unifyOrUndo(a0(args), num(evalArith(a1(args), span)), trail)],
  ['</2', (args, _t, span) => compareArith('<', a0(args), a1(args), span)],
  ['>/2', (args, _t, span) => compareArith('>', a0(args), a1(args), span)],
  ['=</2', (args, _t, span) => compareArith('=<', a0(args), a1(args), span)],
  ['>=/2', (args, _t, span) => compareArith('>=', a0(args), a1(args), span)],
  ['=:=/2', (args, _t, span) => compareArith('=:=', a0(args), a1(args), span)],
  ['=\\=/2', (args, _t, span) => compareArith('=\\=', a0(args), a1(args), span)]
])
