import type { DomainInfo, HostSample, NodeCapacity } from '../hypervisor.js'
import { SlidingWindow } from './window.js'

export interface DomainLoad {
  name: string
  uuid: string
  /** Cores used on average over the window; null until two samples of the same guest process. */
  cpuCores: number | null
  /** cpuCores / vcpus. */
  cpuOfVcpus: number | null
  /** Memory the guest holds on the host: RSS where known, else the balloon size. */
  memoryKiB: number
}

export interface HostLoad {
  atMs: number
  capacity: NodeCapacity
  /** Cores used by all domains / host cores, as rates over the window. */
  cpu: number
  /** Memory held by all domains / host memory, smoothed over the window. */
  memory: number
  /** Domains whose CPU figure is still unknown (fewer than two samples); counted as 0 in `cpu`. */
  warmingUp: number
  domains: DomainLoad[]
}

export function domainMemoryKiB (d: DomainInfo): number {
  return d.memory.rssKiB ?? d.memory.currentKiB
}

interface Tracked { uuid: string, vcpus: number, running: boolean, cpu: SlidingWindow, memoryKiB: number }

/**
 * Host load from successive HostSamples. CPU utilisation is the CPU-time delta over the window
 * divided by elapsed time, per domain and, normalised by cores x elapsed, per host. A CPU-time
 * that goes backwards means a new guest process (restart, or an incoming migration on libvirt) and
 * restarts that domain's window. Domains absent from a sample are forgotten.
 */
export class LoadTracker {
  private readonly domains = new Map<string, Tracked>()
  private readonly hostMemory: SlidingWindow
  private latest: { atMs: number, capacity: NodeCapacity } | undefined

  constructor (readonly windowMs: number) {
    this.hostMemory = new SlidingWindow(windowMs)
  }

  observe (sample: HostSample): HostLoad {
    const { atMs, capacity } = sample
    const seen = new Set<string>()
    let memoryKiB = 0
    for (const d of sample.domains) {
      if (d.migrating === 'in') continue // not this host's yet
      seen.add(d.name)
      let t = this.domains.get(d.name)
      if (t === undefined || t.uuid !== d.uuid) {
        t = { uuid: d.uuid, vcpus: d.vcpus, running: false, cpu: new SlidingWindow(this.windowMs), memoryKiB: 0 }
        this.domains.set(d.name, t)
      }
      const last = t.cpu.last
      if (last !== undefined && d.cpuTimeNs < last.value) t.cpu.clear()
      t.running = d.state === 'running' || d.state === 'blocked' || d.state === 'paused'
      if (t.running) {
        t.cpu.add(atMs, d.cpuTimeNs)
        t.memoryKiB = domainMemoryKiB(d)
        memoryKiB += t.memoryKiB
      } else {
        t.cpu.clear()
        t.memoryKiB = 0
      }
      t.vcpus = d.vcpus
    }
    for (const name of [...this.domains.keys()]) if (!seen.has(name)) this.domains.delete(name)
    const loads = this.domainLoads()
    this.hostMemory.add(atMs, memoryKiB / capacity.memoryKiB)
    this.latest = { atMs, capacity }
    return this.current(loads)
  }

  load (): HostLoad | null {
    return this.latest === undefined ? null : this.current(this.domainLoads())
  }

  private current (domains: DomainLoad[]): HostLoad {
    const latest = this.latest as { atMs: number, capacity: NodeCapacity }
    return {
      atMs: latest.atMs,
      capacity: latest.capacity,
      // per-domain CPU figures are already rates over the window, so their sum is the smoothed load
      cpu: domains.reduce((s, l) => s + (l.cpuCores ?? 0), 0) / latest.capacity.cpus,
      memory: this.hostMemory.mean() ?? 0,
      warmingUp: domains.filter(d => d.cpuCores === null && this.domains.get(d.name)?.running === true).length,
      domains
    }
  }

  private domainLoads (): DomainLoad[] {
    const out: DomainLoad[] = []
    for (const [name, t] of this.domains) {
      const perMs = t.cpu.rate()
      const cores = perMs === null ? null : perMs / 1e6
      out.push({ name, uuid: t.uuid, cpuCores: cores, cpuOfVcpus: cores === null ? null : cores / t.vcpus, memoryKiB: t.memoryKiB })
    }
    return out
  }
}
