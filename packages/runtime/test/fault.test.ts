// Killing the coordinator mid-interaction: its discovery node stops abruptly (no abort, no end
// message). The participant's lease expires and it resumes its local loop within 2 x TTL; the
// hypervisors lose or duplicate no VM (the migration in flight is the hypervisor's atomic op).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MemoryNetwork, createMemoryDiscovery } from '@parley/discovery'
import type { Discovery } from '@parley/discovery'
import type { HostAgentEvent } from '../src/index.js'
import { FAST, assertInvariants, buildCluster, silent, waitUntil } from './support.js'
import type { TestCluster } from './support.js'

const TTL = 1000

async function cluster (bandwidthMiBs: number): Promise<{ c: TestCluster, discoveries: Discovery[] }> {
  const network = new MemoryNetwork()
  const discoveries: Discovery[] = []
  for (let i = 0; i < 2; i++) discoveries.push(await createMemoryDiscovery({ network, peerId: `peer-${i}`, announcementTtlMs: 5000, announceIntervalMs: 1000 }, { logger: silent }))
  const c = await buildCluster([{ vms: Array(8).fill(0.25) }, { vms: [] }], discoveries, { ...FAST, leaseTtlMs: TTL }, bandwidthMiBs)
  return { c, discoveries }
}

/** Runs until `when` picks the kill moment, then stops the coordinator's discovery node. */
async function killCoordinator (c: TestCluster, discoveries: Discovery[], when: (e: HostAgentEvent) => boolean): Promise<{ killedAt: number, interaction: string }> {
  const [h0, h1] = c.hosts as [TestCluster['hosts'][0], TestCluster['hosts'][0]]
  let kill: { killedAt: number, interaction: string } | null = null
  h0.agent.on(e => {
    if (kill === null && when(e)) {
      kill = { killedAt: Date.now(), interaction: (e as { interaction: string }).interaction }
      void discoveries[0]?.stop()
    }
  })
  h1.agent.on(e => {
    if (kill === null && when(e)) {
      kill = { killedAt: Date.now(), interaction: (e as { interaction: string }).interaction }
      void discoveries[0]?.stop()
    }
  })
  for (const h of c.hosts) await h.agent.start()
  assert.ok(await waitUntil(() => kill !== null, 15_000, 10), 'the kill moment never came')
  return kill as unknown as { killedAt: number, interaction: string }
}

async function expectRecovery (c: TestCluster, killedAt: number, interaction: string): Promise<void> {
  const h1 = c.hosts[1] as TestCluster['hosts'][0]
  const left = await waitUntil(() => c.events.some(e => e.host === h1.agent.peerId && e.type === 'left' && e.interaction === interaction), 2 * TTL + 500, 10)
  assert.ok(left, 'the participant never left the interaction')
  const ev = c.events.find(e => e.host === h1.agent.peerId && e.type === 'left' && e.interaction === interaction) as Extract<HostAgentEvent, { type: 'left' }>
  assert.equal(ev.outcome, 'expired')
  assert.equal(ev.role, 'idle')
  const after = Date.now() - killedAt
  assert.ok(after <= 2 * TTL + 200, `resumed ${after} ms after the kill (TTL ${TTL})`)
  // back in its own loop: local phase, no lease
  assert.ok(await waitUntil(() => h1.agent.status().lease === null && h1.agent.status().subscriptions.every(s => s.interaction !== interaction), 500, 10))
}

async function settleAndCheck (c: TestCluster, discoveries: Discovery[]): Promise<void> {
  // wait for a migration in flight to finish on the hypervisors, then count every VM once
  await waitUntil(async () => (await Promise.all(c.hosts.map(async h => await h.hv.list()))).flat().every(d => d.migrating === undefined), 10_000, 20)
  await Promise.all(c.hosts.map(async h => { await h.agent.stop() }))
  await Promise.all(discoveries.map(async d => { await d.stop() }))
  const owned = (await Promise.all(c.hosts.map(async h => await h.hv.list()))).flat().map(d => d.name).sort()
  assert.deepEqual(owned, [...c.vmNames].sort())
  await assertInvariants(c)
}

test('coordinator killed during the migration constraint: lease expires, participant resumes, no VM lost', async () => {
  // 1 GiB at 512 MiB/s: each migration takes 2 s, long enough to kill the coordinator inside it
  const { c, discoveries } = await cluster(512)
  try {
    const { killedAt, interaction } = await killCoordinator(c, discoveries, e => e.type === 'migration-started')
    await expectRecovery(c, killedAt, interaction)
  } finally {
    await settleAndCheck(c, discoveries)
  }
})

test('coordinator killed right after the participant joined: lease expires, participant resumes', async () => {
  const { c, discoveries } = await cluster(65_536)
  try {
    const { killedAt, interaction } = await killCoordinator(c, discoveries, e => e.type === 'joined' && e.host === c.hosts[1]?.agent.peerId)
    await expectRecovery(c, killedAt, interaction)
  } finally {
    await settleAndCheck(c, discoveries)
  }
})
