import { test } from 'node:test'
import assert from 'node:assert/strict'
import { firstFitDecreasing, greedyBalance, outOfBand, hostLoads, PAPER_BAND } from '../src/index.js'
import type { SimHost, SimVm } from '../src/index.js'

const hosts = (n: number, cap = 10): SimHost[] => Array.from({ length: n }, (_, i) => ({ id: `h${i}`, capacity: cap }))

test('greedy: one move balances two hosts (hand-checked)', () => {
  // capacity 10: h0 carries 3+3 = 6, h1 carries 2; mean 4, so h0 is at 150 % and h1 at 50 %.
  const vms: SimVm[] = [{ id: 'a', load: 3 }, { id: 'b', load: 3 }, { id: 'c', load: 2 }]
  const r = greedyBalance(hosts(2), vms, { a: 'h0', b: 'h0', c: 'h1' }, PAPER_BAND)
  // after moving a: h0 = 3, h1 = 5 (mean 4: 75 %, 125 %): out of band; next, most loaded h1 (5) to
  // h0 (3): moving c (2) gives 5/3 -> no better (a^2+b^2 equal 34), moving a (3) gives 6/2, worse.
  assert.equal(r.migrations, 1)
  assert.deepEqual(r.moves, [{ vm: 'a', from: 'h0', to: 'h1' }])
  assert.equal(r.stopped, 'no-improving-move')
  assert.equal(r.outOfBand, 2)
})

test('greedy: counts the moves to bring every host into the band', () => {
  // four hosts; h0 holds eight 1-core VMs, the others none: mean 2, every host must get 2.
  const vms: SimVm[] = Array.from({ length: 8 }, (_, i) => ({ id: `v${i}`, load: 1 }))
  const initial = Object.fromEntries(vms.map(v => [v.id, 'h0']))
  const r = greedyBalance(hosts(4), vms, initial, PAPER_BAND)
  assert.equal(r.migrations, 6)
  assert.equal(r.stopped, 'in-band')
  assert.equal(outOfBand(hostLoads(hosts(4), vms, r.final), PAPER_BAND), 0)
})

test('greedy: nothing to do when already in band', () => {
  const vms: SimVm[] = [{ id: 'a', load: 1 }, { id: 'b', load: 1.1 }]
  const r = greedyBalance(hosts(2), vms, { a: 'h0', b: 'h1' }, PAPER_BAND)
  assert.equal(r.migrations, 0)
  assert.equal(r.stopped, 'in-band')
})

test('first-fit decreasing packs into the hand-counted number of hosts', () => {
  // capacity 10; loads 7,5,4,3,1 -> [7,3], [5,4,1]: 2 hosts
  const vms: SimVm[] = [7, 5, 4, 3, 1].map((load, i) => ({ id: `v${i}`, load }))
  const r = firstFitDecreasing(hosts(5), vms)
  assert.equal(r.hosts, 2)
  assert.deepEqual(r.placement, { v0: 'h0', v1: 'h1', v2: 'h1', v3: 'h0', v4: 'h1' })
  // 6,6,6 cannot share: 3 hosts; a VM bigger than any host is reported, not lost silently
  const r2 = firstFitDecreasing(hosts(4), [6, 6, 6, 11].map((load, i) => ({ id: `w${i}`, load })))
  assert.equal(r2.hosts, 3)
  assert.deepEqual(r2.unplaced, ['w3'])
})

test('first-fit decreasing uses the largest hosts first', () => {
  const hs: SimHost[] = [{ id: 'small', capacity: 4 }, { id: 'big', capacity: 16 }]
  const r = firstFitDecreasing(hs, [3, 3, 3].map((load, i) => ({ id: `v${i}`, load })))
  assert.equal(r.hosts, 1)
  assert.ok(Object.values(r.placement).every(h => h === 'big'))
})
