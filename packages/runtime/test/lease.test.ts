// The lease table over a fake clock: one lease at a time, TTL, renewal, hand-over, expiry.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { AlreadyLeasedError, LeaseTable, NoLeaseError } from '../src/index.js'

test('one lease at a time; renew extends it; it expires after its TTL', () => {
  let now = 1000
  const t = new LeaseTable(() => now)
  const l = t.grant('i1', 'coord', 'im', 100)
  assert.equal(l.expiresAt, 1100)
  assert.throws(() => t.grant('i2', 'other', 'im', 100), (e: unknown) => e instanceof AlreadyLeasedError && e.code === 'RT_LEASED')
  now = 1090
  t.renew('i1')
  assert.equal(t.held?.expiresAt, 1190)
  assert.equal(t.remainingMs(), 100)
  now = 1189
  assert.equal(t.expire(), null)
  assert.equal(t.valid('i1').interaction, 'i1')
  now = 1190
  assert.throws(() => t.valid('i1'), (e: unknown) => e instanceof NoLeaseError && e.code === 'RT_NO_LEASE')
  assert.throws(() => t.renew('i1'), NoLeaseError)
  assert.equal(t.expire()?.interaction, 'i1')
  assert.ok(t.isFree())
  assert.equal(t.grant('i2', 'other', 'im', 50).interaction, 'i2')
})

test('release only drops the named lease; hand-over changes the coordinator and renews', () => {
  let now = 0
  const t = new LeaseTable(() => now)
  t.grant('i1', 'me', 'im', 100)
  assert.equal(t.release('other'), false)
  now = 60
  const h = t.handOver('i1', 'peer')
  assert.equal(h.coordinator, 'peer')
  assert.equal(h.expiresAt, 160)
  assert.throws(() => t.renew('i9'), NoLeaseError)
  assert.equal(t.release('i1'), true)
  assert.ok(t.isFree())
  assert.throws(() => t.grant('i3', 'x', 'im', 0), RangeError)
})
