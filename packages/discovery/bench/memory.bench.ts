/**
 * The in-memory discovery at simulator scale: N peers on one MemoryNetwork, half of them
 * advertising one role with a capacity argument. Measures startup, advertise, gossip-path and
 * DHT-path lookups, request round trips, and heap per peer.
 * Env: PARLEY_BENCH_MEMORY_SIZES (default "1000,2000"), PARLEY_SEED.
 */
import { pino } from 'pino'
import { createMemoryDiscovery, MemoryNetwork, type Json, type MemoryDiscovery } from '../src/index.js'
import { mb, print, round, seededRandom, summary } from './stats.js'

const sizes = (process.env.PARLEY_BENCH_MEMORY_SIZES ?? '1000,2000').split(',').map(Number)
const seed = Number(process.env.PARLEY_SEED ?? Date.now() % 1_000_000)
const logger = pino({ level: 'error' })

async function run (n: number, rand: () => number): Promise<void> {
  global.gc?.()
  const heap0 = process.memoryUsage().heapUsed
  const net = new MemoryNetwork({ seed })
  let t = performance.now()
  const peers: MemoryDiscovery[] = []
  for (let i = 0; i < n; i++) peers.push(await createMemoryDiscovery({ network: net, announceIntervalMs: 0 }, { logger }))
  const startMs = performance.now() - t
  for (const p of peers) p.follow('im-sim')
  t = performance.now()
  for (let i = 0; i < n; i += 2) await peers[i].advertise('im-sim', 'underloaded', { free: Math.floor(rand() * 64) })
  await new Promise(resolve => setTimeout(resolve, 1500))
  const advMs = performance.now() - t
  global.gc?.()
  const heap = process.memoryUsage().heapUsed

  const byFree = (a: { args: any }, b: { args: any }): number => b.args.free - a.args.free
  const gossip: number[] = []
  const dht: number[] = []
  const req: number[] = []
  for (const p of peers) await p.handle('/sim/ping/1', async (body): Promise<Json> => body as Json)
  for (let i = 0; i < 500; i++) {
    const p = peers[Math.floor(rand() * n)]
    let s = performance.now()
    const cs = await p.findCandidates('im-sim', 'underloaded', { limit: 10, rank: byFree, gossipOnly: true })
    gossip.push(performance.now() - s)
    if (cs.length < 10) throw new Error(`only ${cs.length} gossip candidates`)
    s = performance.now()
    await p.findCandidates('im-sim', 'underloaded', { limit: 10, dhtOnly: true })
    dht.push(performance.now() - s)
    s = performance.now()
    await p.request(cs[0].peerId, '/sim/ping/1', { i })
    req.push(performance.now() - s)
  }
  print(`\n### ${n} memory peers: start ${round(startMs)} ms, ${n / 2} advertise + gossip to ${n} followers ${round(advMs)} ms (incl. 1.5 s settle)`)
  print(`gossip-path lookup (limit 10, ranked): ${JSON.stringify(summary(gossip.map(x => round(x, 3))))} ms`)
  print(`DHT-path lookup (limit 10): ${JSON.stringify(summary(dht.map(x => round(x, 3))))} ms`)
  print(`request round trip: ${JSON.stringify(summary(req.map(x => round(x, 3))))} ms`)
  print(`heap: ${mb(heap - heap0)} MB for ${n} peers = ${round((heap - heap0) / n / 1e3, 1)} kB per peer; gossip deliveries ${net.stats.gossipDelivered}`)
  await Promise.all(peers.map(async p => { await p.stop() }))
}

print(`# memory discovery bench: sizes ${sizes.join(',')}, seed ${seed} (replay with PARLEY_SEED=${seed})`)
const rand = seededRandom(seed)
for (const n of sizes) await run(n, rand)
