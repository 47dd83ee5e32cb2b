// The consolidation components where the cluster's mean comes from push-sum and no per-host load
// reports exist (a large cluster): the rank comes from the histogram gossip (a fake here, holding a
// given histogram), the estimated shedder holds its rank for the sustain time before it offers,
// the figures handed to the gossip count a VM that just arrived, the reserve comes from the
// gossip's lowest empty ids, and a host that powers off leaves the gossip. With reports, the
// gossip is neither fed nor read.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ManualClock, createMemoryFabric, createMemoryHypervisor } from '@parley/hypervisor'
import type { MemoryFabric, MemoryHypervisor } from '@parley/hypervisor'
import { atom, num } from '@parley/lcc'
import type { ConstraintCall, ConstraintFn, Span, Term } from '@parley/lcc'
import { LoadModel, resolvePolicy } from '../src/index.js'
import type { LoadReport } from '../src/index.js'
import { consolidateComponents } from '../src/components/consolidate.js'
import type { MeanSource } from '../src/components/load-model.js'
import { PACK_BINS, binOf, jitterOf, placeIn } from '../src/components/packing-rank.js'
import type { PackingHistogram } from '../src/components/packing-rank.js'
import type { PackingEstimate, PackingFigure } from '../src/components/packing-sum.js'
import { silent } from './support.js'

const SPAN: Span = { start: { offset: 0, line: 1, column: 1 }, end: { offset: 0, line: 1, column: 1 } }
const SAMPLE = 100
const SUSTAIN = 300
const params = resolvePolicy({ sampleIntervalMs: SAMPLE, loadWindowMs: 300, sustainMs: SUSTAIN })

/** The gossip as the components see it: a histogram set by the test, the figures and power changes it was handed. */
class FakeGossip {
  histogram: PackingHistogram | null = null
  empty: string[] = []
  readonly seen: Array<PackingFigure | null> = []
  readonly power: boolean[] = []
  observe (f: PackingFigure | null): void { this.seen.push(f) }
  estimate (): PackingEstimate { return { histogram: this.histogram, empty: this.empty, epoch: 0, histogramEpoch: 0 } }
  powered (on: boolean): void { this.power.push(on) }
}

/** A histogram of hosts `[peer, cores]` of 16 cores, scale 1 (counts are hosts). */
function histogram (hosts: Array<[string, number]>): PackingHistogram {
  const zero = (): number[] => new Array<number>(PACK_BINS).fill(0)
  const h = { cores: 0, vms: 0, count: zero(), cpus: zero(), used: zero(), place: zero(), scale: 1 }
  for (const [peer, cores] of hosts) {
    const x = cores / 16 + jitterOf(peer)
    const b = binOf(x)
    h.cores += cores; h.vms += Math.ceil(cores)
    h.count[b] = (h.count[b] as number) + 1; h.cpus[b] = (h.cpus[b] as number) + 16; h.used[b] = (h.used[b] as number) + cores; h.place[b] = (h.place[b] as number) + placeIn(x, b)
  }
  return h
}

interface Host { readonly id: string, readonly hv: MemoryHypervisor, readonly fns: Record<string, ConstraintFn>, readonly gossip: FakeGossip, readonly power: string[], reports: LoadReport[] | null }

/** `reports` null: the mean comes from push-sum (LoadModel answers null where only reports could tell). */
function host (id: string, hv: MemoryHypervisor, clock: ManualClock): Host {
  const h: Host = { id, hv, fns: {}, gossip: new FakeGossip(), power: [], reports: null }
  const mean: MeanSource = {
    mean: () => ({ mean: 0.25, reports: 100 }),
    reports: () => h.reports ?? [],
    get using () { return h.reports === null ? 'push-sum' as const : 'reports' as const }
  }
  const model = new LoadModel(hv, clock, params, mean, silent, false)
  Object.assign(h.fns, consolidateComponents({
    model, hypervisor: hv, clock, self: () => id, emit: () => {}, params: { ...params, maxConcurrentMigrations: 4 },
    peers: () => h.reports ?? [], packingGossip: h.gossip, powerChanged: s => { h.power.push(s) }
  }))
  return h
}

async function run (h: Host, key: string, args: Term[] = []): Promise<unknown> {
  const fn = h.fns[key] as ConstraintFn
  const call: ConstraintCall = { key, name: key.split('/')[0] as string, args, peer: h.id, role: 'r', roleTerm: atom('r'), context: null, span: SPAN }
  return await fn(args, call)
}

async function memoryHost (fabric: MemoryFabric, clock: ManualClock, id: string, vms: Array<[string, number]>): Promise<MemoryHypervisor> {
  const hv = createMemoryHypervisor({ id, fabric, cpus: 16, memoryMiB: 65_536 }, { logger: silent, clock })
  for (const [name, cores] of vms) {
    await hv.define({ name, vcpus: Math.max(1, Math.ceil(cores)), memoryMiB: 1024 }); await hv.start(name); hv.setCpuDemand(name, cores)
  }
  return hv
}

/** Samples `h` every sample interval for `ms`; the role it would pick at the end. */
async function sampleFor (clock: ManualClock, h: Host, ms: number): Promise<{ keeper: boolean, shedder: boolean }> {
  for (let t = 0; t <= ms; t += SAMPLE) {
    await run(h, 'getPackingState/2')
    await clock.advance(SAMPLE)
  }
  await run(h, 'getPackingState/2')
  const keeper = run(h, 'canAcceptMoreLoad/0')
  await clock.advance(SAMPLE)
  return { keeper: await keeper as boolean, shedder: await run(h, 'shouldShedLoad/0') as boolean }
}

// 60 hosts: A at 10 cores, then 20 at 8, 39 at 2; 260 cores in all hold in 17 hosts (16.3 plus the spare)
const cluster = (self: [string, number]): Array<[string, number]> => [self,
  ...Array.from({ length: 20 }, (_, i): [string, number] => [`k${i}`, 8]), ...Array.from({ length: 39 }, (_, i): [string, number] => [`s${i}`, 2])]

test('without reports: a host ranks from the gossiped histogram; keepers pull, the others shed once they held their rank', async () => {
  const clock = new ManualClock(0)
  const fabric = createMemoryFabric()
  const top = host('A', await memoryHost(fabric, clock, 'A', [['a1', 4], ['a2', 3], ['a3', 3]]), clock)
  const low = host('B', await memoryHost(fabric, clock, 'B', [['b1', 1], ['b2', 1]]), clock)
  top.gossip.histogram = histogram(cluster(['A', 10]))
  low.gossip.histogram = histogram(cluster(['B', 2]))
  assert.deepEqual(await sampleFor(clock, top, SUSTAIN), { keeper: true, shedder: false }, 'the most loaded host keeps')
  // B ranks among the 2-core hosts, far past the keepers, but shedding waits for the sustain time:
  // an estimated rank may still move while the histogram mixes
  await run(low, 'getPackingState/2')
  await clock.advance(SAMPLE)
  await run(low, 'getPackingState/2')
  assert.equal(await run(low, 'shouldShedLoad/0'), false, 'not before the sustain time')
  assert.deepEqual(await sampleFor(clock, low, SUSTAIN), { keeper: false, shedder: true })
  // the gossip was handed the host's figures on every sample
  const last = low.gossip.seen.at(-1)
  assert.deepEqual(last, { cores: 2, cpus: 16, vms: 2, cordoned: false, empty: false })
  // without a histogram yet (the gossip has not mixed), nobody pulls or sheds
  const fresh = host('C', await memoryHost(fabric, clock, 'C', [['c1', 1]]), clock)
  assert.deepEqual(await sampleFor(clock, fresh, SUSTAIN), { keeper: false, shedder: false })
})

test('without reports: a VM that just arrived counts at its source\'s figure in what the gossip is handed', async () => {
  const clock = new ManualClock(0)
  const fabric = createMemoryFabric()
  const src = await memoryHost(fabric, clock, 'S', [['m', 3]])
  const dst = host('D', await memoryHost(fabric, clock, 'D', [['d1', 2]]), clock)
  await sampleFor(clock, dst, SAMPLE)
  // a live migration takes virtual time (1 GiB at the fabric's bandwidth)
  const moving = src.migrate('m', (await dst.hv.host()).migrationUri)
  for (let i = 0; i < 600 && (await src.list()).length > 0; i++) await clock.advance(10)
  await moving
  const before = dst.gossip.seen.length
  await run(dst, 'getPackingState/2')
  const f = dst.gossip.seen.slice(before).at(-1) as PackingFigure
  // its CPU figure here is not known yet: it counts at its vcpus (3) until measured, not at 0
  assert.equal(f.vms, 2)
  assert.ok(f.cores >= 5 - 1e-9, `the arrived VM counts (${f.cores} cores)`)
})

test('without reports: the reserve is the lowest ids among the empty hosts the gossip spread; a host that powers off leaves the gossip', async () => {
  const clock = new ManualClock(0)
  const fabric = createMemoryFabric()
  const a = host('h2', await memoryHost(fabric, clock, 'h2', []), clock)
  const b = host('h3', await memoryHost(fabric, clock, 'h3', []), clock)
  await sampleFor(clock, a, SAMPLE); await sampleFor(clock, b, SAMPLE)
  // the gossip has heard of no other empty host yet: each stays on (it may be one of the reserve)
  assert.equal(await run(b, 'releaseResources/1', [num(1)]), false)
  assert.equal(b.hv.powerState(), 'on')
  a.gossip.empty = ['h2', 'h3']
  b.gossip.empty = ['h2', 'h3']
  assert.equal(await run(a, 'releaseResources/1', [num(1)]), false, 'h2 has the lowest id: it stays on')
  assert.equal(await run(b, 'releaseResources/1', [num(1)]), true)
  assert.equal(b.hv.powerState(), 'off')
  assert.deepEqual(b.power, ['off'])
  assert.deepEqual(b.gossip.power, [false], 'it left the gossip')
  await b.hv.powerOn()
  assert.equal(await run(b, 'isPoweredOn/0'), true)
  assert.deepEqual(b.gossip.power, [false, true], 'and joins it again when powered on')
  // with two reserve places both stay on
  assert.equal(await run(a, 'releaseResources/1', [num(2)]), false)
})

test('with reports, the gossip is neither fed nor read: the exact ranking stands', async () => {
  const clock = new ManualClock(0)
  const fabric = createMemoryFabric()
  const h = host('R', await memoryHost(fabric, clock, 'R', [['r1', 2]]), clock)
  h.reports = [{ peer: 'Q', load: 10 / 16, cpus: 16, cordoned: false, domains: 3 }]
  // the histogram would make R a shedder (39 hosts more loaded); the reports make it the spare keeper
  h.gossip.histogram = histogram(cluster(['R', 2]))
  h.gossip.empty = ['A']
  assert.deepEqual(await sampleFor(clock, h, SUSTAIN), { keeper: true, shedder: false })
  assert.equal(h.gossip.seen.length, 0, 'no figure handed to the gossip')
  const e = host('E', await memoryHost(fabric, clock, 'E', []), clock)
  e.reports = [{ peer: 'R', load: 2 / 16, cpus: 16, cordoned: false, domains: 1 }]
  e.gossip.empty = ['A', 'B']
  await sampleFor(clock, e, SAMPLE)
  assert.equal(await run(e, 'releaseResources/1', [num(1)]), false, 'the reserve from the reports: E is the only empty host')
})
