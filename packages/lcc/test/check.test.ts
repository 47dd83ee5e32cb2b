import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parse } from '../src/syntax/index.js'
import { check, componentSet } from '../src/check/index.js'
import type { CheckOptions } from '../src/check/index.js'
import { codes } from '../src/codes.js'
import { fixture, imsFile } from './syntax-fixtures.js'

function run (text: string, options?: CheckOptions): Array<[string, string, number, string]> {
  const { model, diagnostics } = parse(text)
  assert.deepEqual(diagnostics.filter(d => d.severity === 'error'), [])
  return check(model, options).map(d => [d.code, d.severity, d.span.start.line, d.message])
}
const codesOf = (text: string, options?: CheckOptions): string[] => run(text, options).map(d => d[0])

test('the 2012 consolidation policy: overloaded is undefined, an error naming it on line 50', () => {
  const errors = run(fixture('papers/vichos-2012-consolidate.lcc')).filter(d => d[1] === 'error')
  assert.deepEqual(errors.map(d => [d[0], d[2]]), [['LCC020', 50]])
  assert.match(errors[0]![3], /\boverloaded\b/)
})

test('the paper balance policies both get the trap warning at the or; only Herry\'s role change to the partner\'s id is an error', () => {
  const vichos = run(fixture('papers/vichos-2012-balance.lcc'))
  assert.deepEqual(vichos.filter(d => d[1] === 'error'), [])
  assert.deepEqual(vichos.filter(d => d[0] === 'LCC030').map(d => d[2]), [12])
  // The underloaded role sends migration(OK) with OK unbound: a warning only.
  assert.deepEqual(vichos.filter(d => d[0] === 'LCC024').map(d => [d[1], d[2]]), [['warning', 46]])
  const herry = run(fixture('papers/herry-fig2-balance.lcc'))
  // fig. 2 ends the underloaded clause (played by PID2) with a(idle, PID1), the partner's id
  assert.deepEqual(herry.filter(d => d[1] === 'error').map(d => [d[0], d[2]]), [['LCC035', 37]])
  assert.match(herry.find(d => d[0] === 'LCC035')![3], /PID1.*PID2/)
  assert.deepEqual(herry.filter(d => d[0] === 'LCC030').map(d => d[2]), [9])
})

test('a role change keeps the clause\'s own id; _ and the same variable pass', () => {
  const text = (next: string): string => `r(a, initial)\nr(b, auxiliary)\na(a, X) :: m => a(b, Y) then ${next}.\na(b, Y) :: m <= a(a, X).\n`
  assert.deepEqual(codesOf(text('a(a, X)')).filter(c => c === 'LCC035'), [])
  assert.deepEqual(codesOf(text('a(a, _)')).filter(c => c === 'LCC035'), [])
  assert.deepEqual(codesOf(text('a(a, Y)')).filter(c => c === 'LCC035'), ['LCC035'])
  assert.deepEqual(codesOf(text('a(a, someone)')).filter(c => c === 'LCC035'), ['LCC035'])
})

test('the trap warning carries the exact hint', () => {
  const { model } = parse(fixture('papers/vichos-2012-balance.lcc'))
  const trap = check(model).find(d => d.code === 'LCC030')
  assert.equal(trap?.hint, 'add parentheses: X then (A or B)')
  assert.deepEqual(trap?.span.start, { offset: trap?.span.start.offset, line: 12, column: 3 })
})

test('ims/balance.lcc checks clean against its components, with no trap warning', () => {
  const components = componentSet(['getPeerState/1', 'isOverLoaded/0', 'isUnderLoaded/0', 'canRelieve/2', 'canAbsorb/1', 'noPartner/1', 'migration/2', 'isMigrationPossible/2', 'waitForMigration/0'])
  assert.deepEqual(run(imsFile('balance.lcc'), { components }), [])
  assert.ok(!codesOf(imsFile('balance.lcc')).includes('LCC030'))
})

test('unknown constraints: an error per use with a component set, one warning per name without', () => {
  const text = 'r(r, initial)\na(r, X) :: null <- p(X) then null <- p(X) then null <- q() then null <- X > 1 then a(r, X)'
  assert.deepEqual(run(text, { components: componentSet(['p/1']) }).map(d => [d[0], d[1], d[3]]), [['LCC026', 'error', 'no component provides the constraint q/0']])
  assert.deepEqual(run(text).map(d => [d[0], d[1]]), [['LCC026', 'warning'], ['LCC026', 'warning']])
})

test('variables: comparisons and is need bound variables; calls may bind; sends and changes warn', () => {
  const cs = { components: componentSet(['p/1', 'q/2']) }
  const text = [
    'r(r, initial)',
    'a(r, X) ::',
    '  null <- Y > 3 then', // Y never bound: error
    '  null <- Z is W + 1 then', // W unbound: error; Z bound after
    '  null <- p(V) then null <- V > Z then', // V bound by the call: fine
    '  m(U, V) => a(s, P) then', // U sent unbound: warning; P bound (the recipient)
    '  a(r, K)', // K unbound: warning
    'a(s, P) :: m(A, B) <= a(r, Q) then A = B <- n(A) <= a(r, Q) then a(s, P)',
  ].join('\n')
  assert.deepEqual(run(text, cs).filter(d => d[0].startsWith('LCC02') && d[0] !== 'LCC022' && d[0] !== 'LCC021').map(d => [d[0], d[1], d[3]]), [
    ['LCC023', 'error', 'variable Y is used before any step binds it'],
    ['LCC023', 'error', 'variable W is used before any step binds it'],
    ['LCC024', 'warning', 'variable U is sent unbound in m(U, V)'],
    ['LCC025', 'warning', 'variable K is unbound when changing role to a(r, K)'],
  ])
})

test('messages: matched by unification and by role, both directions', () => {
  const text = [
    'r(a1, initial)',
    'a(a1, X) :: ask(N, [1 | T]) => a(b1, Y) then reply(ok) <= a(b1, Y) then a(a1, X)',
    'a(b1, Y) :: ask(3, [A, B]) <= a(a1, X) then reply(no) => a(a1, X) then late(1) <= a(a1, X) then a(b1, Y)',
  ].join('\n')
  const found = run(text).filter(d => d[0] === 'LCC021' || d[0] === 'LCC022').map(d => [d[0], d[2], d[3]])
  assert.deepEqual(found, [
    ['LCC022', 2, 'no role b1 sends reply(ok) to a1'],
    ['LCC021', 3, 'no role a1 receives reply(no) from b1'],
    ['LCC022', 3, 'no role a1 sends late(1) to b1'],
  ])
})

test('roles: declarations, duplicates, initial', () => {
  const text = 'r(x, initial)\nr(ghost, auxiliary)\nr(x, auxiliary)\na(x, I) :: a(x, I)\na(x, J) :: a(x, J)'
  assert.deepEqual(codesOf(text), ['LCC031', 'LCC034', 'LCC032'])
  assert.deepEqual(codesOf('a(x, I) :: a(x, I)'), ['LCC033'])
  assert.deepEqual(codesOf('r(x, initial)\na(x, I) :: a(y, I) then m => a(z, I)'), ['LCC020', 'LCC020'])
})

test('goals that cannot be called', () => {
  assert.deepEqual(codesOf('r(x, initial)\na(x, I) :: null <- 3 then null <- "s" then a(x, I)'), ['LCC027', 'LCC027'])
})

test('every code has a title, a hint and a severity', () => {
  for (const [code, info] of Object.entries(codes)) {
    assert.match(code, /^LCC\d{3}$/)
    assert.ok(info.title.length > 0 && info.hint.length > 0, code)
    assert.ok(['error', 'warning', 'info'].includes(info.severity), code)
  }
})
