// A live migration that outlasts stallTimeoutMs is work under way, not a stall: the scheduler awaits
// a component before it counts the step, so the coordinator must not abort a long migration.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FAST, assertInvariants, buildCluster, memoryDiscoveries, migrations, stopCluster, waitUntil } from './support.js'

test('a migration longer than the stall timeout completes inside its interaction', async (t) => {
  const discoveries = await memoryDiscoveries(['peer-0', 'peer-1'])
  // 1024 MiB at 800 MiB/s: each migration takes ~1.3 s, four times the stall timeout
  const c = await buildCluster([{ vms: [1, 1, 1] }, { vms: [] }], discoveries, { ...FAST, stallTimeoutMs: 300 }, 800)
  try {
    for (const h of c.hosts) await h.agent.start()
    const moved = await waitUntil(() => migrations(c).length >= 1, 20_000)
    const failed = c.events.filter(e => e.type === 'migration-failed' || (e.type === 'interaction-aborted' && e.code === 'RT_STALLED'))
    t.diagnostic(`migrations ${migrations(c).length}, failed or stalled ${failed.length}`)
    assert.ok(moved, 'no migration completed')
    assert.deepEqual(failed, [])
  } finally {
    await stopCluster(c)
  }
  await assertInvariants(c)
})
