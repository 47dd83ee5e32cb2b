// Which partner a host offering load takes, and when, on a manual clock: at the start of an
// overload it waits up to a sample interval for a better kind of move to a partner the load reports
// show under the band but the coordinator did not list (announced a moment later), it judges a
// candidate found in the DHT on its gossip figures, of the hosts that could relieve an underloaded
// host one whose move fills it goes first, and the largest VM that can move is what pick.ts counts in.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ManualClock, createMemoryFabric, createMemoryHypervisor } from '@parley/hypervisor'
import type { MemoryFabric, MemoryHypervisor } from '@parley/hypervisor'
import type { Json } from '@parley/discovery'
import { atom, variable } from '@parley/lcc'
import type { ConstraintCall, ConstraintFn, Span, Term } from '@parley/lcc'
import { LoadModel, balanceComponents, resolvePolicy } from '../src/index.js'
import { silent } from './support.js'

const SPAN: Span = { start: { offset: 0, line: 1, column: 1 }, end: { offset: 0, line: 1, column: 1 } }
const params = resolvePolicy({ sampleIntervalMs: 1000, loadWindowMs: 3000, sustainMs: 1000, cooldownMs: 60_000 })
const IM = 'im-hash'
const MEAN = 0.2 // of 4-core hosts: 0.8 cores; band 0.64-0.96 cores

interface Report { peer: string, load: number, cpus: number, cordoned: boolean, movable?: number }
interface Ad { peer: string, args: Json, receivedAt?: number }
interface Host { hv: MemoryHypervisor, model: LoadModel, fns: Record<string, ConstraintFn>, reports: Report[], ads: Ad[] }

async function host (id: string, clock: ManualClock, fabric: MemoryFabric, vms: number[]): Promise<Host> {
  const hv = createMemoryHypervisor({ id, fabric, cpus: 4, memoryMiB: 8192, bandwidthMiBs: 64 }, { logger: silent, clock })
  for (const [i, cores] of vms.entries()) {
    const name = `${id}-vm${i}`
    await hv.define({ name, vcpus: 2, memoryMiB: 64 }); await hv.start(name); hv.setCpuDemand(name, cores)
  }
  const reports: Report[] = []
  const source = { mean: () => ({ mean: MEAN, reports: Math.max(1, reports.length) }), reports: () => reports, using: 'reports' as const }
  const model = new LoadModel(hv, clock, params, source, silent, false)
  const ads: Ad[] = []
  const fns = balanceComponents({
    model, hypervisor: hv, clock, self: () => id, emit: () => {}, arrivalPollMs: 50, arrivalTimeoutMs: 5000,
    advertised: (im, role) => im === IM && role === 'underloaded' ? ads : []
  })
  return { hv, model, fns, reports, ads }
}

/** Samples until the classification has held its sustain time. */
async function settle (clock: ManualClock, ...hs: Host[]): Promise<void> {
  for (let i = 0; i < 3; i++) {
    for (const h of hs) await h.model.refresh(true)
    await clock.advance(1000)
  }
  for (const h of hs) await h.model.refresh(true)
}

async function ask (h: Host, key: string, args: Term[] = []): Promise<unknown> {
  const fn = h.fns[key]
  assert.ok(fn !== undefined, key)
  const c: ConstraintCall = { key, name: key.split('/')[0] as string, args, peer: 'self', role: 'r', roleTerm: atom('r'), context: { im: IM }, span: SPAN }
  return await fn(args, c)
}

/** What a host `cores` of 4 advertises as `underloaded` (the figures LoadModel gives it). */
function figures (cores: number): Json {
  const mean = MEAN * 4
  return { role: { a: 'underloaded' }, capacity: mean - cores, headroom: 1.2 * mean - cores, shortfall: Math.max(0, 0.8 * mean - cores) }
}

test('an overloaded host waits up to a sample interval for a better partner the reports show but the coordinator did not list', async () => {
  const clock = new ManualClock(0)
  const s = await host('S', clock, createMemoryFabric(), [0.5, 0.5, 0.45]) // 1.45 cores: 181 %, in band after 0.5
  // U1 at 62.5 % advertises, room for 0.45 only (S stays over); U2, empty, is reported but not (yet) advertising
  s.reports.push({ peer: 'U1', load: 0.125, cpus: 4, cordoned: false }, { peer: 'U2', load: 0, cpus: 4, cordoned: false })
  await settle(clock, s)
  s.ads.push({ peer: 'U1', args: figures(0.5), receivedAt: clock.now() })
  assert.equal(await ask(s, 'isOverLoaded/0'), true)
  await clock.advance(10)
  assert.equal(s.model.skipCandidate('U1', figures(0.5)), true, 'a 0.5-core VM to the empty host brings S in band: wait for it')
  // the next search, still within the sample interval: it waits again
  await ask(s, 'getPeerState/1', [variable('S')])
  assert.equal(await ask(s, 'isOverLoaded/0'), true)
  assert.equal(s.model.skipCandidate('U1', figures(0.5)), true)
  // a sample interval later it takes the partner it has
  await clock.advance(1000); await s.model.refresh(true)
  await ask(s, 'getPeerState/1', [variable('S')])
  assert.equal(await ask(s, 'isOverLoaded/0'), true)
  assert.equal(s.model.skipCandidate('U1', figures(0.5)), false, 'patience spent: U1 it is')
  await s.hv.close()
})

test('an overloaded host does not wait when the reports show no better partner', async () => {
  const clock = new ManualClock(0)
  const s = await host('S', clock, createMemoryFabric(), [0.5, 0.5, 0.45])
  s.reports.push({ peer: 'U1', load: 0.1, cpus: 4, cordoned: false }, { peer: 'B', load: 0.2, cpus: 4, cordoned: false })
  await settle(clock, s)
  s.ads.push({ peer: 'U1', args: figures(0.4), receivedAt: clock.now() })
  assert.equal(await ask(s, 'isOverLoaded/0'), true)
  await clock.advance(10)
  assert.equal(s.model.skipCandidate('U1', figures(0.4)), false)
  await s.hv.close()
})

test('an overloaded host does not wait for a partner whose move is of the same kind (a larger drop of the squared deviation only)', async () => {
  const clock = new ManualClock(0)
  const s = await host('S', clock, createMemoryFabric(), [0.5, 0.5, 0.45])
  // a 0.5-core VM brings either partner in band; U2, a little emptier, is not advertising
  s.reports.push({ peer: 'U1', load: 0.1, cpus: 4, cordoned: false }, { peer: 'U2', load: 0.09, cpus: 4, cordoned: false })
  await settle(clock, s)
  s.ads.push({ peer: 'U1', args: figures(0.4), receivedAt: clock.now() })
  assert.equal(await ask(s, 'isOverLoaded/0'), true)
  await clock.advance(10)
  assert.equal(s.model.skipCandidate('U1', figures(0.4)), false)
  await s.hv.close()
})

test('a candidate found in the DHT (no figures) is judged on its gossip figures', async () => {
  const clock = new ManualClock(0)
  const s = await host('S', clock, createMemoryFabric(), [0.5, 0.5, 0.45])
  s.reports.push({ peer: 'U1', load: 0.1, cpus: 4, cordoned: false }, { peer: 'U2', load: 0, cpus: 4, cordoned: false })
  await settle(clock, s)
  // both advertise, and were heard before the search: U2 (empty) suits the 0.5-core VM better
  s.ads.push({ peer: 'U1', args: figures(0.4), receivedAt: 0 }, { peer: 'U2', args: figures(0), receivedAt: 0 })
  assert.equal(await ask(s, 'isOverLoaded/0'), true)
  await clock.advance(10)
  assert.equal(s.model.skipCandidate('U1', undefined), true, 'passed over for U2, as if found in gossip')
  assert.equal(s.model.skipCandidate('U2', undefined), false)
  await s.hv.close()
})

test('relief: a host whose move fills the underloaded host goes before a more loaded one whose move would not', async () => {
  const clock = new ManualClock(0)
  const fabric = createMemoryFabric()
  const fills = await host('A', clock, fabric, [0.2, 0.66]) // 0.86 cores: 107.5 %, can give 0.2 and stay in band
  const short = await host('B', clock, fabric, [0.1, 0.1, 0.1, 0.64]) // 0.94: 117.5 %, can give 0.1 only
  for (const h of [fills, short]) {
    h.reports.push({ peer: 'U', load: 0.12, cpus: 4, cordoned: false }, { peer: 'C', load: 0.2, cpus: 4, cordoned: false })
    h.ads.push({ peer: 'U', args: figures(0.48) }) // shortfall 0.16: 0.2 fills it, 0.1 does not
  }
  await settle(clock, fills, short)
  const relieve = async (h: Host): Promise<boolean> => await ask(h, 'canRelieve/2', [atom('underloaded'), variable('N')]) !== false
  let tFills = -1; let tShort = -1
  for (let s = 0; s <= 15 && tShort < 0; s++) {
    if (tFills < 0 && await relieve(fills)) tFills = s
    if (tShort < 0 && await relieve(short)) tShort = s
    await clock.advance(1000)
    await fills.model.refresh(true); await short.model.refresh(true)
  }
  assert.ok(tFills >= 0 && (tShort < 0 || tFills < tShort), `the host whose VM fills the hole relieves first (after ${tFills} s, the other after ${tShort} s)`)
  for (const h of [fills, short]) await h.hv.close()
})

test('the largest VM that can move: a host\'s own within its slack, and the reports\' (a VM that would take its host under the band does not count)', async () => {
  const clock = new ManualClock(0)
  const fabric = createMemoryFabric()
  const over = await host('S', clock, fabric, [0.5, 0.5, 0.45]) // 1.45 cores: can shed 0.81 and stay at 0.64
  const low = await host('L', clock, fabric, [0.6, 0.1]) // 0.7 cores: can shed 0.06, less than either VM
  await settle(clock, over, low)
  assert.equal(over.model.largestMovable(), 0.5)
  assert.equal(low.model.largestMovable(), 0)
  low.reports.push({ peer: 'S', load: 1.45 / 4, cpus: 4, cordoned: false, movable: 0.5 })
  assert.equal(low.model.largestMovable(), 0.5)
  for (const h of [over, low]) await h.hv.close()
})
