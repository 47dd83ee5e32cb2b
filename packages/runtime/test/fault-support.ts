// Helpers of the coordinator-kill tests (memory and libp2p): kill at a chosen event, expect the
// participant back in its own loop within 2 x TTL, then count every VM exactly once.
import assert from 'node:assert/strict'
import type { Discovery } from '@parley/discovery'
import type { HostAgentEvent } from '../src/index.js'
import { assertInvariants, waitUntil } from './support.js'
import type { TestCluster } from './support.js'

/** Runs until `when` picks the kill moment, then stops the coordinator's discovery node. */
export async function killCoordinator (c: TestCluster, discoveries: Discovery[], when: (e: HostAgentEvent) => boolean): Promise<{ killedAt: number, interaction: string }> {
  const [h0, h1] = c.hosts as [TestCluster['hosts'][0], TestCluster['hosts'][0]]
  let kill: { killedAt: number, interaction: string } | null = null
  h0.agent.on(e => {
    if (kill === null && when(e)) {
      kill = { killedAt: e.at, interaction: (e as { interaction: string }).interaction }
      void discoveries[0]?.stop()
    }
  })
  h1.agent.on(e => {
    if (kill === null && when(e)) {
      kill = { killedAt: e.at, interaction: (e as { interaction: string }).interaction }
      void discoveries[0]?.stop()
    }
  })
  for (const h of c.hosts) await h.agent.start()
  assert.ok(await waitUntil(() => kill !== null, 15_000, 10), 'the kill moment never came')
  return kill as unknown as { killedAt: number, interaction: string }
}

export async function expectRecovery (c: TestCluster, killedAt: number, interaction: string, ttl: number): Promise<void> {
  // the participant: whoever joined the interaction besides its coordinator
  const joined = c.events.find(e => e.type === 'joined' && e.interaction === interaction && e.host !== e.coordinator)
  assert.ok(joined !== undefined, 'no participant joined the killed interaction')
  const host = c.hosts.find(h => h.agent.peerId === joined.host) as TestCluster['hosts'][0]
  const isLeft = (e: HostAgentEvent): e is Extract<HostAgentEvent, { type: 'left' }> => e.host === host.agent.peerId && e.type === 'left' && e.interaction === interaction
  assert.ok(await waitUntil(() => c.events.some(isLeft), 2 * ttl + 500, 10), 'the participant never left the interaction')
  const ev = c.events.find(isLeft) as Extract<HostAgentEvent, { type: 'left' }>
  assert.equal(ev.outcome, 'expired')
  assert.equal(ev.role, 'idle')
  const after = ev.at - killedAt
  assert.ok(after <= 2 * ttl, `resumed ${after} ms after the kill (TTL ${ttl})`)
  // back in its own loop: no lease, not in that interaction any more
  assert.ok(await waitUntil(() => host.agent.status().lease?.interaction !== interaction && host.agent.status().subscriptions.every(s => s.interaction !== interaction), 500, 10))
}

export async function settleAndCheck (c: TestCluster, discoveries: Discovery[], stopNodes?: () => Promise<void>): Promise<void> {
  // wait for a migration in flight to finish on the hypervisors, then count every VM once
  await waitUntil(async () => (await Promise.all(c.hosts.map(async h => await h.hv.list()))).flat().every(d => d.migrating === undefined), 10_000, 20)
  await Promise.all(c.hosts.map(async h => { await h.agent.stop() }))
  if (stopNodes !== undefined) await stopNodes()
  else await Promise.all(discoveries.map(async d => { await d.stop() }))
  const owned = (await Promise.all(c.hosts.map(async h => await h.hv.list()))).flat().map(d => d.name).sort()
  assert.deepEqual(owned, [...c.vmNames].sort())
  await assertInvariants(c)
}

