// A cluster of real parleyd processes for the cross-process tests: each with its own data dir,
// control socket and copy of one cluster key, a memory host on the TCP fabric (listen=127.0.0.1:0),
// libp2p on 127.0.0.1 and the first host as the one bootstrap address. Each daemon's agent and
// hypervisor events are recorded through a `watch` stream on its control socket.
import assert from 'node:assert/strict'
import { copyFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { StatusResult, VmsResult } from '../src/control/index.js'
import { callDaemon, ControlClient } from '../src/control/index.js'
import { parley, ROOT, startDaemon } from './daemon-harness.js'
import type { RunningDaemon } from './daemon-harness.js'

export const BALANCE_LCC = join(ROOT, 'ims', 'balance.lcc')

export interface VmPlan { name: string, vcpus: number, memoryMiB: number }
export interface HostPlan { name: string, cpus: number, memoryMiB: number, vms: VmPlan[] }

/** An event seen on a daemon's watch stream. */
export type WatchedEvent = Record<string, unknown> & { source: 'agent' | 'hypervisor', type: string }

export interface ClusterNode {
  plan: HostPlan
  dir: string
  socket: string
  daemon: RunningDaemon
  status: StatusResult
  events: WatchedEvent[]
  watcher: ControlClient
}

export function memoryUri (h: HostPlan, demand: number): string {
  const vms = h.vms.map(v => `${v.name}:${v.vcpus}:${v.memoryMiB}`).join(',')
  return `memory://${h.name}?cpus=${h.cpus}&memory=${h.memoryMiB}&demand=${demand}${vms === '' ? '' : `&vms=${vms}`}&listen=127.0.0.1:0`
}

/** Runs the parley CLI and parses its --json output; fails the test with its stderr otherwise. */
export async function parleyJson<T> (socket: string, ...args: string[]): Promise<T> {
  const r = await parley('--socket', socket, '--json', ...args)
  assert.equal(r.status, 0, `parley ${args.join(' ')} exited ${r.status}: ${r.stderr}`)
  return JSON.parse(r.stdout) as T
}

export interface StartOptions {
  root: string
  /** One cluster key, written by `parley psk new`; each host gets its own copy. */
  psk: string
  demand: number
  bootstrap?: string
  extraArgs: string[]
}

/** Starts one parleyd, waits for it to be ready, opens its watch stream. */
export async function startNode (plan: HostPlan, o: StartOptions): Promise<ClusterNode> {
  const dir = join(o.root, plan.name)
  mkdirSync(dir, { recursive: true })
  const psk = join(dir, 'swarm.key')
  copyFileSync(o.psk, psk)
  const socket = join(dir, 'parley.sock')
  const daemon = startDaemon([
    '--hypervisor', memoryUri(plan, o.demand),
    '--listen', '/ip4/127.0.0.1/tcp/0',
    '--psk', psk,
    '--socket', socket,
    '--data-dir', join(dir, 'data'),
    '--allow-im', 'balance',
    '--shutdown-timeout', '5s',
    ...(o.bootstrap === undefined ? [] : ['--bootstrap', o.bootstrap]),
    ...o.extraArgs,
  ])
  await daemon.waitForLog(l => l.msg === 'ready', 90_000)
  const events: WatchedEvent[] = []
  const watcher = await ControlClient.connect(socket)
  watcher.call('watch', {}, { onEvent: e => { events.push(e as WatchedEvent) } }).catch(() => {})
  const status = await parleyJson<StatusResult>(socket, 'status')
  return { plan, dir, socket, daemon, status, events, watcher }
}

export async function vmsOf (n: ClusterNode): Promise<VmsResult> {
  return await callDaemon<VmsResult>(n.socket, 'vms')
}

/** Cores busy on a host: every running VM it owns keeps demand x vcpus cores busy. */
export function coresOf (vms: VmsResult, demand: number): number {
  return vms.vms.filter(v => v.migrating !== 'in' && v.state === 'running').reduce((sum, v) => sum + v.vcpus * demand, 0)
}

/** Every host's load within [lo, hi] x the mean load. */
export function inBand (loads: number[], lo = 0.8, hi = 1.2): boolean {
  const mean = loads.reduce((a, b) => a + b, 0) / loads.length
  return loads.every(l => l >= lo * mean - 1e-9 && l <= hi * mean + 1e-9)
}

export async function waitUntil (probe: () => Promise<boolean>, timeoutMs: number, everyMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs
  for (;;) {
    if (await probe().catch(() => false)) return true
    if (Date.now() > end) return false
    await new Promise(resolve => setTimeout(resolve, everyMs))
  }
}

/** Stops every node: SIGTERM, then SIGKILL for one that has not exited in `graceMs`. */
export async function stopNodes (nodes: ClusterNode[], graceMs = 15_000): Promise<void> {
  await Promise.all(nodes.map(async n => {
    n.watcher.close()
    const p = n.daemon.proc
    if (p.exitCode !== null || p.signalCode !== null) return
    p.kill('SIGTERM')
    const timer = setTimeout(() => { p.kill('SIGKILL') }, graceMs)
    await n.daemon.exited
    clearTimeout(timer)
  }))
}

/**
 * The invariants of the recorded events: no host in two interactions at once; every move a
 * hypervisor made (migrated-in) was reported by the source's agent as a migration inside an
 * interaction some coordinator started and both ends had joined.
 */
export function assertEventInvariants (nodes: ClusterNode[]): { migrations: number, interactions: number } {
  const byPeer = new Map(nodes.map(n => [n.status.peerId, n]))
  const started = new Set<string>()
  const joined = new Set<string>()
  const moves: WatchedEvent[] = []
  for (const n of nodes) {
    let open: string | undefined
    for (const e of n.events.filter(x => x.source === 'agent')) {
      if (e.type === 'interaction-started') started.add(String(e.interaction))
      else if (e.type === 'migration') moves.push(e)
      else if (e.type === 'joined') {
        assert.equal(open, undefined, `${n.plan.name} joined ${String(e.interaction)} while in ${open}`)
        open = String(e.interaction)
        joined.add(`${n.status.peerId} ${open}`)
      } else if (e.type === 'left') {
        assert.equal(open, e.interaction, `${n.plan.name} left ${String(e.interaction)} but was in ${open}`)
        open = undefined
      }
    }
  }
  for (const m of moves) {
    const where = `migration of ${String(m.vm)} from ${byPeer.get(String(m.from))?.plan.name} to ${byPeer.get(String(m.to))?.plan.name}`
    assert.ok(started.has(String(m.interaction)), `${where} outside a started interaction (${String(m.interaction)})`)
    assert.ok(joined.has(`${String(m.from)} ${String(m.interaction)}`) && joined.has(`${String(m.to)} ${String(m.interaction)}`), `${where}: both ends must have joined ${String(m.interaction)}`)
  }
  // every VM that arrived anywhere arrived through one of those migrations
  const reported = new Map<string, number>()
  for (const m of moves) reported.set(`${String(m.vm)} ${String(m.to)}`, (reported.get(`${String(m.vm)} ${String(m.to)}`) ?? 0) + 1)
  for (const n of nodes) {
    for (const e of n.events.filter(x => x.source === 'hypervisor' && x.type === 'migrated-in')) {
      const key = `${String(e.domain)} ${n.status.peerId}`
      const left = reported.get(key) ?? 0
      assert.ok(left > 0, `${String(e.domain)} arrived on ${n.plan.name} without a migration event inside an interaction`)
      reported.set(key, left - 1)
    }
  }
  return { migrations: moves.length, interactions: new Set(moves.map(m => String(m.interaction))).size }
}
