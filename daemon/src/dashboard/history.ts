// The per-host load history behind the page: one bounded ring of (time, % of mean) points per
// host, and the host's latest reading. A host that stops reporting keeps its line until its last
// point falls out of the window, so a host that left is still seen leaving.
import type { HostLoad, LoadSample, LoadSnapshot } from './types.js'

class Ring {
  private readonly t: Float64Array
  private readonly v: Float64Array
  private start = 0
  size = 0

  constructor (readonly capacity: number) {
    this.t = new Float64Array(capacity)
    this.v = new Float64Array(capacity)
  }

  push (t: number, v: number): void {
    const at = (this.start + this.size) % this.capacity
    this.t[at] = t
    this.v[at] = v
    if (this.size < this.capacity) this.size++
    else this.start = (this.start + 1) % this.capacity
  }

  /** Drops the points older than `t`. */
  dropBefore (t: number): void {
    while (this.size > 0 && this.t[this.start]! < t) {
      this.start = (this.start + 1) % this.capacity
      this.size--
    }
  }

  points (): Array<[number, number]> {
    const out: Array<[number, number]> = []
    for (let i = 0; i < this.size; i++) {
      const k = (this.start + i) % this.capacity
      out.push([this.t[k]!, this.v[k]!])
    }
    return out
  }
}

export interface LoadHistoryInit {
  windowMs: number
  intervalMs: number
  /** At most this many hosts are kept (the page draws one line each); the rest are counted. */
  maxHosts: number
}

export class LoadHistory {
  private readonly hosts = new Map<string, { ring: Ring, latest: HostLoad }>()
  private readonly capacity: number
  private last: LoadSample | null = null
  /** Hosts not kept because maxHosts was reached (reported in the snapshot). */
  dropped = 0

  constructor (private readonly init: LoadHistoryInit) {
    // One point per interval over the window, and slack for a late tick.
    this.capacity = Math.ceil(init.windowMs / init.intervalMs) + 2
  }

  record (sample: LoadSample): void {
    this.last = sample
    let dropped = 0
    for (const h of sample.hosts) {
      let entry = this.hosts.get(h.id)
      if (entry === undefined) {
        if (this.hosts.size >= this.init.maxHosts) { dropped++; continue }
        entry = { ring: new Ring(this.capacity), latest: h }
        this.hosts.set(h.id, entry)
      }
      entry.latest = h
      entry.ring.push(sample.t, h.pct)
    }
    this.dropped = dropped
    const horizon = sample.t - this.init.windowMs
    for (const [id, e] of this.hosts) {
      e.ring.dropBefore(horizon)
      if (e.ring.size === 0) this.hosts.delete(id)
    }
  }

  latest (): LoadSample | null { return this.last }

  has (id: string): boolean { return this.hosts.has(id) }

  snapshot (now: number, band: [number, number], self: string): LoadSnapshot {
    return {
      now,
      band,
      windowMs: this.init.windowMs,
      intervalMs: this.init.intervalMs,
      self,
      hostsDropped: this.dropped,
      hosts: [...this.hosts.values()].sort(byLegendOrder).map(({ ring, latest }) => ({
        id: latest.id,
        name: latest.name,
        series: ring.points(),
        load: latest.load,
        cpus: latest.cpus,
        cordoned: latest.cordoned,
        self: latest.self,
      })),
    }
  }
}

/** This host first, then by name: the legend's order, stable from one sample to the next. */
function byLegendOrder (a: { latest: HostLoad }, b: { latest: HostLoad }): number {
  if (a.latest.self !== b.latest.self) return a.latest.self ? -1 : 1
  return a.latest.name.localeCompare(b.latest.name) || a.latest.id.localeCompare(b.latest.id)
}
