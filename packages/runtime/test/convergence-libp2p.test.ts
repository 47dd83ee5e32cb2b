// The must-show: 10 hosts over REAL libp2p (tcp, noise, yamux, pnet, kad-dht, gossipsub on
// 127.0.0.1) with memory hypervisors on one fabric, all subscribed to ims/balance.lcc, start from a
// skewed load and end with every host inside 80-120% of the mean. Every migration is made inside a
// coordinated interaction, no host is ever in two interactions at once, no VM is lost or doubled.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { PolicyParams } from '../src/index.js'
import { startLibp2pNodes, stopNodes } from './libp2p-support.js'
import { assertInvariants, buildCluster, inBand, loads, migrations, recordDemand, waitUntil } from './support.js'
import type { HostSpec } from './support.js'

const POLICY: Partial<PolicyParams> = {
  sampleIntervalMs: 200,
  loadWindowMs: 600,
  sustainMs: 600,
  cooldownMs: 60_000,
  leaseTtlMs: 5000,
  roleHoldMs: 2000,
  stallTimeoutMs: 6000,
  interactionTimeoutMs: 30_000,
  constraintTimeoutMs: 15_000,
  pollIntervalMs: 50,
  arrivalTimeoutMs: 5000
}

test('10 libp2p hosts converge into the 80-120% band on ims/balance.lcc', { timeout: 150_000 }, async (t) => {
  const nodes = await startLibp2pNodes(10)
  // 50 VMs of 0.1 cores on 4-core hosts: 30 on h0, 20 on h1, none elsewhere (mean 5 VMs per host)
  const specs: HostSpec[] = [{ vms: Array(30).fill(0.1) }, { vms: Array(20).fill(0.1) }, ...Array.from({ length: 8 }, () => ({ vms: [] }))]
  const c = await buildCluster(specs, nodes, POLICY)
  recordDemand(c, specs)
  const t0 = Date.now()
  let balanced = false
  try {
    for (const h of c.hosts) await h.agent.start()
    balanced = await waitUntil(async () => inBand(await loads(c)), 120_000, 200)
    const final = await loads(c)
    const ms = migrations(c)
    const interactions = new Set(c.events.filter(e => e.type === 'interaction-ended').map(e => (e as { interaction: string }).interaction))
    const abortCodes = c.events.flatMap(e => e.type === 'interaction-aborted' && e.code !== 'RT_NO_PARTNER' ? [e.code] : [])
    const aborted = `${abortCodes.length}: ${[...new Set(abortCodes)].join(',')}`
    t.diagnostic(`balanced=${balanced} after ${Date.now() - t0} ms; ${ms.length} migrations in ${new Set(ms.map(m => m.interaction)).size} interactions (${interactions.size} ended, ${aborted} aborted); loads ${final.map(l => l.toFixed(3)).join(' ')}`)
    assert.ok(balanced, `not in band after 120 s: ${final.map(l => l.toFixed(3)).join(' ')}`)
  } finally {
    await Promise.all(c.hosts.map(async h => { await Promise.race([h.agent.stop(), new Promise(resolve => setTimeout(resolve, 5000))]) }))
    await stopNodes(nodes)
  }
  await assertInvariants(c)
})
