import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { AnnouncementTable, decodeAnnouncement, encodeAnnouncement, prepareAnnouncement, type AnnouncementWire } from '../src/core/announcements.js'

const wire = (over: Partial<AnnouncementWire> = {}): AnnouncementWire =>
  ({ v: 1, op: 'announce', im: 'im1', role: 'r', args: { free: 1 }, seq: 10, ts: 0, ttl: 1000, ...over })
const prep = (over: Partial<AnnouncementWire> = {}) => prepareAnnouncement(wire(over))

describe('announcement table', () => {
  it('keeps the newest announcement per peer and ignores replays', () => {
    const t = new AnnouncementTable(30_000)
    assert.ok(t.accept('p1', prep({ seq: 10 }), 0))
    assert.equal(t.accept('p1', prep({ seq: 9, args: { free: 99 } }), 1), undefined)
    assert.equal(t.accept('p1', prep({ seq: 10 }), 1), undefined)
    assert.ok(t.accept('p1', prep({ seq: 11, args: { free: 2 } }), 2))
    assert.deepEqual(t.fresh('im1', 'r', 3).map(a => a.args), [{ free: 2 }])
  })

  it('expires announcements after their ttl, capped by the local maximum', () => {
    const t = new AnnouncementTable(500)
    t.accept('p1', prep({ ttl: 10_000 }), 0)
    assert.equal(t.fresh('im1', undefined, 499).length, 1)
    assert.equal(t.fresh('im1', undefined, 500).length, 0)
    t.prune(500)
    assert.ok(t.accept('p1', prep({ seq: 1 }), 600), 'after expiry any sequence is accepted again')
  })

  it('bounds the table and makes room again once entries expire', () => {
    const t = new AnnouncementTable(100, 2)
    assert.ok(t.accept('p1', prep(), 0))
    assert.ok(t.accept('p2', prep(), 0))
    assert.equal(t.accept('p3', prep(), 0), undefined, 'full')
    assert.ok(t.accept('p1', prep({ seq: 11 }), 1), 'updates of held entries still pass')
    t.prune(200)
    assert.equal(t.size, 0)
    assert.ok(t.accept('p3', prep(), 200))
  })

  it('keeps a retraction as a tombstone until it expires', () => {
    const t = new AnnouncementTable(1000)
    t.accept('p1', prep({ seq: 1 }), 0)
    t.accept('p1', prep({ seq: 2, op: 'withdraw', args: null }), 10)
    assert.equal(t.fresh('im1', 'r', 20).length, 0)
    assert.equal(t.withdrawn('im1', 'r', 'p1', 20), true)
    assert.equal(t.withdrawn('im1', 'r', 'p1', 2000), false)
  })

  it('shares one frozen announcement between receivers at the same instant', () => {
    const p = prep({ args: { free: 3, tags: ['a'] } })
    const t1 = new AnnouncementTable(1000)
    const t2 = new AnnouncementTable(1000)
    const a1 = t1.accept('p1', p, 5)
    const a2 = t2.accept('p1', p, 5)
    assert.equal(a1, a2)
    assert.ok(Object.isFrozen(a1) && Object.isFrozen((a1 as any).args.tags))
    assert.notEqual(t2.accept('p2', p, 5), a1, 'another sender gets its own record')
  })

  it('decodes what it encodes and rejects malformed payloads with a reason', () => {
    const w = wire()
    assert.deepEqual(decodeAnnouncement(encodeAnnouncement(w), 'im1'), w)
    assert.equal(decodeAnnouncement(encodeAnnouncement(w), 'im2'), 'IM hash does not match the topic')
    assert.equal(typeof decodeAnnouncement(new Uint8Array([0xff, 0x00]), 'im1'), 'string')
    assert.equal(typeof decodeAnnouncement(new TextEncoder().encode('{"v":1,"op":"announce","im":"im1","role":"a/b","args":1,"seq":1,"ts":1,"ttl":1}'), 'im1'), 'string')
    assert.equal(typeof decodeAnnouncement(new TextEncoder().encode(JSON.stringify({ ...w, seq: -1 })), 'im1'), 'string')
    assert.throws(() => encodeAnnouncement(wire({ args: 'x'.repeat(5000) })), RangeError)
  })
})
