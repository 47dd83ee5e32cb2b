// fast-check generators of LCC ASTs, for the format/parse round-trip property.
import fc from 'fast-check'
import type {
  ClauseNode, ConstraintNode, DefNode, ModelNode, RoleDeclNode, RoleRefNode, StepNode, TermNode,
} from '../src/ast.js'
import type { Span } from '../src/span.js'

const span: Span = { start: { offset: 0, line: 1, column: 1 }, end: { offset: 0, line: 1, column: 1 } }

const names = fc.constantFrom('ok', 'idle', 'ready', 'migration', 'getPeerState', 'x1', 'fooBar', 'a', 'r', 'nil')
const varNames = fc.constantFrom('X', 'Y', 'PeerID', '_', '_Tmp', 'Need2')
const infix = fc.constantFrom('=', '==', '\\=', '<', '>', '=<', '>=', 'is', '+', '-', '*', '/', 'mod')
const numbers = fc.oneof(
  fc.integer({ min: -100000, max: 100000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 }),
)

export const term: fc.Arbitrary<TermNode> = fc.letrec<{ term: TermNode }>(tie => ({
  term: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    names.map(name => ({ kind: 'atom', name, quoted: false, span }) as TermNode),
    fc.string({ maxLength: 6 }).map(name => ({ kind: 'atom', name, quoted: true, span }) as TermNode),
    varNames.map(name => ({ kind: 'var', name, span }) as TermNode),
    numbers.map(value => ({ kind: 'number', value, span }) as TermNode),
    fc.string({ maxLength: 6 }).map(value => ({ kind: 'string', value, span }) as TermNode),
    fc.tuple(fc.oneof(names, fc.string({ minLength: 1, maxLength: 4 })), fc.array(tie('term'), { maxLength: 3 }))
      .map(([functor, args]) => ({ kind: 'compound', functor, args, span }) as TermNode),
    fc.tuple(infix, tie('term'), tie('term'))
      .map(([functor, l, r]) => ({ kind: 'compound', functor, args: [l, r], span }) as TermNode),
    tie('term').map(t => ({ kind: 'compound', functor: '-', args: [t], span }) as TermNode),
    fc.tuple(fc.array(tie('term'), { maxLength: 3 }), fc.option(fc.oneof(varNames.map(name => ({ kind: 'var', name, span }) as TermNode), tie('term')), { nil: null }))
      .map(([items, tail]) => ({ kind: 'list', items, tail: items.length === 0 ? null : tail, span }) as TermNode),
  ),
})).term

export const constraint: fc.Arbitrary<ConstraintNode> = fc.letrec<{ c: ConstraintNode }>(tie => ({
  c: fc.oneof({ depthSize: 'small' },
    term.map(goal => ({ kind: 'call', goal, span }) as ConstraintNode),
    fc.tuple(tie('c'), tie('c')).map(([left, right]) => ({ kind: 'and', left, right, span }) as ConstraintNode),
    fc.tuple(tie('c'), tie('c')).map(([left, right]) => ({ kind: 'or', left, right, span }) as ConstraintNode),
    tie('c').map(operand => ({ kind: 'not', operand, span }) as ConstraintNode),
  ),
})).c

const role: fc.Arbitrary<RoleRefNode> = fc.tuple(
  fc.oneof(names.map(name => ({ kind: 'atom', name, quoted: false, span }) as TermNode),
    fc.tuple(names, fc.array(term, { maxLength: 2 })).map(([functor, args]) => ({ kind: 'compound', functor, args, span }) as TermNode)),
  fc.oneof(varNames.map(name => ({ kind: 'var', name, span }) as TermNode), term),
).map(([type, id]) => ({ kind: 'role', type, id, span }))

const optional = fc.option(constraint, { nil: null })

export const step: fc.Arbitrary<StepNode> = fc.oneof(
  fc.tuple(term, role, optional).map(([message, to, guard]) => ({ kind: 'send', message, to, guard, span }) as StepNode),
  fc.tuple(term, role, optional).map(([message, from, c]) => ({ kind: 'receive', message, from, constraint: c, span }) as StepNode),
  constraint.map(guard => ({ kind: 'null', guard, span }) as StepNode),
  fc.tuple(role, optional).map(([r, guard]) => ({ kind: 'change', role: r, guard, span }) as StepNode),
)

export const def: fc.Arbitrary<DefNode> = fc.letrec<{ d: DefNode }>(tie => ({
  d: fc.oneof({ depthSize: 'small' },
    step,
    fc.array(tie('d'), { minLength: 2, maxLength: 4 }).map(steps => ({ kind: 'then', steps, span }) as DefNode),
    fc.array(tie('d'), { minLength: 2, maxLength: 3 }).map(branches => ({ kind: 'choice', branches, span }) as DefNode),
    fc.array(tie('d'), { minLength: 2, maxLength: 3 }).map(branches => ({ kind: 'par', branches, span }) as DefNode),
  ),
})).d

const clause: fc.Arbitrary<ClauseNode> = fc.tuple(role, def).map(([head, body]) => ({ kind: 'clause', head, body, span }))

const roleDecl: fc.Arbitrary<RoleDeclNode> = fc.oneof(
  fc.tuple(names, fc.constantFrom('initial', 'auxiliary') as fc.Arbitrary<'initial' | 'auxiliary'>)
    .map(([r, mode]) => ({ kind: 'roleDecl', role: r, mode, count: null, span }) as RoleDeclNode),
  fc.tuple(names, fc.option(fc.nat(50), { nil: null }))
    .map(([r, count]) => ({ kind: 'roleDecl', role: r, mode: 'necessary', count, span }) as RoleDeclNode),
)

export const model: fc.Arbitrary<ModelNode> = fc.tuple(fc.array(roleDecl, { maxLength: 3 }), fc.array(clause, { minLength: 1, maxLength: 3 }))
  .map(([roles, clauses]) => ({ kind: 'model', roles, clauses, comments: [], span }))
