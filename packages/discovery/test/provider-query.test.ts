import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import type { PeerId } from '@libp2p/interface'
import { generatePrivateKey } from '../src/index.js'
import { readProviderQuery, type ProviderQueryEvent } from '../src/libp2p/provider-query.js'

const ids: PeerId[] = await Promise.all(Array.from({ length: 6 }, async () => peerIdFromPrivateKey(await generatePrivateKey())))
const addr = multiaddr('/ip4/127.0.0.1/tcp/4001')
const response = (...ps: number[]): ProviderQueryEvent => ({ name: 'PEER_RESPONSE', providers: ps.map(i => ({ id: ids[i], multiaddrs: [addr] })) })

/** A query as kad-dht yields it; records how far it was read and whether it was ended early. */
function query (events: ProviderQueryEvent[]): { events: AsyncIterable<ProviderQueryEvent>, read: () => number, ended: () => boolean } {
  let read = 0
  let finished = false
  async function * gen (): AsyncGenerator<ProviderQueryEvent> {
    for (const e of events) { read++; yield e }
    finished = true
  }
  return { events: gen(), read: () => read, ended: () => !finished }
}

async function run (events: ProviderQueryEvent[], quorum: number, limit = Infinity): Promise<{ got: string[], sends: number, learned: number, read: number, ended: boolean }> {
  const q = query(events)
  const got: string[] = []
  let sends = 0
  let learned = 0
  await readProviderQuery(q.events, quorum, {
    onSend: () => { sends++ },
    learn: async () => { learned++ },
    onProvider: (id) => { got.push(id); return got.length < limit }
  })
  return { got, sends, learned, read: q.read(), ended: q.ended() }
}

describe('provider query reading', () => {
  it('stops once the quorum of holders has answered, with each provider handed over once', async () => {
    const r = await run([
      { name: 'SEND_QUERY' }, { name: 'SEND_QUERY' }, { name: 'SEND_QUERY' },
      response(), // a peer with no records is not a holder
      response(0, 1),
      { name: 'PROVIDER' },
      response(1, 2),
      { name: 'SEND_QUERY' },
      response(0), // the quorum (3) is reached here
      response(3)
    ], 3)
    assert.deepEqual(r.got, [0, 1, 2].map(i => ids[i].toString()))
    assert.equal(r.sends, 4)
    assert.equal(r.learned, 3)
    assert.equal(r.read, 9)
    assert.equal(r.ended, true)
  })

  it('stops at the caller\'s limit in the middle of a response', async () => {
    const r = await run([response(4, 5, 0), response(1)], 3, 2)
    assert.deepEqual(r.got, [ids[4].toString(), ids[5].toString()])
    assert.equal(r.read, 1)
    assert.equal(r.ended, true)
  })

  it('reads a query to its end when fewer holders answer than the quorum', async () => {
    const r = await run([{ name: 'SEND_QUERY' }, response(2), response(), { name: 'SEND_QUERY' }, response(2, 3)], 3)
    assert.deepEqual(r.got, [ids[2].toString(), ids[3].toString()])
    assert.equal(r.sends, 2)
    assert.equal(r.ended, false)
  })

  it('skips learning addresses that a response does not carry', async () => {
    const q = query([{ name: 'PEER_RESPONSE', providers: [{ id: ids[0], multiaddrs: [] }] }])
    let learned = 0
    const got: string[] = []
    await readProviderQuery(q.events, 3, { onSend: () => {}, learn: async () => { learned++ }, onProvider: (id) => { got.push(id); return true } })
    assert.deepEqual(got, [ids[0].toString()])
    assert.equal(learned, 0)
  })
})
