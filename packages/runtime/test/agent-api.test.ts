// The agent's public API as the daemon and the simulator use it: subscribe (refusals coded),
// unsubscribe, status, cordon events, and a graceful stop that aborts the interaction it
// coordinates and tells the participant at once (no waiting for the lease to expire).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MemoryNetwork, createMemoryDiscovery } from '@parley/discovery'
import { createMemoryFabric, createMemoryHypervisor, realClock } from '@parley/hypervisor'
import { InvalidInitError, createHostAgent } from '../src/index.js'
import type { HostAgentEvent } from '../src/index.js'
import { FAST, BALANCE, assertInvariants, buildCluster, memoryDiscoveries, silent, waitUntil } from './support.js'

test('subscribe checks and hashes the IM; refusals carry codes; status shows the slot; unsubscribe removes it', async () => {
  const clock = realClock()
  const hv = createMemoryHypervisor({ id: 'h', fabric: createMemoryFabric(), cpus: 2, memoryMiB: 2048 }, { logger: silent, clock })
  const discovery = await createMemoryDiscovery({ network: new MemoryNetwork(), peerId: 'solo' }, { logger: silent })
  const agent = createHostAgent({ name: 'h', policy: FAST }, { hypervisor: hv, discovery, logger: silent, clock })
  const events: HostAgentEvent[] = []
  agent.on(e => { events.push(e) })
  try {
    await agent.start()
    const r = await agent.subscribe({ name: 'balance', text: BALANCE })
    assert.match(r.imHash, /^[0-9a-f]{64}$/)
    await assert.rejects(agent.subscribe({ name: 'balance', text: BALANCE }), { code: 'RT_ALREADY_SUBSCRIBED' })
    await assert.rejects(agent.subscribe({ name: 'other', text: BALANCE }), { code: 'RT_ALREADY_SUBSCRIBED' })
    await assert.rejects(agent.subscribe({ name: 'bad', text: 'r(idle, initial)\na(idle, P) :: null <- noSuchThing() then a(idle, P)' }), (err: unknown) => {
      const e = err as { code: string, hint?: string, diagnostics?: unknown[] }
      return e.code === 'RT_IM_REJECTED' && typeof e.hint === 'string' && (e.diagnostics?.length ?? 0) > 0
    })
    const s = agent.status()
    assert.equal(s.peerId, 'solo')
    assert.equal(s.running, true)
    assert.deepEqual(s.subscriptions.map(x => [x.name, x.imHash, x.phase]), [['balance', r.imHash, 'local']])
    assert.equal(s.lease, null)
    agent.cordon()
    assert.equal(agent.status().cordoned, true)
    agent.uncordon()
    assert.deepEqual(events.filter(e => e.type === 'cordon').map(e => (e as { cordoned: boolean }).cordoned), [true, false])
    assert.equal(await agent.unsubscribe('balance'), true)
    assert.equal(await agent.unsubscribe('balance'), false)
    assert.deepEqual(agent.status().subscriptions, [])
  } finally {
    await agent.stop()
    await discovery.stop()
  }
  assert.equal(agent.status().running, false)
  assert.throws(() => createHostAgent({ name: '', policy: FAST }, { hypervisor: hv, discovery, logger: silent, clock }), InvalidInitError)
  assert.throws(() => createHostAgent({ name: 'x', policy: { overloadRatio: 0.9 } }, { hypervisor: hv, discovery, logger: silent, clock }), { code: 'RT_BAD_CONFIG' })
})

test('stopping the coordinator aborts its interaction and tells the participant at once', async () => {
  // slow migrations (1 GiB at 256 MiB/s = 4 s) so the interaction is still running when stopped
  const c = await buildCluster([{ vms: Array(8).fill(0.25) }, { vms: [] }], await memoryDiscoveries(['p0', 'p1']), { ...FAST, leaseTtlMs: 5000 }, 256)
  const [h0, h1] = c.hosts as [(typeof c.hosts)[0], (typeof c.hosts)[0]]
  try {
    for (const h of c.hosts) await h.agent.start()
    assert.ok(await waitUntil(() => c.events.some(e => e.type === 'migration-started'), 10_000, 10))
    const stoppedAt = Date.now()
    await h0.agent.stop()
    const left = c.events.find(e => e.type === 'left' && e.host === h1.agent.peerId) as Extract<HostAgentEvent, { type: 'left' }> | undefined
    assert.ok(left !== undefined, 'the participant was told before stop() returned')
    assert.equal(left.outcome, 'aborted')
    assert.ok(Date.now() - stoppedAt < 5000, 'without waiting for the 5 s lease')
    const aborted = c.events.find(e => e.type === 'interaction-aborted' && e.host === h0.agent.peerId && e.interaction === left.interaction)
    assert.equal((aborted as { code?: string } | undefined)?.code, 'RT_STOPPED')
    assert.equal(h1.agent.status().lease, null)
  } finally {
    await waitUntil(async () => (await Promise.all(c.hosts.map(async h => await h.hv.list()))).flat().every(d => d.migrating === undefined), 10_000, 20)
    await Promise.all(c.hosts.map(async h => { await h.agent.stop(); await h.discovery.stop() }))
  }
  await assertInvariants(c)
})
