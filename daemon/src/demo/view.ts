// What a view of the demo is told; a terminal view redraws, a JSON view writes lines.
import type { DemoEvent } from './moves.js'
import type { HostSnapshot, Snapshot } from './snapshot.js'

export interface StartInfo {
  logFile: string
  dir: string
  im: string
  band: { under: number, over: number }
  timeoutMs: number
  startupMs: number
  hosts: Array<{ name: string, peerId: string, address: string, socket: string, cpus: number, vms: number }>
}

export type Outcome = 'balanced' | 'timeout' | 'interrupted'

export interface Summary {
  outcome: Outcome
  elapsedMs: number
  migrations: Array<Extract<DemoEvent, { type: 'migration' }>>
  failedMigrations: number
  abortedInteractions: number
  initial: HostSnapshot[]
  /** The last sample before the hosts stopped; moves that finished during the stop are in `migrations` only. */
  final: Snapshot
  band: { under: number, over: number }
  /** Hosts whose parleyd (libp2p node included) did not stop within the stop timeout. */
  lateStops: string[]
  logFile: string
}

export interface DemoView {
  started: (info: StartInfo) => void
  frame: (s: Snapshot) => void
  event: (e: DemoEvent) => void
  /** A note for the operator (stopping, waiting...). */
  note: (text: string) => void
  finished: (summary: Summary) => void
}
