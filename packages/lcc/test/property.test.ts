// Properties of the front end. The seed is printed; PARLEY_SEED replays a run.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { format, parse } from '../src/syntax/index.js'
import { check } from '../src/check/index.js'
import { allFixtures, withoutSpans } from './syntax-fixtures.js'
import { model } from './property-arbitraries.js'
import { mutatedText, randomUnicode, tokenSoup } from './property-mutations.js'

const seed = process.env.PARLEY_SEED !== undefined ? Number(process.env.PARLEY_SEED) : Date.now() % 2 ** 31
console.log(`property seed: ${seed} (replay with PARLEY_SEED=${seed})`)

test('random ASTs: parse(format(m)) equals m up to spans, and format is idempotent', () => {
  fc.assert(fc.property(model, m => {
    const text = format(m)
    const back = parse(text)
    assert.deepEqual(back.diagnostics.filter(d => d.severity === 'error'), [], text)
    assert.deepEqual(withoutSpans(back.model), withoutSpans(m), text)
    assert.equal(format(back.model), text)
  }), { seed, numRuns: 2000 })
})

/** Parse and check never throw; well-formed results format and read back the same. */
function robust (text: string): void {
  const parsed = parse(text)
  for (const d of parsed.diagnostics) {
    assert.ok(d.code.startsWith('LCC') && d.hint !== undefined && d.span.start.line >= 1 && d.span.start.column >= 1)
  }
  check(parsed.model)
  if (parsed.diagnostics.some(d => d.severity === 'error')) return
  const out = format(parsed.model)
  const again = parse(out)
  assert.deepEqual(again.diagnostics.filter(d => d.severity === 'error'), [], out)
  assert.deepEqual(withoutSpans({ ...again.model, comments: [] }), withoutSpans({ ...parsed.model, comments: [] }), out)
  assert.equal(format(again.model), out)
}

test('10,000+ random and mutated texts: no exceptions from parse, check or format', () => {
  const sources = allFixtures().map(f => f.text)
  let runs = 0
  const count = (text: string): void => { runs++; robust(text) }
  fc.assert(fc.property(mutatedText(sources), count), { seed, numRuns: 6000 })
  fc.assert(fc.property(tokenSoup, count), { seed: seed + 1, numRuns: 3000 })
  fc.assert(fc.property(randomUnicode, count), { seed: seed + 2, numRuns: 1500 })
  assert.ok(runs >= 10_000, `only ${runs} texts`)
  console.log(`robustness: ${runs} texts parsed and checked`)
})
