/**
 * Memory networks with one shared announcement table (the simulator's mode): what they refuse, that
 * lookups and tables read the same as with one table per peer (a seeded random run of advertise,
 * withdraw and lookups on both), that only listening followers are called, and that deliveries are
 * still counted per follower. PARLEY_SEED=<n> replays the random run (the seed is printed).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createMemoryDiscovery, MemoryNetwork, type Announcement, type MemoryDiscovery } from '../src/index.js'
import { silent } from './helpers.js'

const seed = process.env.PARLEY_SEED !== undefined ? Number(process.env.PARLEY_SEED) : Math.floor(Math.random() * 2 ** 31)

async function peers (network: MemoryNetwork, n: number): Promise<MemoryDiscovery[]> {
  const out: MemoryDiscovery[] = []
  for (let i = 0; i < n; i++) out.push(await createMemoryDiscovery({ network, announceIntervalMs: 0 }, { logger: silent }))
  return out
}

const settle = async (): Promise<void> => { for (let i = 0; i < 5; i++) await new Promise(resolve => setImmediate(resolve)) }

function random (s: number): () => number {
  let a = s >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), a | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

describe('memory discovery, shared announcements', () => {
  it('refuses loss, latency and isolation, which would make the followers\' tables differ', async () => {
    assert.throws(() => new MemoryNetwork({ sharedAnnouncements: true, dropRate: 0.1 }), (e: any) => e.code === 'DISC_BAD_ARGUMENT' && typeof e.hint === 'string')
    assert.throws(() => new MemoryNetwork({ sharedAnnouncements: true, latencyMs: 5 }), (e: any) => e.code === 'DISC_BAD_ARGUMENT')
    const net = new MemoryNetwork({ sharedAnnouncements: true })
    const [a] = await peers(net, 1)
    assert.throws(() => { net.isolate(a!.peerId) }, (e: any) => e.code === 'DISC_BAD_ARGUMENT')
    await a!.stop()
  })

  it('reads the same as one table per peer: a seeded run of advertise, withdraw and lookups on both', async () => {
    console.log(`  shared vs per-peer tables: seed ${seed} (replay: PARLEY_SEED=${seed})`)
    const rnd = random(seed)
    const plain = new MemoryNetwork({ seed: 1 })
    const shared = new MemoryNetwork({ seed: 1, sharedAnnouncements: true })
    const ps = await peers(plain, 40)
    const ss = await peers(shared, 40)
    // peers 0-29 follow from the start (as every agent of a simulated cluster does); 30-39 only look up
    for (let i = 0; i < 30; i++) { ps[i]!.follow('im-x'); ss[i]!.follow('im-x') }
    await settle()
    const byFree = (x: Announcement, y: Announcement): number => (y.args as any).free - (x.args as any).free
    const view = async (d: MemoryDiscovery, limit: number): Promise<string> => {
      const cs = await d.findCandidates('im-x', 'under', { limit, rank: byFree, follow: false })
      return cs.map(c => `${c.peerId}:${c.source}:${JSON.stringify(c.args ?? null)}`).join(' ') + ' | ' +
        d.announcements('im-x').map(a => `${a.peerId}/${a.role}/${JSON.stringify(a.args)}`).sort().join(' ')
    }
    for (let step = 0; step < 300; step++) {
      const op = rnd()
      // followers advertise (advertising follows: a late follower would miss what came before)
      const i = Math.floor(rnd() * (op < 0.7 ? 30 : 40))
      if (op < 0.5) {
        const args = { free: Math.floor(rnd() * 10) }
        const role = rnd() < 0.8 ? 'under' : 'over'
        await Promise.all([ps[i]!.advertise('im-x', role, args), ss[i]!.advertise('im-x', role, args)])
      } else if (op < 0.7) {
        await Promise.all([ps[i]!.withdraw('im-x', 'under'), ss[i]!.withdraw('im-x', 'under')])
      } else {
        await settle()
        const limit = 1 + Math.floor(rnd() * 12)
        assert.equal(await view(ss[i]!, limit), await view(ps[i]!, limit), `step ${step}: peer ${i}, limit ${limit}`)
      }
    }
    await settle()
    for (let i = 0; i < 40; i++) assert.equal(await view(ss[i]!, 40), await view(ps[i]!, 40), `peer ${i} at the end`)
    await Promise.all([...ps, ...ss].map(async p => { await p.stop() }))
  })

  it('calls only the followers that listen, never the sender, and counts a delivery per follower', async () => {
    const net = new MemoryNetwork({ sharedAnnouncements: true })
    const ps = await peers(net, 50)
    for (const p of ps.slice(0, 10)) p.follow('im-e')
    await settle()
    const heard = new Map<string, Announcement[]>()
    const offs = [0, 1, 2, 20].map(i => ps[i]!.on('announcement', a => { heard.set(ps[i]!.peerId, [...(heard.get(ps[i]!.peerId) ?? []), a]) }))
    const before = net.stats.gossipDelivered
    await ps[0]!.advertise('im-e', 'r', { n: 1 })
    await settle()
    assert.equal(net.stats.gossipDelivered - before, 9, 'nine other followers')
    assert.deepEqual([...heard.keys()].sort(), [ps[1]!.peerId, ps[2]!.peerId], 'listening followers only: not the sender, not peer 20 that does not follow')
    assert.equal(ps[5]!.announcements('im-e').length, 1)
    assert.equal(ps[0]!.announcements('im-e').length, 0, 'never its own')
    assert.equal(ps[30]!.announcements('im-e').length, 0, 'nothing for a peer that does not follow')
    offs[1]!()
    await ps[0]!.advertise('im-e', 'r', { n: 2 })
    await settle()
    assert.equal(heard.get(ps[1]!.peerId)?.length, 1, 'an unsubscribed listener hears no more')
    assert.equal(heard.get(ps[2]!.peerId)?.length, 2)
    await Promise.all(ps.map(async p => { await p.stop() }))
  })

  it('a throwing listener does not stop the others; one added while an announcement is delivered hears from the next one', async () => {
    const net = new MemoryNetwork({ sharedAnnouncements: true })
    const [a, b] = await peers(net, 2)
    b!.follow('im-t')
    await settle()
    const got: string[] = []
    b!.on('announcement', () => { throw new Error('listener bug') })
    b!.on('announcement', x => {
      got.push(`first:${(x.args as any).n}`)
      if (got.length === 1) b!.on('announcement', y => { got.push(`late:${(y.args as any).n}`) })
    })
    await a!.advertise('im-t', 'r', { n: 1 })
    await settle()
    await a!.advertise('im-t', 'r', { n: 2 })
    await settle()
    assert.deepEqual(got, ['first:1', 'first:2', 'late:2'])
    await Promise.all([a!.stop(), b!.stop()])
  })

  it('tells a listening peer of later joins and of leaves', async () => {
    const net = new MemoryNetwork({ sharedAnnouncements: true })
    const [a, b] = await peers(net, 2)
    const seen: string[] = []
    a!.on('peer:connect', e => { seen.push(`+${e.peerId}`) })
    a!.on('peer:disconnect', e => { seen.push(`-${e.peerId}`) })
    const [c] = await peers(net, 1)
    await b!.stop()
    assert.deepEqual(seen, [`+${c!.peerId}`, `-${b!.peerId}`])
    await Promise.all([a!.stop(), c!.stop()])
  })
})
