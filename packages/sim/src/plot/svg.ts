// The plot as standalone SVG text (no browser, no library).
import { layout } from './layout.js'
import type { PlotInput } from './layout.js'

export function escapeXml (s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

const f = (n: number): string => (Math.round(n * 10) / 10).toString()

export function renderSvg (p: PlotInput, width = 900, height = 500): string {
  const L = layout(p, width, height)
  const plotW = width - L.left - L.right
  const out: string[] = []
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`)
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`)
  const [lo, hi] = p.band
  out.push(`<rect x="${f(L.left)}" y="${f(L.y(hi))}" width="${f(plotW)}" height="${f(L.y(lo) - L.y(hi))}" fill="#4caf50" fill-opacity="0.15"/>`)
  for (const v of [lo, hi]) out.push(`<line x1="${f(L.left)}" y1="${f(L.y(v))}" x2="${f(width - L.right)}" y2="${f(L.y(v))}" stroke="#2e7d32" stroke-dasharray="5 4" stroke-width="1"/>`)
  for (const t of L.yTicks) {
    out.push(`<line x1="${f(L.left - 4)}" y1="${f(L.y(t))}" x2="${f(width - L.right)}" y2="${f(L.y(t))}" stroke="#e0e0e0" stroke-width="1"/>`)
    out.push(`<text x="${f(L.left - 8)}" y="${f(L.y(t) + 4)}" text-anchor="end">${t}</text>`)
  }
  for (const t of L.xTicks) {
    out.push(`<line x1="${f(L.x(t))}" y1="${f(height - L.bottom)}" x2="${f(L.x(t))}" y2="${f(height - L.bottom + 4)}" stroke="#000000"/>`)
    out.push(`<text x="${f(L.x(t))}" y="${f(height - L.bottom + 18)}" text-anchor="middle">${t}</text>`)
  }
  out.push(`<line x1="${f(L.left)}" y1="${f(L.top)}" x2="${f(L.left)}" y2="${f(height - L.bottom)}" stroke="#000000"/>`)
  out.push(`<line x1="${f(L.left)}" y1="${f(height - L.bottom)}" x2="${f(width - L.right)}" y2="${f(height - L.bottom)}" stroke="#000000"/>`)
  L.lines.forEach((pts, i) => {
    const name = p.hostNames?.[i]
    const title = name === undefined ? '' : `<title>${escapeXml(name)}</title>`
    out.push(`<polyline fill="none" stroke="${L.colors[i] ?? '#000000'}" stroke-width="1.6" stroke-linejoin="round" points="${pts.map(([x, y]) => `${f(x)},${f(y)}`).join(' ')}">${title}</polyline>`)
  })
  out.push(`<text x="${f(L.left + plotW / 2)}" y="${f(height - 12)}" text-anchor="middle">time (s, virtual)</text>`)
  out.push(`<text transform="translate(16 ${f(L.top + (height - L.top - L.bottom) / 2)}) rotate(-90)" text-anchor="middle">host load (% of cluster mean)</text>`)
  out.push(`<rect x="${f(width - L.right - 172)}" y="${f(L.top - 15)}" width="14" height="9" fill="#4caf50" fill-opacity="0.3"/>`)
  out.push(`<text x="${f(width - L.right)}" y="${f(L.top - 6)}" text-anchor="end" fill="#2e7d32">band ${lo}-${hi} % of mean</text>`)
  if (p.title !== undefined) out.push(`<text x="${f(width / 2)}" y="22" text-anchor="middle" font-size="15">${escapeXml(p.title)}</text>`)
  out.push('</svg>')
  return out.join('\n') + '\n'
}
