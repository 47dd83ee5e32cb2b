/**
 * libp2p-only faults on 127.0.0.1: outsiders without the cluster key, garbage and oversize frames
 * on raw streams, and a DHT formed from one bootstrap address.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { peerIdFromString } from '@libp2p/peer-id'
import { tcp } from '@libp2p/tcp'
import { lpStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { createLibp2pDiscovery, generateSwarmKey, routingTableSize, type Libp2pDiscovery } from '../src/index.js'
import { duplicateKey } from '../src/libp2p/node.js'
import { startCluster, stopAll } from './cluster.js'
import { captureLogger, rejectsWithCode, silent, waitFor } from './helpers.js'

const PROTOCOL = '/test/echo/1'

describe('libp2p faults: cluster key', () => {
  const psk = generateSwarmKey()
  let member: Libp2pDiscovery
  const others: Array<{ stop: () => Promise<void> | void }> = []
  before(async () => { [member] = await startCluster([{}], psk) })
  after(async () => { await stopAll([member]); await Promise.all(others.map(async o => { await o.stop() })) })

  it('refuses a node that holds another cluster key', async () => {
    const outsider = await createLibp2pDiscovery({ listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [], psk: generateSwarmKey(), stopTimeoutMs: 5000 }, { logger: silent })
    others.push(outsider)
    await assert.rejects(outsider.libp2p.dial(multiaddr(member.addresses()[0]), { signal: AbortSignal.timeout(5000) }))
    await rejectsWithCode(outsider.request(member.peerId, PROTOCOL, 1, { timeoutMs: 3000 }), ['DISC_PEER_UNREACHABLE', 'DISC_TIMEOUT'])
    assert.ok(!member.peers().includes(outsider.peerId))
  })

  it('refuses a node that holds no cluster key at all', async () => {
    const plain = await createLibp2p({
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()]
    })
    others.push(plain)
    // the handshake never completes (pnet waits for a nonce the plain node never sends): bounded here
    await assert.rejects(plain.dial(multiaddr(member.addresses()[0]), { signal: AbortSignal.timeout(2000) }))
    assert.ok(!member.peers().includes(plain.peerId.toString()))
  })
})

describe('libp2p faults: bad configuration', () => {
  const base = { listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [] as string[], psk: generateSwarmKey() }
  it('refuses a bootstrap address without a peer id, a bad listen address and a bad swarm key', async () => {
    await rejectsWithCode(createLibp2pDiscovery({ ...base, bootstrap: ['/ip4/127.0.0.1/tcp/4001'] }, { logger: silent }), 'DISC_BAD_ARGUMENT')
    await rejectsWithCode(createLibp2pDiscovery({ ...base, bootstrap: ['not an address'] }, { logger: silent }), 'DISC_BAD_ARGUMENT')
    await rejectsWithCode(createLibp2pDiscovery({ ...base, listen: ['tcp://0.0.0.0:4001'] }, { logger: silent }), 'DISC_BAD_ARGUMENT')
    await rejectsWithCode(createLibp2pDiscovery({ ...base, psk: 'secret' }, { logger: silent }), 'DISC_BAD_KEY')
  })
})

describe('libp2p faults: malformed frames', () => {
  let client: Libp2pDiscovery, server: Libp2pDiscovery
  const captured = captureLogger()
  before(async () => {
    ;[server, client] = await startCluster([
      { init: { readTimeoutMs: 500, rateLimit: { burst: 1000, perSecond: 1000 } }, components: { logger: captured.logger } },
      {}
    ])
    await server.handle<{ n: number }>(PROTOCOL, async (body) => ({ echo: body.n }), {
      validate: (v) => typeof (v as any)?.n === 'number' ? { ok: true, value: v as { n: number } } : { ok: false, reason: 'n must be a number' }
    })
  })
  after(async () => { await stopAll([server, client]) })

  /** Send raw bytes on a fresh stream to the request protocol; return the decoded answer frame. */
  async function raw (bytes: Uint8Array, closeWrite: boolean): Promise<any> {
    const stream = await client.libp2p.dialProtocol(peerIdFromString(server.peerId), PROTOCOL, { signal: AbortSignal.timeout(5000) })
    stream.send(bytes)
    if (closeWrite) await stream.close()
    const lp = lpStream(stream, { maxDataLength: 1 << 20 })
    const answer = await lp.read({ signal: AbortSignal.timeout(5000) })
    stream.abort(new Error('done'))
    return JSON.parse(new TextDecoder().decode(answer.subarray()))
  }

  const frame = (payload: Uint8Array): Uint8Array => {
    const lenBytes: number[] = []
    let n = payload.byteLength
    do { let b = n & 0x7f; n >>>= 7; if (n > 0) b |= 0x80; lenBytes.push(b) } while (n > 0)
    const out = new Uint8Array(lenBytes.length + payload.byteLength)
    out.set(lenBytes, 0)
    out.set(payload, lenBytes.length)
    return out
  }

  async function stillServes (): Promise<void> {
    assert.deepEqual(await client.request(server.peerId, PROTOCOL, { n: 7 }), { echo: 7 })
  }

  it('answers a frame of non-UTF-8 garbage with DISC_BAD_FRAME and keeps serving', async () => {
    const answer = await raw(frame(new Uint8Array([0xff, 0xfe, 0x00, 0xc3, 0x28, 0x9f])), false)
    assert.equal(answer.ok, false)
    assert.equal(answer.error.code, 'DISC_BAD_FRAME')
    await stillServes()
  })

  it('answers valid JSON that is not an envelope with DISC_BAD_FRAME', async () => {
    const answer = await raw(frame(new TextEncoder().encode('[1,2,3]')), false)
    assert.equal(answer.error.code, 'DISC_BAD_FRAME')
    await stillServes()
  })

  it('answers an envelope that fails the schema with DISC_SCHEMA_INVALID', async () => {
    const answer = await raw(frame(new TextEncoder().encode('{"v":1,"body":{"n":"seven"}}')), false)
    assert.equal(answer.error.code, 'DISC_SCHEMA_INVALID')
    await stillServes()
  })

  it('answers a frame announcing 10 MB with DISC_FRAME_TOO_LARGE before reading it', async () => {
    const len: number[] = []
    let n = 10 * 1024 * 1024
    do { let b = n & 0x7f; n >>>= 7; if (n > 0) b |= 0x80; len.push(b) } while (n > 0)
    const answer = await raw(new Uint8Array([...len, 1, 2, 3]), false)
    assert.equal(answer.error.code, 'DISC_FRAME_TOO_LARGE')
    await stillServes()
  })

  it('answers an oversize frame actually sent in full with DISC_FRAME_TOO_LARGE', async () => {
    const body = new TextEncoder().encode(JSON.stringify({ v: 1, body: { n: 1, pad: 'x'.repeat(100 * 1024) } }))
    const answer = await raw(frame(body), false)
    assert.equal(answer.error.code, 'DISC_FRAME_TOO_LARGE')
    await stillServes()
  })

  it('answers a truncated frame (writer closed early) with DISC_BAD_FRAME', async () => {
    const full = frame(new TextEncoder().encode('{"v":1,"body":{"n":1}}'))
    const answer = await raw(full.subarray(0, 8), true)
    assert.equal(answer.error.code, 'DISC_BAD_FRAME')
    await stillServes()
  })

  it('answers a writer that stalls mid-frame with DISC_TIMEOUT after the read timeout', async () => {
    const full = frame(new TextEncoder().encode('{"v":1,"body":{"n":1}}'))
    const answer = await raw(full.subarray(0, 8), false)
    assert.equal(answer.error.code, 'DISC_TIMEOUT')
    await stillServes()
  })

  it('survives random garbage on the request and artefact protocols, and logs the sender', async () => {
    let seed = 42
    const rnd = (): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed & 0xff }
    for (let i = 0; i < 20; i++) {
      const junk = new Uint8Array(1 + (i * 37) % 300).map(() => rnd())
      const stream = await client.libp2p.dialProtocol(peerIdFromString(server.peerId), i % 2 === 0 ? PROTOCOL : '/parley/artefact/1')
      stream.send(junk)
      await stream.close().catch(() => {})
      stream.abort(new Error('done'))
    }
    await stillServes()
    const rejected = await waitFor(() => captured.lines.filter(l => l.msg === 'rejected inbound request' && l.peer === client.peerId), 3000)
    assert.ok(rejected.length >= 5, `expected logged rejections naming the peer, got ${rejected.length}`)
    assert.ok(rejected.every(l => typeof l.code === 'string' && (l.code as string).startsWith('DISC_')))
  })
})

describe('libp2p faults: a DHT from one bootstrap address', () => {
  let peers: Libp2pDiscovery[] = []
  before(async () => { peers = await startCluster(Array.from({ length: 8 }, () => ({})), generateSwarmKey(), 30_000) })
  after(async () => { await stopAll(peers) })

  it('lets every node learn peers beyond the bootstrap node', async () => {
    const ok = await waitFor(() => peers.every(p => routingTableSize(p.libp2p.services.dht) >= 2), 20_000, 200)
    assert.ok(ok, `routing tables: ${peers.map(p => routingTableSize(p.libp2p.services.dht)).join(',')}`)
  })

  it('exempts loopback peers from gossipsub\'s IP-colocation penalty', () => {
    // past 10 peers on one IP gossipsub graylists them all; a loopback cluster of 11+ nodes then
    // loses every announcement (found by the lookup bench at 30 nodes)
    const opts = (peers[0].libp2p.services.pubsub as unknown as { opts: { scoreParams: { IPColocationFactorWhitelist: Set<string> } } }).opts
    assert.ok(opts.scoreParams.IPColocationFactorWhitelist.has('127.0.0.1'))
  })

  it('drops repeated copies of a gossip message by sender and sequence number, before the signature check', () => {
    const pubsub = peers[0].libp2p.services.pubsub as unknown as { fastMsgIdFn?: (m: object) => string }
    assert.equal(pubsub.fastMsgIdFn, duplicateKey)
    const from = new Uint8Array([0, 36, 8, 1])
    const copy = { from, seqno: new Uint8Array([0, 0, 0, 7]), data: new Uint8Array([1]), signature: new Uint8Array([9]) }
    const forged = { ...copy, data: new Uint8Array([2]), signature: new Uint8Array([8]) }
    assert.equal(duplicateKey(copy), duplicateKey(forged))
    assert.notEqual(duplicateKey(copy), duplicateKey({ ...copy, seqno: new Uint8Array([0, 0, 0, 8]) }))
    assert.notEqual(duplicateKey(copy), duplicateKey({ ...copy, from: new Uint8Array([0, 36, 8, 2]) }))
  })

  it('lets every node find a provider advertised by another', async () => {
    const advertisers = [peers[3], peers[7]]
    for (const [i, p] of advertisers.entries()) await p.advertise('im-one-bootstrap', `role${i}`, null)
    for (const [i, adv] of advertisers.entries()) {
      for (const p of peers) {
        if (p === adv) continue
        const cs = await p.findCandidates('im-one-bootstrap', `role${i}`, { dhtOnly: true, timeoutMs: 5000 })
        assert.ok(cs.some(c => c.peerId === adv.peerId), `${p.peerId.slice(-6)} did not find ${adv.peerId.slice(-6)} for role${i}`)
      }
    }
  })
})
