// The simulated cluster: one memory hypervisor per host on a shared fabric, one memory discovery
// peer per host on a shared network, and one host agent per host built by @parley/runtime's
// createHostAgent, subscribed to the policy IM. The simulator decides nothing here: it places the
// scenario's VMs, sets their CPU demand, and hands everything else to the agents.
import { createMemoryDiscovery, MemoryNetwork } from '@parley/discovery'
import type { MemoryDiscovery } from '@parley/discovery'
import { createMemoryFabric, createMemoryHypervisor } from '@parley/hypervisor'
import type { MemoryHypervisor } from '@parley/hypervisor'
import { createHostAgent } from '@parley/runtime'
import type { HostAgent, HostAgentComponents, HostAgentInit, PolicyParams } from '@parley/runtime'
import type { Logger } from 'pino'
import { PolicyRejectedError, SimAbortedError } from './errors.js'
import type { Scenario, SimVm } from './scenario.js'
import type { VirtualClock } from './virtual-clock.js'

export type AgentFactory = (init: HostAgentInit, components: HostAgentComponents) => HostAgent

/** The runtime's factory: the only way the simulator builds a peer unless a test injects a spy. */
export const RUNTIME_AGENT_FACTORY: AgentFactory = createHostAgent
export const RUNTIME_AGENT_FACTORY_NAME = '@parley/runtime#createHostAgent'

export interface PolicySource {
  /** Where the text came from (for reports). */
  readonly file: string
  /** The subscription name, e.g. `balance`. */
  readonly name: string
  readonly text: string
}

export interface SimHostHandle {
  readonly id: string
  readonly hypervisor: MemoryHypervisor
  readonly discovery: MemoryDiscovery
  readonly agent: HostAgent
}

export interface Cluster {
  readonly hosts: readonly SimHostHandle[]
  readonly network: MemoryNetwork
  /** Starts the agents in host order; throws SimAbortedError if `signal` aborts first. */
  start (signal?: AbortSignal): Promise<void>
  /** Stops the agents (in-flight interactions need the clock to keep moving: see simulate.ts). */
  stop (): Promise<void>
  /** Closes discovery peers and hypervisors, after stop(). */
  close (): Promise<void>
}

export interface ClusterOptions {
  readonly scenario: Scenario
  readonly policy: PolicySource
  readonly params: Partial<PolicyParams>
  /** Memory of every VM; sets the simulated live-migration time (default 1,024 MiB: 1 s at 1 GiB/s). */
  readonly vmMemoryMiB?: number
}

export interface ClusterComponents {
  readonly clock: VirtualClock
  readonly logger: Logger
  readonly agentFactory: AgentFactory
  /** Stops building between hosts (the hosts built so far are closed). */
  readonly signal?: AbortSignal
  /** Called now and then while building, with the number of hosts built so far. */
  readonly onBuilt?: (hosts: number) => void
}

/** vCPUs a VM gets: enough for its demand, so the demand is what it really uses. */
function vcpusFor (v: SimVm): number {
  return Math.max(1, Math.ceil(v.load))
}

export async function buildCluster (o: ClusterOptions, c: ClusterComponents): Promise<Cluster> {
  const { scenario } = o
  const memMiB = o.vmMemoryMiB ?? 1024
  const fabric = createMemoryFabric()
  // one announcement table for all hosts: the network is lossless and zero-latency anyway, and a
  // table per host would cost N updates per announcement (see @parley/discovery's memory network)
  const network = new MemoryNetwork({ seed: scenario.seed, timers: c.clock.timers, sharedAnnouncements: true, clock: c.clock })
  const hvComponents = { logger: c.logger, clock: c.clock }
  const byHost = new Map<string, SimVm[]>(scenario.hosts.map(h => [h.id, []]))
  for (const v of scenario.vms) byHost.get(scenario.initial[v.id] ?? '')?.push(v)
  const hosts: SimHostHandle[] = []
  const closeAll = async (): Promise<void> => {
    await Promise.all(hosts.map(async h => {
      await h.discovery.stop().catch(() => {})
      await h.hypervisor.close()
    }))
  }
  for (const h of scenario.hosts) {
    // building is microtasks only: let timers (an abort deadline) run now and then
    if (hosts.length > 0 && hosts.length % 64 === 0) {
      c.onBuilt?.(hosts.length)
      await new Promise<void>(resolve => setImmediate(resolve))
    }
    if (c.signal?.aborted === true) {
      await closeAll()
      throw new SimAbortedError('setup', hosts.length, 0)
    }
    const vms = byHost.get(h.id) ?? []
    const hypervisor = createMemoryHypervisor({ id: h.id, fabric, cpus: h.capacity, memoryMiB: memMiB * Math.max(64, scenario.vms.length) }, hvComponents)
    for (const v of vms) {
      await hypervisor.define({ name: v.id, vcpus: vcpusFor(v), memoryMiB: memMiB })
      await hypervisor.start(v.id)
      hypervisor.setCpuDemand(v.id, v.load)
    }
    const discovery = await createMemoryDiscovery({ network, peerId: h.id }, { logger: c.logger, clock: c.clock, timers: c.clock.timers })
    let agent: HostAgent
    try {
      agent = c.agentFactory(
        { name: h.id, subscriptions: [{ name: o.policy.name, text: o.policy.text }], policy: o.params },
        { hypervisor, discovery, logger: c.logger, clock: c.clock, timers: c.clock.timers }
      )
    } catch (err) {
      const e = err as { code?: string, message?: string }
      await discovery.stop().catch(() => {})
      await hypervisor.close()
      await closeAll()
      throw new PolicyRejectedError(o.policy.file, `${e.code ?? 'error'}: ${e.message ?? String(err)}`, { cause: err })
    }
    hosts.push({ id: h.id, hypervisor, discovery, agent })
  }
  return {
    hosts,
    network,
    start: async (signal?: AbortSignal) => {
      for (const [i, h] of hosts.entries()) {
        if (i % 64 === 63) {
          await new Promise<void>(resolve => setImmediate(resolve))
          if (signal?.aborted === true) throw new SimAbortedError('setup', hosts.length, 0)
        }
        await h.agent.start()
      }
    },
    stop: async () => { await Promise.all(hosts.map(async h => { await h.agent.stop() })) },
    close: closeAll
  }
}
