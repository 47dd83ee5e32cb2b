// The typed configuration parleyd runs with, and where each value came from.
import type { LogLevel, MeanEstimatorName } from './checks.js'
import type { Origin } from './origin.js'

export interface DaemonConfig {
  hypervisor: string
  /** null: let the hypervisor backend derive it from `hypervisor`. */
  migrateUri: string | null
  listen: string[]
  bootstrap: string[]
  psk: string
  socket: string
  dataDir: string
  trust: string[]
  allowIm: string[]
  /** null when the endpoint is off. */
  http: { host: string, port: number } | null
  logLevel: LogLevel
  shutdownTimeoutMs: number
  /** Policy figures for the host agent; keys left unset take the runtime's defaults. */
  policy: PolicyConfig
}

export interface PolicyConfig {
  sampleIntervalMs?: number
  sustainMs?: number
  cooldownMs?: number
  leaseTtlMs?: number
  overloadRatio?: number
  underloadRatio?: number
  minImprovement?: number
  maxConcurrentMigrations?: number
  constraintTimeoutMs?: number
  interactionTimeoutMs?: number
  meanEstimator?: MeanEstimatorName
}

export interface LoadedConfig {
  config: DaemonConfig
  /** Per key name (the YAML/flag name): the origin of its value (of its first item for lists). */
  origins: Record<string, Origin>
  /** The config file read, or null when none was. */
  file: string | null
}

/** Keys whose change SIGHUP applies without a restart. */
export const LIVE_KEYS: ReadonlyArray<keyof DaemonConfig> = ['trust', 'allowIm', 'logLevel']
