// The consolidation components (ims/consolidate.lcc) against memory hypervisors on a manual clock:
// the keeper ranking, the best fill, migrateInto/3 with waitForMigration/0, and the power-off of an
// empty host: refused while it runs a VM, the reserve kept on, and on a backend that cannot power
// off (libvirt answers UnsupportedError) the host stays on, empty and idle.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ManualClock, UnsupportedError, createMemoryFabric, createMemoryHypervisor } from '@parley/hypervisor'
import type { Hypervisor, MemoryFabric, MemoryHypervisor, PowerState } from '@parley/hypervisor'
import { atom, num } from '@parley/lcc'
import type { ConstraintCall, ConstraintFn, Span, Term } from '@parley/lcc'
import { readFileSync } from 'node:fs'
import { LoadModel, balanceComponents, loadIm, resolvePolicy } from '../src/index.js'
import type { ConstraintContext, HostAgentEvent, LoadReport } from '../src/index.js'
import { consolidateComponents } from '../src/components/consolidate.js'
import { bestFill, keptAsReserve, rankKeepers } from '../src/components/consolidate-plan.js'
import { silent } from './support.js'

const SPAN: Span = { start: { offset: 0, line: 1, column: 1 }, end: { offset: 0, line: 1, column: 1 } }
const params = resolvePolicy({ sampleIntervalMs: 100, loadWindowMs: 300, sustainMs: 0 })
/** No sustain (the hysteresis is the detector's own test); up to four live migrations per host. */
const packingParams = { sustainMs: 0, maxConcurrentMigrations: 4 }

interface Host {
  readonly id: string
  readonly hv: Hypervisor
  readonly model: LoadModel
  readonly fns: Record<string, ConstraintFn>
  readonly power: PowerState[]
  peers: LoadReport[]
}

function host (id: string, hv: Hypervisor, clock: ManualClock, events: HostAgentEvent[] = []): Host {
  const model = new LoadModel(hv, clock, params, { mean: () => ({ mean: 0.25, reports: 1 }) }, silent, false)
  const emit = (e: Omit<HostAgentEvent, 'at' | 'host'>): void => { events.push({ ...e, at: clock.now(), host: id } as HostAgentEvent) }
  const h: Host = { id, hv, model, fns: {}, power: [], peers: [] }
  const base = { model, hypervisor: hv, clock, self: () => id, emit }
  Object.assign(h.fns, balanceComponents({ ...base, arrivalPollMs: 10, arrivalTimeoutMs: 5000 }), consolidateComponents({
    ...base, params: packingParams, peers: () => h.peers, powerChanged: s => { h.power.push(s) }
  }))
  return h
}

function call (key: string, peer: string, context: ConstraintContext | null, args: Term[] = []): ConstraintCall {
  return { key, name: key.split('/')[0] as string, args, peer, role: 'r', roleTerm: atom('r'), context, span: SPAN }
}

async function run (h: Host, key: string, context: ConstraintContext | null, args: Term[] = []): Promise<unknown> {
  const fn = h.fns[key]
  assert.ok(fn !== undefined, `${key} is registered`)
  return await fn(args, call(key, h.id, context))
}

/** A call that may wait on the clock (canAcceptMoreLoad/0 answers after the keeper's turn). */
async function runTimed (clock: ManualClock, h: Host, key: string, context: ConstraintContext | null, args: Term[] = []): Promise<unknown> {
  const answer = run(h, key, context, args)
  await clock.advance(params.sampleIntervalMs / 2)
  return await answer
}

async function memoryHost (fabric: MemoryFabric, clock: ManualClock, id: string, vms: Array<[string, number]>, cpus = 16): Promise<MemoryHypervisor> {
  const hv = createMemoryHypervisor({ id, fabric, cpus, memoryMiB: 65_536 }, { logger: silent, clock })
  for (const [name, cores] of vms) {
    await hv.define({ name, vcpus: Math.max(1, Math.ceil(cores)), memoryMiB: 1024 }); await hv.start(name); hv.setCpuDemand(name, cores)
  }
  return hv
}

/** Two samples a sample interval apart: CPU figures known. */
async function warm (clock: ManualClock, ...hs: Host[]): Promise<void> {
  for (const h of hs) await run(h, 'getPackingState/2', null)
  await clock.advance(params.sampleIntervalMs)
}

async function packing (h: Host): Promise<{ used: number, free: number }> {
  const out = await run(h, 'getPackingState/2', null, [])
  assert.ok(Array.isArray(out))
  const [used, free] = out as Array<{ kind: 'num', value: number }>
  return { used: (used as { value: number }).value, free: (free as { value: number }).value }
}

const report = (peer: string, cores: number, domains: number, cordoned = false): LoadReport => ({ peer, load: cores / 16, cpus: 16, cordoned, domains })

test('rankKeepers: the most loaded hosts whose cores hold the load, plus one spare; cordoned hosts rank last', () => {
  const others = [{ peer: 'b', cores: 10, cpus: 16, cordoned: false }, { peer: 'c', cores: 4, cpus: 16, cordoned: false }, { peer: 'd', cores: 2, cpus: 16, cordoned: false }, { peer: 'e', cores: 8, cpus: 16, cordoned: true }]
  // 30 cores in all: two 16-core hosts hold them, plus the spare = 3 keepers
  const a = rankKeepers({ peer: 'a', cores: 6, cpus: 16, cordoned: false }, others)
  assert.deepEqual(a, { rank: 1, keepers: 3, total: 30 })
  assert.equal(rankKeepers({ peer: 'd', cores: 2, cpus: 16, cordoned: false }, [{ peer: 'a', cores: 6, cpus: 16, cordoned: false }, ...others]).rank, 3)
  assert.equal(rankKeepers({ peer: 'e', cores: 8, cpus: 16, cordoned: true }, [{ peer: 'a', cores: 6, cpus: 16, cordoned: false }, ...others.slice(0, 3)]).rank, 4)
  // equal loads rank by peer id, the same on every host
  assert.equal(rankKeepers({ peer: 'x', cores: 4, cpus: 16, cordoned: false }, [{ peer: 'w', cores: 4, cpus: 16, cordoned: false }]).rank, 1)
})

test('bestFill: all VMs when they fit, else the fullest set under the free cores, at most maxCount', () => {
  const vms = [{ name: 'a', cores: 1.5 }, { name: 'b', cores: 1.2 }, { name: 'c', cores: 0.9 }, { name: 'idle', cores: 0 }]
  assert.deepEqual(bestFill(vms, 4).sort(), ['a', 'b', 'c', 'idle'])
  assert.deepEqual(bestFill(vms, 2.2).sort(), ['b', 'c']) // 2.1 beats a alone (1.5) and a+... (none fits)
  assert.deepEqual(bestFill(vms, 2.7).sort(), ['a', 'b'])
  assert.deepEqual(bestFill(vms, 4, 2).sort(), ['a', 'b'])
  assert.deepEqual(bestFill(vms, 0.5), [])
})

test('keptAsReserve: the `reserve` lowest ids among the empty powered-on hosts stay on', () => {
  assert.equal(keptAsReserve('h1', ['h3', 'h2'], 2), true)
  assert.equal(keptAsReserve('h3', ['h1', 'h2'], 2), false)
  assert.equal(keptAsReserve('h3', ['h1'], 2), true)
  assert.equal(keptAsReserve('h1', [], 0), false)
})

test('classification: keepers pull, the others shed, an empty host has no load', async () => {
  const clock = new ManualClock(0)
  const fabric = createMemoryFabric()
  const full = host('A', await memoryHost(fabric, clock, 'A', [['a1', 2], ['a2', 2], ['a3', 2]]), clock)
  const light = host('B', await memoryHost(fabric, clock, 'B', [['b1', 1]]), clock)
  const empty = host('C', await memoryHost(fabric, clock, 'C', []), clock)
  full.peers = [report('B', 1, 1), report('C', 0, 0)]
  light.peers = [report('A', 6, 3), report('C', 0, 0)]
  empty.peers = [report('A', 6, 3), report('B', 1, 1)]
  await warm(clock, full, light, empty)
  // 7 cores: one host holds them, plus the spare: A and B are keepers, C is not
  assert.deepEqual(await packing(full), { used: 6, free: 10 })
  assert.equal(await runTimed(clock, full, 'canAcceptMoreLoad/0', null), true)
  assert.equal(await run(full, 'shouldShedLoad/0', null), false)
  await packing(light)
  assert.equal(await runTimed(clock, light, 'canAcceptMoreLoad/0', null), true, 'the spare keeper')
  await packing(empty)
  assert.equal(await run(empty, 'hasNoLoad/0', null), true)
  assert.equal(await run(empty, 'shouldShedLoad/0', null), false)
  // more hosts above B: B stays a keeper until it ranks two places past the keepers (hysteresis)
  light.peers = [report('A', 6, 3), report('C', 0, 0), report('D', 2, 1)]
  await packing(light)
  assert.equal(await runTimed(clock, light, 'canAcceptMoreLoad/0', null), true, 'one place past the boundary: still a keeper')
  light.peers = [report('A', 6, 3), report('C', 0, 0), report('D', 2, 1), report('E', 2, 1), report('F', 2, 1)]
  await clock.advance(params.sampleIntervalMs)
  await packing(light)
  assert.equal(await runTimed(clock, light, 'canAcceptMoreLoad/0', null), false)
  assert.equal(await run(light, 'shouldShedLoad/0', null), true)
  assert.equal(await run(light, 'canFitInto/2', null, [num(0.5), num(1)]), false, 'b1 (1 core) does not fit 0.5 free cores')
  assert.equal(await run(light, 'canFitInto/2', null, [num(1.05), num(1)]), true)
})

test('migrateInto/3 moves the best fill side by side, once per interaction; waitForMigration/0 holds when they arrived', async () => {
  const clock = new ManualClock(0)
  const fabric = createMemoryFabric()
  const events: HostAgentEvent[] = []
  const src = host('S', await memoryHost(fabric, clock, 'S', [['s1', 1.5], ['s2', 1.2], ['s3', 0.9]]), clock, events)
  const dst = host('D', await memoryHost(fabric, clock, 'D', [['d1', 12]]), clock, events)
  await warm(clock, src, dst)
  const ctx: ConstraintContext = {
    interaction: 'i1', im: 'x', coordinator: 'D', notes: {},
    participants: { D: { role: { a: 'notFullyLoaded' }, args: { migrateUri: 'memory://D' } } }
  }
  assert.equal(await run(dst, 'waitForMigration/0', ctx), false, 'nothing announced yet')
  const moving = run(src, 'migrateInto/3', ctx, [atom('S'), atom('D'), num(2.2)])
  await clock.advance(1500) // 1 GiB at 1 GiB/s each, in parallel: one second for both
  assert.equal(await moving, true)
  assert.deepEqual((await dst.hv.list()).map(d => d.name).sort(), ['d1', 's2', 's3'])
  assert.deepEqual((await src.hv.list()).map(d => d.name), ['s1'])
  const started = events.filter(e => e.type === 'migration-started').map(e => e.at)
  assert.deepEqual(started, [started[0], started[0]], 'both migrations started together')
  // a re-sent call moves nothing more
  assert.equal(await run(src, 'migrateInto/3', ctx, [atom('S'), atom('D'), num(2.2)]), true)
  assert.equal(events.filter(e => e.type === 'migration').length, 2)
  assert.equal(await run(dst, 'waitForMigration/0', ctx), true)
  // the arrived VMs count at their vcpus until their CPU figure is known: free cores are never overstated
  const p = await packing(dst)
  assert.ok(p.used >= 12 + 2.1 - 1e-9, `used ${p.used}`)
  // only the source pushes, and nothing fits 0.5 cores
  assert.equal(await run(dst, 'migrateInto/3', { ...ctx, interaction: 'i2' }, [atom('S'), atom('D'), num(3)]), false)
  await assert.rejects(async () => await run(src, 'migrateInto/3', { ...ctx, interaction: 'i3', notes: {} }, [atom('S'), atom('D'), num(0.5)]), { code: 'RT_NOTHING_TO_MOVE' })
  assert.deepEqual((await src.hv.list()).map(d => d.name), ['s1'])
})

test('releaseResources/1: refused while a VM runs; the reserve stays on; the others power off', async () => {
  const clock = new ManualClock(0)
  const fabric = createMemoryFabric()
  const busy = host('h1', await memoryHost(fabric, clock, 'h1', [['v', 1]]), clock)
  await warm(clock, busy)
  assert.equal(await run(busy, 'releaseResources/1', null, [num(0)]), false)
  assert.equal(busy.hv.powerState(), 'on')
  assert.equal((await busy.hv.list()).length, 1)
  // the memory hypervisor itself refuses too: the component never relies on it alone
  await assert.rejects(busy.hv.powerOff(), { code: 'HV_HOST_BUSY' })

  const a = host('h2', await memoryHost(fabric, clock, 'h2', []), clock)
  const b = host('h3', await memoryHost(fabric, clock, 'h3', []), clock)
  a.peers = [report('h1', 1, 1), report('h3', 0, 0)]
  b.peers = [report('h1', 1, 1), report('h2', 0, 0)]
  // reserve 1: h2 (lowest id of the empty hosts) stays on, h3 powers off
  assert.equal(await run(a, 'releaseResources/1', null, [num(1)]), false)
  assert.equal(a.hv.powerState(), 'on')
  assert.equal(await run(b, 'releaseResources/1', null, [num(1)]), true)
  assert.equal(b.hv.powerState(), 'off')
  assert.deepEqual(b.power, ['off'])
  assert.equal(await run(b, 'isPoweredOn/0', null), false)
  await b.hv.powerOn()
  assert.equal(await run(b, 'isPoweredOn/0', null), true)
  assert.deepEqual(b.power, ['off', 'on'])
  // a powered-off peer reports itself cordoned: it holds no reserve place, so h2 may not power off with reserve 1
  a.peers = [report('h1', 1, 1), report('h3', 0, 0, true)]
  assert.equal(await run(a, 'releaseResources/1', null, [num(1)]), false)
  assert.equal(await run(a, 'releaseResources/1', null, [num(0)]), true)
})

test('a backend that cannot power off (libvirt): the host stays on, empty and idle, and asks no more', async () => {
  const clock = new ManualClock(0)
  const fabric = createMemoryFabric()
  const inner = await memoryHost(fabric, clock, 'L', [])
  let attempts = 0
  const libvirtLike: Hypervisor = Object.assign(Object.create(inner) as MemoryHypervisor, {
    powerState: (): PowerState => 'on',
    powerOff: async (): Promise<void> => { attempts++; throw new UnsupportedError('powerOff', 'Parley does not power off real hosts') }
  })
  const h = host('L', libvirtLike, clock)
  await warm(clock, h)
  assert.equal(await run(h, 'hasNoLoad/0', null), true)
  assert.equal(await run(h, 'releaseResources/1', null, [num(0)]), false)
  assert.equal(await run(h, 'releaseResources/1', null, [num(0)]), false)
  assert.equal(attempts, 1, 'unsupported is remembered: no retry on every loop')
  assert.deepEqual(h.power, [])
  assert.equal(await runTimed(clock, h, 'canAcceptMoreLoad/0', null), false, 'an empty host alone pulls nothing')
  assert.equal(inner.powerState(), 'on')
})

test('noPartnerWithin/1 holds once the role has waited that long, per interaction', async () => {
  const clock = new ManualClock(0)
  const h = host('N', await memoryHost(createMemoryFabric(), clock, 'N', []), clock)
  const ctx: ConstraintContext = { interaction: 'i9', im: 'x', coordinator: 'N', notes: {}, participants: {} }
  assert.equal(await run(h, 'noPartnerWithin/1', ctx, [num(1000)]), false)
  await clock.advance(999)
  assert.equal(await run(h, 'noPartnerWithin/1', ctx, [num(1000)]), false)
  await clock.advance(1)
  assert.equal(await run(h, 'noPartnerWithin/1', ctx, [num(1000)]), true)
  assert.equal(await run(h, 'noPartnerWithin/1', { ...ctx, interaction: 'i10' }, [num(1000)]), false)
})

test('ims/consolidate.lcc loads against the built-in components with no warning: idle runs alone, notFullyLoaded seeks underloaded, underloaded advertises', async () => {
  const clock = new ManualClock(0)
  const h = host('X', await memoryHost(createMemoryFabric(), clock, 'X', []), clock)
  const text = readFileSync(new URL('../../../../ims/consolidate.lcc', import.meta.url), 'utf8')
  const im = loadIm('consolidate', text, Object.keys(h.fns))
  assert.deepEqual(im.warnings.map(d => `${d.code} ${d.message}`), [])
  assert.equal(im.initialRole, 'idle')
  const kinds = Object.fromEntries([...im.roles].map(([r, p]) => [r, p.kind]))
  assert.deepEqual(kinds, { idle: 'local', notFullyLoaded: 'seeks', underloaded: 'advertises', shutdown: 'local', off: 'local' })
  assert.deepEqual(im.roles.get('notFullyLoaded')?.partnerRoles, ['underloaded'])
})
