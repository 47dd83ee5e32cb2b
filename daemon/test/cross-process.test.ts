// Issue 4: real parleyd processes, each a memory host on the TCP fabric (VMs migrate between the
// processes over memory+tcp), libp2p on 127.0.0.1, joined through ONE bootstrap address, all
// subscribed to ims/balance.lcc. From a skewed start they must end balanced, with every VM on exactly
// one host and every move made inside an interaction. Read through the parley CLI (--json).
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import type { PeersResult, StatusResult, VmsResult } from '../src/control/index.js'
import { callDaemon } from '../src/control/index.js'
import {
  assertEventInvariants, BALANCE_LCC, coresOf, inBand, parleyJson, startNode, stopNodes, vmsOf, waitUntil,
} from './cross-process-support.js'
import type { ClusterNode, HostPlan, VmPlan } from './cross-process-support.js'
import { parley } from './daemon-harness.js'

/** Five by default; PARLEY_XPROC_HOSTS=N tries another size (h1 and h2 keep the load, the rest start empty). */
const N = Math.max(3, Number(process.env.PARLEY_XPROC_HOSTS ?? 5))
const DEMAND = 0.25
/** The agents' policy: quick, but slow enough for five daemons sharing two loaded cores. */
const POLICY = ['--sample-interval', '500ms', '--sustain', '2s', '--lease-ttl', '5s', '--cooldown', '300s', '--overload-ratio', '1.2', '--underload-ratio', '0.8']

const vms = (prefix: string, from: number, to: number, vcpus: number): VmPlan[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ name: `${prefix}${from + i}`, vcpus, memoryMiB: 512 }))
const host = (name: string, list: VmPlan[]): HostPlan => ({ name, cpus: 16, memoryMiB: 65536, vms: list })

// 15 cores in all at demand 0.25 (a 4-vCPU VM weighs 1 core, 2 vCPUs half, 1 vCPU a quarter):
// h1 12 cores (75 %), h2 3 cores, h3-h5 empty. Mean 3 cores, band 2.4-3.6: h1 must shed about 9
// cores to three empty hosts; the mixed grain lets every host land inside the band.
const PLANS: HostPlan[] = [
  host('h1', [...vms('db', 1, 4, 4), ...vms('web', 1, 4, 4), ...vms('app', 1, 6, 2), ...vms('job', 1, 4, 1)]),
  host('h2', [...vms('app', 7, 10, 2), ...vms('job', 5, 8, 1)]),
  ...Array.from({ length: N - 2 }, (_, i) => host(`h${i + 3}`, [])),
]
const ALL_VMS = PLANS.flatMap(p => p.vms.map(v => v.name)).sort()

const root = mkdtempSync(join(tmpdir(), 'parley-xproc-'))
const nodes: ClusterNode[] = []
after(async () => {
  await stopNodes(nodes)
  if (process.env.PARLEY_KEEP_TMP === undefined) rmSync(root, { recursive: true, force: true })
})

interface Snapshot { vms: VmsResult[], statuses: StatusResult[] }

async function snapshot (viaCli: boolean): Promise<Snapshot> {
  if (viaCli) {
    return {
      vms: await Promise.all(nodes.map(async n => await parleyJson<VmsResult>(n.socket, 'vms'))),
      statuses: await Promise.all(nodes.map(async n => await parleyJson<StatusResult>(n.socket, 'status'))),
    }
  }
  return {
    vms: await Promise.all(nodes.map(async n => await vmsOf(n))),
    statuses: await Promise.all(nodes.map(async n => await callDaemon<StatusResult>(n.socket, 'status'))),
  }
}

const loadsOf = (s: Snapshot): number[] => s.vms.map(v => coresOf(v, DEMAND) / v.capacity.cpus)
/** Nothing in flight: no VM migrating, no host in an interaction. */
const quiet = (s: Snapshot): boolean => s.vms.every(v => v.vms.every(d => d.migrating === null)) && s.statuses.every(st => st.interactions.length === 0)
/** Daemons that have exited, with the end of their stderr and last log lines (for failure messages). */
const deaths = (): string => nodes.filter(n => n.daemon.proc.exitCode !== null || n.daemon.proc.signalCode !== null)
  .map(n => `${n.plan.name} exited (${n.daemon.proc.exitCode ?? n.daemon.proc.signalCode}): ${n.daemon.stderr().slice(-500)} ${JSON.stringify(n.daemon.logs.slice(-2))}`).join('; ')
const describeLoads = (s: Snapshot): string => s.vms.map(v => `${v.host} ${coresOf(v, DEMAND).toFixed(2)}c/${v.vms.length}vm`).join(', ')

test(`${N} parleyd processes on the memory TCP fabric form the DHT from one bootstrap address and balance on ims/balance.lcc`, { timeout: 600_000 }, async t => {
  const t0 = Date.now()
  const keyFile = join(root, 'cluster.key')
  const psk = await parley('psk', 'new', keyFile)
  assert.equal(psk.status, 0, psk.stderr)

  const first = await startNode(PLANS[0]!, { root, psk: keyFile, demand: DEMAND, extraArgs: POLICY })
  nodes.push(first)
  const addr = first.status.addresses.find(a => a.startsWith('/ip4/127.0.0.1/tcp/'))
  assert.ok(addr !== undefined, `the bootstrap host listens on 127.0.0.1: ${first.status.addresses.join(' ')}`)
  const bootstrap = addr.includes('/p2p/') ? addr : `${addr}/p2p/${first.status.peerId}`
  nodes.push(...await Promise.all(PLANS.slice(1).map(async p => await startNode(p, { root, psk: keyFile, demand: DEMAND, bootstrap, extraArgs: POLICY }))))
  const started = Date.now()
  for (const n of nodes) {
    assert.equal(n.status.hypervisor.backend, 'memory')
    assert.match(n.status.hypervisor.migrationUri, new RegExp(`^memory\\+tcp://127\\.0\\.0\\.1:\\d+/${n.plan.name}$`), 'the migration URI is derived from the bound port')
  }
  assert.equal(new Set(nodes.map(n => n.status.hypervisor.migrationUri)).size, N)

  // The DHT forms: every host finds peers beyond the bootstrap host.
  const bootId = first.status.peerId
  const formed = await waitUntil(async () => {
    const peers = await Promise.all(nodes.map(async n => await callDaemon<PeersResult>(n.socket, 'peers')))
    return peers[0]!.peers.length >= N - 1 && peers.slice(1).every(p => p.peers.some(x => x.peerId !== bootId))
  }, 120_000, 1000)
  const peerLists = await Promise.all(nodes.map(async n => await parleyJson<PeersResult>(n.socket, 'peers')))
  const counts = peerLists.map((p, i) => `${nodes[i]!.plan.name}:${p.peers.length}`).join(' ')
  assert.ok(formed, `the DHT did not form within 120 s (peers ${counts})`)
  t.diagnostic(`${N} daemons started in ${started - t0} ms; DHT formed after ${Date.now() - started} ms (peers ${counts})`)

  // Subscribe all at once, through the CLI.
  await Promise.all(nodes.map(async n => {
    const r = await parley('--socket', n.socket, '--json', 'subscribe', BALANCE_LCC)
    assert.equal(r.status, 0, `parley subscribe on ${n.plan.name} exited ${r.status}: ${r.stdout} ${r.stderr} ${deaths()}`)
    assert.equal((JSON.parse(r.stdout) as { name: string }).name, 'balance')
  }))
  const subscribed = Date.now()

  // Until balanced and quiet (checked cheaply over the socket, then confirmed through the CLI).
  let final: Snapshot | undefined
  const balanced = await waitUntil(async () => {
    const s = await snapshot(false)
    if (!(quiet(s) && inBand(loadsOf(s)))) return false
    const confirmed = await snapshot(true)
    if (!(quiet(confirmed) && inBand(loadsOf(confirmed)))) return false
    final = confirmed
    return true
  }, 300_000, 2000)
  const last = final ?? await snapshot(true).catch((e: unknown) => assert.fail(`${(e as Error).message} ${deaths()}`))
  t.diagnostic(`balanced=${balanced} ${Date.now() - subscribed} ms after subscribing: ${describeLoads(last)}`)
  assert.ok(balanced, `not balanced within 300 s: ${describeLoads(last)} ${deaths()}`)
  assert.equal(deaths(), '', 'no daemon died')

  // Every VM exists exactly once across the processes, running.
  const owned = last.vms.flatMap(v => v.vms.map(d => d.name)).sort()
  assert.deepEqual(owned, ALL_VMS, 'every VM on exactly one host')
  assert.ok(last.vms.every(v => v.vms.every(d => d.state === 'running')), 'every VM still running')
  assert.ok(last.statuses.every(s => s.vms === last.vms.find(v => v.host === s.hypervisor.host)!.vms.length), 'status agrees with vms')

  // Every move was made inside an interaction, and no host was in two at once.
  const { migrations, interactions } = assertEventInvariants(nodes)
  const home = new Map(PLANS.flatMap(p => p.vms.map(v => [v.name, p.name])))
  const away = last.vms.flatMap(v => v.vms.filter(d => home.get(d.name) !== v.host)).length
  assert.ok(away > 0 && migrations >= away, `${away} VMs are away from their first host, ${migrations} migrations were reported`)
  const moved = nodes.flatMap(n => n.events.filter(e => e.source === 'hypervisor' && e.type === 'migrated-in')).length
  assert.equal(moved, migrations, 'each migration arrived once')
  const failed = nodes.flatMap(n => n.events.filter(e => e.type === 'migration-failed'))
  t.diagnostic(`${migrations} migrations over memory+tcp in ${interactions} interactions; ${failed.length} failed attempts; total ${Date.now() - t0} ms`)
})
