// The Prometheus text exposition format (version 0.0.4), written by hand: a metric family is a
// name, a type, a help line and samples with labels.
export type MetricType = 'counter' | 'gauge'
export type Labels = Record<string, string>

export interface Sample { labels?: Labels, value: number }

export interface MetricFamily {
  name: string
  type: MetricType
  help: string
  samples: Sample[]
}

export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

const escapeHelp = (s: string): string => s.replaceAll('\\', '\\\\').replaceAll('\n', '\\n')
const escapeLabel = (s: string): string => s.replaceAll('\\', '\\\\').replaceAll('\n', '\\n').replaceAll('"', '\\"')

function formatValue (v: number): string {
  if (Number.isNaN(v)) return 'NaN'
  if (v === Infinity) return '+Inf'
  if (v === -Infinity) return '-Inf'
  return String(v)
}

function formatLabels (labels: Labels | undefined): string {
  if (labels === undefined) return ''
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`)
  return parts.length === 0 ? '' : `{${parts.join(',')}}`
}

export function expose (families: readonly MetricFamily[]): string {
  const out: string[] = []
  for (const f of families) {
    out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`)
    for (const s of f.samples) out.push(`${f.name}${formatLabels(s.labels)} ${formatValue(s.value)}`)
  }
  return out.join('\n') + '\n'
}

export const gauge = (name: string, help: string, samples: Sample[] | number): MetricFamily =>
  ({ name, type: 'gauge', help, samples: typeof samples === 'number' ? [{ value: samples }] : samples })

export const counter = (name: string, help: string, samples: Sample[] | number): MetricFamily =>
  ({ name, type: 'counter', help, samples: typeof samples === 'number' ? [{ value: samples }] : samples })
