// The seam between parleyd and @parley/runtime: the one place that constructs the host agent.
// The rest of the daemon programs against DaemonAgent, so wiring another agent touches only this file.
import type { Discovery } from '@parley/discovery'
import type { Clock, Hypervisor } from '@parley/hypervisor'
import type { Logger } from 'pino'

export interface AgentSlot { name: string, imHash: string, role: string, phase: string, interaction: string | null }
export interface AgentInteraction { id: string, imHash: string, coordinator: string, participants: string[], startedAt: number }

export interface AgentView {
  running: boolean
  cordoned: boolean
  slots: AgentSlot[]
  /** Interactions this host coordinates or takes part in now. */
  interactions: AgentInteraction[]
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

export interface AgentInit { name: string, migrateUri?: string, cordoned: boolean }
export interface AgentComponents { hypervisor: Hypervisor, discovery: Discovery, logger: Logger, clock: Clock }

/**
 * @parley/runtime has not landed yet: this agent keeps the subscriptions and the cordon flag so the
 * daemon, its control API and the CLI work end to end, and negotiates nothing (attached: false).
 */
export async function createAgent (init: AgentInit, components: AgentComponents): Promise<DaemonAgent> {
  const log = components.logger.child({ component: 'agent' })
  log.warn('@parley/runtime is not wired in this build: subscriptions are kept but no IM runs')
  const slots = new Map<string, AgentSlot>()
  const listeners = new Set<(e: AgentEvent) => void>()
  let cordoned = init.cordoned
  let running = false
  const emit = (e: AgentEvent): void => { for (const l of listeners) l(e) }
  return {
    attached: false,
    start: async () => { running = true },
    stop: async () => { running = false },
    subscribe: async (name, text) => {
      const { imHash } = await import('./subscriptions.js')
      slots.set(name, { name, imHash: imHash(text), role: '', phase: 'stopped', interaction: null })
    },
    unsubscribe: async name => { slots.delete(name) },
    status: () => ({ running, cordoned, slots: [...slots.values()], interactions: [] }),
    cordon: () => { if (!cordoned) { cordoned = true; emit({ type: 'cordon', at: components.clock.now(), cordoned }) } },
    uncordon: () => { if (cordoned) { cordoned = false; emit({ type: 'cordon', at: components.clock.now(), cordoned }) } },
    on: listener => { listeners.add(listener); return () => { listeners.delete(listener) } },
  }
}
