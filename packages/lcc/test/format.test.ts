import { test } from 'node:test'
import assert from 'node:assert/strict'
import { format, parse } from '../src/syntax/index.js'
import { allFixtures, imsFile, withoutSpans } from './syntax-fixtures.js'

function roundTrip (text: string): string {
  const first = parse(text)
  const out = format(first.model)
  const second = parse(out)
  assert.deepEqual(second.diagnostics.filter(d => d.severity === 'error'), [], out)
  assert.deepEqual(withoutSpans({ ...second.model, comments: [] }), withoutSpans({ ...first.model, comments: [] }), out)
  assert.deepEqual(second.model.comments.map(c => c.text), first.model.comments.map(c => c.text))
  assert.equal(format(second.model), out, 'format is idempotent')
  return out
}

test('ims/balance.lcc is already in canonical form', () => {
  const text = imsFile('balance.lcc')
  assert.equal(roundTrip(text), text)
})

test('every fixture round-trips: parse, format, parse gives the same AST and comments', () => {
  for (const f of allFixtures()) {
    if (parse(f.text).diagnostics.some(d => d.severity === 'error')) continue
    roundTrip(f.text)
  }
})

test('the paper text is printed with its real precedence made visible', () => {
  const out = format(parse('a(idle, P) :: null ← s(S) then (null <- o() then a(idle, P)) or a(idle, P)').model)
  assert.equal(out, [
    'a(idle, P) ::',
    '  ( null <- s(S) then',
    '    (',
    '      null <- o() then',
    '      a(idle, P)',
    '    ) )',
    '  or',
    '  a(idle, P).',
    '',
  ].join('\n'))
})

test('operators: ASCII, spaced, parenthesised only where needed', () => {
  const out = format(parse('a(r,X)::null<-(X+1)*2>=Y-(Z-1)and not(p(X)||q)&&W is -X+ -3 mod 2 then m(\'A b\',"s\\"",[1,2|T],f())⇒a(s,Y)').model)
  assert.equal(out, [
    'a(r, X) ::',
    '  null <- (X + 1) * 2 >= Y - (Z - 1) and not (p(X) || q) and W is - X + -3 mod 2 then',
    '  m(\'A b\', "s\\"", [1, 2 | T], f()) => a(s, Y).',
    '',
  ].join('\n'))
  roundTrip(out)
})

test('nested chains, par, and comments in place', () => {
  const text = [
    '// lead',
    'r(r, necessary, 2)',
    'a(r, X) :: // on the head',
    '  /* before */ a(s, X) then (a(r, X) then a(s, X)) // after',
    '  or (a(r, X) par a(s, X))',
    'a(s, X) :: a(r, X)',
    '// the end',
  ].join('\n')
  const out = roundTrip(text)
  assert.equal(out, [
    '// lead',
    'r(r, necessary, 2)',
    '',
    'a(r, X) :: // on the head',
    '  /* before */',
    '  ( a(s, X) then',
    '    (',
    '      a(r, X) then',
    '      a(s, X) // after',
    '    ) )',
    '  or',
    '  ( a(r, X)',
    '    par',
    '    a(s, X) ).',
    '',
    'a(s, X) ::',
    '  a(r, X).',
    '',
    '// the end',
    '',
  ].join('\n'))
})
