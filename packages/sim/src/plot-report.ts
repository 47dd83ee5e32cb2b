// Draws a report's load series to SVG or PNG, chosen by the file name.
import { PlotFormatError } from './errors.js'
import { renderPng, renderSvg } from './plot/index.js'
import type { PlotInput } from './plot/index.js'
import type { SimReport } from './report.js'

export function plotInput (r: SimReport, title?: string): PlotInput {
  const t = title ?? `${r.policy.name}: ${r.hosts.length} hosts, ${r.vms.length} VMs, seed ${r.seed}, ${r.efficacy.migrations} migrations`
  return { times: r.series.times, loads: r.series.loads, band: r.band, title: t, hostNames: r.hosts.map(h => h.id) }
}

export function plotReport (r: SimReport, file: string, title?: string): { format: 'svg' | 'png', bytes: Uint8Array } {
  const p = plotInput(r, title)
  if (/\.svg$/i.test(file)) return { format: 'svg', bytes: new TextEncoder().encode(renderSvg(p)) }
  if (/\.png$/i.test(file)) return { format: 'png', bytes: renderPng(p) }
  throw new PlotFormatError(file)
}
