/**
 * Our pnet-compatible protector: keystream alignment across arbitrary chunking, interoperability
 * with @libp2p/pnet, and the regression that made us replace it (large messages killed pnet links).
 */
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { preSharedKey } from '@libp2p/pnet'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { xsalsa20 } from '@noble/ciphers/salsa.js'
import { createLibp2p, type Libp2p } from 'libp2p'
import { generateSwarmKey, parseSwarmKey, type Libp2pDiscovery } from '../src/index.js'
import { XorStream } from '../src/libp2p/psk-protector.js'
import { startCluster, stopAll } from './cluster.js'

describe('psk protector', () => {
  const started: Libp2pDiscovery[] = []
  const raw: Libp2p[] = []
  after(async () => { await stopAll(started); await Promise.all(raw.map(async n => { await n.stop() })) })

  it('applies the same keystream whatever the chunking', () => {
    const key = crypto.getRandomValues(new Uint8Array(32))
    const nonce = crypto.getRandomValues(new Uint8Array(24))
    const data = crypto.getRandomValues(new Uint8Array(5000))
    const whole = xsalsa20(key, nonce, data)
    let seed = 7
    for (let trial = 0; trial < 20; trial++) {
      const s = new XorStream(key, nonce)
      const parts: Uint8Array[] = []
      for (let at = 0; at < data.length;) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff
        const n = Math.min(data.length - at, 1 + seed % 200)
        parts.push(s.update(data.subarray(at, at + n)))
        at += n
      }
      assert.deepEqual(Buffer.concat(parts), Buffer.from(whole))
    }
  })

  it('interoperates with @libp2p/pnet holding the same key, and not with another key', async () => {
    const key = generateSwarmKey()
    const [ours] = await startCluster([{}], key)
    started.push(ours)
    const theirs = async (k: string): Promise<Libp2p> => {
      const n = await createLibp2p({
        addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
        transports: [tcp()],
        connectionEncrypters: [noise()],
        streamMuxers: [yamux()],
        connectionProtector: preSharedKey({ psk: parseSwarmKey(k) })
      })
      raw.push(n)
      return n
    }
    const same = await theirs(key)
    const conn = await same.dial(multiaddr(ours.addresses()[0]), { signal: AbortSignal.timeout(5000) })
    assert.equal(conn.remotePeer.toString(), ours.peerId)
    const other = await theirs(generateSwarmKey())
    await assert.rejects(other.dial(multiaddr(ours.addresses()[0]), { signal: AbortSignal.timeout(3000) }))
  })

  it('keeps a link alive after a message larger than 640 KB (pnet\'s xsalsa20 memory broke here)', async () => {
    const [a, b] = await startCluster([{}, { init: { rateLimit: { burst: 1000, perSecond: 1000 } } }])
    started.push(a, b)
    await b.handle<number>('/test/echo/1', async (n) => n)
    const hash = await b.publish(new Uint8Array(1_000_000).fill(7), { kind: 'im' })
    assert.equal((await a.fetch(hash, { kind: 'im' })).bytes.byteLength, 1_000_000)
    // with @libp2p/pnet the link died after ~120 further requests
    for (let i = 0; i < 400; i++) assert.equal(await a.request(b.peerId, '/test/echo/1', i), i)
  })
})
