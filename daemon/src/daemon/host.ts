// What the control methods, metrics and reload act on: one running host's parts.
import type { Libp2pDiscovery } from '@parley/discovery'
import type { Clock, HostInfo, Hypervisor } from '@parley/hypervisor'
import type { Logger } from 'pino'
import type { DaemonConfig, LoadedConfig } from '../config/index.js'
import type { DaemonCounters } from '../metrics/index.js'
import type { DaemonAgent } from './agent.js'
import type { DrainController } from './drain.js'
import type { DaemonLogging } from './logging.js'
import type { SubscriptionJournal, SubscriptionRecord } from './subscriptions.js'

export interface Host {
  readonly version: string
  readonly startedAt: number
  loaded: LoadedConfig
  readonly config: () => DaemonConfig
  readonly logging: DaemonLogging
  readonly log: Logger
  readonly clock: Clock
  readonly hypervisor: Hypervisor
  readonly hostInfo: HostInfo
  readonly discovery: Libp2pDiscovery
  readonly agent: DaemonAgent
  readonly drain: DrainController
  readonly journal: SubscriptionJournal
  /** Current subscriptions by name. */
  readonly subscriptions: Map<string, SubscriptionRecord>
  readonly counters: DaemonCounters
  ready: boolean
  cordoned: boolean
  /** Cordons or uncordons the agent and persists the flag. */
  setCordoned: (cordoned: boolean) => void
}
