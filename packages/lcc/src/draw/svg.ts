// Small SVG building blocks. Text is set in a monospace font so that its width is known without a
// browser: every character is CHAR_W wide at FONT_SIZE.
export const FONT_SIZE = 13
export const CHAR_W = FONT_SIZE * 0.62
export const LINE_H = FONT_SIZE + 4
export const FONT = `font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="${FONT_SIZE}"`

export function esc (text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

export function textWidth (text: string): number {
  return [...text].length * CHAR_W
}

export interface Box { x: number, y: number, w: number, h: number }

export function overlaps (a: Box, b: Box, pad = 2): boolean {
  return a.x < b.x + b.w + pad && b.x < a.x + a.w + pad && a.y < b.y + b.h + pad && b.y < a.y + a.h + pad
}

export const fmt = (n: number): string => String(Math.round(n * 10) / 10)

/** Lines of text in a white box; `anchor` says where `x` is: the box's left, middle or right. */
export function label (lines: readonly string[], x: number, y: number, anchor: 'start' | 'middle' | 'end'): { svg: string, box: Box } {
  const w = Math.max(...lines.map(textWidth)) + 8
  const h = lines.length * LINE_H + 4
  const left = anchor === 'start' ? x : anchor === 'middle' ? x - w / 2 : x - w
  const box = { x: left, y: y - h / 2, w, h }
  const texts = lines.map((l, i) =>
    `<text x="${fmt(left + 4)}" y="${fmt(box.y + 2 + (i + 1) * LINE_H - 4)}" ${FONT}>${esc(l)}</text>`).join('')
  return { svg: `<rect x="${fmt(box.x)}" y="${fmt(box.y)}" width="${fmt(w)}" height="${fmt(h)}" fill="white" fill-opacity="0.92"/>${texts}`, box }
}

export function document (width: number, height: number, body: string, title: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.ceil(width)}" height="${Math.ceil(height)}" viewBox="0 0 ${Math.ceil(width)} ${Math.ceil(height)}">
<title>${esc(title)}</title>
<defs>
<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker>
<marker id="open" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" markerHeight="9" orient="auto"><path d="M0,0 L10,5 L0,10" fill="none" stroke="#333" stroke-width="1.5"/></marker>
</defs>
<rect width="100%" height="100%" fill="white"/>
${body}
</svg>
`
}
