// The sequence diagram as SVG: one lifeline per peer, role boxes with a cut corner where a peer
// takes a role, constraints as diamonds with their text, messages as dashed arrows, and the
// alternatives after the common part in an `alt` frame, one section each.
import type { SeqEvent, Sequence } from './sequence-model.js'
import { FONT, LINE_H, document, esc, fmt, label, textWidth } from './svg.js'

const LEFT = 70
const TOP = 20
const HEAD_H = 34

interface Layout { x: (i: number) => number, width: number }

function columns (seq: Sequence): Layout {
  const all = [...seq.start, ...seq.common, ...seq.alternatives.flatMap(a => a.events)]
  const widest = (k: SeqEvent['k']): number => Math.max(0, ...all.filter(e => e.k === k).map(e => textWidth(e.text)))
  const gap = Math.max(220, widest('message') + 60, widest('constraint') + 70, widest('role') + 40,
    ...seq.alternatives.map(a => textWidth(`[${a.title}]`) + 40))
  const n = seq.lifelines.length
  return { x: i => LEFT + 60 + i * gap, width: LEFT + 60 + (n - 1) * gap + Math.max(widest('constraint') + 40, 160) }
}

function eventSvg (e: SeqEvent, y: number, lay: Layout): { svg: string, h: number } {
  if (e.k === 'role') {
    const w = textWidth(e.text) + 22
    const x = lay.x(e.peer) - w / 2
    const path = `M${fmt(x)},${fmt(y)} h${fmt(w - 9)} l9,9 v17 h${fmt(-w)} z`
    return { svg: `<path d="${path}" fill="#eef3fb" stroke="#2a4d7f" stroke-width="1.4"/><text x="${fmt(lay.x(e.peer))}" y="${fmt(y + 18)}" text-anchor="middle" ${FONT} font-weight="bold">${esc(e.text)}</text>`, h: 40 }
  }
  if (e.k === 'constraint') {
    const cx = lay.x(e.peer)
    const cy = y + 12
    const d = `M${fmt(cx)},${fmt(cy - 9)} l9,9 l-9,9 l-9,-9 z`
    const l = label([e.text], cx + 15, cy, 'start')
    return { svg: `<path d="${d}" fill="#fff6d8" stroke="#8a6d00" stroke-width="1.3"/>${l.svg}`, h: 34 }
  }
  const x1 = lay.x(e.from)
  const ly = y + 24
  if (e.to === null) {
    const x2 = x1 + 150
    const l = label([`${e.text}  (lost: role ${e.toRole} has no clause)`], x1 + 8, y + 8, 'start')
    return { svg: `<path d="M${fmt(x1)},${fmt(ly)} L${fmt(x2)},${fmt(ly)}" stroke="#a00" stroke-width="1.4" stroke-dasharray="6,4"/><text x="${fmt(x2 + 4)}" y="${fmt(ly + 5)}" ${FONT} fill="#a00">✕</text>${l.svg}`, h: 44 }
  }
  const x2 = lay.x(e.to)
  const dir = Math.sign(x2 - x1) || 1
  const l = label([e.text], (x1 + x2) / 2, y + 10, 'middle')
  return { svg: `<path d="M${fmt(x1 + dir * 2)},${fmt(ly)} L${fmt(x2 - dir * 2)},${fmt(ly)}" stroke="#333" stroke-width="1.4" stroke-dasharray="7,4" marker-end="url(#open)"/>${l.svg}`, h: 44 }
}

export function sequenceSvg (seq: Sequence, title: string): string {
  const lay = columns(seq)
  const parts: string[] = []
  let y = TOP + HEAD_H + 14
  for (const e of seq.start) { parts.push(eventSvg(e, y, lay).svg) }
  y += 48
  for (const e of seq.common) { const d = eventSvg(e, y, lay); parts.push(d.svg); y += d.h }
  if (seq.alternatives.length > 0) {
    const frameX = LEFT - 10
    const frameW = lay.width - frameX + 10
    const top = y + 4
    y += 30
    seq.alternatives.forEach((a, i) => {
      if (i > 0) {
        parts.push(`<path d="M${fmt(frameX)},${fmt(y)} h${fmt(frameW)}" stroke="#555" stroke-dasharray="6,4"/>`)
        y += 8
      }
      // The first title stands beside the `alt` tab, the others under their separator.
      const tx = i === 0 ? frameX + 54 : frameX + 8
      parts.push(`<text x="${fmt(tx)}" y="${fmt(i === 0 ? top + 15 : y + LINE_H)}" ${FONT} font-style="italic" fill="#444">${esc(`[${a.title}]`)}</text>`)
      if (i > 0) y += LINE_H + 6
      for (const e of a.events) { const d = eventSvg(e, y, lay); parts.push(d.svg); y += d.h }
    })
    parts.unshift(`<rect x="${fmt(frameX)}" y="${fmt(top)}" width="${fmt(frameW)}" height="${fmt(y - top + 6)}" fill="none" stroke="#555" stroke-width="1.2"/>` +
      `<path d="M${fmt(frameX)},${fmt(top)} h44 v12 l-8,8 h-36 z" fill="#eee" stroke="#555"/><text x="${fmt(frameX + 8)}" y="${fmt(top + 15)}" ${FONT} font-weight="bold">alt</text>`)
    y += 10
  }
  const bottom = y + 16
  const heads = seq.lifelines.map((name, i) => {
    const w = Math.max(textWidth(name) + 24, 80)
    return `<path d="M${fmt(lay.x(i))},${TOP + HEAD_H} V${fmt(bottom)}" stroke="#888" stroke-width="1.2" stroke-dasharray="3,4"/>` +
      `<rect x="${fmt(lay.x(i) - w / 2)}" y="${TOP}" width="${fmt(w)}" height="${HEAD_H}" fill="#2a4d7f" rx="3"/>` +
      `<text x="${fmt(lay.x(i))}" y="${TOP + 22}" text-anchor="middle" ${FONT} fill="white" font-weight="bold">${esc(name)}</text>`
  })
  return document(lay.width + 20, bottom + 20, [...heads, ...parts].join('\n'), title)
}
