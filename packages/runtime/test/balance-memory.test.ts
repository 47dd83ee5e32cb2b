// Three hosts on memory discovery and memory hypervisors: a skewed load ends balanced, every
// migration inside a coordinated interaction, no host in two interactions at once, no VM lost.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MemoryNetwork, createMemoryDiscovery } from '@parley/discovery'
import type { Discovery } from '@parley/discovery'
import { assertInvariants, buildCluster, inBand, loads, migrations, recordDemand, silent, waitUntil } from './support.js'
import type { HostSpec } from './support.js'

test('3 memory hosts: skewed load becomes balanced through coordinated interactions', async (t) => {
  const network = new MemoryNetwork()
  const discoveries: Discovery[] = []
  for (let i = 0; i < 3; i++) discoveries.push(await createMemoryDiscovery({ network, peerId: `peer-${i}`, announcementTtlMs: 5000, announceIntervalMs: 1000 }, { logger: silent }))
  const specs: HostSpec[] = [{ vms: Array(12).fill(0.25) }, { vms: [] }, { vms: [] }]
  const c = await buildCluster(specs, discoveries)
  recordDemand(c, specs)
  const t0 = Date.now()
  try {
    for (const h of c.hosts) await h.agent.start()
    const ok = await waitUntil(async () => inBand(await loads(c)), 20_000)
    const elapsed = Date.now() - t0
    const final = await loads(c)
    t.diagnostic(`3 memory hosts: balanced=${ok} in ${elapsed} ms, ${migrations(c).length} migrations, loads ${final.map(l => l.toFixed(3)).join(' ')}`)
    assert.ok(ok, `not balanced: ${final.join(', ')}`)
    // stable once balanced: no ping-pong over the next 40 sample intervals
    const moved = migrations(c).length
    await new Promise(resolve => setTimeout(resolve, 2000))
    assert.equal(migrations(c).length, moved, 'VMs kept moving after the cluster was balanced')
    assert.ok(inBand(await loads(c)))
  } finally {
    await Promise.all(c.hosts.map(async h => { await h.agent.stop() }))
    await Promise.all(discoveries.map(async d => { await d.stop() }))
  }
  assert.ok(migrations(c).length >= 2)
  await assertInvariants(c)
})
