// Killing a parleyd process (kill -9) in the middle of a memory+tcp migration between processes:
// a dead destination leaves the VM running on the source; a dead source leaves no incoming copy on
// the destination. Never a lost or doubled VM among the processes that survive.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import type { VmsResult } from '../src/control/index.js'
import { BALANCE_LCC, parleyJson, startNode, stopNodes, vmsOf, waitUntil } from './cross-process-support.js'
import type { ClusterNode, HostPlan, WatchedEvent } from './cross-process-support.js'
import { parley } from './daemon-harness.js'

const DEMAND = 0.5
const POLICY = ['--sample-interval', '500ms', '--sustain', '2s', '--lease-ttl', '5s', '--cooldown', '300s']
// 16 GiB guests: at the memory backend's 1 GiB/s a move takes 16 s, time enough to kill a process
const big = (name: string): HostPlan['vms'][number] => ({ name, vcpus: 4, memoryMiB: 16384 })
const host = (name: string, vms: HostPlan['vms']): HostPlan => ({ name, cpus: 16, memoryMiB: 262144, vms })

const root = mkdtempSync(join(tmpdir(), 'parley-xfault-'))
const nodes: ClusterNode[] = []
after(async () => {
  await stopNodes(nodes)
  rmSync(root, { recursive: true, force: true })
})

async function nextEvent (n: ClusterNode, pred: (e: WatchedEvent) => boolean, timeoutMs: number): Promise<WatchedEvent> {
  let hit: WatchedEvent | undefined
  const ok = await waitUntil(async () => (hit = n.events.find(pred)) !== undefined, timeoutMs, 50)
  assert.ok(ok && hit !== undefined, `no matching event on ${n.plan.name} within ${timeoutMs} ms; last: ${JSON.stringify(n.events.slice(-3))}`)
  return hit
}

async function kill9 (n: ClusterNode): Promise<void> {
  n.daemon.proc.kill('SIGKILL')
  await n.daemon.exited
}

test('kill -9 of the destination, then of the source, in the middle of a memory+tcp migration', { timeout: 300_000 }, async t => {
  const keyFile = join(root, 'cluster.key')
  assert.equal((await parley('psk', 'new', keyFile)).status, 0)
  const h1 = await startNode(host('h1', [big('vm1'), big('vm2'), big('vm3'), big('vm4')]), { root, psk: keyFile, demand: DEMAND, extraArgs: POLICY })
  nodes.push(h1)
  const bootstrap = `${h1.status.addresses.find(a => a.startsWith('/ip4/127.0.0.1/'))!.replace(/\/p2p\/.*$/, '')}/p2p/${h1.status.peerId}`
  const h2 = await startNode(host('h2', []), { root, psk: keyFile, demand: DEMAND, bootstrap, extraArgs: POLICY })
  nodes.push(h2)
  await Promise.all([h1, h2].map(async n => await parleyJson(n.socket, 'subscribe', BALANCE_LCC)))

  // 1. The destination dies mid-transfer: the VM stays on the source, running.
  const toH2 = await nextEvent(h1, e => e.type === 'migration-started' && e.to === h2.status.peerId, 120_000)
  const vm = String(toH2.vm)
  await waitUntil(async () => (await vmsOf(h2)).vms.some(d => d.name === vm && d.migrating === 'in'), 5000, 20)
  await kill9(h2)
  const failed = await nextEvent(h1, e => e.type === 'migration-failed' && e.vm === vm, 60_000)
  assert.ok(['HV_MIGRATION_FAILED', 'HV_PEER_UNREACHABLE'].includes(String(failed.code)), String(failed.code))
  const afterKill = await parleyJson<VmsResult>(h1.socket, 'vms')
  const still = afterKill.vms.find(d => d.name === vm)
  assert.equal(still?.state, 'running', `${vm} runs on h1 after its destination died`)
  assert.equal(still?.migrating, null)
  assert.deepEqual(afterKill.vms.map(d => d.name), ['vm1', 'vm2', 'vm3', 'vm4'], 'h1 lost nothing')
  assert.ok(!h1.events.some(e => e.type === 'migration' && e.vm === vm), 'no migration was reported for it')
  assert.ok(h1.daemon.logs.some(l => l.msg === 'migration failed' && l.domain === vm), 'the source logged the failed migration')
  t.diagnostic(`destination killed during ${vm}: ${String(failed.code)} ${String(failed.reason)}`)

  // 2. A new destination joins; the source dies mid-transfer: the destination drops its copy.
  const h3 = await startNode(host('h3', []), { root, psk: keyFile, demand: DEMAND, bootstrap, extraArgs: POLICY })
  nodes.push(h3)
  await parleyJson(h3.socket, 'subscribe', BALANCE_LCC)
  const toH3 = await nextEvent(h1, e => e.type === 'migration-started' && e.to === h3.status.peerId, 120_000)
  const vm3 = String(toH3.vm)
  assert.ok(await waitUntil(async () => (await vmsOf(h3)).vms.some(d => d.name === vm3 && d.migrating === 'in'), 10_000, 20), 'h3 holds an incoming copy')
  await kill9(h1)
  assert.ok(await waitUntil(async () => (await vmsOf(h3)).vms.length === 0, 30_000, 100), `h3 dropped the incoming copy of ${vm3}`)
  assert.ok(h3.daemon.logs.some(l => l.msg === 'incoming copy dropped' && l.domain === vm3), 'the destination logged the drop')
  assert.equal(h3.daemon.proc.exitCode, null, 'h3 is still running')
  assert.deepEqual((await parleyJson<VmsResult>(h3.socket, 'vms')).vms, [])
})
