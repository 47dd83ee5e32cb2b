// Message loss and latency on the memory network (seeded): invitations, renewals, constraint calls,
// end/abort messages and gossip are dropped at random. Whatever is lost, no VM is lost or doubled,
// no host is ever in two interactions at once, every migration is inside an interaction, and the
// cluster still balances. PARLEY_SEED replays a run.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MemoryNetwork, createMemoryDiscovery } from '@parley/discovery'
import type { Discovery } from '@parley/discovery'
import { FAST, assertInvariants, buildCluster, inBand, loads, migrations, recordDemand, silent, stopCluster, waitUntil } from './support.js'
import type { HostSpec } from './support.js'

test('lossy network: the invariants hold and the cluster still balances', { timeout: 90_000 }, async (t) => {
  const seed = Number(process.env.PARLEY_SEED ?? Date.now() % 100_000)
  t.diagnostic(`seed ${seed} (PARLEY_SEED=${seed} to replay the loss pattern)`)
  const network = new MemoryNetwork({ seed, dropRate: Number(process.env.PARLEY_DROP ?? 0.05), latencyMs: (from, to) => (from.charCodeAt(from.length - 1) + to.charCodeAt(to.length - 1)) % 7 })
  const discoveries: Discovery[] = []
  for (let i = 0; i < 4; i++) {
    discoveries.push(await createMemoryDiscovery({ network, peerId: `p${i}`, announcementTtlMs: 3000, announceIntervalMs: 500, requestTimeoutMs: 1000 }, { logger: silent }))
  }
  const specs: HostSpec[] = [{ vms: Array(16).fill(0.25) }, { vms: [] }, { vms: [] }, { vms: [] }]
  const c = await buildCluster(specs, discoveries, { ...FAST, constraintTimeoutMs: 1500, leaseTtlMs: 800 })
  recordDemand(c, specs)
  let ok = false
  try {
    for (const h of c.hosts) await h.agent.start()
    ok = await waitUntil(async () => inBand(await loads(c)), 60_000, 100)
  } finally {
    await waitUntil(async () => (await Promise.all(c.hosts.map(async h => await h.hv.list()))).flat().every(d => d.migrating === undefined), 10_000, 20)
    await stopCluster(c)
  }
  const aborts = c.events.filter(e => e.type === 'interaction-aborted' && e.code !== 'RT_NO_PARTNER').length
  t.diagnostic(`balanced=${ok}; ${migrations(c).length} migrations, ${aborts} aborted interactions, ${network.stats.dropped} messages dropped; loads ${(await loads(c)).join(' ')}`)
  await assertInvariants(c)
  assert.ok(ok, 'the cluster did not balance under 5% message loss')
})
