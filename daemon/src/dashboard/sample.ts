// One sample of the cluster as this host sees it: its own load, and the freshest `parley.load`
// report of every other host on the topics of the IMs it runs (read with @parley/runtime's parser,
// the one the agents use). Each load is also taken as % of the cluster mean, the fig. 3 measure.
import type { Announcement } from '@parley/discovery'
import { LOAD_ROLE, parseLoadReport } from '@parley/runtime'
import type { HostLoad, LoadSample, LoadSources } from './types.js'

const NAME_MAX = 64

/** A peer id shortened for the legend: the tail, where peer ids differ (they share a prefix). */
export function shortPeerId (id: string): string {
  return id.length <= 12 ? id : `…${id.slice(-8)}`
}

/**
 * The host name a peer put in an announcement's args (`host`, which the runtime's role
 * announcements carry), if it is a plausible name. The text is shown in the page, so it is bounded
 * and stripped of control characters here; the page inserts it as text, never as markup.
 */
function announcedName (a: Announcement): string | null {
  const args = a.args
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return null
  const v = args.name ?? args.host
  if (typeof v !== 'string') return null
  const clean = v.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, NAME_MAX)
  return clean === '' ? null : clean
}

/**
 * The mean the runtime balances against: a cordoned host's load counts in the sum but the host
 * not in the divisor (that load is to be spread over the others). An idle cluster: every host is
 * at the mean (100 %), as in the simulator's fig. 3.
 */
function pctOfMean (hosts: ReadonlyArray<{ load: number, cordoned: boolean }>): { mean: number, pct: (load: number) => number } {
  const sum = hosts.reduce((s, h) => s + h.load, 0)
  const divisor = Math.max(1, hosts.filter(h => !h.cordoned).length)
  const mean = sum / divisor
  return { mean, pct: load => mean <= 1e-9 ? 100 : round(100 * load / mean) }
}

function agentMean (mean: number): { mean: number, pct: (load: number) => number } {
  return { mean, pct: load => round(100 * load / mean) }
}

function round (x: number): number {
  return Math.round(x * 100) / 100
}

/**
 * `names` remembers the names peers announced: a host announces its name only with a role it plays
 * (an underloaded host while it accepts load), and its legend entry should not lose the name when
 * the role ends. The caller owns the map and prunes it.
 */
export function takeSample (sources: LoadSources, t: number, names = new Map<string, string>()): LoadSample {
  const reports = new Map<string, { load: number, cpus: number, cordoned: boolean, at: number }>()
  for (const im of sources.imHashes()) {
    for (const a of sources.announcements(im)) {
      if (a.withdrawn || a.peerId === sources.peerId) continue
      const name = announcedName(a)
      if (name !== null) names.set(a.peerId, name)
      if (a.role !== LOAD_ROLE) continue
      const r = parseLoadReport(a.peerId, a.args)
      if (r === null) continue
      const prev = reports.get(a.peerId)
      if (prev === undefined || a.receivedAt > prev.at) reports.set(a.peerId, { load: r.load, cpus: r.cpus, cordoned: r.cordoned, at: a.receivedAt })
    }
  }
  const rows: Array<Omit<HostLoad, 'pct'>> = []
  const own = sources.self()
  if (own !== null) rows.push({ id: sources.peerId, name: sources.name, load: own.load, cpus: own.cpus, cordoned: own.cordoned, self: true })
  for (const [id, r] of reports) {
    rows.push({ id, name: names.get(id) ?? shortPeerId(id), load: r.load, cpus: r.cpus, cordoned: r.cordoned, self: false })
  }
  const { mean, pct } = reports.size === 0 && own?.mean !== undefined && own.mean > 0 ? agentMean(own.mean) : pctOfMean(rows)
  return { t, mean: Math.round(mean * 1e4) / 1e4, hosts: rows.map(h => ({ ...h, pct: pct(h.load) })) }
}
