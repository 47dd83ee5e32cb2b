import type { DomainInfo, DomainState } from '../hypervisor.js'

/** A simulated domain. CPU time is accrued lazily from its demand by CpuAccount. */
export interface MemoryDomain {
  name: string
  uuid: string
  vcpus: number
  maxKiB: number
  currentKiB: number
  rssKiB: number | null
  state: DomainState
  cpuTimeNs: number
  /** Cores the guest wants to use (0..vcpus); set by tests and the simulator. */
  cpuDemand: number
  migrating?: 'in' | 'out'
}

export function toInfo (d: MemoryDomain): DomainInfo {
  const info: DomainInfo = {
    name: d.name,
    uuid: d.uuid,
    state: d.state,
    persistent: true,
    vcpus: d.vcpus,
    memory: { maxKiB: d.maxKiB, currentKiB: d.currentKiB, rssKiB: d.rssKiB },
    cpuTimeNs: Math.floor(d.cpuTimeNs)
  }
  if (d.migrating !== undefined) info.migrating = d.migrating
  return info
}

/**
 * Advances CPU time of running domains to `now`: each gets min(demand, vcpus) cores, scaled down
 * proportionally when the host's cores are oversubscribed (as a fair CPU scheduler would).
 */
export function accrueCpu (domains: Iterable<MemoryDomain>, hostCpus: number, fromMs: number, toMs: number): void {
  const dt = toMs - fromMs
  if (dt <= 0) return
  const running = [...domains].filter(d => d.state === 'running')
  const wanted = running.reduce((sum, d) => sum + Math.min(d.cpuDemand, d.vcpus), 0)
  const scale = wanted > hostCpus ? hostCpus / wanted : 1
  for (const d of running) d.cpuTimeNs += Math.min(d.cpuDemand, d.vcpus) * scale * dt * 1e6
}

/** Deterministic UUID from a seed string, so simulations replay identically. */
export function uuidFrom (seed: string): string {
  let h1 = 0x811c9dc5; let h2 = 0x01000193; let h3 = 0x9e3779b9; let h4 = 0x85ebca6b
  for (let i = 0; i < seed.length; i++) {
    const c = seed.charCodeAt(i)
    h1 = Math.imul(h1 ^ c, 0x01000193); h2 = Math.imul(h2 ^ c, 0x5bd1e995)
    h3 = Math.imul(h3 ^ c, 0x27d4eb2f); h4 = Math.imul(h4 ^ c, 0x165667b1)
  }
  const hex = [h1, h2, h3, h4].map(h => (h >>> 0).toString(16).padStart(8, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}
