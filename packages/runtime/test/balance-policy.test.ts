// The decisions of the balance components on a manual clock: drain (a cordoned host is overloaded
// with Need = all its VMs and never accepts), the per-VM cooldown wherever a VM is picked, the cap
// on migrations in flight, the way back to idle (noPartner) and its rest, relief and absorption.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ManualClock, createMemoryFabric, createMemoryHypervisor } from '@parley/hypervisor'
import type { MemoryFabric, MemoryHypervisor } from '@parley/hypervisor'
import type { Json } from '@parley/discovery'
import { atom, deref, num, termToString, variable } from '@parley/lcc'
import type { ConstraintCall, ConstraintFn, Span, Term } from '@parley/lcc'
import { LoadModel, balanceComponents, resolvePolicy } from '../src/index.js'
import type { ConstraintContext } from '../src/index.js'
import { silent } from './support.js'

const SPAN: Span = { start: { offset: 0, line: 1, column: 1 }, end: { offset: 0, line: 1, column: 1 } }
// sustain 1 s and a 1 s sample: relief waits 1 to 5 s, and 5 s more while a host is overloaded
const params = resolvePolicy({ sampleIntervalMs: 1000, loadWindowMs: 3000, sustainMs: 1000, cooldownMs: 60_000 })
const IM = 'im-hash'

interface Host {
  hv: MemoryHypervisor
  model: LoadModel
  fns: Record<string, ConstraintFn>
  /** What the fake cluster says: the mean (cores/core) and the other hosts' reported loads. */
  cluster: { mean: number, reports: Array<{ load: number, cordoned: boolean, domains?: number }> }
  /** Advertisers of `underloaded` this host hears, with their args (and when heard). */
  ads: Array<{ peer: string, args: Json, receivedAt?: number }>
}

async function host (id: string, clock: ManualClock, fabric: MemoryFabric, vms: number[], cordoned = false, policy = params): Promise<Host> {
  const hv = createMemoryHypervisor({ id, fabric, cpus: 4, memoryMiB: 8192, bandwidthMiBs: 64 }, { logger: silent, clock })
  for (const [i, cores] of vms.entries()) {
    const name = `${id}-vm${i}`
    await hv.define({ name, vcpus: 2, memoryMiB: 64 }); await hv.start(name); hv.setCpuDemand(name, cores)
  }
  const cluster = { mean: 0.25, reports: [] as Array<{ load: number, cordoned: boolean, domains?: number }> }
  const source = {
    mean: () => ({ mean: cluster.mean, reports: Math.max(1, cluster.reports.length) }),
    reports: () => cluster.reports,
    using: 'reports' as const
  }
  const model = new LoadModel(hv, clock, policy, source, silent, cordoned)
  const ads: Array<{ peer: string, args: Json, receivedAt?: number }> = []
  const fns = balanceComponents({
    model, hypervisor: hv, clock, self: () => id, emit: () => {}, arrivalPollMs: 50, arrivalTimeoutMs: 5000,
    advertised: (im, role) => im === IM && role === 'underloaded' ? ads : []
  })
  return { hv, model, fns, cluster, ads }
}

/** Samples twice a sample interval apart: CPU figures need two samples. */
async function warm (clock: ManualClock, ...hs: Host[]): Promise<void> {
  for (const h of hs) await h.model.refresh(true)
  await clock.advance(1000)
  for (const h of hs) await h.model.refresh(true)
}

function call (key: string, peer: string, context: unknown, args: Term[] = []): ConstraintCall {
  return { key, name: key.split('/')[0] as string, args, peer, role: 'r', roleTerm: atom('r'), context, span: SPAN }
}

const local = { im: IM }

async function ask (h: Host, key: string, args: Term[] = [], context: unknown = local): Promise<unknown> {
  const fn = h.fns[key]
  assert.ok(fn !== undefined, key)
  return await fn(args, call(key, 'self', context, args))
}

function valueOf (out: unknown, i: number): string {
  assert.ok(Array.isArray(out), `expected bindings, got ${String(out)}`)
  return termToString(deref(out[i] as Term))
}

test('drain: a cordoned host is overloaded with Need = all its VMs, and never plays or offers an accepting role', async () => {
  const clock = new ManualClock(0)
  const fabric = createMemoryFabric()
  // 0.75 cores on 4: well under the mean of 0.5, and one idle VM
  const h = await host('A', clock, fabric, [0.5, 0.25, 0], true)
  h.cluster.mean = 0.5
  h.cluster.reports = [{ load: 0.9, cordoned: false }, { load: 0.1, cordoned: false }]
  await warm(clock, h)
  const status = await ask(h, 'getPeerState/1', [variable('S')])
  assert.equal(valueOf(status, 0), '0.75', 'Need is every core its VMs use')
  assert.equal(h.model.current.need, 0.75)
  assert.equal(await ask(h, 'isOverLoaded/0'), true)
  assert.equal(await ask(h, 'isUnderLoaded/0'), false)
  for (let i = 0; i < 20; i++) {
    assert.equal(await ask(h, 'canAbsorb/1', [variable('C')]), false, 'a cordoned host never offers to take load')
    assert.equal(await ask(h, 'canRelieve/2', [atom('underloaded'), variable('N')]), false)
    await clock.advance(1000)
    await h.model.refresh(true)
  }
  assert.equal(await ask(h, 'isMigrationPossible/2', [num(10), num(0.1)]), false)
  await h.hv.close()
})

test('cooldown: a VM that moved is not picked again within cooldownMs, by migration/2 nor by the partner choice', async () => {
  const clock = new ManualClock(0)
  const fabric = createMemoryFabric()
  const a = await host('A', clock, fabric, [0.5, 0.4, 0.3]) // 1.2 cores: 0.3 of 4, mean 0.2 -> over
  const b = await host('B', clock, fabric, [])
  a.cluster.mean = b.cluster.mean = 0.2
  await warm(clock, a, b)
  a.model.coolDown('A-vm0') // the best single move (0.5) is cooling down
  const ctx: ConstraintContext = {
    interaction: 'i1', im: IM, coordinator: 'A', notes: {},
    participants: { B: { role: { f: 'underloaded', args: [0.8] }, args: { migrateUri: 'memory://B', capacity: 0.8, headroom: 0.96, shortfall: 0.64 } } }
  }
  const moving = ask(a, 'migration/2', [atom('A'), atom('B')], ctx)
  await clock.advance(5000)
  assert.equal(await moving, true)
  const moved = (ctx.notes.moved as Array<{ vm: string }>).map(m => m.vm)
  assert.ok(moved.length >= 1 && !moved.includes('A-vm0'), `moved ${moved.join()}`)
  for (const vm of moved) assert.ok(a.model.inCooldown(vm), 'the VM that left cools down on its source')
  assert.ok(!a.model.movable().some(d => d.name === 'A-vm0'))
  await clock.advance(60_000)
  await a.model.refresh(true)
  assert.ok(a.model.movable().some(d => d.name === 'A-vm0'), 'after the cooldown it may move again')
  await a.hv.close(); await b.hv.close()
})

test('drain: one migration/2 moves every VM that fits the partner\'s headroom, one after another, cooling down or not', async () => {
  const clock = new ManualClock(0)
  const fabric = createMemoryFabric()
  const a = await host('A', clock, fabric, [0.5, 0.25, 0.2, 0], true) // 0.95 cores
  const b = await host('B', clock, fabric, [])
  a.cluster.mean = b.cluster.mean = 0.2
  a.cluster.reports = [{ load: 0.1, cordoned: false }]
  await warm(clock, a, b)
  a.model.coolDown('A-vm1') // arrived recently: a drain takes it all the same
  const drain = async (id: string, headroom: number): Promise<string[]> => {
    const ctx: ConstraintContext = {
      interaction: id, im: IM, coordinator: 'A', notes: {},
      participants: { B: { role: { f: 'underloaded', args: [0.4] }, args: { migrateUri: 'memory://B', capacity: 0.4, headroom, shortfall: 0 } } }
    }
    const moving = ask(a, 'migration/2', [atom('A'), atom('B')], ctx)
    for (let i = 0; i < 20; i++) await clock.advance(1000)
    assert.equal(await moving, true)
    return (ctx.notes.moved as Array<{ vm: string }>).map(m => m.vm).sort()
  }
  assert.deepEqual(await drain('d1', 0.8), ['A-vm0', 'A-vm1', 'A-vm3'], 'largest first within the headroom (0.75 of 0.8), the idle VM too')
  assert.deepEqual((await b.hv.list()).map(d => d.name).sort(), ['A-vm0', 'A-vm1', 'A-vm3'], 'all three arrived')
  assert.deepEqual(await drain('d2', 0.3), ['A-vm2'], 'the rest to the next partner')
  await a.hv.close(); await b.hv.close()
})

test('drain: a batch starts no VM past half the constraint timeout; the rest go in the next interaction', async () => {
  const clock = new ManualClock(0)
  const fabric = createMemoryFabric()
  // 64 MiB at 64 MiB/s: 1 s a VM; a 2 s constraint timeout leaves 1 s for a batch
  const a = await host('A', clock, fabric, [0.3, 0.2, 0.1], true, resolvePolicy({ ...params, constraintTimeoutMs: 2000 }))
  const b = await host('B', clock, fabric, [])
  a.cluster.mean = b.cluster.mean = 0.2
  a.cluster.reports = [{ load: 0.1, cordoned: false }]
  await warm(clock, a, b)
  const ctx: ConstraintContext = {
    interaction: 't1', im: IM, coordinator: 'A', notes: {},
    participants: { B: { role: { f: 'underloaded', args: [2] }, args: { migrateUri: 'memory://B', capacity: 2, headroom: 2, shortfall: 0 } } }
  }
  const moving = ask(a, 'migration/2', [atom('A'), atom('B')], ctx)
  for (let i = 0; i < 10; i++) await clock.advance(500)
  assert.equal(await moving, true)
  assert.deepEqual((ctx.notes.moved as Array<{ vm: string }>).map(m => m.vm), ['A-vm0'])
  assert.deepEqual((await a.hv.list()).map(d => d.name).sort(), ['A-vm1', 'A-vm2'])
  await a.hv.close(); await b.hv.close()
})

test('drain: a balance move outside a drain stays one VM per move', async () => {
  const clock = new ManualClock(0)
  const fabric = createMemoryFabric()
  const a = await host('A', clock, fabric, [0.3, 0.3, 0.3, 0.3]) // 1.2 cores: 0.3 of 4, mean 0.2 -> over
  const b = await host('B', clock, fabric, [])
  a.cluster.mean = b.cluster.mean = 0.2
  await warm(clock, a, b)
  const ctx: ConstraintContext = {
    interaction: 'b1', im: IM, coordinator: 'A', notes: {},
    participants: { B: { role: { f: 'underloaded', args: [0.8] }, args: { migrateUri: 'memory://B', capacity: 0.8, headroom: 0.96, shortfall: 0.64 } } }
  }
  const moving = ask(a, 'migration/2', [atom('A'), atom('B')], ctx)
  for (let i = 0; i < 10; i++) await clock.advance(1000)
  assert.equal(await moving, true)
  assert.equal((ctx.notes.moved as unknown[]).length, 1)
  await a.hv.close(); await b.hv.close()
})

test('drain: after a search that found no partner a cordoned host rests briefly, and a partner announcing anew ends the rest', async () => {
  const clock = new ManualClock(0)
  const h = await host('A', clock, createMemoryFabric(), [0.3, 0.3], true)
  h.cluster.mean = 0.2
  h.cluster.reports = [{ load: 0.2, cordoned: false }]
  await warm(clock, h)
  h.ads.push({ peer: 'B', args: { capacity: 0, headroom: 0, shortfall: 0 }, receivedAt: clock.now() })
  assert.equal(await ask(h, 'isOverLoaded/0'), true)
  const alone: ConstraintContext = { interaction: 'i', im: IM, coordinator: 'A', notes: {}, participants: { A: { role: { a: 'overloaded' }, args: {} } } }
  for (let miss = 0; miss < 4; miss++) {
    assert.equal(await ask(h, 'noPartner/1', [atom('underloaded')], alone), true)
    assert.equal(await ask(h, 'isOverLoaded/0'), false, 'resting')
    await clock.advance(150)
    assert.equal(await ask(h, 'isOverLoaded/0'), true, `the rest lasts 150 ms, not a sample interval or more (miss ${miss})`)
  }
  assert.equal(await ask(h, 'noPartner/1', [atom('underloaded')], alone), true)
  await clock.advance(50)
  assert.equal(await ask(h, 'isOverLoaded/0'), false)
  h.ads[0] = { ...(h.ads[0] as { peer: string, args: Json }), receivedAt: clock.now() } // B announces again
  assert.equal(await ask(h, 'isOverLoaded/0'), true, 'the partner announcing anew ends the rest')
  await h.hv.close()
})

test('cap: with a migration in flight a host accepts no load and starts no move (maxConcurrentMigrations 1)', async () => {
  const clock = new ManualClock(0)
  const fabric = createMemoryFabric()
  const a = await host('A', clock, fabric, [0.5, 0.5, 0.5])
  const b = await host('B', clock, fabric, [])
  const c = await host('C', clock, fabric, [])
  for (const h of [a, b, c]) h.cluster.mean = 0.15
  await warm(clock, a, b, c)
  assert.equal(await ask(b, 'isMigrationPossible/2', [num(1), num(0.5)]), true)
  // a 64 MiB VM at 64 MiB/s: in flight for 1 s of the manual clock
  const inFlight = a.hv.migrate('A-vm2', 'memory://B')
  await clock.advance(100)
  assert.equal(await b.model.migrationsInFlight(), 1)
  assert.equal(await ask(b, 'isMigrationPossible/2', [num(1), num(0.5)]), false, 'B takes nothing while a VM comes in')
  const ctx: ConstraintContext = {
    interaction: 'i2', im: IM, coordinator: 'A', notes: {},
    participants: { C: { role: { a: 'underloaded' }, args: { migrateUri: 'memory://C', capacity: 0.6, headroom: 0.72, shortfall: 0.48 } } }
  }
  assert.equal(await ask(a, 'migration/2', [atom('A'), atom('C')], ctx), false, 'A starts no second migration')
  assert.deepEqual((await c.hv.list()).map(d => d.name), [])
  await clock.advance(2000)
  await inFlight
  assert.equal(await ask(b, 'isMigrationPossible/2', [num(1), num(0.5)]), true)
  for (const h of [a, b, c]) await h.hv.close()
})

test('noPartner: holds when no participant plays the awaited role, then the host rests until the back-off ends or a partner is advertised', async () => {
  const clock = new ManualClock(0)
  const h = await host('A', clock, createMemoryFabric(), [0.6, 0.6, 0.6])
  h.cluster.mean = 0.2
  h.cluster.reports = [{ load: 0.2, cordoned: false }]
  await warm(clock, h)
  await clock.advance(2000); await h.model.refresh(true)
  assert.equal(await ask(h, 'isOverLoaded/0'), true)
  const alone: ConstraintContext = { interaction: 'i', im: IM, coordinator: 'A', notes: {}, participants: { A: { role: { a: 'overloaded' }, args: {} } } }
  const joined: ConstraintContext = { ...alone, participants: { ...alone.participants, B: { role: { a: 'underloaded' }, args: {} } } }
  assert.equal(await ask(h, 'noPartner/1', [atom('underloaded')], joined), false, 'a partner joined: it may not have sent yet')
  assert.equal(await ask(h, 'noPartner/1', [atom('underloaded')], alone), true)
  assert.equal(await ask(h, 'isOverLoaded/0'), false, 'resting after a search that found nobody')
  await clock.advance(1000); await h.model.refresh(true)
  assert.equal(await ask(h, 'isOverLoaded/0'), true, 'the first rest lasts one sample interval')
  // searches that keep failing rest longer (2 intervals), but a new advertiser ends the rest
  assert.equal(await ask(h, 'noPartner/1', [atom('underloaded')], alone), true)
  await clock.advance(1000); await h.model.refresh(true)
  assert.equal(await ask(h, 'isOverLoaded/0'), false)
  h.ads.push({ peer: 'B', args: { capacity: 1, headroom: 1.2, shortfall: 0.5 } })
  assert.equal(await ask(h, 'isOverLoaded/0'), true, 'a host newly advertising underloaded ends the rest')
  await h.hv.close()
})

test('relief: a host in band above the mean offers load to an advertised underloaded host, the most loaded first, after overloaded hosts', async () => {
  const clock = new ManualClock(0)
  const fabric = createMemoryFabric()
  const high = await host('H', clock, fabric, [0.5, 0.45]) // 0.95 cores of 4 = 0.2375: 119 % of 0.2
  const low = await host('L', clock, fabric, [0.5, 0.35]) // 0.85: 106 %
  for (const h of [high, low]) {
    h.cluster.mean = 0.2
    h.cluster.reports = [{ load: 0.2, cordoned: false }, { load: 0.12, cordoned: false }]
  }
  await warm(clock, high, low)
  const relieve = async (h: Host): Promise<unknown> => await ask(h, 'canRelieve/2', [atom('underloaded'), variable('N')])
  assert.equal(await relieve(high), false, 'nobody advertises underloaded')
  // an absorber (in band, shortfall 0) does not count
  for (const h of [high, low]) h.ads.push({ peer: 'X', args: { capacity: 0.1, headroom: 0.2, shortfall: 0 } })
  await clock.advance(10_000); await high.model.refresh(true)
  assert.equal(await relieve(high), false)
  for (const h of [high, low]) h.ads.push({ peer: 'U', args: { capacity: 0.32, headroom: 0.48, shortfall: 0.16 } })
  let tHigh = -1; let tLow = -1
  for (let s = 0; s <= 12 && tLow < 0; s++) {
    if (tHigh < 0 && await relieve(high) !== false) tHigh = s
    if (tLow < 0 && await relieve(low) !== false) tLow = s
    await clock.advance(1000)
    await high.model.refresh(true); await low.model.refresh(true)
  }
  assert.ok(tHigh >= 1 && tHigh < tLow, `the more loaded host relieves first (after ${tHigh} s, the other after ${tLow} s)`)
  const out = await relieve(high)
  assert.equal(valueOf(out, 0), 'underloaded')
  assert.equal(Number(valueOf(out, 1)), high.model.current.need, 'Need: the cores above the mean')
  // while another host is overloaded, relief waits 5 sustain times more
  const late = await host('Q', clock, fabric, [0.5, 0.45])
  late.cluster.mean = 0.2
  late.cluster.reports = [{ load: 0.3, cordoned: false }, { load: 0.12, cordoned: false }]
  late.ads.push({ peer: 'U', args: { capacity: 0.32, headroom: 0.48, shortfall: 0.16 } })
  await warm(clock, late)
  let tLate = -1
  for (let s = 0; s <= 12 && tLate < 0; s++) {
    if (await relieve(late) !== false) tLate = s
    await clock.advance(1000); await late.model.refresh(true)
  }
  assert.ok(tLate >= tHigh + 5, `relief beside an overloaded host waits longer (${tLate} s against ${tHigh} s)`)
  for (const h of [high, low, late]) await h.hv.close()
})

test('absorb: a host in band below the mean offers to take load only while the reports show a host overloaded and none underloaded', async () => {
  const clock = new ManualClock(0)
  const h = await host('A', clock, createMemoryFabric(), [0.5, 0.2]) // 0.7 cores of 4 = 0.175: 87.5 % of 0.2
  h.cluster.mean = 0.2
  h.cluster.reports = [{ load: 0.3, cordoned: false }, { load: 0.15, cordoned: false }] // 150 % and 75 %
  await warm(clock, h)
  const absorb = async (): Promise<unknown> => await ask(h, 'canAbsorb/1', [variable('C')])
  for (let s = 0; s < 8; s++) {
    assert.equal(await absorb(), false, 'an underloaded host is there to take the load first')
    await clock.advance(1000); await h.model.refresh(true)
  }
  h.cluster.reports = [{ load: 0.3, cordoned: false }, { load: 0.17, cordoned: false }]
  let t = -1
  for (let s = 0; s <= 8 && t < 0; s++) {
    const out = await absorb()
    if (out !== false) { t = s; assert.equal(Number(valueOf(out, 0)), h.model.current.capacity, 'Capacity: the cores below the mean') }
    await clock.advance(1000); await h.model.refresh(true)
  }
  assert.ok(t >= 1, `absorbs after its wait (${t} s)`)
  h.cluster.reports = [{ load: 0.22, cordoned: false }, { load: 0.17, cordoned: false }]
  await clock.advance(1000); await h.model.refresh(true)
  assert.equal(await absorb(), false, 'nobody overloaded: nothing to absorb')
  await h.hv.close()
})

test('absorb for a drain: in an idle cluster a host offers to take a draining host\'s idle VMs (capacity 0, Need 0)', async () => {
  const clock = new ManualClock(0)
  const h = await host('A', clock, createMemoryFabric(), [0]) // one idle VM: load 0
  h.cluster.mean = 0
  h.cluster.reports = [{ load: 0, cordoned: false }]
  await warm(clock, h)
  const absorb = async (): Promise<unknown> => await ask(h, 'canAbsorb/1', [variable('C')])
  for (let s = 0; s < 4; s++) {
    assert.equal(await absorb(), false, 'an idle cluster with nobody draining: nothing to do')
    await clock.advance(1000); await h.model.refresh(true)
  }
  h.cluster.reports = [{ load: 0, cordoned: true, domains: 2 }, { load: 0, cordoned: false }]
  let out: unknown = false
  for (let s = 0; s < 4 && out === false; s++) {
    await clock.advance(1000); await h.model.refresh(true)
    out = await absorb()
  }
  assert.equal(Number(valueOf(out, 0)), 0, 'Capacity 0: there is no mean to be below')
  assert.equal(await ask(h, 'isMigrationPossible/2', [num(0), num(0)]), true, 'idle VMs (Need 0) take no room')
  assert.equal(await ask(h, 'isMigrationPossible/2', [num(0), num(0.5)]), false, 'busy VMs do')
  h.cluster.mean = 0.2
  h.cluster.reports = [{ load: 0, cordoned: true, domains: 2 }, { load: 0.1, cordoned: false }]
  await clock.advance(1000); await h.model.refresh(true)
  assert.equal(await absorb(), false, 'a host under the band is there to take the VMs first')
  await h.hv.close()
})
