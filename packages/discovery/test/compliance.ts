/**
 * The Discovery contract, run against every implementation (memory, libp2p). Each implementation
 * provides a harness that starts connected peers; the suite only speaks the public interface.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { generatePrivateKey, signComponent, type PrivateKey } from '../src/index.js'
import type { ArtefactStore, Discovery, DiscoveryComponents, DiscoveryInit, Json, Validator } from '../src/index.js'
import { rejectsWithCode, waitFor } from './helpers.js'

export interface PeerSpec { init?: DiscoveryInit, components?: DiscoveryComponents }

export interface ComplianceHarness {
  name: string
  /** settings every peer of this harness uses (e.g. short announce interval) */
  baseInit: DiscoveryInit
  start(specs: PeerSpec[]): Promise<Discovery[]>
  stopAll(): Promise<void>
}

const enc = (s: string): Uint8Array => new TextEncoder().encode(s)
const dec = (b: Uint8Array): string => new TextDecoder().decode(b)

interface Ask { n: number }
const askSchema: Validator<Ask> = (v) => typeof v === 'object' && v !== null && typeof (v as any).n === 'number'
  ? { ok: true, value: v as Ask }
  : { ok: false, reason: 'expected {n: number}' }

export function complianceSuite (h: ComplianceHarness): void {
  describe(`Discovery compliance: ${h.name}`, () => {
    let a: Discovery, b: Discovery, c: Discovery
    let trusted: PrivateKey, untrusted: PrivateKey
    const storeA: ArtefactStore = new Map()
    const tag = h.name.replace(/[^a-z0-9]/gi, '')

    before(async () => {
      trusted = await generatePrivateKey()
      untrusted = await generatePrivateKey()
      const init = { ...h.baseInit, trustedKeys: [trusted.publicKey.toString()] }
      ;[a, b, c] = await h.start([{ init, components: { artefacts: storeA } }, { init }, { init }])
    })
    after(async () => { await h.stopAll() })

    it('finds an advertised role with its arguments from another peer, via gossip', async () => {
      const im = `im-adv-${tag}`
      await a.advertise(im, 'underloaded', { freeMem: 4096 })
      const found = await waitFor(async () => (await b.findCandidates(im, 'underloaded')).find(x => x.peerId === a.peerId && x.source === 'gossip'))
      assert.ok(found, 'B should see A\'s gossip announcement')
      assert.deepEqual(found.args, { freeMem: 4096 })
      assert.equal(found.announcement?.withdrawn, false)
      assert.ok(b.announcements(im, 'underloaded').some(x => x.peerId === a.peerId))
    })

    it('finds an advertised role through the DHT alone (args unknown)', async () => {
      const im = `im-dht-${tag}`
      await a.advertise(im, 'idle', { x: 1 })
      const found = await waitFor(async () => (await c.findCandidates(im, 'idle', { dhtOnly: true, follow: false })).find(x => x.peerId === a.peerId))
      assert.ok(found, 'C should find A as a DHT provider')
      assert.equal(found.source, 'dht')
      assert.equal(found.args, undefined)
    })

    it('updates arguments on re-advertise and ranks gossip candidates with the caller\'s order', async () => {
      const im = `im-rank-${tag}`
      await a.advertise(im, 'underloaded', { free: 1 })
      await c.advertise(im, 'underloaded', { free: 10 })
      await a.advertise(im, 'underloaded', { free: 5 })
      const byFree = (x: { args: Json }, y: { args: Json }): number => (y.args as any).free - (x.args as any).free
      const ranked = await waitFor(async () => {
        const cs = await b.findCandidates(im, 'underloaded', { gossipOnly: true, rank: byFree })
        return cs.length === 2 && (cs[1].args as any).free === 5 ? cs : undefined
      })
      assert.ok(ranked, 'B should hold both announcements with A\'s updated args')
      assert.deepEqual(ranked.map(x => x.peerId), [c.peerId, a.peerId])
      assert.deepEqual(ranked.map(x => (x.args as any).free), [10, 5])
    })

    it('never returns the asking peer itself', async () => {
      const im = `im-self-${tag}`
      await a.advertise(im, 'underloaded', { free: 1 })
      await c.advertise(im, 'underloaded', { free: 2 })
      await waitFor(async () => (await a.findCandidates(im, 'underloaded')).some(x => x.peerId === c.peerId))
      const cs = await a.findCandidates(im, 'underloaded')
      assert.ok(cs.some(x => x.peerId === c.peerId))
      assert.ok(!cs.some(x => x.peerId === a.peerId))
      assert.equal(new Set(cs.map(x => x.peerId)).size, cs.length, 'no duplicates')
    })

    it('drops a withdrawn role from the results, even though its DHT record outlives it', async () => {
      const im = `im-wd-${tag}`
      b.follow(im)
      await a.advertise(im, 'underloaded', { free: 3 })
      assert.ok(await waitFor(async () => b.announcements(im, 'underloaded').some(x => x.peerId === a.peerId)))
      const retracted = new Promise<void>(resolve => {
        const off = b.on('announcement', (x) => { if (x.imHash === im && x.peerId === a.peerId && x.withdrawn) { off(); resolve() } })
      })
      await a.withdraw(im, 'underloaded')
      await retracted
      assert.ok(!b.announcements(im, 'underloaded').some(x => x.peerId === a.peerId))
      const cs = await b.findCandidates(im, 'underloaded')
      assert.ok(!cs.some(x => x.peerId === a.peerId), 'withdrawn peer must not come back from the DHT path')
    })

    it('refuses bad IM hashes and role names with a coded error', async () => {
      await rejectsWithCode(a.advertise('has/slash', 'r', null), 'DISC_BAD_ARGUMENT')
      await rejectsWithCode(b.findCandidates('im', ''), 'DISC_BAD_ARGUMENT')
    })

    it('publishes an IM text and fetches it from another peer, verified by hash', async () => {
      const text = enc(`r(balance) :: null <- idle. % ${tag}`)
      const hash = await a.publish(text, { kind: 'im' })
      assert.match(hash, /^bafkrei/)
      const got = await b.fetch(hash, { kind: 'im' })
      assert.equal(dec(got.bytes), dec(text))
      assert.equal(got.hash, hash)
      assert.equal(got.from, a.peerId)
      await rejectsWithCode(b.fetch('not-a-cid', { kind: 'im' }), 'DISC_BAD_HASH')
    })

    it('refuses an artefact whose bytes do not match its hash', async () => {
      const hash = await a.publish(enc(`original ${tag}`), { kind: 'im' })
      const held = storeA.get(hash)
      assert.ok(held)
      storeA.set(hash, { ...held, bytes: enc(`tampered ${tag}`) })
      await rejectsWithCode(c.fetch(hash, { kind: 'im' }), 'DISC_HASH_MISMATCH')
    })

    it('reports an artefact nobody provides', async () => {
      const { artefactCid } = await import('../src/index.js')
      const hash = (await artefactCid(enc(`never published ${tag}`))).toString()
      await rejectsWithCode(b.fetch(hash, { kind: 'im', timeoutMs: 3000 }), ['DISC_ARTEFACT_NOT_FOUND', 'DISC_TIMEOUT'])
    })

    it('accepts a component signed by a trusted key', async () => {
      const code = enc(`export const constraint = 1 // ${tag}`)
      const hash = await a.publish(code, { kind: 'component', signature: await signComponent(code, trusted) })
      const got = await b.fetch(hash, { kind: 'component' })
      assert.equal(dec(got.bytes), dec(code))
      assert.equal(got.signature?.publicKey, trusted.publicKey.toString())
    })

    it('refuses unsigned, untrusted and wrongly signed components', async () => {
      const code = enc(`unsigned component ${tag}`)
      await rejectsWithCode(a.publish(code, { kind: 'component' }), 'DISC_UNSIGNED_COMPONENT')
      const asIm = await a.publish(code, { kind: 'im' })
      await rejectsWithCode(b.fetch(asIm, { kind: 'component' }), 'DISC_UNSIGNED_COMPONENT')

      const other = enc(`untrusted component ${tag}`)
      const untrustedHash = await a.publish(other, { kind: 'component', signature: await signComponent(other, untrusted) })
      await rejectsWithCode(b.fetch(untrustedHash, { kind: 'component' }), 'DISC_UNTRUSTED_SIGNER')

      const good = enc(`good component ${tag}`)
      const sigForOther = await signComponent(enc('something else'), trusted)
      await rejectsWithCode(a.publish(good, { kind: 'component', signature: sigForOther }), 'DISC_BAD_SIGNATURE')
      const goodHash = await a.publish(good, { kind: 'component', signature: await signComponent(good, trusted) })
      const held = storeA.get(goodHash)
      assert.ok(held)
      storeA.set(goodHash, { ...held, signature: sigForOther })
      await rejectsWithCode(c.fetch(goodHash, { kind: 'component' }), 'DISC_BAD_SIGNATURE')
    })

    it('applies a replaced trusted-key list to the next fetch, also of components already held', async () => {
      const fromNew = enc(`component by a newly trusted key ${tag}`)
      const newHash = await a.publish(fromNew, { kind: 'component', signature: await signComponent(fromNew, untrusted) })
      const fromOld = enc(`component by a key about to be removed ${tag}`)
      const oldHash = await a.publish(fromOld, { kind: 'component', signature: await signComponent(fromOld, trusted) })
      await rejectsWithCode(b.fetch(newHash, { kind: 'component' }), 'DISC_UNTRUSTED_SIGNER')
      assert.equal(dec((await b.fetch(oldHash, { kind: 'component' })).bytes), dec(fromOld))

      b.setTrustedKeys([untrusted.publicKey.toString()])
      const got = await b.fetch(newHash, { kind: 'component' })
      assert.equal(dec(got.bytes), dec(fromNew))
      assert.equal(got.signature?.publicKey, untrusted.publicKey.toString())
      // b holds oldHash from the fetch above: the local copy is checked against the new list too
      await rejectsWithCode(b.fetch(oldHash, { kind: 'component' }), 'DISC_UNTRUSTED_SIGNER')
      // another peer's list is its own
      assert.equal(dec((await c.fetch(oldHash, { kind: 'component' })).bytes), dec(fromOld))

      // a bad list is refused whole and the previous one stays in force
      assert.throws(() => { b.setTrustedKeys([trusted.publicKey.toString(), 'not-a-key']) }, (e: any) => e.code === 'DISC_BAD_KEY')
      await rejectsWithCode(b.fetch(oldHash, { kind: 'component' }), 'DISC_UNTRUSTED_SIGNER')
      assert.equal(dec((await b.fetch(newHash, { kind: 'component' })).bytes), dec(fromNew))

      b.setTrustedKeys([trusted.publicKey.toString()])
      assert.equal(dec((await b.fetch(oldHash, { kind: 'component' })).bytes), dec(fromOld))
      await rejectsWithCode(b.fetch(newHash, { kind: 'component' }), 'DISC_UNTRUSTED_SIGNER')
    })

    it('round-trips a request with schema validation on both sides', async () => {
      await b.handle<Ask>('/test/double/1', async (body, ctx) => {
        assert.equal(ctx.peerId, a.peerId)
        return { doubled: body.n * 2, from: ctx.peerId }
      }, { validate: askSchema })
      const res = await a.request<{ doubled: number, from: string }>(b.peerId, '/test/double/1', { n: 21 })
      assert.deepEqual(res, { doubled: 42, from: a.peerId })
      await rejectsWithCode(a.request(b.peerId, '/test/double/1', { n: 'x' }), 'DISC_SCHEMA_INVALID')
      await rejectsWithCode(a.request(b.peerId, '/test/double/1', { n: 1 }, {
        validate: (v) => ({ ok: false, reason: `unexpected ${JSON.stringify(v)}` })
      }), 'DISC_SCHEMA_INVALID')
    })

    it('carries handler errors back as coded errors', async () => {
      await b.handle('/test/lease/1', async () => {
        throw Object.assign(new Error('host already holds a lease'), { code: 'LEASE_HELD', hint: 'retry later' })
      })
      const err = await rejectsWithCode(a.request(b.peerId, '/test/lease/1', {}), 'DISC_REMOTE_ERROR')
      assert.equal(err.remoteCode, 'LEASE_HELD')
      assert.equal(err.message, 'host already holds a lease')
      assert.equal(err.hint, 'retry later')
      assert.equal(err.remote, true)
      await rejectsWithCode(a.request(b.peerId, '/test/unregistered/1', {}), 'DISC_NO_HANDLER')
    })

    it('bounds handler time and request time', async () => {
      await b.handle('/test/slow/1', async (_body, ctx): Promise<Json> => await new Promise<Json>((resolve) => {
        const t = setTimeout(() => { resolve('late') }, 3000)
        ctx.signal.addEventListener('abort', () => { clearTimeout(t); resolve('aborted') })
      }), { timeoutMs: 200 })
      const remote = await rejectsWithCode(a.request(b.peerId, '/test/slow/1', {}), 'DISC_TIMEOUT')
      assert.equal(remote.remote, true)
      await b.handle('/test/slower/1', async () => await new Promise<Json>(resolve => setTimeout(() => { resolve('late') }, 1500)))
      const local = await rejectsWithCode(a.request(b.peerId, '/test/slower/1', {}, { timeoutMs: 200 }), 'DISC_TIMEOUT')
      assert.equal(local.remote, false)
      const ctl = new AbortController()
      const p = a.request(b.peerId, '/test/slower/1', {}, { signal: ctl.signal })
      ctl.abort()
      await rejectsWithCode(p, 'DISC_ABORTED')
    })

    it('rejects oversize requests, locally and at the server', async () => {
      await b.handle('/test/small/1', async () => 'ok', { maxRequestBytes: 256 })
      const big = 'x'.repeat(70 * 1024)
      await rejectsWithCode(a.request(b.peerId, '/test/small/1', { big }), 'DISC_FRAME_TOO_LARGE')
      const err = await rejectsWithCode(a.request(b.peerId, '/test/small/1', { medium: 'y'.repeat(1000) }), 'DISC_FRAME_TOO_LARGE')
      assert.equal(err.remote, true)
      assert.equal(await a.request(b.peerId, '/test/small/1', { tiny: 1 }), 'ok', 'the handler keeps serving')
    })

    it('serves requests to itself through the same path', async () => {
      await a.handle('/test/self/1', async (_b, ctx) => ctx.peerId)
      assert.equal(await a.request(a.peerId, '/test/self/1', null), a.peerId)
    })

    it('lists connected peers and its own addresses', async () => {
      const ps = await waitFor(() => b.peers().includes(a.peerId) && b.peers().includes(c.peerId) ? b.peers() : undefined)
      assert.ok(ps)
      assert.ok(!b.peers().includes(b.peerId))
      assert.ok(a.addresses().length > 0)
    })

    it('reports a peer that leaves: disconnect event, then unreachable', async () => {
      const gone = new Promise<void>(resolve => {
        const off = a.on('peer:disconnect', ({ peerId }) => { if (peerId === c.peerId) { off(); resolve() } })
      })
      await c.stop()
      await gone
      await rejectsWithCode(a.request(c.peerId, '/test/double/1', { n: 1 }, { timeoutMs: 3000 }), ['DISC_PEER_UNREACHABLE', 'DISC_TIMEOUT'])
      await rejectsWithCode(c.advertise('im', 'r', null), 'DISC_STOPPED')
    })
  })

  describe(`Discovery compliance (rate bound): ${h.name}`, () => {
    let a: Discovery, b: Discovery
    before(async () => {
      ;[a, b] = await h.start([{ init: h.baseInit }, { init: { ...h.baseInit, rateLimit: { burst: 3, perSecond: 0.5 } } }])
    })
    after(async () => { await h.stopAll() })

    it('bounds the request rate per peer and answers the excess with DISC_RATE_LIMITED', async () => {
      await b.handle<Json>('/test/echo/1', async (body) => body)
      const results = await Promise.allSettled(Array.from({ length: 6 }, async (_, i) => await a.request(b.peerId, '/test/echo/1', i)))
      const ok = results.filter(r => r.status === 'fulfilled').length
      const limited = results.filter(r => r.status === 'rejected' && (r.reason as any).code === 'DISC_RATE_LIMITED').length
      assert.equal(ok, 3)
      assert.equal(limited, 3)
    })
  })
}
