/**
 * Memory-only behaviour: fault injection (isolation, loss, latency), determinism, independence of
 * networks, and a functional check at a thousand peers.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createMemoryDiscovery, MemoryNetwork, type MemoryDiscovery } from '../src/index.js'
import { rejectsWithCode, silent, waitFor } from './helpers.js'

async function peers (network: MemoryNetwork, n: number, init = {}): Promise<MemoryDiscovery[]> {
  const out: MemoryDiscovery[] = []
  for (let i = 0; i < n; i++) out.push(await createMemoryDiscovery({ network, announceIntervalMs: 0, ...init }, { logger: silent }))
  return out
}

describe('memory discovery', () => {
  it('reports an isolated peer as unreachable until it is healed', async () => {
    const net = new MemoryNetwork()
    const [a, b] = await peers(net, 2)
    await b.handle('/t/1', async () => 'pong')
    net.isolate(b.peerId)
    await rejectsWithCode(a.request(b.peerId, '/t/1', null), 'DISC_PEER_UNREACHABLE')
    assert.ok(!a.peers().includes(b.peerId))
    net.heal(b.peerId)
    assert.equal(await a.request(b.peerId, '/t/1', null), 'pong')
    await b.stop()
    await rejectsWithCode(a.request(b.peerId, '/t/1', null), 'DISC_PEER_UNREACHABLE')
    await a.stop()
  })

  it('loses requests and gossip at the configured rate', async () => {
    const net = new MemoryNetwork({ dropRate: 1 })
    const [a, b] = await peers(net, 2)
    await b.handle('/t/1', async () => 'pong')
    await rejectsWithCode(a.request(b.peerId, '/t/1', null, { timeoutMs: 100 }), 'DISC_TIMEOUT')
    b.follow('im')
    await a.advertise('im', 'r', 1)
    await new Promise(resolve => setTimeout(resolve, 50))
    assert.equal(b.announcements('im').length, 0)
    assert.ok(net.stats.dropped >= 2)
    net.dropRate = 0
    assert.equal(await a.request(b.peerId, '/t/1', null), 'pong')
    await Promise.all([a.stop(), b.stop()])
  })

  it('delays messages by the configured latency', async () => {
    const net = new MemoryNetwork({ latencyMs: 40 })
    const [a, b] = await peers(net, 2)
    await b.handle('/t/1', async () => 'pong')
    const t0 = performance.now()
    assert.equal(await a.request(b.peerId, '/t/1', null), 'pong')
    assert.ok(performance.now() - t0 >= 78, 'a round trip takes two one-way delays')
    b.follow('im')
    await a.advertise('im', 'r', 1)
    assert.equal(b.announcements('im').length, 0, 'not yet delivered')
    assert.ok(await waitFor(() => b.announcements('im').length === 1, 1000, 5))
    await Promise.all([a.stop(), b.stop()])
  })

  it('is deterministic for a given seed', async () => {
    async function run (): Promise<{ ids: string[], outcomes: string[] }> {
      const net = new MemoryNetwork({ seed: 99, dropRate: 0.5 })
      const ps = await peers(net, 3)
      await ps[1].handle('/t/1', async () => 'pong')
      const outcomes: string[] = []
      for (let i = 0; i < 12; i++) {
        try { outcomes.push(String(await ps[0].request(ps[1].peerId, '/t/1', i, { timeoutMs: 20 }))) } catch (e) { outcomes.push((e as any).code) }
      }
      await Promise.all(ps.map(async p => { await p.stop() }))
      return { ids: ps.map(p => p.peerId), outcomes }
    }
    const first = await run()
    assert.deepEqual(await run(), first)
    assert.ok(first.outcomes.includes('pong') && first.outcomes.includes('DISC_TIMEOUT'))
    assert.deepEqual(first.ids, ['mem-0000', 'mem-0001', 'mem-0002'])
  })

  it('follows an IM on lookup unless told not to', async () => {
    const net = new MemoryNetwork()
    const [a, b, c] = await peers(net, 3)
    await a.advertise('im-f', 'r', { x: 1 })
    assert.equal((await b.findCandidates('im-f', 'r', { follow: false }))[0]?.source, 'dht')
    assert.equal((await c.findCandidates('im-f', 'r'))[0]?.source, 'dht')
    await new Promise(resolve => setTimeout(resolve, 300))
    assert.equal(b.announcements('im-f').length, 0)
    assert.equal(c.announcements('im-f').length, 1, 'the new follower got a re-announcement')
    assert.equal((await c.findCandidates('im-f', 'r'))[0]?.source, 'gossip')
    await Promise.all([a.stop(), b.stop(), c.stop()])
  })

  it('keeps networks independent (no module-level state)', async () => {
    const n1 = new MemoryNetwork()
    const n2 = new MemoryNetwork()
    const [a1, b1] = await peers(n1, 2)
    const [a2] = await peers(n2, 1)
    assert.equal(a1.peerId, a2.peerId)
    const hash = await b1.publish(new TextEncoder().encode('x'), { kind: 'im' })
    assert.equal((await a1.fetch(hash, { kind: 'im' })).from, b1.peerId)
    await rejectsWithCode(a2.fetch(hash, { kind: 'im' }), 'DISC_ARTEFACT_NOT_FOUND')
    await Promise.all([a1.stop(), b1.stop(), a2.stop()])
  })

  it('serves a thousand peers advertising and looking up one role', async () => {
    const net = new MemoryNetwork()
    const ps = await peers(net, 1000)
    const cold = await ps[3].findCandidates('im-big', 'underloaded', { limit: 5 })
    assert.equal(cold.length, 0, 'nothing advertised yet')
    for (const p of [ps[1], ps[500], ps[999]]) p.follow('im-big')
    await Promise.all(ps.map(async (p, i) => { if (i % 2 === 0) await p.advertise('im-big', 'underloaded', { free: i }) }))
    await new Promise(resolve => setTimeout(resolve, 300))
    const byFree = (x: { args: any }, y: { args: any }): number => y.args.free - x.args.free
    for (const p of [ps[1], ps[500], ps[999]]) {
      const cs = await p.findCandidates('im-big', 'underloaded', { limit: 5, rank: byFree })
      assert.deepEqual(cs.map(c => (c.args as any)?.free), [998, 996, 994, 992, 990])
      assert.ok(cs.every(c => c.source === 'gossip'))
    }
    const unfollowed = await ps[7].findCandidates('im-big', 'underloaded', { limit: 5 })
    assert.equal(unfollowed.length, 5)
    assert.ok(unfollowed.every(c => c.source === 'dht' && c.args === undefined), 'a peer that did not follow the IM finds providers through the DHT')
    const viaDht = await ps[1].findCandidates('im-big', 'underloaded', { limit: 1000, dhtOnly: true })
    assert.equal(viaDht.length, 500)
    await Promise.all(ps.map(async p => { await p.stop() }))
  })
})
