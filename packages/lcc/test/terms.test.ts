import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  atom, variable, num, str, compound, list, listItems, deref, unify, undo, identical, evalArith, compareArith,
  termToString, termToJson, termFromJson, termsFromJson, copyTerm, isGround, fromAst, goalKey
} from '../src/terms/index.js'
import type { Term, Trail } from '../src/terms/index.js'
import { ArithmeticRangeError, ArithmeticTypeError, ArithmeticUnboundError, TermDecodeError } from '../src/errors.js'
import { parse } from '../src/syntax/index.js'
import type { TermNode } from '../src/ast.js'

const f = (name: string, ...args: Term[]): Term => compound(name, args)

test('unify binds variables both ways and follows bindings', () => {
  const X = variable('X')
  const Y = variable('Y')
  const trail: Trail = []
  assert.ok(unify(f('p', X, num(2)), f('p', num(1), Y), trail))
  assert.deepEqual(deref(X), num(1))
  assert.deepEqual(deref(Y), num(2))
  assert.equal(trail.length, 2)
  assert.equal(termToString(f('p', X, Y)), 'p(1, 2)')
})

test('unify fails on clashes: functor, arity, constants, kinds', () => {
  const t: Trail = []
  assert.equal(unify(f('p', num(1)), f('q', num(1)), t), false)
  assert.equal(unify(f('p', num(1)), f('p', num(1), num(2)), t), false)
  assert.equal(unify(atom('a'), atom('b'), t), false)
  assert.equal(unify(atom('ok'), str('ok'), t), false)
  assert.equal(unify(num(1), num(1.5), t), false)
  assert.ok(unify(str('ok'), str('ok'), t))
})

test('undo to a mark removes exactly the later bindings', () => {
  const X = variable('X')
  const Y = variable('Y')
  const trail: Trail = []
  assert.ok(unify(X, atom('a'), trail))
  const mark = trail.length
  // partial binding: Y binds before the clash on the second argument
  assert.equal(unify(f('g', Y, atom('b')), f('g', num(3), atom('c')), trail), false)
  assert.equal(deref(Y).kind, 'num')
  undo(trail, mark)
  assert.equal(deref(Y), Y)
  assert.deepEqual(deref(X), atom('a'))
})

test('variable-variable chains and shared variables', () => {
  const X = variable('X')
  const Y = variable('Y')
  const Z = variable('Z')
  const t: Trail = []
  assert.ok(unify(X, Y, t))
  assert.ok(unify(Y, Z, t))
  assert.ok(unify(Z, atom('k'), t))
  assert.deepEqual(deref(X), atom('k'))
  assert.equal(unify(f('p', X, X), f('p', atom('k'), atom('j')), t), false)
})

test('occurs check is off by default and available on request', () => {
  const X = variable('X')
  const t: Trail = []
  assert.equal(unify(X, f('s', X), t, true), false)
  assert.ok(unify(X, f('s', X), t))
})

test('long lists unify without growing the stack', () => {
  const n = 200_000
  const items = Array.from({ length: n }, (_, i) => num(i))
  const a = list(items)
  const T = variable('T')
  const b = list(items.slice(0, n - 1), T)
  assert.ok(unify(a, b, []))
  assert.equal(termToString(T), `[${n - 1}]`)
  assert.equal(listItems(a)?.length, n)
})

test('identical (==) never binds', () => {
  const X = variable('X')
  assert.equal(identical(X, atom('a')), false)
  assert.equal(deref(X), X)
  assert.ok(identical(X, X))
  assert.ok(identical(f('p', list([num(1)])), f('p', list([num(1)]))))
})

test('is arithmetic: + - * / mod, unary minus, nesting', () => {
  const e = (t: Term): number => evalArith(t)
  assert.equal(e(f('+', num(2), f('*', num(3), num(4)))), 14)
  assert.equal(e(f('-', num(2), num(5))), -3)
  assert.equal(e(f('/', num(7), num(2))), 3.5)
  assert.equal(e(f('mod', num(7), num(3))), 1)
  assert.equal(e(f('mod', num(-7), num(3))), 2, 'mod takes the sign of the divisor')
  assert.equal(e(f('-', num(4))), -4)
  assert.equal(e(f('max', num(4), num(9))), 9)
})

test('arithmetic errors are coded: unbound, non-numeric, division by zero', () => {
  assert.throws(() => evalArith(f('+', variable('X'), num(1))), (e: unknown) => e instanceof ArithmeticUnboundError && e.code === 'LCC051' && /X/.test(e.message))
  assert.throws(() => evalArith(f('+', atom('a'), num(1))), (e: unknown) => e instanceof ArithmeticTypeError && e.code === 'LCC052')
  assert.throws(() => evalArith(f('foo', num(1), num(1))), ArithmeticTypeError)
  assert.throws(() => evalArith(str('1')), ArithmeticTypeError)
  assert.throws(() => evalArith(f('/', num(1), num(0))), (e: unknown) => e instanceof ArithmeticRangeError && e.code === 'LCC053')
  assert.throws(() => evalArith(f('mod', num(1), num(0))), ArithmeticRangeError)
})

test('comparisons evaluate both sides', () => {
  assert.ok(compareArith('<', num(1), f('+', num(1), num(1))))
  assert.ok(compareArith('>=', num(2), num(2)))
  assert.ok(compareArith('=<', num(2), num(2)))
  assert.equal(compareArith('>', num(2), num(2)), false)
  assert.throws(() => compareArith('<', variable('A'), num(1)), ArithmeticUnboundError)
})

test('printing uses LCC syntax', () => {
  const T = variable('T')
  assert.equal(termToString(f('readyToMigrate', num(5))), 'readyToMigrate(5)')
  assert.equal(termToString(list([atom('a'), str('b c')], T)), '[a, "b c" | T]')
  assert.equal(termToString(atom('Hello world')), "'Hello world'")
  assert.equal(termToString(atom('12D3KooW')), "'12D3KooW'")
  assert.equal(termToString(f('*', f('+', num(1), num(2)), num(3))), '(1 + 2) * 3')
  assert.equal(termToString(list([])), '[]')
})

test('JSON round trip keeps structure and shared variables', () => {
  const X = variable('X')
  const t = f('msg', atom('ok'), str('text'), num(-2.5), list([X, X], variable('T')), f('nested', list([])))
  const json = JSON.parse(JSON.stringify(termToJson(t))) as unknown
  const back = termFromJson(json)
  assert.equal(termToString(back), termToString(t))
  // both occurrences of X decode to one variable
  const d = deref(back)
  assert.equal(d.kind, 'cmp')
  const l = listItems(list([]))
  assert.deepEqual(l, [])
  const lst = (d as { args: readonly Term[] }).args[3] as Term
  assert.ok(unify(lst, list([num(1), variable('Y')], variable('R')), []))
  assert.equal(termToString(lst), '[1, 1 | R]')
  const args = termsFromJson([{ v: 'A' }, { f: 'p', args: [{ v: 'A' }] }])
  assert.ok(unify(args[0] as Term, num(7), []))
  assert.equal(termToString(args[1] as Term), 'p(7)')
})

test('JSON decoder rejects garbage with a coded error and a path', () => {
  const bad: unknown[] = [
    null, 'atom', true, [1], Infinity, Number.NaN, {}, { a: 1 }, { a: 'x', extra: 1 },
    { f: 'p' }, { f: 'p', args: [] }, { f: '', args: [1] }, { f: 'p', args: 'x' }, { f: 'p', args: [{ a: 'ok' }, { zz: 1 }] },
    { v: 'lower' }, { v: '' }, { l: 'x' }, { l: [1], t: null }, { s: 5 }, Object.create({ a: 'x' }) as unknown
  ]
  for (const x of bad) {
    assert.throws(() => termFromJson(x), (e: unknown) => e instanceof TermDecodeError && e.code === 'LCC050' && e.hint.length > 0, `should reject ${JSON.stringify(x)}`)
  }
  assert.throws(() => termFromJson({ f: 'p', args: [{ f: 'p', args: [{ zz: 1 }] }] }), (e: unknown) => e instanceof TermDecodeError && e.path === '$.args[0].args[0]')
  let deep: unknown = 1
  for (let i = 0; i < 100; i++) deep = { f: 's', args: [deep] }
  assert.throws(() => termFromJson(deep), /deeper than 64/)
  assert.throws(() => termFromJson({ l: Array.from({ length: 20 }, () => 1) }, { maxNodes: 10 }), /more than 10 nodes/)
  assert.throws(() => termsFromJson({}), TermDecodeError)
})

test('copyTerm substitutes bindings, renames unbound variables, shares ground terms', () => {
  const X = variable('X')
  const Y = variable('Y')
  unify(X, num(3), [])
  const c = copyTerm(f('p', X, Y, Y))
  assert.equal(termToString(c), 'p(3, Y, Y)')
  const args = (c as { args: readonly Term[] }).args
  assert.notEqual(args[1], Y)
  assert.equal(args[1], args[2])
  const g = f('q', atom('a'), list([num(1)]))
  assert.equal(copyTerm(g), g)
  assert.ok(isGround(g))
  assert.equal(isGround(f('q', variable())), false)
})

test('fromAst: one variable per name in a scope, `_` fresh each time, name() is the atom', () => {
  const { model } = parse('a(r, X) :: null <- p(A, A, _, _, q(), [1, B | T], "s").')
  const clause = model.clauses[0]
  assert.ok(clause !== undefined && clause.body.kind === 'null' && clause.body.guard.kind === 'call')
  const goal = (clause.body.guard as { goal: TermNode }).goal
  const env = new Map()
  const t = fromAst(goal, env)
  assert.equal(goalKey(t), 'p/7')
  const args = (deref(t) as { args: readonly Term[] }).args
  assert.equal(args[0], args[1])
  assert.notEqual(args[2], args[3])
  assert.deepEqual(args[4], atom('q'))
  assert.equal(termToString(t), 'p(A, A, _, _, q, [1, B | T], "s")')
  assert.deepEqual([...env.keys()].sort(), ['A', 'B', 'T'])
})
