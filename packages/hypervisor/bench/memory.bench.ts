// Scale of the memory backend and the load model, for the simulator: how fast a cluster of
// simulated hosts can be sampled, tracked and migrated. Prints figures; asserts nothing.
import { pino } from 'pino'
import { createMemoryFabric, createMemoryHypervisor, LoadTracker, ManualClock, type MemoryHypervisor } from '../src/index.js'

const HOSTS = Number(process.env.BENCH_HOSTS ?? 200)
const PER_HOST = Number(process.env.BENCH_DOMAINS ?? 40)
const seed = Number(process.env.PARLEY_SEED ?? 1)
let state = seed
const rand = (): number => { state = (Math.imul(state, 1103515245) + 12345) >>> 0; return state / 2 ** 32 }

function ms (t0: number): number { return performance.now() - t0 }

const clock = new ManualClock(0)
const fabric = createMemoryFabric()
const components = { logger: pino({ level: 'silent' }), clock }
const hosts: MemoryHypervisor[] = []
let t0 = performance.now()
for (let h = 0; h < HOSTS; h++) {
  const hv = createMemoryHypervisor({ id: `h${h}`, fabric, cpus: 32, memoryMiB: 262144, bandwidthMiBs: 1000 }, components)
  hosts.push(hv)
  for (let d = 0; d < PER_HOST; d++) {
    const name = `vm-${h}-${d}`
    await hv.define({ name, vcpus: 4, memoryMiB: 4096 })
    await hv.start(name)
    hv.setCpuDemand(name, rand() * 4)
  }
}
console.log(`seed=${seed} hosts=${HOSTS} domains/host=${PER_HOST} setup=${ms(t0).toFixed(0)} ms`)

const trackers = hosts.map(() => new LoadTracker(60_000))
const ROUNDS = 30
t0 = performance.now()
for (let r = 0; r < ROUNDS; r++) {
  await clock.advance(5000)
  for (let h = 0; h < HOSTS; h++) (trackers[h] as LoadTracker).observe(await (hosts[h] as MemoryHypervisor).sample())
}
const sampleMs = ms(t0)
const observations = ROUNDS * HOSTS
console.log(`sample+observe: ${observations} host observations in ${sampleMs.toFixed(0)} ms = ${(sampleMs / observations * 1000).toFixed(1)} us/host (${PER_HOST} domains)`)

const MIGRATIONS = Math.min(1000, HOSTS * PER_HOST / 2)
t0 = performance.now()
const pending: Array<Promise<unknown>> = []
for (let i = 0; i < MIGRATIONS; i++) {
  const from = i % HOSTS
  const to = (from + 1 + Math.floor(rand() * (HOSTS - 1))) % HOSTS
  pending.push((hosts[from] as MemoryHypervisor).migrate(`vm-${from}-${Math.floor(i / HOSTS)}`, (hosts[to] as MemoryHypervisor).migrationUri, { progressIntervalMs: 500 }))
}
const simulated = await clock.runAll()
const outcomes = await Promise.allSettled(pending)
const wall = ms(t0)
const ok = outcomes.filter(o => o.status === 'fulfilled').length
console.log(`migrations: ${ok}/${MIGRATIONS} ok, ${simulated} ms simulated in ${wall.toFixed(0)} ms wall (${(wall / MIGRATIONS).toFixed(2)} ms wall per migration)`)
const total = (await Promise.all(hosts.map(async h => (await h.list()).length))).reduce((a, b) => a + b, 0)
console.log(`domains after: ${total} (expected ${HOSTS * PER_HOST})`)
const mem = process.memoryUsage()
console.log(`heap used: ${(mem.heapUsed / 2 ** 20).toFixed(1)} MiB`)
