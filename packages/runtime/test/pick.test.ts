// Choosing the VMs a migration moves: best fit into min(need, capacity), a narrowing fallback, cordon.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { pickVms } from '../src/index.js'

const vms = [{ name: 'a', cores: 0.5 }, { name: 'b', cores: 0.3 }, { name: 'c', cores: 0.2 }, { name: 'd', cores: 0 }]

test('largest first while the total fits min(need, capacity)', () => {
  assert.deepEqual(pickVms(vms, 1.0, 0.75, false), ['a', 'c'])
  assert.deepEqual(pickVms(vms, 0.5, 2, false), ['a'])
  assert.deepEqual(pickVms(vms, 2, 2, false), ['a', 'b', 'c'], 'idle VMs are not moved to balance')
})

test('nothing fits the need: the smallest VM that still narrows the gap and fits the partner', () => {
  assert.deepEqual(pickVms(vms, 0.15, 1, false), ['c'])
  assert.deepEqual(pickVms(vms, 0.05, 1, false), [], 'moving 0.2 cores to shed 0.05 would widen the gap')
  assert.deepEqual(pickVms(vms, 0.15, 0.1, false), [], 'the partner cannot take any of them')
})

test('a cordoned host moves whatever fits the partner, idle VMs included', () => {
  assert.deepEqual(pickVms(vms, 0, 0.6, true), ['a', 'd'])
})
