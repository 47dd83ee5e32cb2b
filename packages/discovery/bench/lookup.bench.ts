/**
 * Role-lookup latency over real libp2p on loopback: N nodes in one process (tcp + noise + yamux +
 * pnet + kad-dht + gossipsub), one bootstrap address. Measures, for N = 50 and 100:
 *  - DHT path: findCandidates from a node with no gossip state for the IM (dhtOnly), first candidate
 *    (limit 1) and the full query (limit 20), with DHT messages (SEND_QUERY) per lookup;
 *  - gossip path: findCandidates from a follower whose table is warm, and announcement propagation
 *    time (advertise -> 'announcement' event at each follower);
 *  - RSS per node.
 * Env: PARLEY_BENCH_SIZES (default "50,100"), PARLEY_BENCH_LOOKUPS (default 200), PARLEY_SEED,
 * PARLEY_BENCH_DHT_ALPHA / PARLEY_BENCH_DHT_SELF_MS (kad-dht tuning to compare).
 */
import { spawnSync } from 'node:child_process'
import { availableParallelism, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { pino } from 'pino'
import { createLibp2pDiscovery, generateSwarmKey, routingTableSize, type Libp2pDiscovery } from '../src/index.js'

const rt = (p: Libp2pDiscovery): number => routingTableSize(p.libp2p.services.dht)
import { mb, print, round, seededRandom, summary } from './stats.js'

const sizes = (process.env.PARLEY_BENCH_SIZES ?? '50,100').split(',').map(Number)
const lookups = Number(process.env.PARLEY_BENCH_LOOKUPS ?? 200)
const seed = Number(process.env.PARLEY_SEED ?? Date.now() % 1_000_000)
const logger = pino({ level: 'error' })
const dht = {
  ...(process.env.PARLEY_BENCH_DHT_ALPHA !== undefined ? { alpha: Number(process.env.PARLEY_BENCH_DHT_ALPHA) } : {}),
  ...(process.env.PARLEY_BENCH_DHT_SELF_MS !== undefined ? { querySelfIntervalMs: Number(process.env.PARLEY_BENCH_DHT_SELF_MS) } : {})
}
const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

async function startCluster (n: number): Promise<Libp2pDiscovery[]> {
  const psk = generateSwarmKey()
  const first = await createLibp2pDiscovery({ listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [], psk, dht, stopTimeoutMs: 15_000 }, { logger })
  const boot = [first.addresses()[0]]
  const peers = [first]
  // start in batches of 10 and let each batch join before the next: noise handshakes dominate
  // startup CPU, and a burst of 100 simultaneous joins starves the bootstrap node
  for (let i = 1; i < n; i += 10) {
    const batch = await Promise.all(Array.from({ length: Math.min(10, n - i) }, async () =>
      await createLibp2pDiscovery({ listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: boot, psk, dht, stopTimeoutMs: 15_000 }, { logger })))
    peers.push(...batch)
    for (let w = 0; w < 100 && !batch.every(p => rt(p) > 0); w++) await sleep(200)
  }
  return peers
}


async function run (n: number, rand: () => number): Promise<void> {
  global.gc?.()
  const rssBefore = process.memoryUsage().rss
  const t0 = performance.now()
  const peers = await startCluster(n)
  const started = performance.now() - t0
  const want = Math.min(n - 1, 15)
  for (let i = 0; i < 120 && !peers.every(p => rt(p) >= want); i++) await sleep(500)
  const settled = performance.now() - t0
  await sleep(3000)
  const tables = peers.map(rt).sort((a, b) => a - b)
  print(`\n### ${n} nodes: started in ${round(started / 1000, 1)} s, routing tables >= ${want} after ${round(settled / 1000, 1)} s (min ${tables[0]}, median ${tables[tables.length >> 1]}, max ${tables[tables.length - 1]})`)

  // advertisers: 10 roles of one IM, each on a different node
  const im = `bench-${n}-${seed}`
  const roles = Array.from({ length: 10 }, (_, i) => `role${i}`)
  const advertisers = roles.map((_, i) => peers[1 + Math.floor(i * (n - 1) / roles.length)])
  const provideTimes: number[] = []
  for (const [i, p] of advertisers.entries()) {
    const t = performance.now()
    await p.advertise(im, roles[i], { free: i })
    provideTimes.push(performance.now() - t)
  }
  print(`advertise (gossip publish + DHT provide): ${JSON.stringify(summary(provideTimes))} ms`)

  // DHT path: seekers never follow the IM's topic before the lookup
  const firstLat: number[] = []
  const fullLat: number[] = []
  const firstMsgs: number[] = []
  const fullMsgs: number[] = []
  let misses = 0
  let errors = 0
  const used = new Set<Libp2pDiscovery>(advertisers)
  const candidates = peers.filter(p => !used.has(p))
  const lag = monitorEventLoopDelay({ resolution: 10 })
  lag.enable()
  for (let i = 0; i < lookups; i++) {
    const seeker = candidates[Math.floor(rand() * candidates.length)]
    const r = Math.floor(rand() * roles.length)
    const full = i % 4 === 3
    const before = seeker.stats().dhtMessages
    const t = performance.now()
    try {
      const cs = await seeker.findCandidates(im, roles[r], { dhtOnly: true, follow: false, limit: full ? 20 : 1, timeoutMs: 5000 })
      const dt = performance.now() - t
      if (!cs.some(c => c.peerId === advertisers[r].peerId)) misses++
      ;(full ? fullLat : firstLat).push(dt)
      ;(full ? fullMsgs : firstMsgs).push(seeker.stats().dhtMessages - before)
    } catch {
      errors++
    }
  }
  print(`DHT path, first candidate (limit 1): latency ${JSON.stringify(summary(firstLat))} ms; DHT messages/lookup ${JSON.stringify(summary(firstMsgs))}`)
  print(`DHT path, full query (limit 20):     latency ${JSON.stringify(summary(fullLat))} ms; DHT messages/lookup ${JSON.stringify(summary(fullMsgs))}`)
  lag.disable()
  print(`DHT path: ${lookups} lookups, ${misses} did not return the advertiser, ${errors} failed; event-loop delay during lookups p50 ${round(lag.percentile(50) / 1e6)} ms, p99 ${round(lag.percentile(99) / 1e6)} ms (CPU contention of ${n} nodes in one process)`)

  // gossip path: followers with a warm table
  const followers = candidates.slice(0, Math.min(20, candidates.length))
  const im2 = `${im}-gossip`
  for (const f of followers) f.follow(im2)
  await sleep(3000)
  const arrivals: number[] = []
  const sentAt = new Map<number, number>()
  const firstSeen = new Set<string>()
  const offs = followers.map(f => f.on('announcement', (a) => {
    const k = (a.args as any)?.k
    const t = sentAt.get(k)
    // refreshes and re-announcements repeat k: only the first arrival per follower counts
    if (a.imHash !== im2 || t === undefined || firstSeen.has(`${f.peerId}/${k}`)) return
    firstSeen.add(`${f.peerId}/${k}`)
    arrivals.push(performance.now() - t)
  }))
  for (let k = 0; k < 10; k++) {
    sentAt.set(k, performance.now())
    await advertisers[k % advertisers.length].advertise(im2, 'underloaded', { k }, { awaitDht: false })
    await sleep(300)
  }
  await sleep(2000)
  offs.forEach(off => { off() })
  const gossipLat: number[] = []
  let gossipFound = 0
  for (let i = 0; i < lookups; i++) {
    const f = followers[i % followers.length]
    const t = performance.now()
    const cs = await f.findCandidates(im2, 'underloaded', { gossipOnly: true, limit: 5 })
    gossipLat.push(performance.now() - t)
    gossipFound += cs.length
  }
  print(`gossip propagation (advertise -> announcement at ${followers.length} followers): ${JSON.stringify(summary(arrivals))} ms, ${arrivals.length}/${10 * followers.length} delivered`)
  print(`gossip path lookup (warm table, limit 5): latency ${JSON.stringify(summary(gossipLat.map(x => round(x, 3))))} ms, ${round(gossipFound / lookups, 1)} candidates/lookup, 0 network messages`)

  global.gc?.()
  const rss = process.memoryUsage().rss
  print(`RSS: ${mb(rss)} MB total, ${mb((rss - rssBefore) / n)} MB per node (growth over ${mb(rssBefore)} MB before start)`)

  const ts = performance.now()
  await Promise.all(peers.map(async p => { await p.stop() }))
  print(`stopped ${n} nodes in ${round((performance.now() - ts) / 1000, 1)} s`)
}

const only = process.env.PARLEY_BENCH_ONE_SIZE
if (only === undefined) {
  print(`# discovery lookup bench: sizes ${sizes.join(',')}, ${lookups} lookups each, seed ${seed} (replay with PARLEY_SEED=${seed}), node ${process.version}, DHT tuning ${JSON.stringify(dht)} (empty: the node's defaults), ${availableParallelism()} cores, load average ${loadavg().map(x => round(x, 1)).join(' ')}`)
  // one child process per size, so that RSS per node is not skewed by the previous cluster
  for (const n of sizes) {
    const r = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url)], {
      stdio: 'inherit', env: { ...process.env, PARLEY_BENCH_ONE_SIZE: String(n), PARLEY_SEED: String(seed + n) }
    })
    if (r.status !== 0) { print(`size ${n} failed with status ${r.status}`); process.exitCode = 1 }
  }
} else {
  await run(Number(only), seededRandom(seed))
  // every stop is bounded; do not wait for stragglers of abandoned stops
  process.exit(0)
}
