// Killing the coordinator mid-interaction: its discovery node stops abruptly (no abort, no end
// message). The participant's lease expires and it resumes its local loop within 2 x TTL; the
// hypervisors lose or duplicate no VM (the migration in flight is the hypervisor's atomic op).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MemoryNetwork, createMemoryDiscovery } from '@parley/discovery'
import type { Discovery } from '@parley/discovery'
import { expectRecovery, killCoordinator, settleAndCheck } from './fault-support.js'
import { FAST, buildCluster, silent } from './support.js'
import type { TestCluster } from './support.js'

const TTL = 1000

async function cluster (bandwidthMiBs: number): Promise<{ c: TestCluster, discoveries: Discovery[] }> {
  const network = new MemoryNetwork()
  const discoveries: Discovery[] = []
  for (let i = 0; i < 2; i++) discoveries.push(await createMemoryDiscovery({ network, peerId: `peer-${i}`, announcementTtlMs: 5000, announceIntervalMs: 1000 }, { logger: silent }))
  const c = await buildCluster([{ vms: Array(8).fill(0.25) }, { vms: [] }], discoveries, { ...FAST, leaseTtlMs: TTL }, bandwidthMiBs)
  return { c, discoveries }
}

test('coordinator killed during the migration constraint: lease expires, participant resumes, no VM lost', async () => {
  // 1 GiB at 512 MiB/s: each migration takes 2 s, long enough to kill the coordinator inside it
  const { c, discoveries } = await cluster(512)
  try {
    const { killedAt, interaction } = await killCoordinator(c, discoveries, e => e.type === 'migration-started')
    await expectRecovery(c, killedAt, interaction, TTL)
  } finally {
    await settleAndCheck(c, discoveries)
  }
})

test('coordinator killed right after the participant joined: lease expires, participant resumes', async () => {
  const { c, discoveries } = await cluster(65_536)
  try {
    const { killedAt, interaction } = await killCoordinator(c, discoveries, e => e.type === 'joined' && e.host === c.hosts[1]?.agent.peerId)
    await expectRecovery(c, killedAt, interaction, TTL)
  } finally {
    await settleAndCheck(c, discoveries)
  }
})
