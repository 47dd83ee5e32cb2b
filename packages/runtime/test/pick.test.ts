// Choosing the VMs a migration moves: the fewest VMs, then the source in band, then the moves the
// partner is spared (counted in the largest VM that can move), then the larger drop of the pair's
// squared deviation; within the partner's upper band, a source in band kept in band, a minimum
// improvement; cordon moves what the partner takes.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { bestPick, improves, keyBefore, pickVms } from '../src/index.js'
import type { PickLimits } from '../src/index.js'

// A source at 3.0 cores, a partner at 1.0, both 4-core hosts, mean 2.0 (0.5), band 80-120%:
// source need 1.0, excess 0.6 (upper band 2.4), slack 1.4 (lower band 1.6);
// partner capacity 1.0, headroom 1.4, shortfall 0.6.
const L: PickLimits = { need: 1, excess: 0.6, slack: 1.4, capacity: 1, headroom: 1.4, shortfall: 0.6, cordoned: false }
const vm = (name: string, cores: number): { name: string, cores: number } => ({ name, cores })

test('one VM that puts both hosts in band beats several that fill to the mean', () => {
  assert.deepEqual(pickVms([vm('a', 0.5), vm('b', 0.5), vm('c', 0.9)], L), ['c'], '0.9 brings the source to 2.1 and the partner to 1.9 in one move')
})

test('among single moves into the band, the largest drop of the squared deviation (the one nearest the mean) wins', () => {
  assert.deepEqual(pickVms([vm('a', 0.7), vm('b', 1.0), vm('c', 1.3)], L), ['b'])
})

test('one VM before two: a source still above its band offers again, to another host', () => {
  // 0.5 leaves the source at 2.5 (above 2.4) and the partner at 1.5 (in band); both VMs would fix
  // the source too, but one VM to each of two partners beats two to one
  assert.deepEqual(pickVms([vm('a', 0.5), vm('b', 0.5)], L), ['a'])
  assert.deepEqual(bestPick([vm('a', 0.5), vm('b', 0.5)], L)?.sourceOut, true)
  // a single VM that fixes the source beats one that does not
  assert.deepEqual(pickVms([vm('a', 0.4), vm('b', 0.7)], L), ['b'])
})

test('above its band beats pushed below it; then the larger drop of the squared deviation', () => {
  // 1.45 > slack 1.4 would put the source under its lower band: 0.3 keeps it above, and is allowed
  assert.deepEqual(pickVms([vm('big', 1.45), vm('small', 0.3)], { ...L, headroom: 1.6 }), ['small'])
  // both leave the source above its band: the larger drop of the pair's squared deviation
  assert.deepEqual(pickVms([vm('a', 0.55), vm('b', 0.65)], { ...L, excess: 0.7, shortfall: 0.6 }), ['b'])
  // a source that stays above its band sends its VM where it helps most: an empty partner
  // (capacity 2) over one this VM would put in band (capacity 1)
  const big = { ...L, need: 2, excess: 1.6, slack: 2.4 }
  const toEmpty = bestPick([vm('x', 1)], { ...big, capacity: 2, headroom: 2.4, shortfall: 1.6 })
  const toNear = bestPick([vm('x', 1)], { ...big, capacity: 1, headroom: 1.4, shortfall: 0.6 })
  assert.ok(toEmpty !== null && toNear !== null && toEmpty.partnerOut && !toNear.partnerOut)
  assert.ok(keyBefore(toEmpty.key, toNear.key))
})

test('the moves spared the partner, counted in the largest VM that can move: a deep hole before a shallow one, a hair under the band last', () => {
  // a 0.95-core VM puts the source (3.0 cores, band 1.6-2.4) in band whichever partner takes it;
  // the largest VM any host can move is 1.0 core
  const x = [vm('x', 0.95)]
  const S = { ...L, unit: 1 }
  const deep = bestPick(x, { ...S, capacity: 2, headroom: 2.4, shortfall: 1.6 }) // empty: 2 moves to its band, 1 after
  const shallow = bestPick(x, { ...S, capacity: 0.6, headroom: 1.0, shortfall: 0.2 }) // 1 move, in band after
  const hair = bestPick(x, { ...S, capacity: 1.4, headroom: 1.8, shortfall: 1.0 }) // 1 move, still 0.05 under after
  assert.ok(deep !== null && shallow !== null && hair !== null)
  assert.ok(deep.partnerOut && !shallow.partnerOut && hair.partnerOut)
  assert.ok(keyBefore(deep.key, shallow.key), 'both spare a move: the larger drop of the squared deviation, the empty host')
  assert.ok(keyBefore(shallow.key, hair.key), 'a partner left a hair under its band still needs its move')
  assert.ok(hair.key[2] === 0 && deep.key[2] === -1, 'spared: none, one')
  // without the reports' figure the unit is the source's largest VM (0.95): a shortfall of 1.0 then
  // takes two such moves, and this one spares one
  const own = bestPick(x, { ...L, capacity: 1.4, headroom: 1.8, shortfall: 1.0 })
  assert.equal(own?.key[2], -1)
})

test('sets only when no single VM is allowed', () => {
  // one VM of 0.04 cores removes 7.8 % of the pair's squared deviation: under the 10 % minimum
  const tiny = [vm('a', 0.04), vm('b', 0.04), vm('c', 0.04), vm('d', 0.04)]
  assert.deepEqual(pickVms(tiny, { ...L, minImprovement: 0.1 }), ['a', 'b'])
  assert.deepEqual(pickVms(tiny, { ...L, minImprovement: 0 }), ['a'])
})

test('fill to the mean (no absorbers: push-sum clusters): the source in band, the partner in band, the fewest VMs, nearest min(need, capacity)', () => {
  const F = { ...L, fillToMean: true }
  assert.deepEqual(pickVms([vm('a', 0.5), vm('b', 0.5), vm('c', 0.9)], F), ['c'])
  // two VMs that bring the partner to the mean beat one that leaves it under its band
  assert.deepEqual(pickVms([vm('a', 0.5), vm('b', 0.5)], { ...F, shortfall: 0.8 }).sort(), ['a', 'b'])
  // the source cannot get in band: as much of the need as fits, in one interaction
  assert.deepEqual(pickVms([vm('a', 0.3), vm('b', 0.3), vm('c', 0.3), vm('d', 0.3)], { ...F, excess: 1.0, shortfall: 0 }).length, 3)
})

test('never past the partner\'s upper band, never widening the total deviation, idle VMs not moved', () => {
  assert.deepEqual(pickVms([vm('big', 1.5)], L), [], '1.5 > headroom 1.4')
  assert.deepEqual(pickVms([vm('x', 0.8)], { ...L, need: 0.1, excess: 0, capacity: 0.5, headroom: 2, shortfall: 0 }), [], '0.8 > need + capacity: the gap would widen')
  assert.deepEqual(pickVms([vm('idle', 0)], L), [])
})

test('a source in band is never moved out of it (relief)', () => {
  // in band (excess 0) at 2.2 cores, mean 2.0: slack 0.6 (lower band 1.6); partner at 1.0
  const relief: PickLimits = { need: 0.2, excess: 0, slack: 0.6, capacity: 1, headroom: 1.4, shortfall: 0.6, cordoned: false }
  assert.deepEqual(pickVms([vm('a', 0.7)], relief), [], '0.7 would leave the giver at 1.5, under its band')
  assert.deepEqual(pickVms([vm('a', 0.7), vm('b', 0.6)], relief), ['b'])
})

test('minimum improvement: a move must remove that share of the pair\'s squared deviation', () => {
  // need 1, capacity 1: before 2; moving t removes 2t(2 - t)
  assert.equal(improves(1, { need: 1, capacity: 1, minImprovement: 0.1 }), true)
  assert.equal(improves(1.95, { need: 1, capacity: 1, minImprovement: 0.1 }), false, '0.195 of 2 is under 10 %: a near swap')
  assert.equal(improves(1.95, { need: 1, capacity: 1, minImprovement: 0 }), true)
  assert.equal(improves(2, { need: 1, capacity: 1 }), false, 'a pure swap removes nothing')
  const wide: PickLimits = { ...L, headroom: 2.5, excess: 2, slack: 2.5 }
  assert.deepEqual(pickVms([vm('x', 1.95)], { ...wide, minImprovement: 0.1 }), [])
  assert.deepEqual(pickVms([vm('x', 1.95)], { ...wide, minImprovement: 0 }), ['x'])
})

test('a cordoned host moves every VM that fits the partner up to its upper band, idle VMs included, in one pick', () => {
  const C = { ...L, cordoned: true }
  const four = [vm('a', 0.5), vm('b', 0.3), vm('c', 0.2), vm('d', 0)]
  assert.deepEqual(pickVms(four, { ...C, capacity: 0.6, headroom: 1.4 }), ['a', 'b', 'c', 'd'], 'all of them: the headroom takes them')
  assert.deepEqual(pickVms(four, { ...C, capacity: 0.6, headroom: 0.75 }), ['a', 'c', 'd'], 'largest first within the headroom')
  assert.deepEqual(pickVms([vm('x', 0.25)], { ...C, capacity: 0.12, headroom: 0.3 }), ['x'])
  assert.deepEqual(pickVms([vm('x', 0.25)], { ...C, capacity: 0.12, headroom: 0.2 }), [], 'nothing fits: no move')
  // a partner with no room at all still takes idle VMs, and VMs that barely run
  const idle = [vm('p', 0), vm('q', 0.004), vm('r', 0.5)]
  assert.deepEqual(pickVms(idle, { ...C, capacity: 0, headroom: 0 }), ['q', 'p'])
})
