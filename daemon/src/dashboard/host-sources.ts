// The dashboard's view of a running parleyd: its peer id and name, its agent's own load, the
// announcement tables of the IMs it is subscribed to, and the band its policy balances to.
import { resolvePolicy } from '@parley/runtime'
import type { PolicyConfig } from '../config/index.js'
import type { Host } from '../daemon/host.js'
import type { LoadSources } from './types.js'

export function hostLoadSources (host: Host): LoadSources {
  // The cores are read once (the agent's load status has only the ratio); until then, unknown.
  let cpus: number | null = null
  host.hypervisor.capacity().then(c => { cpus = c.cpus }, () => {})
  return {
    peerId: host.discovery.peerId,
    name: host.hostInfo.id,
    self: () => {
      const load = host.agent.status().load
      return load === undefined || load === null ? null : { load: load.load, cpus, cordoned: host.cordoned, mean: load.mean }
    },
    // The runtime's IM hashes (the gossip topics), which the agent's slots carry.
    imHashes: () => [...new Set(host.agent.status().slots.map(s => s.imHash))],
    announcements: (imHash, role) => host.discovery.announcements(imHash, role),
  }
}

/** The band the page shades: the runtime's underload and overload ratios, in % of the mean. */
export function dashboardBand (policy: PolicyConfig): [number, number] {
  const p = resolvePolicy(policy)
  return [Math.round(p.underloadRatio * 100), Math.round(p.overloadRatio * 100)]
}
