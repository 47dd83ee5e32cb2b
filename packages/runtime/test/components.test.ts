// The balance components against memory hypervisors: migration/2 moves best-fit VMs to the
// partner's migrate URI and is idempotent per interaction (a re-sent call moves nothing more);
// waitForMigration/0 holds once the announced VMs are here; cordon refuses load.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ManualClock, createMemoryFabric, createMemoryHypervisor } from '@parley/hypervisor'
import type { MemoryHypervisor } from '@parley/hypervisor'
import { atom, num } from '@parley/lcc'
import type { ConstraintCall, ConstraintFn, Span, Term } from '@parley/lcc'
import { LoadModel, balanceComponents, resolvePolicy } from '../src/index.js'
import type { ConstraintContext, HostAgentEvent } from '../src/index.js'
import { silent } from './support.js'

const SPAN: Span = { start: { offset: 0, line: 1, column: 1 }, end: { offset: 0, line: 1, column: 1 } }
const params = resolvePolicy({ sampleIntervalMs: 20, loadWindowMs: 200, sustainMs: 0 })

function host (id: string, hv: MemoryHypervisor, clock: ManualClock, mean: number, events: unknown[]): { model: LoadModel, fns: Record<string, ConstraintFn> } {
  // with the per-host load reports ('reports', under 200 hosts): one VM per move
  const model = new LoadModel(hv, clock, params, { mean: () => ({ mean, reports: 1 }), reports: () => [], using: 'reports' }, silent, false)
  const fns = balanceComponents({ model, hypervisor: hv, clock, self: () => id, emit: e => { events.push(e) }, arrivalPollMs: 5, arrivalTimeoutMs: 500 })
  return { model, fns }
}

function call (key: string, peer: string, context: ConstraintContext | null, args: Term[] = []): ConstraintCall {
  return { key, name: key.split('/')[0] as string, args, peer, role: 'r', roleTerm: atom('r'), context, span: SPAN }
}

async function run (fn: ConstraintFn | undefined, c: ConstraintCall): Promise<unknown> {
  assert.ok(fn !== undefined)
  return await fn(c.args, c)
}

test('migration/2 moves best-fit VMs once per interaction; waitForMigration holds when they are here', async () => {
  const clock = new ManualClock(0)
  const fabric = createMemoryFabric()
  const a = createMemoryHypervisor({ id: 'A', fabric, cpus: 4, memoryMiB: 8192 }, { logger: silent, clock })
  const b = createMemoryHypervisor({ id: 'B', fabric, cpus: 4, memoryMiB: 8192 }, { logger: silent, clock })
  for (const [name, cores] of [['big', 1], ['mid', 0.5], ['small', 0.25]] as const) {
    await a.define({ name, vcpus: 2, memoryMiB: 64 }); await a.start(name); a.setCpuDemand(name, cores)
  }
  const events: HostAgentEvent[] = []
  const A = host('A', a, clock, 0.25, events) // A: 1.75 cores of 4 = 0.44, mean 0.25 -> need 0.75 cores
  const B = host('B', b, clock, 0.25, events)
  await A.model.refresh(true)
  await clock.advance(100)
  await A.model.refresh(true)
  assert.ok(Math.abs(A.model.current.need - 0.75) < 0.02, `need ${A.model.current.need}`)

  const ctx: ConstraintContext = {
    interaction: 'i1', im: 'x', coordinator: 'A', notes: {},
    participants: { B: { role: { a: 'underloaded' }, args: { migrateUri: 'memory://B', capacity: 1, headroom: 1.2 } } }
  }
  assert.equal(await run(B.fns['waitForMigration/0'], call('waitForMigration/0', 'B', ctx)), false, 'nothing announced yet')
  const moving = run(A.fns['migration/2'], call('migration/2', 'A', ctx, [atom('A'), atom('B')]))
  await clock.advance(1000)
  assert.equal(await moving, true)
  // one VM: big (1.0) would push A under its band (1.75 - 1.0 < 0.8); mid lowers the pair's
  // squared deviation more than small; A, still above its band, will offer again
  assert.deepEqual((await b.list()).map(d => d.name).sort(), ['mid'])
  assert.deepEqual((await a.list()).map(d => d.name).sort(), ['big', 'small'])
  assert.deepEqual((ctx.notes.moved as Array<{ vm: string }>).map(m => m.vm).sort(), ['mid'])
  // re-sent (a retried call): no further move
  assert.equal(await run(A.fns['migration/2'], call('migration/2', 'A', ctx, [atom('A'), atom('B')])), true)
  assert.deepEqual((await a.list()).map(d => d.name).sort(), ['big', 'small'])
  assert.equal(events.filter(e => e.type === 'migration').length, 1)
  assert.equal(await run(B.fns['waitForMigration/0'], call('waitForMigration/0', 'B', ctx)), true)
  // outside an interaction there is nothing to wait for, and nothing to migrate
  assert.equal(await run(B.fns['waitForMigration/0'], call('waitForMigration/0', 'B', null)), true)
  assert.equal(await run(A.fns['migration/2'], call('migration/2', 'A', null, [atom('A'), atom('B')])), false)
  // moved VMs cool down on the source: a new interaction would not pick them even if they came back
  assert.ok(A.model.inCooldown('mid') && B.model.inCooldown('mid'))

  // a cordoned host takes nothing
  B.model.cordoned = true
  assert.equal(await run(B.fns['isMigrationPossible/2'], call('isMigrationPossible/2', 'B', ctx, [num(1), num(0.5)])), false)
  await a.close(); await b.close()
})

test('migration/2 with nothing that fits throws RT_NOTHING_TO_MOVE (the interaction fails at once)', async () => {
  const clock = new ManualClock(0)
  const fabric = createMemoryFabric()
  const a = createMemoryHypervisor({ id: 'A', fabric, cpus: 4, memoryMiB: 8192 }, { logger: silent, clock })
  await a.define({ name: 'huge', vcpus: 4, memoryMiB: 64 }); await a.start('huge'); a.setCpuDemand('huge', 3)
  const A = host('A', a, clock, 0.25, [])
  await A.model.refresh(true)
  await clock.advance(100)
  const ctx: ConstraintContext = {
    interaction: 'i2', im: 'x', coordinator: 'A', notes: {},
    participants: { B: { role: { a: 'underloaded' }, args: { migrateUri: 'memory://B', capacity: 0.5, headroom: 0.7 } } }
  }
  await assert.rejects(async () => await run(A.fns['migration/2'], call('migration/2', 'A', ctx, [atom('A'), atom('B')])), { code: 'RT_NOTHING_TO_MOVE' })
  assert.deepEqual((await a.list()).map(d => d.name), ['huge'])
  await a.close()
})
