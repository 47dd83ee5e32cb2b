// What the demo shows at one instant: per host the VMs it owns, the cores they keep busy (each
// guest's demand, as the scenario set it), load = cores / host cores, and the role the balance IM
// has the host in. In band = every host's load / cluster mean within the runtime's [under, over].
import type { DemoCluster } from './cluster.js'

export interface HostSnapshot {
  host: string
  vms: number
  cores: number
  cpus: number
  /** cores / cpus */
  load: number
  role: string
  phase: string
  /** A VM leaving or arriving now. */
  migrating: boolean
}

export interface Snapshot {
  /** ms since the demo started */
  t: number
  hosts: HostSnapshot[]
  mean: number
  inBand: boolean
  /** An interaction or a migration is under way somewhere. */
  busy: boolean
}

export async function takeSnapshot (cluster: DemoCluster, demand: number, band: { under: number, over: number }, t: number): Promise<Snapshot> {
  const hosts = await Promise.all(cluster.hosts.map(async (h): Promise<HostSnapshot> => {
    const hv = h.daemon.host.hypervisor
    const [domains, capacity] = await Promise.all([hv.list().catch(() => []), hv.capacity()])
    const owned = domains.filter(d => d.migrating !== 'in')
    const cores = owned.filter(d => d.state === 'running').reduce((s, d) => s + d.vcpus * demand, 0)
    const agent = h.daemon.host.agent.status()
    const slot = agent.slots[0]
    return {
      host: h.name,
      vms: owned.length,
      cores: round(cores),
      cpus: capacity.cpus,
      load: round(cores / capacity.cpus),
      role: slot?.role ?? '-',
      phase: slot?.phase ?? '-',
      migrating: domains.some(d => d.migrating !== undefined),
    }
  }))
  // the band on exact figures: the rounded ones are for display
  const cores = hosts.map(h => h.cores / h.cpus)
  const exactMean = cores.reduce((s, l) => s + l, 0) / Math.max(1, hosts.length)
  const inBand = cores.every(l => withinBand(l, exactMean, band))
  const mean = round(exactMean)
  const busy = hosts.some(h => h.migrating || h.phase === 'interacting')
  return { t, hosts, mean, inBand, busy }
}

export function withinBand (load: number, mean: number, band: { under: number, over: number }): boolean {
  if (mean <= 0) return true
  const ratio = load / mean
  return ratio >= band.under - 1e-9 && ratio <= band.over + 1e-9
}

export function round (x: number): number {
  return Math.round(x * 1000) / 1000
}
