/**
 * Role-lookup latency over real libp2p on loopback (tcp + noise + yamux + PSK + kad-dht + gossipsub),
 * with the N nodes spread over W worker processes driven over IPC, so a lookup measures the network
 * path rather than one event loop shared by every node. For N = 50 and 100:
 *  - DHT path: findCandidates({ dhtOnly, follow: false }) by seekers for roles advertised by nodes
 *    of other workers (seekers: worker 0's nodes; with one node per worker, PARLEY_BENCH_WORKERS=N
 *    as parleyd runs, the first fifth of the workers): first candidate (limit 1) and the full query (limit 20), DHT
 *    requests per lookup, new dials, and where the time goes (stream open, answer);
 *  - gossip path (what the runtime asks first): advertise -> announcement at followers in worker 0,
 *    and findCandidates({ gossipOnly }) on their warm tables;
 *  - event-loop delay and CPU per worker; RSS per node (per worker, and one node alone in a worker).
 * Env: PARLEY_BENCH_SIZES ("50,100"), PARLEY_BENCH_WORKERS (5), PARLEY_BENCH_LOOKUPS (200), PARLEY_SEED,
 * PARLEY_BENCH_NODE_INIT: JSON settings of every node, e.g. '{"dht": {"alpha": 3}}' (unset: the defaults).
 * PARLEY_BENCH_SEEKER_VARIANTS: a JSON list of settings for the seekers, e.g. the defaults
 * before and after this bench's tuning: '[{"dht": {"alpha": 10, "disjointPaths": 20, "providerQuorum":
 * 1000}, "connectionMonitor": {"pingIntervalMs": 10000, "pingTimeoutMs": 5000}}, {}]'. Lookups take
 * turns between the variants in one cluster, so they meet the same load (the machine is shared).
 * PARLEY_BENCH_WORKERS=1 puts every node in one process (the old single-process figure).
 * PARLEY_BENCH_PROFILE_DIR: write a CPU profile of one worker there (PARLEY_BENCH_PROFILE_WORKER,
 * default 0: the seekers; another shows the background load of nodes that only serve).
 */
import { availableParallelism, loadavg } from 'node:os'
import { generateSwarmKey, type Libp2pDiscoveryInit } from '../src/index.js'
import { WorkerProcess } from './ipc.js'
import { dhtFigures, printDhtFigures, type DhtLookup } from './lookup-figures.js'
import type { LookupResult } from './lookup-worker.js'
import { mb, print, round, seededRandom, summary } from './stats.js'

const sizes = (process.env.PARLEY_BENCH_SIZES ?? '50,100').split(',').map(Number)
const workerCount = Math.max(1, Number(process.env.PARLEY_BENCH_WORKERS ?? 5))
const lookups = Number(process.env.PARLEY_BENCH_LOOKUPS ?? 200)
const seed = Number(process.env.PARLEY_SEED ?? Date.now() % 1_000_000)
/** settings of every node, e.g. '{"dht": {"alpha": 3}}' (unset: the node's defaults) */
const nodeInit: Partial<Libp2pDiscoveryInit> = JSON.parse(process.env.PARLEY_BENCH_NODE_INIT ?? '{}')
/** settings of the seekers (worker 0), on top of every node's: one variant by default */
const variants: Array<Partial<Libp2pDiscoveryInit>> = JSON.parse(process.env.PARLEY_BENCH_SEEKER_VARIANTS ?? '[{}]')
const seekerInit = (variant: Partial<Libp2pDiscoveryInit>): Partial<Libp2pDiscoveryInit> => ({ ...nodeInit, ...variant, dht: { ...nodeInit.dht, ...variant.dht } })
const WORKER = new URL('./lookup-worker.js', import.meta.url)
const ROLES = 10
const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

/** the cluster's own traffic per node and second, from the nodes' counters */
function traffic (loads: Load[], n: number): string {
  const sum = (k: 'dhtQueries' | 'dhtRequests' | 'gossipReceived'): number => round(loads.reduce((a, l) => a + l[k], 0) / n, 2)
  return `per node and second: ${sum('dhtQueries')} DHT queries, ${sum('dhtRequests')} DHT requests sent, ${sum('gossipReceived')} gossip messages received`
}

/** Workers that hold the seekers: worker 0 when workers hold several nodes, else a fifth of them. */
function seekerWorkerCount (n: number, w: number): number {
  return w < n ? 1 : Math.max(1, Math.round(w / 5))
}

/** One figure per worker, or their spread when there are many workers (one node each). */
function perWorker (xs: number[], digits = 1): string {
  if (xs.length <= 10) return xs.map(x => round(x, digits)).join('/')
  const s = summary(xs)
  return `p50 ${round(s.p50, digits)}, max ${round(s.max, digits)} over ${xs.length} workers`
}

interface NodeRef { worker: number, index: number, peerId: string, addr: string }
interface Load { nodes: number, lagP50: number, lagP99: number, lagMax: number, cores: number, dhtQueries: number, dhtRequests: number, gossipReceived: number }

async function run (n: number, rand: () => number): Promise<Record<string, unknown>> {
  const w = Math.min(workerCount, n)
  const profile = process.env.PARLEY_BENCH_PROFILE_DIR
  const profiled = Number(process.env.PARLEY_BENCH_PROFILE_WORKER ?? 0)
  // forked five at a time, each wave loaded before the next: a hundred processes loading libp2p at
  // once starve each other for minutes on two cores
  const workers: WorkerProcess[] = []
  for (let i = 0; i < w; i += 5) {
    const wave = Array.from({ length: Math.min(5, w - i) }, (_, k) => new WorkerProcess(`worker ${i + k}`, WORKER, i + k === profiled && profile !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []))
    workers.push(...wave)
    await Promise.all(wave.map(async x => await x.call('tables')))
  }
  // two more workers: one node alone (its RSS), and none at all (the reference every RSS is measured against)
  const alone = new WorkerProcess('alone', WORKER)
  const empty = new WorkerProcess('empty', WORKER)
  try {
    return await measure(n, workers, alone, empty, rand)
  } finally {
    await Promise.all([...workers, alone, empty].map(async x => { await x.close() }))
  }
}

async function measure (n: number, workers: WorkerProcess[], alone: WorkerProcess, empty: WorkerProcess, rand: () => number): Promise<Record<string, unknown>> {
  const w = workers.length
  const counts = workers.map((_, i) => Math.floor(n / w) + (i < n % w ? 1 : 0))
  const psk = generateSwarmKey()
  const nodes: NodeRef[][] = workers.map(() => [])
  const add = (wi: number, made: Array<{ peerId: string, addr: string }>): void => {
    for (const m of made) nodes[wi].push({ worker: wi, index: nodes[wi].length, ...m })
  }

  // Seekers live in the first `sw` workers (worker 0 alone when several nodes share a worker; a fifth
  // of them with one node per worker, parleyd's own layout), advertisers in the others. A seeker
  // worker's nodes take turns between the seeker variants.
  const sw = seekerWorkerCount(n, w)
  const seekerVariant = new Map<string, number>()
  const at = (x: { worker: number, index: number }): string => `${x.worker}/${x.index}`
  const startIn = async (wi: number, count: number, bootstrap: string[], init: Partial<Libp2pDiscoveryInit>, variant: number | null): Promise<void> => {
    const made: Array<{ peerId: string, addr: string }> = await workers[wi].call('start', { count, psk, bootstrap, init, batch: 5 })
    for (let k = 0; k < made.length; k++) if (variant !== null) seekerVariant.set(`${wi}/${nodes[wi].length + k}`, variant)
    add(wi, made)
  }
  // one seed node, then the first node of every other worker (five at a time, each through the seed
  // and an earlier worker's node), then the rest in parallel, each worker's nodes joining through
  // two first nodes (not all through the seed, whose handshakes would then pace the whole start)
  const t0 = performance.now()
  add(0, await workers[0].call('start', { count: 1, psk, bootstrap: [], init: nodeInit, batch: 1 }))
  const seedAddr = nodes[0][0].addr
  let nextVariant = 0
  const variantFor = (wi: number): number | null => wi < sw ? nextVariant++ % variants.length : null
  for (let i = 1; i < w; i += 5) {
    await Promise.all(Array.from({ length: Math.min(5, w - i) }, async (_, k) => {
      const wi = i + k
      const earlier = nodes[(wi * 7) % i][0].addr
      const v = variantFor(wi)
      await startIn(wi, 1, [...new Set([seedAddr, earlier])], v === null ? nodeInit : seekerInit(variants[v]), v)
    }))
  }
  await Promise.all(workers.map(async (_, i) => {
    const bootstrap = [...new Set([nodes[i][0].addr, nodes[(i + 1) % w][0].addr])]
    const rest = counts[i] - 1
    if (rest <= 0) return
    if (i >= sw) { await startIn(i, rest, bootstrap, nodeInit, null); return }
    for (const [v, variant] of variants.entries()) {
      const count = Math.floor(rest / variants.length) + (v < rest % variants.length ? 1 : 0)
      if (count > 0) await startIn(i, count, bootstrap, seekerInit(variant), v)
    }
  }))
  const started = performance.now() - t0
  // every routing table with 10 peers, or 90 s: tables fill at each node's self-query (every 30 s)
  const want = Math.min(n - 1, 10)
  const tables = async (): Promise<number[]> => (await Promise.all(workers.map(async x => await x.call<number[]>('tables')))).flat().sort((a, b) => a - b)
  for (let i = 0; i < 90 && (await tables())[0] < want; i++) await sleep(1000)
  const settled = performance.now() - t0
  await sleep(3000)
  const rt = await tables()
  const links = (await Promise.all(workers.map(async x => await x.call<Array<{ rt: number, conns: number, rtConnected: number }>>('links')))).flat()
  const connFigures = { conns: summary(links.map(l => l.conns)), rtConnectedShare: round(links.reduce((a, l) => a + l.rtConnected, 0) / Math.max(1, links.reduce((a, l) => a + l.rt, 0))) }
  print(`\n### ${n} nodes in ${w} worker process(es) (${perWorker(counts, 0)} nodes): started in ${round(started / 1000, 1)} s, routing tables >= ${want} after ${round(settled / 1000, 1)} s (min ${rt[0]}, median ${rt[rt.length >> 1]}, max ${rt[rt.length - 1]})`)

  print(`connections per node ${JSON.stringify(connFigures.conns)}; ${round(connFigures.rtConnectedShare * 100, 1)}% of routing-table entries have an open connection`)

  const loads = async (reset: boolean): Promise<Load[]> => await Promise.all(workers.map(async x => await x.call<Load>('load', { reset })))

  await alone.call('start', { count: 1, psk, bootstrap: [seedAddr], init: nodeInit, batch: 1 })
  for (let i = 0; i < 30 && (await alone.call<number[]>('tables'))[0] === 0; i++) await sleep(500)
  await sleep(3000)
  const rssOf = async (x: WorkerProcess): Promise<number> => (await x.call<{ rss: number }>('memory')).rss
  const [base, one, ...mem] = await Promise.all([empty, alone, ...workers].map(rssOf))
  const perNode = mem.map((r, i) => (r - base) / counts[i])
  print(`RSS per node: ${perWorker(perNode.map(mb))} MB per worker ((worker RSS - an empty worker's ${mb(base)} MB) / its nodes); one node alone in a worker: ${mb(one - base)} MB (${mb(one)} MB in all)`)

  // advertisers: one per role, in the workers that hold no seeker (worker 0 when there is only one)
  const im = `bench-${n}-${seed}`
  const roles = Array.from({ length: ROLES }, (_, i) => `role${i}`)
  const others = w > sw ? nodes.slice(sw) : nodes
  const advertisers = roles.map((_, i) => {
    const ws = others[i % others.length]
    return ws[(1 + Math.floor(i / others.length)) % ws.length]
  })
  const advertiseMs: number[] = []
  for (const [i, a] of advertisers.entries()) {
    advertiseMs.push((await workers[a.worker].call<{ ms: number }>('advertise', { node: a.index, im, role: roles[i], args: { free: i }, awaitDht: true })).ms)
  }
  print(`advertise (gossip publish + DHT provide): ${JSON.stringify(summary(advertiseMs))} ms`)

  // DHT path: seekers (not the seed) that never followed the IM; with several seeker variants,
  // lookups take turns between them, so each variant meets the same cluster and load
  const adSet = new Set(advertisers.map(a => a.peerId))
  const seekers = nodes.slice(0, sw).flat().filter(x => at(x) !== '0/0' && !adSet.has(x.peerId))
  const byVariant = variants.map((_, v) => seekers.filter(x => seekerVariant.get(at(x)) === v))
  const done: DhtLookup[][] = variants.map(() => [])
  await loads(true)
  for (let i = 0; i < lookups; i++) {
    const v = i % variants.length
    const group = byVariant[v]
    const s = group[Math.floor(rand() * group.length)]
    const r = Math.floor(rand() * ROLES)
    const full = Math.floor(i / variants.length) % 4 === 3
    const result = await workers[s.worker].call<LookupResult>('lookup', { node: s.index, im, role: roles[r], limit: full ? 20 : 1, timeoutMs: 5000, path: 'dht' })
    done[v].push({ result, wanted: advertisers[r].peerId, full })
  }
  const during = await loads(true)
  const dhtByVariant = variants.map((variant, v) => ({ variant, ...dhtFigures(done[v]) }))
  for (const [v, f] of dhtByVariant.entries()) {
    printDhtFigures(variants.length > 1 ? ` [seekers ${JSON.stringify(variants[v])}]` : '', f, done[v].length)
  }
  print(`during DHT lookups: event-loop delay p99 per worker ${perWorker(during.map(l => l.lagP99))} ms (max ${perWorker(during.map(l => l.lagMax), 0)}), CPU ${perWorker(during.map(l => l.cores), 2)} cores; ${traffic(during, n)}`)

  // gossip path: followers spread over every worker (one process holding them all would queue every
  // copy of every message behind the others); announcements from the advertisers
  const used = new Set([...advertisers.map(a => a.peerId), nodes[0][0].peerId])
  const pool = nodes.map(ws => ws.filter(x => !used.has(x.peerId)))
  const followers: NodeRef[] = []
  for (let r = 0; followers.length < 20 && pool.some(ws => ws.length > r); r++) {
    for (const ws of pool) if (ws[r] !== undefined && followers.length < 20) followers.push(ws[r])
  }
  const byWorker = workers.map((_, i) => followers.filter(f => f.worker === i).map(f => f.index))
  const im2 = `${im}-gossip`
  await Promise.all(workers.map(async (x, i) => {
    if (byWorker[i].length === 0) return
    await x.call('follow', { nodes: byWorker[i], im: im2 })
    await x.call('listen', { nodes: byWorker[i], im: im2 })
  }))
  await sleep(3000)
  // k 0-9: each advertiser's first announcement on the topic (it has just joined it); k 10-19: the
  // same advertisers 3 s later, now in the topic's mesh (a host that changes role: the runtime's case)
  const sentAt = new Map<number, number>()
  const announce = async (k: number): Promise<void> => {
    const a = advertisers[k % advertisers.length]
    sentAt.set(k, (await workers[a.worker].call<{ sentAt: number }>('advertise', { node: a.index, im: im2, role: 'underloaded', args: { k }, awaitDht: false })).sentAt)
    await sleep(300)
  }
  for (let k = 0; k < 10; k++) await announce(k)
  await sleep(3000)
  for (let k = 10; k < 20; k++) await announce(k)
  await sleep(2000)
  const firstArrival = new Map<string, { k: number, ms: number }>()
  for (const x of (await Promise.all(workers.map(async w => await w.call<Array<{ peer: string, k: number, at: number }>>('arrivals')))).flat()) {
    const key = `${x.peer}/${x.k}`
    if (!firstArrival.has(key)) firstArrival.set(key, { k: x.k, ms: x.at - sentAt.get(x.k)! })
  }
  const arrived = [...firstArrival.values()]
  const propagation = summary(arrived.filter(x => x.k < 10).map(x => x.ms))
  const propagationWarm = summary(arrived.filter(x => x.k >= 10).map(x => x.ms))
  const gossipLat: number[] = []
  let gossipFound = 0
  for (let i = 0; i < lookups; i++) {
    const f = followers[i % followers.length]
    const res = await workers[f.worker].call<LookupResult>('lookup', { node: f.index, im: im2, role: 'underloaded', limit: 5, timeoutMs: 5000, path: 'gossip' })
    gossipLat.push(round(res.ms, 3))
    gossipFound += res.found.length
  }
  const gossipFigures = { propagation, propagationWarm, expected: 10 * followers.length, lookup: summary(gossipLat), candidatesPerLookup: round(gossipFound / lookups, 1) }
  print(`gossip propagation, advertise -> announcement at ${followers.length} followers in ${byWorker.filter(b => b.length > 0).length} workers: an advertiser's first announcement on the topic ${JSON.stringify(propagation)} ms (${propagation.n}/${gossipFigures.expected} delivered); once in the topic's mesh ${JSON.stringify(propagationWarm)} ms (${propagationWarm.n}/${gossipFigures.expected})`)
  print(`gossip path lookup (warm table, limit 5): latency ${JSON.stringify(gossipFigures.lookup)} ms, ${gossipFigures.candidatesPerLookup} candidates/lookup, 0 network messages`)

  // background load once the start is over (kad-dht refreshes its table and dials a lot at first):
  // gossipsub heartbeats, DHT self-queries, connection pings, 20 roles re-announced every 10 s
  await loads(true)
  await sleep(10_000)
  const idle = await loads(true)
  const idleCoresPerNode = idle.reduce((a, l) => a + l.cores, 0) / n
  print(`background load (no lookups, 20 roles advertised): ${round(idle.reduce((a, l) => a + l.cores, 0))} cores in all (${round(idleCoresPerNode * 1000, 1)} millicores per node); ${traffic(idle, n)}; event-loop delay p99 per worker ${perWorker(idle.map(l => l.lagP99))} ms`)

  return {
    nodes: n,
    workers: w,
    startedS: round(started / 1000, 1),
    settledS: round(settled / 1000, 1),
    routingTable: { min: rt[0], median: rt[rt.length >> 1], max: rt[rt.length - 1] },
    connections: connFigures,
    advertise: summary(advertiseMs),
    dht: variants.length === 1 ? dhtByVariant[0] : dhtByVariant,
    gossip: gossipFigures,
    load: { idleMillicoresPerNode: round(idleCoresPerNode * 1000, 1), lookupLagP99: during.map(l => round(l.lagP99, 1)), lookupCores: during.map(l => round(l.cores)) },
    rssPerNodeMB: perNode.map(mb),
    rssAloneMB: { node: mb(one - base), emptyWorker: mb(base), total: mb(one) }
  }
}

print(`# discovery lookup bench: ${sizes.join(',')} nodes over ${workerCount} worker processes, ${lookups} lookups per path, seed ${seed} (replay with PARLEY_SEED=${seed}), node ${process.version}, node settings ${JSON.stringify(nodeInit)} (empty: the defaults), ${availableParallelism()} cores, load average ${loadavg().map(x => round(x, 1)).join(' ')}`)
print('# goal at 100 nodes: p50 < 50 ms, p99 < 250 ms')
const results: Array<Record<string, unknown>> = []
for (const n of sizes) {
  try {
    results.push(await run(n, seededRandom(seed + n)))
  } catch (err) {
    print(`size ${n} failed: ${(err as Error).message}`)
    process.exitCode = 1
  }
}
print(JSON.stringify({ bench: 'discovery-lookup', seed, workers: workerCount, lookups, nodeInit, variants, results }))
process.exit()
