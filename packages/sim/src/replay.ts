// Re-checks a report from its own data: the migrations, applied in order to `initial`, must give
// `final`; the efficacy figures and baselines must follow from hosts, VMs and the two placements;
// the load series must start at `initial` and end at `final`.
import { activeHostsByRound, hostLoads } from './metrics.js'
import type { Placement } from './scenario.js'
import { bandOf, computeBaseline, computeEfficacy, REPORT_FORMAT } from './report.js'
import type { SimReport } from './report.js'

export interface ReplayResult {
  readonly ok: boolean
  readonly problems: readonly string[]
}

const TOL = 1e-3

function samePlacement (a: Placement, b: Placement): string[] {
  const out: string[] = []
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (a[k] !== b[k]) out.push(`${k}: replay gives ${a[k] ?? 'nowhere'}, report says ${b[k] ?? 'nowhere'}`)
  }
  return out
}

function shape (r: unknown): string | null {
  if (typeof r !== 'object' || r === null) return 'not an object'
  const x = r as Record<string, unknown>
  if (x.format !== REPORT_FORMAT) return `format is ${String(x.format)}, expected ${REPORT_FORMAT}`
  for (const k of ['hosts', 'vms', 'migrations']) if (!Array.isArray(x[k])) return `${k} is not a list`
  for (const k of ['initial', 'final', 'efficacy', 'baseline', 'series']) if (typeof x[k] !== 'object' || x[k] === null) return `${k} is missing`
  if (!Array.isArray(x.band) || x.band.length !== 2) return 'band is not [low, high]'
  return null
}

export function replayReport (input: unknown): ReplayResult {
  const bad = shape(input)
  if (bad !== null) return { ok: false, problems: [bad] }
  const r = input as SimReport
  const problems: string[] = []
  const hostIds = new Set(r.hosts.map(h => h.id))
  const placement: Placement = { ...r.initial }
  let lastTime = -Infinity
  r.migrations.forEach((m, i) => {
    const where = `migration ${i} (${m.vm} ${m.from} -> ${m.to})`
    if (m.time < lastTime) problems.push(`${where}: time ${m.time} goes back from ${lastTime}`)
    lastTime = m.time
    if (!hostIds.has(m.to)) problems.push(`${where}: unknown target host`)
    if (m.from === m.to) problems.push(`${where}: moves to its own host`)
    if (placement[m.vm] === undefined) problems.push(`${where}: unknown VM`)
    else if (placement[m.vm] !== m.from) problems.push(`${where}: the VM is on ${placement[m.vm]} at that point`)
    placement[m.vm] = m.to
  })
  problems.push(...samePlacement(placement, r.final))

  const band = bandOf(r)
  const baseline = computeBaseline(r.hosts, r.vms, r.initial, band)
  if (JSON.stringify(baseline) !== JSON.stringify(r.baseline)) problems.push(`baseline: recomputed ${JSON.stringify(baseline)}, report says ${JSON.stringify(r.baseline)}`)
  const off = r.poweredOff ?? []
  for (const h of off) {
    if (!hostIds.has(h)) problems.push(`poweredOff: unknown host ${h}`)
    else if (Object.values(r.final).includes(h)) problems.push(`poweredOff: ${h} still runs VMs in the final placement`)
  }
  const eff = computeEfficacy(r.hosts, r.vms, r.initial, r.final, r.migrations.length, band, baseline, off.length)
  for (const [k, v] of Object.entries(eff) as Array<[keyof typeof eff, number | null]>) {
    if (!(k in r.efficacy)) continue // a report written before the figure existed
    const said = r.efficacy[k]
    const same = v === null || said === null ? v === said : Math.abs(v - said) <= TOL
    if (!same) problems.push(`efficacy.${k}: recomputed ${String(v)}, report says ${String(said)}`)
  }

  const pts = r.series.loads
  if (pts.length === 0) problems.push('series: no points')
  else {
    const check = (label: string, p: Placement, got: readonly number[]): void => {
      const want = hostLoads(r.hosts, r.vms, p)
      if (got.length !== want.length || want.some((w, i) => Math.abs(w - (got[i] as number)) > TOL)) problems.push(`series: the ${label} point does not match the ${label} placement`)
    }
    check('initial', r.initial, pts[0] as number[])
    check('final', r.final, pts[pts.length - 1] as number[])
    if (r.series.times.length !== pts.length) problems.push('series: times and loads differ in length')
    const active = r.series.activeHosts
    if (active !== undefined) {
      const want = activeHostsByRound(r.hosts, r.vms, r.initial, r.migrations, pts.length - 1)
      if (JSON.stringify(want) !== JSON.stringify(active)) problems.push('series: activeHosts does not follow from the migrations')
    }
  }
  return { ok: problems.length === 0, problems }
}
