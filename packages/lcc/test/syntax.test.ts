import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parse } from '../src/syntax/index.js'
import type { ChoiceNode, ThenNode } from '../src/ast.js'
import { fixture, imsFile, withoutSpans } from './syntax-fixtures.js'

const errors = (text: string): string[] => parse(text).diagnostics.filter(d => d.severity === 'error').map(d => d.code)

test('the 2012 balance policy parses verbatim, with the paper\'s precedence', () => {
  const { model, diagnostics } = parse(fixture('papers/vichos-2012-balance.lcc'))
  assert.deepEqual(diagnostics, [])
  assert.deepEqual(model.clauses.map(c => c.head.type.kind === 'atom' ? c.head.type.name : c.head.type.kind === 'compound' ? c.head.type.functor : ''), ['idle', 'overloaded', 'underloaded'])
  // X then A or B or C is (X then A) or B or C.
  const idle = model.clauses[0]!.body as ChoiceNode
  assert.equal(idle.kind, 'choice')
  assert.equal(idle.branches.length, 3)
  assert.equal(idle.branches[0]!.kind, 'then')
  assert.equal(idle.orSpans?.[0]?.start.line, 12)
  assert.ok(model.comments.some(c => c.text.includes('“idle” role')))
})

test('Herry fig. 2 parses with Unicode arrows, ≤ as receive, and warns on each dangling then', () => {
  const { model, diagnostics } = parse(fixture('papers/herry-fig2-balance.lcc'))
  assert.deepEqual(diagnostics.map(d => [d.code, d.severity, d.span.start.line, d.hint]), [
    ['LCC008', 'warning', 8, 'remove the trailing then'],
    ['LCC008', 'warning', 11, 'remove the trailing then'],
  ])
  const over = model.clauses[1]!.body as ThenNode
  assert.deepEqual(over.steps.map(s => s.kind), ['send', 'receive', 'null', 'change'])
  assert.deepEqual(withoutSpans((over.steps[1] as { message: unknown }).message), { kind: 'compound', functor: 'migration', args: [{ kind: 'string', value: 'ok' }] })
})

test('the consolidation policy and ims/balance.lcc parse without diagnostics', () => {
  assert.deepEqual(parse(fixture('papers/vichos-2012-consolidate.lcc')).diagnostics, [])
  const { model, diagnostics } = parse(imsFile('balance.lcc'))
  assert.deepEqual(diagnostics, [])
  assert.deepEqual(model.roles.map(r => [r.role, r.mode]), [['idle', 'initial'], ['overloaded', 'auxiliary'], ['underloaded', 'auxiliary']])
  const idle = model.clauses[0]!.body as ThenNode
  assert.deepEqual(idle.steps.map(s => s.kind), ['null', 'choice'])
})

test('steps: send with guard, receive with constraint, null, guarded role change', () => {
  const { model, diagnostics } = parse(`a(r, X) ::
    m(X) => a(s, Y) <- ready(X) then
    Z > 1 and ok(Z) <- n(Z) <= a(s, Y) then
    null <- W is Z * 2 + 1 then
    a(r, X) <- W >= 3.
  a(s, Y) :: m(X) <= a(r, Z) then n(2) => a(r, Z) then a(s, Y)`)
  assert.deepEqual(diagnostics, [])
  const steps = (model.clauses[0]!.body as ThenNode).steps
  assert.deepEqual(steps.map(s => s.kind), ['send', 'receive', 'null', 'change'])
  assert.deepEqual(withoutSpans(steps[1]), {
    kind: 'receive',
    message: { kind: 'compound', functor: 'n', args: [{ kind: 'var', name: 'Z' }] },
    from: { kind: 'role', type: { kind: 'atom', name: 's', quoted: false }, id: { kind: 'var', name: 'Y' } },
    constraint: {
      kind: 'and',
      left: { kind: 'call', goal: { kind: 'compound', functor: '>', args: [{ kind: 'var', name: 'Z' }, { kind: 'number', value: 1 }] } },
      right: { kind: 'call', goal: { kind: 'compound', functor: 'ok', args: [{ kind: 'var', name: 'Z' }] } },
    },
  })
  // is binds looser than +, + looser than *.
  assert.deepEqual(withoutSpans((steps[2] as { guard: unknown }).guard), {
    kind: 'call',
    goal: {
      kind: 'compound',
      functor: 'is',
      args: [{ kind: 'var', name: 'W' }, {
        kind: 'compound',
        functor: '+',
        args: [{ kind: 'compound', functor: '*', args: [{ kind: 'var', name: 'Z' }, { kind: 'number', value: 2 }] }, { kind: 'number', value: 1 }],
      }],
    },
  })
})

test('terms: lists, quoted atoms, strings, negative and decimal numbers, name()', () => {
  const { model, diagnostics } = parse('a(r, X) :: null <- f([1, -2.5 | T], \'Hi there\', "s\\"q", g(), _, -X, 3 - -1)')
  assert.deepEqual(diagnostics, [])
  const goal = withoutSpans((model.clauses[0]!.body as { guard: { goal: unknown } }).guard.goal) as { args: unknown[] }
  assert.deepEqual(goal.args, [
    { kind: 'list', items: [{ kind: 'number', value: 1 }, { kind: 'number', value: -2.5 }], tail: { kind: 'var', name: 'T' } },
    { kind: 'atom', name: 'Hi there', quoted: true },
    { kind: 'string', value: 's"q' },
    { kind: 'compound', functor: 'g', args: [] },
    { kind: 'var', name: '_' },
    { kind: 'compound', functor: '-', args: [{ kind: 'var', name: 'X' }] },
    { kind: 'compound', functor: '-', args: [{ kind: 'number', value: 3 }, { kind: 'number', value: -1 }] },
  ])
})

test('constraint or/||/not: || at the top, or only inside parentheses', () => {
  const { model, diagnostics } = parse('a(r, X) :: null <- not p(X) && (q(X) or r(X)) || s(X) or a(r, X)')
  assert.deepEqual(diagnostics, [])
  const body = model.clauses[0]!.body as ChoiceNode
  assert.equal(body.kind, 'choice')
  const guard = withoutSpans((body.branches[0] as { guard: unknown }).guard) as { kind: string, left: { kind: string, left: { kind: string }, right: { kind: string } } }
  assert.equal(guard.kind, 'or')
  assert.equal(guard.left.kind, 'and')
  assert.equal(guard.left.left.kind, 'not')
  assert.equal(guard.left.right.kind, 'or')
})

test('then binds tighter; parenthesised chains stay nested; par', () => {
  const { model } = parse('a(r, X) :: (a(r, X) then (a(s, X) then a(r, X))) par a(s, X)\na(s, X) :: a(r, X)')
  assert.deepEqual(withoutSpans(model.clauses[0]!.body), {
    kind: 'par',
    branches: [
      { kind: 'then', steps: [
        { kind: 'change', role: { kind: 'role', type: { kind: 'atom', name: 'r', quoted: false }, id: { kind: 'var', name: 'X' } }, guard: null },
        { kind: 'then', steps: [
          { kind: 'change', role: { kind: 'role', type: { kind: 'atom', name: 's', quoted: false }, id: { kind: 'var', name: 'X' } }, guard: null },
          { kind: 'change', role: { kind: 'role', type: { kind: 'atom', name: 'r', quoted: false }, id: { kind: 'var', name: 'X' } }, guard: null },
        ] },
      ] },
      { kind: 'change', role: { kind: 'role', type: { kind: 'atom', name: 's', quoted: false }, id: { kind: 'var', name: 'X' } }, guard: null },
    ],
  })
})

test('errors are diagnostics with positions, and parsing resumes at the next clause', () => {
  const text = 'a(r, X) :: m => a(s X)\na(s, Y) :: m <= a(r, Y) then )\na(t, Z) :: null <- ok(Z)'
  const { model, diagnostics } = parse(text)
  assert.deepEqual(diagnostics.map(d => [d.code, d.span.start.line]), [['LCC006', 1], ['LCC008', 2], ['LCC006', 2]])
  assert.equal(model.clauses.length, 1)
  assert.ok(diagnostics.every(d => d.hint !== undefined && d.hint.length > 0))
})

test('broken inputs give their codes', () => {
  assert.deepEqual(errors('a(r, X) null <- ok(X)'), ['LCC005'])
  assert.deepEqual(errors('a(r, X) :: a(r, X) or a(s, X) par a(r, X)\na(s, X) :: a(r, X)'), ['LCC007'])
  assert.deepEqual(errors('a(r, X) :: m -> a(s, X)'), ['LCC012'])
  assert.deepEqual(errors('a(r, X) :: null <- ok("abc)'), ['LCC002', 'LCC006'])
  assert.deepEqual(errors('a(r, X) :: null <- ok(X) /* never closed'), ['LCC003'])
  assert.deepEqual(errors('a(r, X) :: null <- ok(“X”)'), ['LCC013', 'LCC013'])
  assert.deepEqual(errors('a(r, X) :: null <- f(a and b)'), ['LCC014'])
  assert.deepEqual(errors('a(r, X) ::'), ['LCC015'])
  assert.deepEqual(errors('r(idle, sometimes)\na(idle, X) :: a(idle, X)'), ['LCC011'])
  assert.deepEqual(errors('foo bar'), ['LCC004'])
  assert.deepEqual(errors('a(r, X) :: null'), ['LCC012'])
  assert.deepEqual(errors('a(r, X) :: a(r, X) <- ok § a(r, X)'), ['LCC001', 'LCC004'])
})

test('an empty model is a warning, and the model is empty', () => {
  const { model, diagnostics } = parse('// nothing here\n')
  assert.deepEqual(diagnostics.map(d => d.code), ['LCC016'])
  assert.equal(model.clauses.length, 0)
  assert.equal(model.comments.length, 1)
})

test('deep nesting is reported, not a stack overflow', () => {
  const deep = 'a(r, X) :: null <- ' + 'f('.repeat(50_000) + 'x' + ')'.repeat(50_000)
  assert.deepEqual(errors(deep), ['LCC009'])
  const groups = 'a(r, X) :: ' + '('.repeat(50_000) + 'a(r, X)' + ')'.repeat(50_000)
  assert.deepEqual(errors(groups), ['LCC009'])
  const ands = 'a(r, X) :: null <- ' + 'p and '.repeat(50_000) + 'p'
  assert.deepEqual(errors(ands), ['LCC009'])
})

test('spans are 1-based lines and columns', () => {
  const { model } = parse('\n  a(r, X) :: null <- ok(X)')
  const c = model.clauses[0]!
  assert.deepEqual(c.span.start, { offset: 3, line: 2, column: 3 })
  assert.deepEqual(c.body.span.start, { offset: 14, line: 2, column: 14 })
  assert.equal(c.span.end.column, 27)
})

test('huge inputs finish: 4 MB of clauses, 1.5 MB of brackets, a 2 MB unterminated string', () => {
  const base = imsFile('balance.lcc')
  let text = ''
  for (let i = 0; i < 2000; i++) text += base.replace(/\b(idle|overloaded|underloaded)\b/g, `$1${i}`) + '\n'
  const big = parse(text)
  assert.equal(big.model.clauses.length, 6000)
  assert.deepEqual(big.diagnostics, [])
  assert.deepEqual(errors('('.repeat(1e6) + 'a('.repeat(1e5) + ')'.repeat(3e5)), ['LCC009'])
  assert.deepEqual(errors('a(r, X) :: null <- "' + 'x'.repeat(2e6)), ['LCC002'])
})

test('a constraint joined with a bare or is read as a choice, and the error says how to write it', () => {
  const { diagnostics } = parse('a(r, X) :: null <- p(X) or q(X)')
  assert.equal(diagnostics.length, 1)
  assert.equal(diagnostics[0]!.code, 'LCC012')
  assert.match(diagnostics[0]!.message, /C1 \|\| C2/)
  assert.equal(diagnostics[0]!.span.start.column, 28)
})
