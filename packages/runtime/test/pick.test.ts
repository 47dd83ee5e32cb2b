// Choosing the VMs a migration moves: the fewest moves that bring both hosts into the band, within
// the partner's upper band and lowering the total deviation; cordon moves what the partner takes.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { pickVms } from '../src/index.js'
import type { PickLimits } from '../src/index.js'

// A source at 3.0 cores, a partner at 1.0, both 4-core hosts, mean 2.0 (0.5), band 80-120%:
// source need 1.0, excess 0.6 (upper band 2.4), slack 1.4 (lower band 1.6);
// partner capacity 1.0, headroom 1.4, shortfall 0.6.
const L: PickLimits = { need: 1, excess: 0.6, slack: 1.4, capacity: 1, headroom: 1.4, shortfall: 0.6, cordoned: false }
const vm = (name: string, cores: number): { name: string, cores: number } => ({ name, cores })

test('one VM that puts both hosts in band beats several that fill to the mean', () => {
  const one = pickVms([vm('a', 0.5), vm('b', 0.5), vm('c', 0.9)], L)
  assert.deepEqual(one, ['c'], '0.9 brings the source to 2.1 and the partner to 1.9 in one move')
})

test('among single moves into the band, the one closest to the mean wins', () => {
  assert.deepEqual(pickVms([vm('a', 0.7), vm('b', 1.0), vm('c', 1.3)], L), ['b'])
})

test('a set that puts the partner in band too beats a smaller one that fixes only the source', () => {
  assert.deepEqual(pickVms([vm('a', 0.7), vm('b', 0.5)], { ...L, shortfall: 1.0 }).sort(), ['a', 'b'])
  assert.deepEqual(pickVms([vm('a', 0.7), vm('b', 0.5)], L), ['a'], 'when one VM does both, one it is')
})

test('two moves when no single VM can do it', () => {
  assert.deepEqual(pickVms([vm('a', 0.4), vm('b', 0.4), vm('c', 0.3), vm('z', 0.2)], L).sort(), ['a', 'b'])
})

test('never past the partner\'s upper band, never widening the total deviation, idle VMs not moved', () => {
  assert.deepEqual(pickVms([vm('big', 1.5)], L), [], '1.5 > headroom 1.4')
  assert.deepEqual(pickVms([vm('x', 0.8)], { ...L, need: 0.1, excess: 0, capacity: 0.5, headroom: 2, shortfall: 0 }), [], '0.8 > need + capacity: the gap would widen')
  assert.deepEqual(pickVms([vm('idle', 0)], L), [])
})

test('no set in band: the best partial improvement', () => {
  // only 0.3-core VMs, and at most three of them are tried together: 0.9 of the 1.0 needed
  assert.deepEqual(pickVms([vm('a', 0.3), vm('b', 0.3), vm('c', 0.3), vm('d', 0.3)], { ...L, excess: 1.0, shortfall: 0 }).length, 3)
})

test('a cordoned host moves whatever fits the partner, idle VMs included, else the smallest within the headroom', () => {
  const C = { ...L, cordoned: true }
  assert.deepEqual(pickVms([vm('a', 0.5), vm('b', 0.3), vm('c', 0.2), vm('d', 0)], { ...C, capacity: 0.6 }), ['a', 'd'])
  assert.deepEqual(pickVms([vm('x', 0.25)], { ...C, capacity: 0.12, headroom: 0.3 }), ['x'])
  assert.deepEqual(pickVms([vm('x', 0.25)], { ...C, capacity: 0.12, headroom: 0.2 }), [])
})
