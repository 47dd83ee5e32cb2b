// The role state diagram as SVG, laid out without a browser: roles in layers (breadth-first from
// the initial roles), role changes as curved arrows. Changes down the layers bend towards the
// middle, changes back up bend outwards, so an edge and its return never share a path; labels sit
// on the outside of their bend. If any label touches another label or a role box, the layers are
// spread further apart and the layout is tried again.
import type { RoleEdge, RoleGraph, RoleNode } from './role-graph.js'
import type { Box } from './svg.js'
import { FONT, document, esc, fmt, label, overlaps, textWidth } from './svg.js'

const NODE_H = 38

interface Placed { node: RoleNode, x: number, y: number, w: number }

function layers (g: RoleGraph): Map<string, number> {
  const layer = new Map<string, number>()
  const todo = g.nodes.filter(n => n.initial).map(n => n.id)
  if (todo.length === 0 && g.nodes[0] !== undefined) todo.push(g.nodes[0].id)
  for (const id of todo) layer.set(id, 0)
  while (todo.length > 0) {
    const id = todo.shift()!
    for (const e of g.edges) {
      if (e.from === id && !layer.has(e.to)) { layer.set(e.to, layer.get(id)! + 1); todo.push(e.to) }
    }
  }
  let extra = Math.max(0, ...layer.values()) + 1
  for (const n of g.nodes) if (!layer.has(n.id)) layer.set(n.id, extra++)
  return layer
}

function place (g: RoleGraph, gapX: number, gapY: number): Map<string, Placed> {
  const layer = layers(g)
  const rows = new Map<number, RoleNode[]>()
  for (const n of g.nodes) rows.set(layer.get(n.id)!, [...(rows.get(layer.get(n.id)!) ?? []), n])
  const placed = new Map<string, Placed>()
  for (const [l, row] of rows) {
    const widths = row.map(n => textWidth(n.label) + 28)
    const total = widths.reduce((a, b) => a + b, 0) + gapX * (row.length - 1)
    let x = -total / 2
    row.forEach((n, i) => {
      placed.set(n.id, { node: n, x: x + widths[i]! / 2, y: 60 + l * gapY, w: widths[i]! })
      x += widths[i]! + gapX
    })
  }
  return placed
}

interface Drawn { svg: string, box: Box | null, clash: boolean }

const T_TRIES = [0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74]

/** Places the label at the first point along the curve where it touches nothing already placed. */
function placeLabel (lines: readonly string[], at: (t: number) => [number, number], dx: number, anchor: 'start' | 'middle' | 'end', taken: readonly Box[]): { svg: string, box: Box, clash: boolean } {
  for (const t of T_TRIES) {
    const [x, y] = at(t)
    const l = label(lines, x + dx, y, anchor)
    if (!taken.some(b => overlaps(l.box, b))) return { ...l, clash: false }
  }
  const [x, y] = at(0.5)
  return { ...label(lines, x + dx, y, anchor), clash: true }
}

function edgeSvg (e: RoleEdge, p: Map<string, Placed>, paired: boolean, centre: number, taken: readonly Box[]): Drawn {
  const a = p.get(e.from)!
  const b = p.get(e.to)!
  const lines = e.labels
  const arrow = (d: string): string => `<path d="${d}" fill="none" stroke="#333" stroke-width="1.4" marker-end="url(#arrow)"/>`
  if (a === b) {
    // A self-loop on the outer side of the node.
    const side = a.x >= centre ? 1 : -1
    const x0 = a.x + side * a.w / 2
    const path = `M${fmt(x0)},${fmt(a.y - 9)} C${fmt(x0 + side * 70)},${fmt(a.y - 45)} ${fmt(x0 + side * 70)},${fmt(a.y + 45)} ${fmt(x0)},${fmt(a.y + 9)}`
    if (lines.length === 0) return { svg: arrow(path), box: null, clash: false }
    const l = placeLabel(lines, () => [x0 + side * 62, a.y], 0, side > 0 ? 'start' : 'end', taken)
    return { svg: arrow(path) + l.svg, box: l.box, clash: l.clash }
  }
  const down = b.y > a.y
  // Bend: towards the middle going down, outwards coming back; straight-down pairs bend right/left.
  const outward = Math.sign((a.x + b.x) / 2 - centre) || 1
  const side = b.y === a.y ? 0 : down ? -outward : outward
  // A change and its return start and end apart, each on the side it bends to.
  const offset = paired ? side * 12 : 0
  const x1 = a.x + offset
  const y1 = down ? a.y + NODE_H / 2 : a.y - NODE_H / 2
  const x2 = b.x + offset
  const y2 = b.y === a.y ? b.y - NODE_H / 2 : down ? b.y - NODE_H / 2 : b.y + NODE_H / 2
  // Changes down bend a little (so two from one node do not cross), returns bend well out.
  const bend = down ? 16 : 30 + 0.12 * Math.hypot(x2 - x1, y2 - y1)
  const cx = (x1 + x2) / 2 + side * bend
  const cy = b.y === a.y ? (y1 + y2) / 2 - 90 : (y1 + y2) / 2
  const path = `M${fmt(x1)},${fmt(y1)} Q${fmt(cx)},${fmt(cy)} ${fmt(x2)},${fmt(y2)}`
  if (lines.length === 0) return { svg: arrow(path), box: null, clash: false }
  const at = (t: number): [number, number] => [
    (1 - t) * (1 - t) * x1 + 2 * (1 - t) * t * cx + t * t * x2,
    (1 - t) * (1 - t) * y1 + 2 * (1 - t) * t * cy + t * t * y2,
  ]
  const l = placeLabel(lines, at, side * 14, side > 0 ? 'start' : side < 0 ? 'end' : 'middle', taken)
  return { svg: arrow(path) + l.svg, box: l.box, clash: l.clash }
}

function attempt (g: RoleGraph, gapX: number, gapY: number): { svg: string, boxes: Box[], nodes: Box[], clash: boolean } {
  const p = place(g, gapX, gapY)
  const centre = 0
  const parts: string[] = []
  const nodes: Box[] = [...p.values()].map(n => ({ x: n.x - n.w / 2, y: n.y - NODE_H / 2, w: n.w, h: NODE_H }))
  const labels: Box[] = []
  let clash = false
  for (const e of g.edges) {
    const back = g.edges.some(o => o.from === e.to && o.to === e.from && o !== e)
    const d = edgeSvg(e, p, back, centre, [...nodes, ...labels])
    parts.push(d.svg)
    if (d.box !== null) labels.push(d.box)
    clash ||= d.clash
  }
  for (const n of p.values()) {
    const box = { x: n.x - n.w / 2, y: n.y - NODE_H / 2, w: n.w, h: NODE_H }
    const dash = n.node.defined ? '' : ' stroke-dasharray="5,4"'
    parts.push(`<rect x="${fmt(box.x)}" y="${fmt(box.y)}" width="${fmt(box.w)}" height="${NODE_H}" rx="10" fill="#eef3fb" stroke="#2a4d7f" stroke-width="1.6"${dash}/>`)
    parts.push(`<text x="${fmt(n.x)}" y="${fmt(n.y + 5)}" text-anchor="middle" ${FONT} font-weight="bold">${esc(n.node.label)}${n.node.defined ? '' : ' (no clause)'}</text>`)
    if (n.node.initial) {
      parts.push(`<circle cx="${fmt(n.x)}" cy="${fmt(box.y - 36)}" r="7" fill="#333"/>`)
      parts.push(`<path d="M${fmt(n.x)},${fmt(box.y - 29)} L${fmt(n.x)},${fmt(box.y - 1)}" stroke="#333" stroke-width="1.4" marker-end="url(#arrow)"/>`)
    }
  }
  return { svg: parts.join('\n'), boxes: labels, nodes, clash }
}

export function statesSvg (g: RoleGraph, title: string): string {
  let gapX = 50
  let gapY = 140
  let a = attempt(g, gapX, gapY)
  for (let i = 0; i < 12 && a.clash; i++) {
    gapX += 50
    gapY += 20
    a = attempt(g, gapX, gapY)
  }
  const all = [...a.boxes, ...a.nodes]
  const minX = Math.min(...all.map(b => b.x)) - 90
  const maxX = Math.max(...all.map(b => b.x + b.w)) + 90
  const maxY = Math.max(...all.map(b => b.y + b.h)) + 30
  return document(maxX - minX, maxY, `<g transform="translate(${fmt(-minX)},0)">\n${a.svg}\n</g>`, title)
}
