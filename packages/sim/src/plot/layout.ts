// Geometry shared by the SVG and PNG plots of a run: per-host load in % of the cluster mean over
// time (the 2012 paper's fig. 3), with the band shaded.
import { percentOfMean } from '../metrics.js'

export interface PlotInput {
  /** Virtual time (ms) of each point. */
  readonly times: readonly number[]
  /** loads[point][host], any unit: plotted as % of each point's mean. */
  readonly loads: ReadonlyArray<readonly number[]>
  /** In % of the mean, e.g. [80, 120]. */
  readonly band: readonly [number, number]
  readonly title?: string
  readonly hostNames?: readonly string[]
}

export interface Layout {
  readonly width: number
  readonly height: number
  readonly left: number
  readonly right: number
  readonly top: number
  readonly bottom: number
  readonly xMax: number
  readonly yMax: number
  x (t: number): number
  y (pct: number): number
  readonly xTicks: readonly number[]
  readonly yTicks: readonly number[]
  /** One polyline per host, in pixels. */
  readonly lines: ReadonlyArray<ReadonlyArray<readonly [number, number]>>
  readonly colors: readonly string[]
}

function niceStep (range: number, target: number): number {
  const raw = range / Math.max(1, target)
  const mag = 10 ** Math.floor(Math.log10(raw))
  for (const m of [1, 2, 2.5, 5, 10]) if (m * mag >= raw) return m * mag
  return 10 * mag
}

function ticks (max: number, target: number): number[] {
  if (max <= 0) return [0]
  const step = niceStep(max, target)
  const out: number[] = []
  for (let v = 0; v <= max + 1e-9; v += step) out.push(Math.round(v * 1e6) / 1e6)
  return out
}

/** Distinct colours around the hue circle, alternating lightness so neighbours differ. */
export function palette (n: number): string[] {
  const out: string[] = []
  for (let i = 0; i < n; i++) {
    const h = Math.round((i * 360 / Math.max(1, n)) + (i % 2) * 17) % 360
    const l = i % 3 === 0 ? 38 : i % 3 === 1 ? 50 : 30
    out.push(hslToHex(h, 70, l))
  }
  return out
}

export function hslToHex (h: number, s: number, l: number): string {
  const S = s / 100; const L = l / 100
  const k = (n: number): number => (n + h / 30) % 12
  const a = S * Math.min(L, 1 - L)
  const f = (n: number): number => L - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)))
  return '#' + [f(0), f(8), f(4)].map(v => Math.round(v * 255).toString(16).padStart(2, '0')).join('')
}

export function layout (p: PlotInput, width = 900, height = 500): Layout {
  const pct = p.loads.map(row => percentOfMean(row))
  const hosts = p.loads[0]?.length ?? 0
  const peak = Math.max(p.band[1] + 20, ...pct.flat())
  const yMax = Math.ceil(peak / 50) * 50
  const xMax = Math.max(1, ...p.times) / 1000
  const left = 64; const right = 20; const top = 40; const bottom = 52
  const x = (t: number): number => left + (width - left - right) * (t / xMax)
  const y = (v: number): number => top + (height - top - bottom) * (1 - v / yMax)
  const lines: Array<Array<[number, number]>> = []
  for (let h = 0; h < hosts; h++) lines.push(pct.map((row, i) => [x((p.times[i] as number) / 1000), y(row[h] as number)]))
  return {
    width, height, left, right, top, bottom, xMax, yMax, x, y,
    xTicks: ticks(xMax, 8), yTicks: ticks(yMax, 6), lines, colors: palette(hosts)
  }
}
