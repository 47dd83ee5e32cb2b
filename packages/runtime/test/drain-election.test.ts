// Cordon/drain (also of idle VMs in an idle cluster) and the election rule on memory discovery and
// memory hypervisors.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { assertInvariants, buildCluster, inBand, loads, memoryDiscoveries, migrations, recordDemand, stopCluster, waitUntil } from './support.js'
import type { HostSpec } from './support.js'

test('a cordoned host drains: it sheds every VM and accepts none; uncordoned, it takes load again', async (t) => {
  const specs: HostSpec[] = [{ vms: [0.25, 0.25], cordoned: true }, { vms: [0.25, 0.25] }, { vms: [0.25, 0.25] }]
  const c = await buildCluster(specs, await memoryDiscoveries(['p0', 'p1', 'p2']))
  recordDemand(c, specs)
  const h0 = c.hosts[0] as (typeof c.hosts)[0]
  try {
    for (const h of c.hosts) await h.agent.start()
    assert.ok(await waitUntil(async () => (await h0.hv.list()).length === 0, 15_000), 'the cordoned host kept VMs')
    assert.ok(inBand(await loads(c), 0.8, 1.2, [0]), 'the drained load is spread over the others')
    assert.ok(!c.events.some(e => e.type === 'advertised' && e.host === h0.agent.peerId && e.role === 'underloaded'), 'a cordoned host never advertises an accepting role')
    assert.equal(h0.agent.status().cordoned, true)
    h0.agent.uncordon()
    assert.ok(await waitUntil(async () => (await h0.hv.list()).length > 0 && inBand(await loads(c)), 15_000), 'uncordoned, it took load again')
    t.diagnostic(`drain and refill: ${migrations(c).length} migrations`)
  } finally {
    await stopCluster(c)
  }
  await assertInvariants(c)
})

test('a cordoned host drains its idle VMs even in an idle cluster (mean load 0: nobody is underloaded)', async (t) => {
  const specs: HostSpec[] = [{ vms: [0, 0, 0], cordoned: true }, { vms: [] }, { vms: [] }]
  const c = await buildCluster(specs, await memoryDiscoveries(['q0', 'q1', 'q2']))
  recordDemand(c, specs)
  const h0 = c.hosts[0] as (typeof c.hosts)[0]
  try {
    for (const h of c.hosts) await h.agent.start()
    assert.ok(await waitUntil(async () => (await h0.hv.list()).length === 0, 15_000), 'the cordoned host kept its idle VMs')
    const others = (await Promise.all(c.hosts.slice(1).map(async h => await h.hv.list()))).flat().map(d => d.name).sort()
    assert.deepEqual(others, ['h0-vm0', 'h0-vm1', 'h0-vm2'])
    assert.ok(!c.events.some(e => e.type === 'advertised' && e.host === h0.agent.peerId), 'the cordoned host never advertises a role')
    t.diagnostic(`idle drain: ${migrations(c).length} migrations`)
  } finally {
    await stopCluster(c)
  }
  await assertInvariants(c)
})

test('election lowest-id: the lower peer id coordinates; the cluster still balances safely', async (t) => {
  // the overloaded host has the highest peer id, so every candidate it invites is elected
  const specs: HostSpec[] = [{ vms: Array(12).fill(0.25) }, { vms: [] }, { vms: [] }]
  const c = await buildCluster(specs, await memoryDiscoveries(['peer-9', 'peer-1', 'peer-2']), undefined, undefined, 'lowest-id')
  recordDemand(c, specs)
  try {
    for (const h of c.hosts) await h.agent.start()
    assert.ok(await waitUntil(async () => inBand(await loads(c)), 20_000), `not balanced: ${(await loads(c)).join(' ')}`)
  } finally {
    await stopCluster(c)
  }
  const started = c.events.filter(e => e.type === 'interaction-started')
  assert.ok(started.length >= 1)
  for (const e of started) assert.notEqual(e.host, 'peer-9', 'the initiator with the highest id never coordinates')
  assert.ok(migrations(c).every(m => m.from === 'peer-9'))
  t.diagnostic(`lowest-id: ${started.length} interactions coordinated by ${[...new Set(started.map(e => e.host))].join(', ')}`)
  await assertInvariants(c)
})
