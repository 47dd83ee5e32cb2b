// Shared test scaffolding: a cluster of host agents over memory or libp2p discovery with memory
// hypervisors on one fabric, an event log, and the invariants every run must keep.
import { readFileSync } from 'node:fs'
import assert from 'node:assert/strict'
import { pino } from 'pino'
import type { Logger } from 'pino'
import { createMemoryFabric, createMemoryHypervisor, realClock } from '@parley/hypervisor'
import type { Clock, MemoryFabric, MemoryHypervisor } from '@parley/hypervisor'
import { MemoryNetwork, createMemoryDiscovery } from '@parley/discovery'
import type { Discovery } from '@parley/discovery'
import { createHostAgent } from '../src/index.js'
import type { ElectionRule, HostAgent, HostAgentEvent, PolicyParams } from '../src/index.js'

export const BALANCE = readFileSync(new URL('../../../../ims/balance.lcc', import.meta.url), 'utf8')

export const silent: Logger = pino({ level: process.env.PARLEY_TEST_LOG ?? 'silent' })

/** Fast policy figures for tests: 50 ms samples, 1 s leases. */
export const FAST: Partial<PolicyParams> = {
  sampleIntervalMs: 50,
  loadWindowMs: 150,
  sustainMs: 150,
  cooldownMs: 10_000,
  leaseTtlMs: 1000,
  roleHoldMs: 400,
  stallTimeoutMs: 3000,
  interactionTimeoutMs: 20_000,
  constraintTimeoutMs: 10_000,
  pollIntervalMs: 20,
  arrivalTimeoutMs: 5000
}

export interface HostSpec {
  /** CPU demand (cores) of each VM this host starts with. */
  vms: number[]
  cpus?: number
  cordoned?: boolean
}

export interface TestHost {
  name: string
  hv: MemoryHypervisor
  discovery: Discovery
  agent: HostAgent
}

export interface TestCluster {
  hosts: TestHost[]
  events: HostAgentEvent[]
  fabric: MemoryFabric
  clock: Clock
  /** VM-count snapshots taken synchronously at every event: [owned VM names] */
  snapshots: Array<Promise<string[]>>
  vmNames: string[]
}

export async function buildCluster (specs: HostSpec[], discoveries: Discovery[], policy: Partial<PolicyParams> = FAST, bandwidthMiBs = 65_536, election?: ElectionRule): Promise<TestCluster> {
  const clock = realClock()
  const fabric = createMemoryFabric()
  const events: HostAgentEvent[] = []
  const snapshots: Array<Promise<string[]>> = []
  const hosts: TestHost[] = []
  const vmNames: string[] = []
  for (const [i, spec] of specs.entries()) {
    const name = `h${i}`
    const hv = createMemoryHypervisor({ id: name, fabric, cpus: spec.cpus ?? 4, memoryMiB: 65_536, bandwidthMiBs }, { logger: silent, clock })
    for (const [j, cores] of spec.vms.entries()) {
      const vm = `${name}-vm${j}`
      await hv.define({ name: vm, vcpus: 2, memoryMiB: 1024 })
      await hv.start(vm)
      hv.setCpuDemand(vm, cores)
      vmNames.push(vm)
    }
    const discovery = discoveries[i] as Discovery
    const agent = createHostAgent({ name, policy, cordoned: spec.cordoned === true, subscriptions: [{ name: 'balance', text: BALANCE, ...(election === undefined ? {} : { election }) }] }, { hypervisor: hv, discovery, logger: silent, clock })
    hosts.push({ name, hv, discovery, agent })
  }
  const snapshot = (): Promise<string[]> => {
    // list() computes synchronously: calling it on every host at once is a consistent snapshot
    const lists = hosts.map(h => h.hv.list().catch(() => []))
    return Promise.all(lists).then(ls => ls.flat().filter(d => d.migrating !== 'in').map(d => d.name))
  }
  const trace = process.env.PARLEY_TEST_TRACE === '1'
  const t0 = Date.now()
  for (const h of hosts) {
    h.agent.on(e => {
      events.push(e)
      snapshots.push(snapshot())
      if (trace) console.log(Date.now() - t0, h.name, JSON.stringify({ ...e, at: undefined, host: undefined }))
    })
  }
  return { hosts, events, fabric, clock, snapshots, vmNames }
}

/** Host load as the hypervisor's demand figures say (cores / cpus). */
export async function loads (c: TestCluster): Promise<number[]> {
  const out: number[] = []
  for (const h of c.hosts) {
    const cap = await h.hv.capacity()
    const ds = (await h.hv.list()).filter(d => d.migrating !== 'in')
    let cores = 0
    for (const d of ds) cores += demandOf(d.name, c)
    out.push(cores / cap.cpus)
  }
  return out
}

const demand = new WeakMap<TestCluster, Map<string, number>>()
export function recordDemand (c: TestCluster, specs: HostSpec[]): void {
  const m = new Map<string, number>()
  specs.forEach((s, i) => s.vms.forEach((cores, j) => m.set(`h${i}-vm${j}`, cores)))
  demand.set(c, m)
}
function demandOf (vm: string, c: TestCluster): number {
  return demand.get(c)?.get(vm) ?? 0
}

/** Every host (but the skipped ones) within [lo, hi] x the mean over those hosts. */
export function inBand (ls: number[], lo = 0.8, hi = 1.2, skip: number[] = []): boolean {
  const kept = ls.filter((_, i) => !skip.includes(i))
  const mean = ls.reduce((a, b) => a + b, 0) / kept.length
  return kept.every(l => l >= lo * mean - 1e-9 && l <= hi * mean + 1e-9)
}

export async function memoryDiscoveries (ids: string[]): Promise<Discovery[]> {
  const network = new MemoryNetwork()
  const out: Discovery[] = []
  for (const peerId of ids) out.push(await createMemoryDiscovery({ network, peerId, announcementTtlMs: 5000, announceIntervalMs: 1000 }, { logger: silent }))
  return out
}

export async function stopCluster (c: TestCluster): Promise<void> {
  await Promise.all(c.hosts.map(async h => { await h.agent.stop() }))
  await Promise.all(c.hosts.map(async h => { await h.discovery.stop() }))
}

export async function waitUntil (probe: () => Promise<boolean> | boolean, ms: number, every = 50): Promise<boolean> {
  const end = Date.now() + ms
  for (;;) {
    if (await probe()) return true
    if (Date.now() > end) return false
    await new Promise(resolve => setTimeout(resolve, every))
  }
}

/** The invariants of every run, asserted from the event log and the snapshots. */
export async function assertInvariants (c: TestCluster): Promise<void> {
  // every VM exists exactly once at every event
  const all = [...c.vmNames].sort()
  for (const [i, s] of c.snapshots.entries()) {
    const names = (await s).sort()
    assert.deepEqual(names, all, `VM set changed at event ${i} (${JSON.stringify(c.events[i])})`)
  }
  // no host is ever in two interactions at once
  const open = new Map<string, string>()
  for (const e of c.events) {
    if (e.type === 'joined') {
      assert.equal(open.get(e.host), undefined, `${e.host} joined ${e.interaction} while in ${open.get(e.host)}`)
      open.set(e.host, e.interaction)
    } else if (e.type === 'left') {
      assert.equal(open.get(e.host), e.interaction, `${e.host} left ${e.interaction} but was in ${open.get(e.host)}`)
      open.delete(e.host)
    }
  }
  // every migration happened inside a coordinated interaction both ends had joined
  const started = new Set(c.events.filter(e => e.type === 'interaction-started').map(e => (e as { interaction: string }).interaction))
  const joined = new Set(c.events.filter(e => e.type === 'joined').map(e => `${e.host} ${(e as { interaction: string }).interaction}`))
  for (const e of c.events) {
    if (e.type !== 'migration') continue
    assert.ok(started.has(e.interaction), `migration of ${e.vm} outside a started interaction (${e.interaction})`)
    assert.ok(joined.has(`${e.from} ${e.interaction}`) && joined.has(`${e.to} ${e.interaction}`), `migration of ${e.vm}: both ends must have joined ${e.interaction}`)
  }
}

export function migrations (c: TestCluster): Array<Extract<HostAgentEvent, { type: 'migration' }>> {
  return c.events.filter((e): e is Extract<HostAgentEvent, { type: 'migration' }> => e.type === 'migration')
}
