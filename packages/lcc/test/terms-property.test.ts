// Properties of unification and the JSON codec over random terms. Replay with PARLEY_SEED=<seed>.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { atom, compound, identical, list, num, str, termFromJson, termToJson, termToString, undo, unify, variable } from '../src/terms/index.js'
import type { Term, Trail, Var } from '../src/terms/index.js'

const seed = Number(process.env.PARLEY_SEED ?? Date.now() % 2147483647)
console.log(`# terms-property seed ${seed} (replay with PARLEY_SEED=${seed})`)

/** Random terms over a shared pool of variables, so two terms can share variables. */
function termArb (pool: Var[]): fc.Arbitrary<Term> {
  const leaf = fc.oneof(
    fc.constantFrom('a', 'ok', 'idle', 'Quoted atom', '[]').map(atom),
    fc.integer({ min: -5, max: 5 }).map(num),
    fc.constantFrom('', 'x', 'two words').map(str),
    fc.integer({ min: 0, max: pool.length - 1 }).map(i => pool[i] as Var)
  )
  const { term } = fc.letrec<{ term: Term }>(tie => ({
    term: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.tuple(fc.constantFrom('f', 'g', '+'), fc.array(tie('term'), { minLength: 1, maxLength: 3 })).map(([f, args]) => compound(f, args)),
      fc.tuple(fc.array(tie('term'), { maxLength: 3 }), fc.option(tie('term'), { nil: undefined })).map(([items, tail]) => list(items, tail))
    )
  }))
  return term
}

const pair = fc.constant(null).chain(() => {
  const pool = ['X', 'Y', 'Z'].map(n => variable(n))
  return fc.tuple(termArb(pool), termArb(pool))
})

test('unification is symmetric and its unifier makes both sides identical; undo restores them', () => {
  fc.assert(fc.property(pair, ([a, b]) => {
    const before = [termToString(a), termToString(b)]
    const t1: Trail = []
    const ok1 = unify(a, b, t1, true)
    if (ok1) assert.ok(identical(a, b), `${termToString(a)} vs ${termToString(b)}`)
    undo(t1, 0)
    assert.deepEqual([termToString(a), termToString(b)], before)
    const t2: Trail = []
    const ok2 = unify(b, a, t2, true)
    undo(t2, 0)
    assert.equal(ok2, ok1)
  }), { seed, numRuns: 500 })
})

test('JSON encoding round-trips every term', () => {
  fc.assert(fc.property(pair, ([a]) => {
    const back = termFromJson(JSON.parse(JSON.stringify(termToJson(a))) as unknown)
    assert.equal(termToString(back), termToString(a))
  }), { seed, numRuns: 500 })
})

test('the decoder never throws anything but a coded error on arbitrary JSON', () => {
  fc.assert(fc.property(fc.jsonValue(), j => {
    try {
      termFromJson(j)
    } catch (e) {
      assert.equal((e as { code?: string }).code, 'LCC050')
    }
  }), { seed, numRuns: 1000 })
})
