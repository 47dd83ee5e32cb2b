// The dashboard's data: one sample of every host this daemon knows, and the JSON the page reads.
import type { Announcement } from '@parley/discovery'

/** This host's own load, from its agent (own announcements never come back over gossip). */
export interface SelfLoad {
  /** CPU cores used / host cores, as the load model measured it. */
  load: number
  /** The host's cores, once known. */
  cpus: number | null
  cordoned: boolean
  /**
   * The agent's own estimate of the cluster mean. Used when no peer reports are heard: a cluster
   * large enough for push-sum averaging publishes none, and this host can still be placed.
   */
  mean?: number
}

/** Where a sample comes from; a narrow view of the daemon so tests can feed it directly. */
export interface LoadSources {
  readonly peerId: string
  readonly name: string
  /** null before the agent's first load sample, or when no runtime is attached. */
  self: () => SelfLoad | null
  /** The IMs this host runs: their topics carry the `parley.load` reports. */
  imHashes: () => string[]
  announcements: (imHash: string, role?: string) => Announcement[]
}

/** One host at one sample. */
export interface HostLoad {
  id: string
  /** The host's name where known, else a short form of its peer id. */
  name: string
  /** CPU cores used / host cores. */
  load: number
  /** load / cluster mean x 100; what fig. 3 plots. */
  pct: number
  /** The host's cores, where known (a peer's report carries them). */
  cpus: number | null
  cordoned: boolean
  self: boolean
}

export interface LoadSample {
  t: number
  mean: number
  hosts: HostLoad[]
}

/** GET /api/load. */
export interface LoadSnapshot {
  now: number
  /** The balanced band in % of the mean: [underload ratio, overload ratio] x 100. */
  band: [number, number]
  windowMs: number
  intervalMs: number
  self: string
  /** Hosts heard from but not kept (more than the history's maxHosts). */
  hostsDropped: number
  hosts: Array<{
    id: string
    name: string
    /** [t (ms since the epoch), load % of the cluster mean], oldest first. */
    series: Array<[number, number]>
    /** The latest absolute load (cores used / cores) and cordon flag. */
    load: number
    cpus: number | null
    cordoned: boolean
    self: boolean
  }>
}
