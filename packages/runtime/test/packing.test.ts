// The consolidation's ranking without per-host reports: the rank and the keepers from a load
// histogram (packing-rank.ts) against the exact ranking, and the histogram gossip (packing-sum.ts
// over /parley/pack/1) on the in-memory network: the mass is conserved, every host converges on the
// same histogram, the lowest empty ids spread, a powered-off host leaves the next epoch's
// histogram (and answers no exchange), exchanges per host per round stay bounded, and malformed
// exchanges mix nothing.
// Seeded: PARLEY_SEED=<n> replays a run (the seed is printed).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MemoryNetwork, createMemoryDiscovery } from '@parley/discovery'
import type { MemoryDiscovery } from '@parley/discovery'
import { codeOf } from '../src/index.js'
import { rankKeepers } from '../src/components/consolidate-plan.js'
import { PACK_EPOCH_INTERVALS, PACK_WARM_FANOUT, PACK_WARM_INTERVALS, PackingExchange } from '../src/components/packing-exchange.js'
import { PACK_PROTOCOL } from '../src/components/packing-protocol.js'
import { PACK_BINS, binOf, jitterOf, placeIn, rankInHistogram } from '../src/components/packing-rank.js'
import type { PackingHistogram } from '../src/components/packing-rank.js'
import { PACK_SKETCH, PACK_VECTOR, RESERVE_IDS } from '../src/components/packing-sum.js'
import type { PackingFigure } from '../src/components/packing-sum.js'
import { seededRandom } from '../src/components/random.js'
import { silent } from './support.js'

const seed = process.env.PARLEY_SEED !== undefined ? Number(process.env.PARLEY_SEED) : Math.floor(Math.random() * 2 ** 31)
console.log(`packing tests: seed ${seed} (replay: PARLEY_SEED=${seed})`)

const INTERVAL = 1000

interface Fig { peer: string, cores: number, cpus: number, cordoned: boolean, vms: number }

/** The histogram every host would hold once the gossip has mixed (scale 1: counts are hosts). */
function exactHistogram (hosts: readonly Fig[]): PackingHistogram {
  const zero = (): number[] => new Array<number>(PACK_BINS).fill(0)
  const h = { cores: 0, vms: 0, count: zero(), cpus: zero(), used: zero(), place: zero(), scale: 1 }
  for (const f of hosts) {
    h.cores += f.cores
    h.vms += f.vms
    if (f.cordoned) continue
    const x = f.cores / f.cpus + jitterOf(f.peer)
    const b = binOf(x)
    h.count[b] = (h.count[b] as number) + 1
    h.cpus[b] = (h.cpus[b] as number) + f.cpus
    h.used[b] = (h.used[b] as number) + f.cores
    h.place[b] = (h.place[b] as number) + placeIn(x, b)
  }
  return h
}

/** A cluster like the simulator's: 16-core hosts, about four VMs each of 0.25-2 cores in 0.05 steps (ties). */
function cluster (n: number, rnd: () => number): Fig[] {
  return Array.from({ length: n }, (_, i) => {
    let cores = 0
    let vms = 0
    for (let k = 0; k < 8; k++) if (rnd() < 0.5) { cores += Math.round((0.25 + rnd() * 1.75) * 20) / 20; vms++ }
    return { peer: `h${String(i).padStart(5, '0')}`, cores: Math.min(16, cores), cpus: 16, cordoned: false, vms }
  })
}

test('rankInHistogram: the keepers hold the load as rankKeepers\' do (plus the spares), and hosts rank near their exact place', () => {
  const rnd = seededRandom(seed)
  const hosts = cluster(2000, rnd)
  const h = exactHistogram(hosts)
  const exact = rankKeepers(hosts[0] as Fig, hosts.slice(1), 0)
  const est = rankInHistogram(hosts[0] as Fig, h, 0, 0)
  // rankKeepers rounds up to whole hosts; the histogram's bound is fractional. One in 64 hosts'
  // worth of room is set aside per keeper for what pairwise moves leave (FILL_WASTE_VMS)
  assert.ok(est.keepers >= exact.keepers - 1 && est.keepers <= exact.keepers * 1.03 + 1, `keepers ${est.keepers.toFixed(1)} against ${exact.keepers}`)
  assert.ok(Math.abs(est.total - exact.total) < 1e-6)
  // order by load plus offset: equal loads (there are many) rank by id, as rankKeepers ranks by id
  const order = [...hosts].sort((a, b) => (b.cores / b.cpus + jitterOf(b.peer)) - (a.cores / a.cpus + jitterOf(a.peer)))
  const errors = order.map((f, i) => rankInHistogram(f, h, 0, 0).rank - i)
  const boundary = errors.slice(Math.floor(est.keepers) - 30, Math.floor(est.keepers) + 30).map(Math.abs)
  assert.ok(Math.max(...boundary) < 12, `near the keepers' boundary every host ranks within 12 places (worst ${Math.max(...boundary).toFixed(1)})`)
  assert.ok(boundary.reduce((a, b) => a + b, 0) / boundary.length < 5, 'and within 5 on average')
  // the exact path's keepers are the top of the same order, apart from the within-a-bin offsets
  const keeperSet = new Set(order.slice(0, Math.floor(est.keepers)).map(f => f.peer))
  const exactKeepers = [...hosts].sort((a, b) => b.cores - a.cores || (a.peer < b.peer ? -1 : 1)).slice(0, exact.keepers)
  const shared = exactKeepers.filter(f => keeperSet.has(f.peer)).length
  assert.ok(shared >= exactKeepers.length * 0.95, `${shared} of the ${exactKeepers.length} exact keepers are keepers here too`)
  // a cordoned host ranks last
  const c = rankInHistogram({ ...(hosts[0] as Fig), cordoned: true }, h)
  assert.ok(c.rank >= c.keepers && c.rank === c.open)
})

test('rankInHistogram: once keepers are full, the next histogram asks for keepers for the load left elsewhere', () => {
  // 40 hosts at 15.9 of 16 cores (full: less room than a mean VM of 1 core), 30 with 3 cores each
  const full = Array.from({ length: 40 }, (_, i): Fig => ({ peer: `f${i}`, cores: 15.9, cpus: 16, cordoned: false, vms: 16 }))
  const rest = Array.from({ length: 30 }, (_, i): Fig => ({ peer: `r${i}`, cores: 3, cpus: 16, cordoned: false, vms: 3 }))
  const h = exactHistogram([...full, ...rest])
  const k = rankInHistogram(full[0] as Fig, h, 0, 0)
  // counted at whole capacity, 40 hosts of 16 cores would hold all 726 cores: no new keeper. Full
  // ones hold what they run (636), and the 90 cores left need 90 / (16 - waste) more hosts
  assert.ok(k.keepers > 45.5 && k.keepers < 46.5, `keepers ${k.keepers}`)
  const top = rest.map(f => rankInHistogram(f, h, 0, 0)).filter(r => r.rank < r.keepers)
  assert.ok(top.length >= 5 && top.length <= 7, `${top.length} of the partly loaded hosts become keepers`)
})

interface Host { d: MemoryDiscovery, x: PackingExchange, fig: Fig, on: boolean }

/** The exchanges' own interval timer never fires here: each round's figure starts them (observe). */
async function idle (_ms: number, signal?: AbortSignal): Promise<void> {
  await new Promise<void>((_resolve, reject) => { signal?.addEventListener('abort', () => { reject(new Error('stopped')) }) })
}
interface Rig { hosts: Host[], net: MemoryNetwork, clock: { t: number } }

async function rig (n: number, rnd: () => number): Promise<Rig> {
  const net = new MemoryNetwork({ seed })
  const clock = { t: 0 }
  const figs = cluster(n, rnd)
  const hosts: Host[] = []
  for (const fig of figs) {
    const d = await createMemoryDiscovery({ network: net, peerId: fig.peer, announceIntervalMs: 0 }, { logger: silent })
    const x = new PackingExchange(d, silent, { now: () => clock.t, sleep: idle }, { intervalMs: INTERVAL, seed })
    await x.start()
    hosts.push({ d, x, fig, on: true })
  }
  return { hosts, net, clock }
}

const figureOf = (h: Host): PackingFigure => ({ ...h.fig, empty: h.fig.vms === 0 })

async function round (r: Rig): Promise<void> {
  r.clock.t += INTERVAL
  for (const h of r.hosts) if (h.on) h.x.observe(figureOf(h))
  for (let i = 0; i < 1000 && r.hosts.some(h => h.x.busy); i++) await new Promise(resolve => setImmediate(resolve))
}

async function close (r: Rig): Promise<void> {
  for (const h of r.hosts) { await h.x.stop(); await h.d.stop() }
}

test('packing gossip: the mass is conserved, every host converges on the cluster\'s histogram, and the lowest empty ids spread', async () => {
  const rnd = seededRandom(seed ^ 0x9e3779b9)
  const r = await rig(600, rnd)
  const empties = ['h00007', 'h00011', 'h00423', 'h00599']
  for (const h of r.hosts) if (empties.includes(h.fig.peer)) { h.fig.cores = 0; h.fig.vms = 0 }
  const live = r.hosts.map(h => h.fig)
  const lowestEmpty = live.filter(f => f.vms === 0).map(f => f.peer).sort().slice(0, RESERVE_IDS)
  assert.ok(empties.every(p => lowestEmpty.includes(p)) || lowestEmpty.length === RESERVE_IDS)
  const truth = exactHistogram(live)
  const requests0 = r.net.stats.requests
  let warmAt = -1
  for (let i = 1; i <= PACK_WARM_INTERVALS + 3; i++) {
    await round(r)
    const v = new Array<number>(PACK_VECTOR).fill(0)
    for (const h of r.hosts) h.x.mass.v.forEach((x, j) => { v[j] = (v[j] as number) + x })
    assert.ok(Math.abs((v[0] as number) - truth.cores) < 1e-6 * truth.cores, `round ${i}: the cores in the cluster's mass ${v[0]} are ${truth.cores}`)
    assert.ok(Math.abs(r.hosts.reduce((a, h) => a + h.x.mass.w, 0) - r.hosts.length) < 1e-6, `round ${i}: the weight is one per host`)
    if (warmAt < 0 && r.hosts.every(h => h.x.estimate().histogram !== null)) warmAt = i
  }
  const perHostPerRound = (r.net.stats.requests - requests0) / r.hosts.length / (PACK_WARM_INTERVALS + 3)
  console.log(`  600 hosts: every host warm from round ${warmAt}; ${perHostPerRound.toFixed(2)} exchanges started per host per round`)
  assert.ok(warmAt > 0 && warmAt <= PACK_WARM_INTERVALS + 1, `every host has a histogram by round ${PACK_WARM_INTERVALS + 1} (from ${warmAt})`)
  assert.ok(perHostPerRound <= PACK_WARM_FANOUT, `at most ${PACK_WARM_FANOUT} exchanges per host per round`)
  const exactK = rankInHistogram(live[0] as Fig, truth)
  for (const h of r.hosts) {
    const e = h.x.estimate()
    const hist = e.histogram as PackingHistogram
    const k = rankInHistogram(h.fig, hist)
    // the keepers as a share of the hosts: every host within 1 % of the truth
    assert.ok(Math.abs(k.keepers / k.open - exactK.keepers / exactK.open) < 0.01, `${h.fig.peer}: keepers ${(k.keepers / k.open).toFixed(4)} of the hosts, truly ${(exactK.keepers / exactK.open).toFixed(4)}`)
    assert.ok(hist.scale > 300 && hist.scale < 1200, `${h.fig.peer}: the size sketch says about 600 (${hist.scale.toFixed(0)})`)
    assert.deepEqual(e.empty, lowestEmpty, `${h.fig.peer} knows the lowest ids of the empty hosts`)
  }
  await close(r)
})

test('packing gossip: a powered-off host answers no exchange and leaves the next epoch\'s histogram; one exchange per round once mixed', async () => {
  const rnd = seededRandom(seed ^ 0x85ebca6b)
  const r = await rig(200, rnd)
  for (let i = 0; i < PACK_WARM_INTERVALS + 2; i++) await round(r)
  // the cores per host: the histogram's shares are per host taking part
  const coresPerHost = (h: Host): number => (h.x.estimate().histogram as PackingHistogram).cores
  const all = r.hosts.reduce((a, h) => a + h.fig.cores, 0) / r.hosts.length
  assert.ok(Math.abs(coresPerHost(r.hosts[0] as Host) / all - 1) < 0.01, 'every host counted at first')
  const quiet0 = r.net.stats.requests
  await round(r)
  assert.ok(r.net.stats.requests - quiet0 <= r.hosts.length, 'one exchange per host per round once the epoch has mixed')
  // a quarter of the hosts empty and power off: they answer no exchange and leave the next epoch's histogram
  const off = r.hosts.slice(0, 50)
  for (const h of off) { h.fig.cores = 0; h.fig.vms = 0; h.on = false; h.x.powered(false) }
  await new Promise(resolve => setImmediate(resolve))
  await assert.rejects((r.hosts[60] as Host).d.request((off[0] as Host).fig.peer, PACK_PROTOCOL, {}), (e: unknown) => codeOf(e) === 'DISC_NO_HANDLER')
  while (r.clock.t < (PACK_EPOCH_INTERVALS + PACK_WARM_INTERVALS + 2) * INTERVAL) await round(r)
  const on = r.hosts.filter(h => h.on)
  const live = on.reduce((a, h) => a + h.fig.cores, 0) / on.length
  const after = on.map(coresPerHost)
  assert.ok(after.every(x => Math.abs(x / live - 1) < 0.02), `the cores per host are the live hosts' (${live.toFixed(3)}): ${Math.min(...after).toFixed(3)}-${Math.max(...after).toFixed(3)}`)
  await close(r)
})

test('/parley/pack/1: malformed exchanges are refused with DISC_SCHEMA_INVALID and mix nothing; an epoch too far ahead is stale', async () => {
  const r = await rig(2, seededRandom(seed))
  const [a, b] = r.hosts as [Host, Host]
  await round(r)
  const before = { ...b.x.mass, v: [...b.x.mass.v] }
  const good = { epoch: 0, v: new Array<number>(PACK_VECTOR).fill(0.5), w: 1, mins: new Array<number>(PACK_SKETCH).fill(0.5), empty: [], peers: [] }
  for (const bad of [
    { ...good, v: [1, 2] }, { ...good, v: [...good.v.slice(1), 'x'] }, { ...good, w: Infinity }, { ...good, mins: [1] },
    { ...good, epoch: -1 }, { ...good, epoch: 0.5 }, { ...good, empty: ['a b'] }, { ...good, empty: Array(9).fill('h1') }, { ...good, peers: ['a', 'b', 'c', 'd', 'e'] },
    { ...good, empty: undefined }
  ]) {
    await assert.rejects(a.d.request(b.fig.peer, PACK_PROTOCOL, bad as never), (e: unknown) => codeOf(e) === 'DISC_SCHEMA_INVALID', JSON.stringify(bad).slice(0, 80))
  }
  const far = await a.d.request(b.fig.peer, PACK_PROTOCOL, { ...good, epoch: 1000 })
  assert.deepEqual(far, { epoch: 0, stale: true })
  assert.deepEqual({ ...b.x.mass, v: [...b.x.mass.v] }, before, 'nothing mixed')
  await close(r)
})
