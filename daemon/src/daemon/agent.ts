// The seam between parleyd and @parley/runtime: the one place that constructs the host agent.
// The rest of the daemon programs against DaemonAgent, so wiring another agent touches only this file.
import type { Discovery } from '@parley/discovery'
import type { Clock, Hypervisor } from '@parley/hypervisor'
import { createHostAgent, RuntimeError } from '@parley/runtime'
import type { HostAgent, HostAgentStatus } from '@parley/runtime'
import type { Logger } from 'pino'
import type { PolicyConfig } from '../config/index.js'
import { ControlError } from '../control/index.js'

export interface AgentSlot { name: string, imHash: string, role: string, phase: string, interaction: string | null }
export interface AgentInteraction { id: string, imHash: string, coordinator: string, participants: string[], startedAt: number }

export interface AgentView {
  running: boolean
  cordoned: boolean
  slots: AgentSlot[]
  /** Interactions this host coordinates or takes part in now. */
  interactions: AgentInteraction[]
  /** This host's load (CPU cores used / cores) and the cluster mean, once sampled (dashboard). */
  load?: { load: number, mean: number } | null
}

/** An agent event as the daemon relays it (logs, watch, drain, metrics); `type` as in the runtime. */
export interface AgentEvent { type: string, at: number, [field: string]: unknown }

export interface DaemonAgent {
  /** False while no runtime negotiates for this host (status shows runtime: absent). */
  readonly attached: boolean
  start: () => Promise<void>
  /** Lets interactions finish until `signal` aborts, then aborts them cleanly. */
  stop: (signal: AbortSignal) => Promise<void>
  subscribe: (name: string, text: string) => Promise<void>
  unsubscribe: (name: string) => Promise<void>
  status: () => AgentView
  cordon: () => void
  uncordon: () => void
  on: (listener: (e: AgentEvent) => void) => () => void
}

export interface AgentInit { name: string, migrateUri?: string, cordoned: boolean, policy: PolicyConfig }
export interface AgentComponents {
  hypervisor: Hypervisor
  discovery: Discovery
  logger: Logger
  clock: Clock
  /** The runtime's factory (default createHostAgent); tests wrap it to see what the agent is given. */
  create?: typeof createHostAgent
}

/** How often a stopping daemon looks whether its interactions have finished. */
const IDLE_POLL_MS = 200

/** Builds the host agent of @parley/runtime and adapts it to what the daemon needs. */
export async function createAgent (init: AgentInit, components: AgentComponents): Promise<DaemonAgent> {
  const create = components.create ?? createHostAgent
  const agent: HostAgent = create(
    { name: init.name, cordoned: init.cordoned, policy: init.policy, ...(init.migrateUri === undefined ? {} : { migrateUri: init.migrateUri }) },
    { hypervisor: components.hypervisor, discovery: components.discovery, logger: components.logger, clock: components.clock })
  return adaptAgent(agent, components.clock)
}

/** The daemon's view of a runtime host agent (exported for tests with a fake agent). */
export function adaptAgent (agent: HostAgent, clock: Clock): DaemonAgent {
  // When this host joined each interaction it is in (the runtime's status has no start for a lease).
  const joinedAt = new Map<string, number>()
  agent.on(e => {
    if (e.type === 'joined') joinedAt.set(e.interaction, e.at)
    else if (e.type === 'left') joinedAt.delete(e.interaction)
  })
  const busy = (): boolean => {
    const s = agent.status()
    return s.lease !== null || s.coordinating.length > 0
  }
  return {
    attached: true,
    start: async () => { await agent.start() },
    stop: async signal => {
      // Interactions in flight get until `signal` to end on their own; stop() then aborts the rest
      // cleanly (participants are told, leases released, migrations are atomic).
      while (busy() && !signal.aborted) {
        await clock.sleep(IDLE_POLL_MS, signal).catch(() => {})
      }
      await agent.stop()
    },
    subscribe: async (name, text) => {
      try {
        await agent.subscribe({ name, text })
      } catch (e) {
        if (e instanceof RuntimeError) throw new ControlError(e.code, e.message, e.hint ?? 'see the parleyd log for details')
        throw e
      }
    },
    unsubscribe: async name => { await agent.unsubscribe(name) },
    status: () => view(agent.status(), joinedAt),
    cordon: () => { agent.cordon() },
    uncordon: () => { agent.uncordon() },
    on: listener => agent.on(e => { listener(e as unknown as AgentEvent) }),
  }
}

function view (s: HostAgentStatus, joinedAt: ReadonlyMap<string, number>): AgentView {
  const interactions: AgentInteraction[] = s.coordinating.map(i => ({
    id: i.id, imHash: i.imHash, coordinator: i.coordinator, participants: [...i.participants], startedAt: i.startedAt,
  }))
  // A lease held for an interaction another host coordinates: this host takes part in it.
  if (s.lease !== null && !interactions.some(i => i.id === s.lease!.interaction)) {
    interactions.push({ id: s.lease.interaction, imHash: s.lease.imHash, coordinator: s.lease.coordinator, participants: [s.peerId], startedAt: joinedAt.get(s.lease.interaction) ?? Number.NaN })
  }
  return {
    running: s.running,
    cordoned: s.cordoned,
    slots: s.subscriptions.map(x => ({ name: x.name, imHash: x.imHash, role: x.role, phase: x.phase, interaction: x.interaction })),
    interactions,
    load: s.load === null ? null : { load: s.load.load, mean: s.load.mean },
  }
}
