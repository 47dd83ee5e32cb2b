// Convergence of the balance policy on memory discovery and memory hypervisors (real timers):
// N hosts, VMs of 0.1 cores placed on the first fifth of the hosts (seeded), until every host is
// within 80-120% of the mean. Prints time, interactions, migrations and aborts per size.
// PARLEY_SEED replays a placement.
import { FAST, buildCluster, inBand, loads, memoryDiscoveries, migrations, recordDemand, stopCluster, waitUntil, assertInvariants } from '../test/support.js'
import type { HostSpec } from '../test/support.js'

function rng (seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6D2B79F5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const seed = Number(process.env.PARLEY_SEED ?? Date.now() % 100_000)
console.log(`runtime convergence bench, seed ${seed} (PARLEY_SEED=${seed} to replay)`)
const random = rng(seed)

for (const n of [10, 20, 40]) {
  const hot = Math.max(1, Math.floor(n / 5))
  const specs: HostSpec[] = Array.from({ length: n }, () => ({ vms: [] as number[] }))
  for (let i = 0; i < 5 * n; i++) (specs[Math.floor(random() * hot)] as HostSpec).vms.push(0.1)
  const c = await buildCluster(specs, await memoryDiscoveries(specs.map((_, i) => `p${String(i).padStart(3, '0')}`)), { ...FAST, sampleIntervalMs: 100, loadWindowMs: 300, sustainMs: 300 })
  recordDemand(c, specs)
  const t0 = Date.now()
  for (const h of c.hosts) await h.agent.start()
  const ok = await waitUntil(async () => inBand(await loads(c)), 120_000, 100)
  const ms = Date.now() - t0
  await stopCluster(c)
  let safe = 'ok'
  try { await assertInvariants(c) } catch (err) { safe = (err as Error).message }
  const ended = c.events.filter(e => e.type === 'interaction-ended').length
  const aborted = c.events.filter(e => e.type === 'interaction-aborted' && e.code !== 'RT_NO_PARTNER').length
  const final = await loads(c)
  console.log(`hosts=${n} vms=${5 * n} balanced=${ok} time_ms=${ms} interactions_ended=${ended} aborted=${aborted} migrations=${migrations(c).length} ` +
    `load_min=${Math.min(...final).toFixed(3)} load_max=${Math.max(...final).toFixed(3)} invariants=${safe}`)
}
