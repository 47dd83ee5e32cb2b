// Loading IMs: role analysis of ims/balance.lcc from the compiled clause flags, refusal of IMs with
// errors, the content hash, and the election annotation.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { BALANCE_CONSTRAINTS, ImRejectedError, NoInitialRoleError, electCoordinator, electionAnnotation, loadIm } from '../src/index.js'
import { BALANCE } from './support.js'

const KEYS = [...BALANCE_CONSTRAINTS]

test('balance.lcc: idle is local, overloaded seeks underloaded, underloaded advertises', () => {
  const im = loadIm('balance', BALANCE, KEYS)
  assert.equal(im.initialRole, 'idle')
  assert.deepEqual(Object.fromEntries([...im.roles].map(([r, p]) => [r, [p.kind, p.partnerRoles]])), {
    idle: ['local', []],
    overloaded: ['seeks', ['underloaded']],
    underloaded: ['advertises', []]
  })
  assert.equal(im.hash, createHash('sha256').update(BALANCE).digest('hex'))
  assert.equal(im.election, null)
})

test('an IM using a constraint this host does not provide is refused with the checker\'s diagnostics', () => {
  assert.throws(() => loadIm('balance', BALANCE, KEYS.filter(k => k !== 'migration/2')), (err: unknown) => {
    assert.ok(err instanceof ImRejectedError)
    assert.equal(err.code, 'RT_IM_REJECTED')
    assert.ok(err.diagnostics.length >= 1)
    assert.match(err.message, /migration/)
    assert.ok(typeof err.hint === 'string' && err.hint.length > 0)
    return true
  })
})

test('an IM that does not parse is refused with a position', () => {
  assert.throws(() => loadIm('broken', 'r(idle, initial)\na(idle, P) :: null <- ', KEYS), (err: unknown) => {
    assert.ok(err instanceof ImRejectedError)
    const d = err.diagnostics[0]
    assert.ok(d !== undefined && d.span.start.line >= 1)
    return true
  })
})

test('an IM without an initial role is refused', () => {
  assert.throws(() => loadIm('x', 'a(idle, P) :: null <- isOverLoaded() then a(idle, P)', KEYS), NoInitialRoleError)
})

test('the election rule comes from a // @parley coordinator: comment; lowest-id picks the lower peer id', () => {
  assert.equal(electionAnnotation(`// @parley coordinator: lowest-id\n${BALANCE}`), 'lowest-id')
  assert.equal(electionAnnotation('// @parley coordinator: nonsense\n'), null)
  assert.equal(loadIm('b', `// @parley coordinator: lowest-id\n${BALANCE}`, KEYS).election, 'lowest-id')
  assert.equal(electCoordinator('initiator', 'b', 'a'), 'b')
  assert.equal(electCoordinator('lowest-id', 'b', 'a'), 'a')
  assert.equal(electCoordinator('lowest-id', 'a', 'b'), 'a')
})
