// Choosing the VMs a migration moves: best fit into min(need, capacity), a narrowing fallback, cordon.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { pickVms } from '../src/index.js'

const vms = [{ name: 'a', cores: 0.5 }, { name: 'b', cores: 0.3 }, { name: 'c', cores: 0.2 }, { name: 'd', cores: 0 }]

test('largest first while the total fits min(need, capacity)', () => {
  assert.deepEqual(pickVms(vms, 1.0, 0.75, 1, false), ['a', 'c'])
  assert.deepEqual(pickVms(vms, 0.5, 2, 2, false), ['a'])
  assert.deepEqual(pickVms(vms, 2, 2, 2, false), ['a', 'b', 'c'], 'idle VMs are not moved to balance')
})

test('nothing fits: the smallest VM that lowers the total deviation and keeps the partner under its threshold', () => {
  assert.deepEqual(pickVms(vms, 0.15, 0.1, 0.3, false), ['c'], '0.2 <= need + capacity = 0.25')
  assert.deepEqual(pickVms(vms, 0.05, 0.1, 1, false), [], 'moving 0.2 cores to shed 0.05 into room for 0.1 would widen the gaps')
  assert.deepEqual(pickVms(vms, 0.15, 0.1, 0.15, false), [], 'the partner would cross its overload threshold')
})

test('a cordoned host moves whatever fits the partner, idle VMs included, else the smallest within the headroom', () => {
  assert.deepEqual(pickVms(vms, 0, 0.6, 0.6, true), ['a', 'd'])
  assert.deepEqual(pickVms([{ name: 'x', cores: 0.25 }], 0.25, 0.12, 0.3, true), ['x'])
  assert.deepEqual(pickVms([{ name: 'x', cores: 0.25 }], 0.25, 0.12, 0.2, true), [])
})
