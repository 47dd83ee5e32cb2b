import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRng, generateScenario, InvalidScenarioError } from '../src/index.js'

test('the generator replays exactly from its seed and differs across seeds', () => {
  const a = createRng(42); const b = createRng(42); const c = createRng(43)
  const xs = Array.from({ length: 100 }, () => a.next())
  assert.deepEqual(Array.from({ length: 100 }, () => b.next()), xs)
  assert.notDeepEqual(Array.from({ length: 100 }, () => c.next()), xs)
  assert.ok(xs.every(x => x >= 0 && x < 1))
  // roughly uniform: each decile gets some of 10,000 draws
  const r = createRng(7); const bins = new Array(10).fill(0)
  for (let i = 0; i < 10000; i++) bins[r.int(10)]++
  for (const n of bins) assert.ok(n > 850 && n < 1150, `decile count ${n}`)
})

test('a seeded scenario is reproducible and as documented', () => {
  const s1 = generateScenario({ hosts: 15, vms: 50, seed: 2012 })
  const s2 = generateScenario({ hosts: 15, vms: 50, seed: 2012 })
  assert.deepEqual(s1, s2)
  assert.notDeepEqual(generateScenario({ hosts: 15, vms: 50, seed: 2013 }).initial, s1.initial)
  assert.equal(s1.hosts.length, 15)
  assert.equal(s1.vms.length, 50)
  assert.ok(s1.hosts.every(h => h.capacity === 16))
  assert.ok(s1.vms.every(v => v.load >= 0.25 && v.load <= 2 && Math.abs(v.load * 20 - Math.round(v.load * 20)) < 1e-9))
  const hostIds = new Set(s1.hosts.map(h => h.id))
  assert.ok(s1.vms.every(v => hostIds.has(s1.initial[v.id] as string)))
  // random placement: uneven (the paper's starting point)
  const counts = s1.hosts.map(h => s1.vms.filter(v => s1.initial[v.id] === h.id).length)
  assert.ok(Math.max(...counts) - Math.min(...counts) >= 2)
})

test('bad scenario options are coded errors', () => {
  assert.throws(() => generateScenario({ hosts: 0, vms: 5, seed: 1 }), (e: unknown) => e instanceof InvalidScenarioError && e.code === 'SIM_INVALID_SCENARIO')
  assert.throws(() => generateScenario({ hosts: 2, vms: -1, seed: 1 }), InvalidScenarioError)
  assert.throws(() => generateScenario({ hosts: 2, vms: 1, seed: 1, demand: [2, 1] }), InvalidScenarioError)
  assert.throws(() => createRng(-1), RangeError)
})
