// The coordinator-kill fault over REAL libp2p: 3 nodes on 127.0.0.1; the coordinator's libp2p node
// is stopped while its migration constraint runs. The participant's lease expires and it resumes
// its own loop within 2 x TTL; the memory hypervisors lose or duplicate no VM.
import { test } from 'node:test'
import { FAST } from './support.js'
import { buildCluster } from './support.js'
import { expectRecovery, killCoordinator, settleAndCheck } from './fault-support.js'
import { startLibp2pNodes, stopNodes } from './libp2p-support.js'

const TTL = 3000

test('libp2p: coordinator node stopped during the migration constraint; participant resumes, no VM lost', { timeout: 90_000 }, async () => {
  const nodes = await startLibp2pNodes(3)
  // 1 GiB at 256 MiB/s: a migration takes 4 s, longer than the kill-to-expiry path needs
  const c = await buildCluster([{ vms: Array(8).fill(0.25) }, { vms: [] }, { vms: [] }], nodes,
    { ...FAST, sampleIntervalMs: 100, loadWindowMs: 300, sustainMs: 300, leaseTtlMs: TTL, roleHoldMs: 1500 }, 256)
  try {
    const { killedAt, interaction } = await killCoordinator(c, nodes, e => e.type === 'migration-started')
    await expectRecovery(c, killedAt, interaction, TTL)
  } finally {
    await settleAndCheck(c, nodes, async () => { await stopNodes(nodes) })
  }
})
