import assert from 'node:assert/strict'
import { test } from 'node:test'
import { pino } from 'pino'
import {
  createMemoryFabric, createMemoryHypervisor, LoadTracker, ManualClock, type MemoryHypervisor, type MigrationProgress
} from '../src/index.js'
import { owners } from './compliance.js'

function cluster (n: number, opts: { cpus?: number, bandwidthMiBs?: number } = {}): { clock: ManualClock, hosts: MemoryHypervisor[] } {
  const clock = new ManualClock(1_000)
  const fabric = createMemoryFabric()
  const components = { logger: pino({ level: 'silent' }), clock }
  const hosts = Array.from({ length: n }, (_, i) => createMemoryHypervisor(
    { id: `h${i}`, fabric, cpus: opts.cpus ?? 4, memoryMiB: 16384, bandwidthMiBs: opts.bandwidthMiBs ?? 100 }, components))
  return { clock, hosts }
}

async function running (h: MemoryHypervisor, name: string, memoryMiB = 1024, vcpus = 2): Promise<void> {
  await h.define({ name, vcpus, memoryMiB })
  await h.start(name)
}

test('migration takes memory / bandwidth of clock time, with progress every interval', async () => {
  const { clock, hosts: [a, b] } = cluster(2, { bandwidthMiBs: 100 }) as { clock: ManualClock, hosts: [MemoryHypervisor, MemoryHypervisor] }
  await running(a, 'vm1', 1000)
  const progress: MigrationProgress[] = []
  const ownedAt: number[][] = []
  const done = a.migrate('vm1', b.migrationUri, { progressIntervalMs: 1000, onProgress: p => { progress.push(p) } })
  for (let t = 0; t < 10; t++) {
    ownedAt.push(await owners([a, b], 'vm1'))
    await clock.advance(1000)
  }
  const r = await done
  assert.equal(r.elapsedMs, 10_000) // 1000 MiB at 100 MiB/s
  assert.equal(progress.length, 10)
  assert.deepEqual(progress.map(p => p.elapsedMs), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(s => s * 1000))
  assert.equal((progress[4] as MigrationProgress).processedBytes, 500 * 1024 * 1024)
  assert.equal((progress.at(-1) as MigrationProgress).remainingBytes, 0)
  assert.ok(ownedAt.every(o => o.length === 1 && o[0] === 0), 'owned by A until the end')
  assert.deepEqual(await owners([a, b], 'vm1'), [1])
  // B lists an incoming copy while it is on the way
  const c = cluster(2, { bandwidthMiBs: 100 })
  const [x, y] = c.hosts as [MemoryHypervisor, MemoryHypervisor]
  await running(x, 'vm2', 100)
  const p2 = x.migrate('vm2', y.migrationUri)
  await c.clock.advance(500)
  assert.equal((await y.get('vm2')).migrating, 'in')
  assert.equal((await x.get('vm2')).migrating, 'out')
  await c.clock.advance(500)
  await p2
  assert.equal((await y.get('vm2')).migrating, undefined)
})

test('a target that dies mid-migration fails it; the domain keeps running on the source', async () => {
  const { clock, hosts: [a, b] } = cluster(2) as { clock: ManualClock, hosts: [MemoryHypervisor, MemoryHypervisor] }
  await running(a, 'vm1', 1000)
  b.injectFault({ kind: 'die-mid-migration', atFraction: 0.5 })
  const p = a.migrate('vm1', b.migrationUri, { progressIntervalMs: 1000 })
  const settled = p.then(() => undefined, (e: unknown) => e)
  await clock.runAll()
  const err = await settled as { code: string, location: string }
  assert.equal(err.code, 'HV_MIGRATION_FAILED')
  assert.equal(err.location, 'source')
  assert.equal((await a.get('vm1')).state, 'running')
  await assert.rejects(b.list(), { code: 'HV_UNAVAILABLE' })
  b.setReachable(true)
  assert.deepEqual(await owners([a, b], 'vm1'), [0], 'no copy left on the revived target')
  // and it can move once the target is back
  const again = a.migrate('vm1', b.migrationUri)
  await clock.runAll()
  await again
  assert.deepEqual(await owners([a, b], 'vm1'), [1])
})

test('a name clash on the target fails the migration without touching either domain', async () => {
  const { hosts: [a, b] } = cluster(2) as { clock: ManualClock, hosts: [MemoryHypervisor, MemoryHypervisor] }
  await running(a, 'vm1')
  await b.define({ name: 'vm1', vcpus: 1, memoryMiB: 64 })
  await assert.rejects(a.migrate('vm1', b.migrationUri), { code: 'HV_MIGRATION_FAILED', location: 'source' })
  assert.equal((await a.get('vm1')).state, 'running')
  assert.equal((await b.get('vm1')).state, 'shutoff')
  await assert.rejects(a.migrate('vm1', a.migrationUri), { code: 'HV_PEER_UNREACHABLE' })
})

test('a target without room for the guest memory refuses it, and the guest stays running on the source', async () => {
  const { clock, hosts: [a, b] } = cluster(2) as { clock: ManualClock, hosts: [MemoryHypervisor, MemoryHypervisor] }
  // b: 16 GiB; 15 GiB already running there, plus a stopped guest that holds nothing
  await running(b, 'big', 15 * 1024)
  await b.define({ name: 'stopped', vcpus: 1, memoryMiB: 8 * 1024 })
  await running(a, 'vm1', 2048)
  await running(a, 'vm2', 1024)
  // wrapped like every refusal by the target: the migration failed, the domain is on the source
  await assert.rejects(a.migrate('vm1', b.migrationUri), { code: 'HV_MIGRATION_FAILED', location: 'source', message: /1024 MiB of guest memory free, 'vm1' needs 2048 MiB/ })
  assert.equal((await a.get('vm1')).state, 'running')
  assert.deepEqual((await b.list()).map(d => d.name).sort(), ['big', 'stopped'])
  // exactly the room left fits (1 GiB at 100 MiB/s: 11 s of clock time)
  const moved = a.migrate('vm2', b.migrationUri)
  for (let t = 0; t < 12; t++) await clock.advance(1000)
  await moved
  assert.equal((await b.get('vm2')).state, 'running')
  await assert.rejects(a.migrate('vm1', b.migrationUri), { message: /0 MiB of guest memory free/ })
})

test('many concurrent migrations across hosts never lose or duplicate a domain', async () => {
  const { clock, hosts } = cluster(4)
  const names: string[] = []
  for (let i = 0; i < 40; i++) {
    const n = `vm${i}`; names.push(n)
    await running(hosts[i % 4] as MemoryHypervisor, n, 64 + (i % 7) * 64)
  }
  const results: Array<Promise<unknown>> = []
  for (let i = 0; i < 40; i++) {
    const from = hosts[i % 4] as MemoryHypervisor; const to = hosts[(i + 1 + (i % 3)) % 4] as MemoryHypervisor
    const ac = new AbortController()
    if (i % 5 === 0) setImmediate(() => { ac.abort() })
    results.push(from.migrate(`vm${i}`, to.migrationUri, { signal: ac.signal, progressIntervalMs: 100 }).then(() => 'ok', (e: { code: string }) => e.code))
  }
  for (let step = 0; step < 40; step++) {
    for (const n of names) assert.equal((await owners(hosts, n)).length, 1, `${n} at step ${step}`)
    await clock.advance(100)
  }
  await clock.runAll()
  const outcomes = await Promise.all(results)
  assert.ok(outcomes.every(o => o === 'ok' || o === 'HV_MIGRATION_ABORTED'), JSON.stringify(outcomes))
  assert.ok(outcomes.filter(o => o === 'ok').length >= 30)
  for (const n of names) assert.equal((await owners(hosts, n)).length, 1)
})

test('CPU time follows demand x elapsed, capped by vcpus and shared on oversubscription', async () => {
  const { clock, hosts: [h] } = cluster(1, { cpus: 4 }) as { clock: ManualClock, hosts: [MemoryHypervisor] }
  await running(h, 'a', 1024, 2)
  await running(h, 'b', 1024, 8)
  h.setCpuDemand('a', 1.5)
  await clock.advance(2000)
  assert.equal((await h.get('a')).cpuTimeNs, 3e9)
  h.setCpuDemand('a', 5) // more than its 2 vcpus
  await clock.advance(1000)
  assert.equal((await h.get('a')).cpuTimeNs, 5e9)
  h.setCpuDemand('b', 6) // a wants 2, b wants 6: 8 cores on 4, each gets half
  await clock.advance(1000)
  assert.equal((await h.get('a')).cpuTimeNs, 6e9)
  assert.equal((await h.get('b')).cpuTimeNs, 3e9)
  await assert.rejects(async () => { h.setCpuDemand('a', -1) }, { code: 'HV_INVALID_SPEC' })
})

test('load model over the memory backend: measured utilisation matches demand / capacity', async () => {
  const { clock, hosts: [h] } = cluster(1, { cpus: 8 }) as { clock: ManualClock, hosts: [MemoryHypervisor] }
  await running(h, 'web', 2048, 4)
  await running(h, 'db', 4096, 4)
  h.setCpuDemand('web', 3)
  h.setCpuDemand('db', 1)
  h.setMemoryUsage('db', { rssMiB: 3000 })
  const tracker = new LoadTracker(10_000)
  let load = tracker.observe(await h.sample())
  assert.equal(load.warmingUp, 2)
  for (let i = 0; i < 20; i++) {
    await clock.advance(1000)
    load = tracker.observe(await h.sample())
  }
  assert.ok(Math.abs(load.cpu - 4 / 8) < 1e-9, `cpu ${load.cpu}`)
  const web = load.domains.find(d => d.name === 'web')
  assert.ok(web !== undefined && Math.abs((web.cpuCores as number) - 3) < 1e-9 && Math.abs((web.cpuOfVcpus as number) - 0.75) < 1e-9)
  assert.ok(Math.abs(load.memory - (2048 + 3000) / 16384) < 1e-9, `memory ${load.memory}`)
  // a demand step shows up gradually over the window, fully after it
  h.setCpuDemand('web', 7)
  await clock.advance(5000)
  load = tracker.observe(await h.sample())
  assert.ok(load.cpu > 0.5 && load.cpu < 1, `half-way ${load.cpu}`)
  await clock.advance(10_000)
  load = tracker.observe(await h.sample())
  assert.ok(Math.abs(load.cpu - (4 + 1) / 8) < 1e-9, `after window ${load.cpu}`)
})

test('power off needs an empty host; a powered-off host answers nothing and accepts no migration', async () => {
  const { hosts: [a, b] } = cluster(2) as { clock: ManualClock, hosts: [MemoryHypervisor, MemoryHypervisor] }
  await running(a, 'vm1')
  await b.define({ name: 'parked', vcpus: 1, memoryMiB: 64 })
  await assert.rejects(a.powerOff(), { code: 'HV_HOST_BUSY' })
  await b.powerOff()
  assert.equal(b.powerState(), 'off')
  await assert.rejects(b.list(), { code: 'HV_HOST_POWERED_OFF' })
  await assert.rejects(a.migrate('vm1', b.migrationUri), { code: 'HV_PEER_UNREACHABLE' })
  await b.powerOn()
  assert.equal((await b.get('parked')).state, 'shutoff', 'definitions survive power-off')
})
