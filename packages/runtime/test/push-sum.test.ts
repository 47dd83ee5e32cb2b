// The push-sum cluster mean on the in-memory network: the cluster's mass is conserved by every
// exchange, the estimates converge on every host within a few rounds, they follow load changes,
// they recover from hosts that vanish at the next epoch, each host sends one exchange per round,
// malformed exchanges are refused, and 'auto' picks reports or push-sum by cluster size.
// Seeded: PARLEY_SEED=<n> replays a run (the seed is printed).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MemoryNetwork, createMemoryDiscovery } from '@parley/discovery'
import type { MemoryDiscovery } from '@parley/discovery'
import { ClusterLoad, LOAD_ROLE, codeOf } from '../src/index.js'
import { LoadExchange } from '../src/components/load-exchange.js'
import { seededRandom } from '../src/components/random.js'
import { LOAD_PROTOCOL } from '../src/load-protocol.js'
import { silent } from './support.js'

const seed = process.env.PARLEY_SEED !== undefined ? Number(process.env.PARLEY_SEED) : Math.floor(Math.random() * 2 ** 31)
console.log(`push-sum tests: seed ${seed} (replay: PARLEY_SEED=${seed})`)

const INTERVAL = 1000
const EPOCH = 30 * INTERVAL

interface Host { d: MemoryDiscovery, x: LoadExchange, load: number, cordoned: boolean, alive: boolean }
interface Rig { hosts: Host[], net: MemoryNetwork, clock: { t: number } }

async function rig (n: number, rnd: () => number, cordonedShare = 0): Promise<Rig> {
  const net = new MemoryNetwork({ seed })
  const clock = { t: 0 }
  const hosts: Host[] = []
  for (let i = 0; i < n; i++) {
    const d = await createMemoryDiscovery({ network: net, peerId: `h${String(i).padStart(5, '0')}`, announceIntervalMs: 0 }, { logger: silent })
    const x = new LoadExchange(d, silent, () => clock.t, { intervalMs: INTERVAL, epochMs: EPOCH, warmMs: 12 * INTERVAL, minContacts: 5, refillMs: 30 * INTERVAL, seed })
    await x.start()
    hosts.push({ d, x, load: Math.round(rnd() * 1500) / 1000, cordoned: rnd() < cordonedShare, alive: true })
  }
  return { hosts, net, clock }
}

async function settle (r: Rig): Promise<void> {
  for (let i = 0; i < 1000 && r.hosts.some(h => h.alive && h.x.busy); i++) await new Promise(resolve => setImmediate(resolve))
}

/** One sample interval: every live host observes its load and starts its exchange. */
async function round (r: Rig): Promise<void> {
  r.clock.t += INTERVAL
  for (const h of r.hosts) if (h.alive) { h.x.observe(h.load, h.cordoned); h.x.tick() }
  await settle(r)
}

function truth (hosts: Host[]): { sum: number, weight: number, mean: number } {
  const live = hosts.filter(h => h.alive)
  const sum = live.reduce((s, h) => s + h.load, 0)
  const weight = live.filter(h => !h.cordoned).length
  return { sum, weight, mean: sum / weight }
}

/** Worst and root-mean-square relative error of the live hosts' estimates. */
function errors (r: Rig): { worst: number, rms: number } {
  const { mean } = truth(r.hosts)
  const e = r.hosts.filter(h => h.alive).map(h => (h.x.estimate().mean - mean) / mean)
  return { worst: Math.max(...e.map(Math.abs)), rms: Math.sqrt(e.reduce((a, x) => a + x * x, 0) / e.length) }
}
const worst = (r: Rig): number => errors(r).worst

function assertConserved (r: Rig, label: string): void {
  const t = truth(r.hosts)
  const masses = r.hosts.filter(h => h.alive).map(h => h.x.mass)
  const s = masses.reduce((a, m) => a + m.s, 0)
  const w = masses.reduce((a, m) => a + m.w, 0)
  assert.ok(Math.abs(s - t.sum) < 1e-9 * Math.max(1, t.sum), `${label}: sum of s ${s} != sum of loads ${t.sum}`)
  assert.ok(Math.abs(w - t.weight) < 1e-9 * Math.max(1, t.weight), `${label}: sum of w ${w} != uncordoned hosts ${t.weight}`)
}

async function close (r: Rig): Promise<void> {
  for (const h of r.hosts) { await h.x.stop(); await h.d.stop() }
}

test('push-sum: every exchange conserves the mass, and every host converges on the mean of the uncordoned hosts', async () => {
  const rnd = seededRandom(seed)
  const r = await rig(1000, rnd, 0.1)
  const errs: Array<{ worst: number, rms: number }> = []
  const requests0 = r.net.stats.requests
  for (let i = 1; i <= 20; i++) {
    await round(r)
    assertConserved(r, `round ${i}`)
    errs.push(errors(r))
  }
  const perHostPerRound = (r.net.stats.requests - requests0) / 20 / r.hosts.length
  console.log(`  1,000 hosts, relative error from round 13 (warm) to 20: worst ${errs.slice(12).map(e => e.worst.toExponential(1)).join(' ')}; ` +
    `rms ${errs.slice(12).map(e => e.rms.toExponential(1)).join(' ')}; ${perHostPerRound.toFixed(2)} requests per host per round`)
  assert.ok(perHostPerRound <= 1, 'one exchange per host per round at most')
  const warm = r.hosts.map(h => h.x.estimate())
  assert.ok(warm.every(e => e.warm), 'every host warm after 20 rounds')
  const at = (n: number): { worst: number, rms: number } => errs[n - 1] as { worst: number, rms: number }
  assert.ok(at(13).worst < 0.1 && at(13).rms < 0.01, `once warm (12 rounds after joining at round 1): within 10 % on every host, 1 % rms (was ${at(13).worst}, ${at(13).rms})`)
  assert.ok(at(20).worst < 0.01, `within 1 % on every host by round 20 (was ${at(20).worst})`)
  const sizes = warm.map(e => e.size)
  assert.ok(sizes.every(s => s > 500 && s < 2000), `the size sketch says about 1,000 (${Math.min(...sizes).toFixed(0)}-${Math.max(...sizes).toFixed(0)})`)
  await close(r)
})

test('push-sum: load changes reach the estimate at the next epoch; meanwhile a host\'s own change does not bias it', async () => {
  const rnd = seededRandom(seed ^ 0x9e3779b9)
  const r = await rig(400, rnd)
  for (let i = 0; i < 15; i++) await round(r)
  const before = r.hosts.map(h => h.x.estimate().mean)
  const epochStart = truth(r.hosts)
  // moves: load leaves one host and arrives on another; the mean stays, and so does every estimate
  for (let k = 0; k < 50; k++) {
    const a = r.hosts[Math.floor(rnd() * 400)] as Host; const b = r.hosts[Math.floor(rnd() * 400)] as Host
    const d = Math.min(a.load, 0.3)
    a.load -= d; b.load += d
  }
  const worstBefore = Math.max(...before.map(m => Math.abs(m - epochStart.mean) / epochStart.mean))
  await round(r)
  const worstAfter = Math.max(...r.hosts.map(h => Math.abs(h.x.estimate().mean - epochStart.mean) / epochStart.mean))
  assert.ok(worstAfter <= worstBefore, `no host's estimate moved with its own load (worst error ${worstBefore} before the moves, ${worstAfter} after)`)
  // demand grows by a third on a quarter of the hosts: the mass keeps the epoch's loads...
  for (const h of r.hosts.slice(0, 100)) h.load *= 4 / 3
  await round(r)
  const s = r.hosts.reduce((a, h) => a + h.x.mass.s, 0)
  assert.ok(Math.abs(s - epochStart.sum) < 1e-9 * epochStart.sum, 'the mass is the epoch\'s until it ends')
  // ...and the next epoch converges on the new mean
  while (r.clock.t < EPOCH + 20 * INTERVAL) await round(r)
  assertConserved(r, 'next epoch')
  assert.ok(worst(r) < 0.01, `converged on the new mean (worst error ${worst(r)})`)
  await close(r)
})

test('push-sum: hosts that vanish cost accuracy until the next epoch, which restarts from the live loads', async () => {
  const rnd = seededRandom(seed ^ 0x85ebca6b)
  const r = await rig(300, rnd)
  for (let i = 0; i < 20; i++) await round(r)
  // the busiest tenth vanishes (a rack loses power): the survivors' mean drops
  const gone = [...r.hosts].sort((a, b) => b.load - a.load).slice(0, 30)
  for (const h of gone) { h.alive = false; await h.x.stop(); await h.d.stop() }
  for (let i = 0; i < 5; i++) await round(r)
  const during = worst(r)
  while (r.clock.t < EPOCH + 20 * INTERVAL) await round(r)
  const after = worst(r)
  console.log(`  300 hosts, 30 lost: worst error ${(during * 100).toFixed(1)} % in the same epoch, ${(after * 100).toFixed(3)} % after the next one mixed`)
  assert.ok(during > 0.01, 'the lost hosts\' mass skews the estimate until the restart')
  assert.ok(after < 0.01, `within 1 % after the epoch restart (was ${after})`)
  assert.ok(r.hosts.every(h => !h.alive || h.x.mass.epoch === 1), 'every survivor is in epoch 1')
  await close(r)
})

test('push-sum: a newly started epoch answers with the previous epoch\'s estimate until it has mixed', async () => {
  const rnd = seededRandom(seed ^ 0xc2b2ae35)
  const r = await rig(200, rnd)
  while (r.clock.t < EPOCH - INTERVAL) await round(r)
  const before = worst(r)
  await round(r) // t = EPOCH: every host restarts from its own load
  assert.ok(r.hosts.every(h => h.x.mass.epoch === 1))
  assert.ok(r.hosts.every(h => h.x.estimate().warm), 'the previous estimate stands in')
  assert.ok(worst(r) <= before + 1e-12, 'no jump at the restart')
  await close(r)
})

test('/parley/load/1: malformed exchanges are refused with DISC_SCHEMA_INVALID and mix nothing; an epoch too far ahead is stale', async () => {
  const r = await rig(2, seededRandom(seed))
  const [a, b] = r.hosts as [Host, Host]
  await round(r)
  const before = b.x.mass
  const good = { epoch: 0, s: 1, w: 1, mins: Array(16).fill(0.5), peers: [] }
  for (const bad of [{ ...good, s: 'x' }, { ...good, w: Infinity }, { ...good, mins: [1, 2] }, { ...good, epoch: -1 }, { ...good, peers: ['a b'] }, { ...good, epoch: 0.5 }]) {
    await assert.rejects(a.d.request('h00001', LOAD_PROTOCOL, bad as never), (e: unknown) => codeOf(e) === 'DISC_SCHEMA_INVALID')
  }
  const far = await a.d.request('h00001', LOAD_PROTOCOL, { ...good, epoch: 1000 })
  assert.deepEqual(far, { epoch: 0, stale: true })
  assert.deepEqual(b.x.mass, before, 'nothing mixed')
  await close(r)
})

async function clusterLoads (n: number, estimator: 'auto' | 'reports' | 'push-sum'): Promise<{ cls: ClusterLoad[], ds: MemoryDiscovery[], clock: { t: number } }> {
  const net = new MemoryNetwork({ seed })
  const clock = { t: 0 }
  const ds: MemoryDiscovery[] = []; const cls: ClusterLoad[] = []
  for (let i = 0; i < n; i++) {
    const d = await createMemoryDiscovery({ network: net, peerId: `c${i}` }, { logger: silent, clock: { now: () => clock.t } })
    const cl = new ClusterLoad(d, silent, () => clock.t, { estimator, autoHosts: 50, sampleIntervalMs: INTERVAL })
    cl.addIm('f'.repeat(64))
    await cl.start()
    ds.push(d); cls.push(cl)
  }
  return { cls, ds, clock }
}

async function sample (cls: ClusterLoad[], clock: { t: number }, load: (i: number) => number): Promise<void> {
  clock.t += INTERVAL
  for (const [i, c] of cls.entries()) { c.mean(load(i), false); await c.publish(load(i), 16, 1, false) }
  for (let k = 0; k < 20; k++) await new Promise(resolve => setImmediate(resolve))
}

test('meanEstimator auto: a small cluster keeps the exact per-host reports; a large one uses push-sum and publishes none', async () => {
  const load = (i: number): number => (i % 10) / 10
  const small = await clusterLoads(20, 'auto')
  await sample(small.cls, small.clock, load)
  assert.ok(small.cls.every(c => c.using === 'reports'))
  assert.equal(small.cls[0]?.reports().length, 19, 'every other host\'s report')
  assert.equal(small.cls[0]?.mean(load(0)).mean, 0.45, 'the exact mean')
  for (const c of small.cls) await c.stop()

  const large = await clusterLoads(80, 'auto')
  for (let i = 0; i < 15; i++) await sample(large.cls, large.clock, load)
  assert.ok(large.cls.every(c => c.using === 'push-sum'))
  assert.equal(large.ds[0]?.announcements('f'.repeat(64), LOAD_ROLE).length, 0, 'no parley.load announcement went out')
  const m = large.cls.map((c, i) => c.mean(load(i)))
  assert.ok(m.every(x => Math.abs(x.mean - 0.45) < 0.005 && x.reports > 0), `every host near 0.45: ${m.map(x => x.mean.toFixed(3)).join(' ')}`)
  for (const c of large.cls) await c.stop()
})
