// A minimal RGBA rasteriser for the PNG plot: filled rectangles, anti-aliased thick lines, and a
// 3x5 digit font for tick labels. Alpha-blends onto an opaque canvas.

export class Canvas {
  readonly data: Uint8Array
  constructor (readonly width: number, readonly height: number, background: readonly [number, number, number] = [255, 255, 255]) {
    this.data = new Uint8Array(width * height * 4)
    for (let i = 0; i < width * height; i++) {
      this.data[i * 4] = background[0]; this.data[i * 4 + 1] = background[1]; this.data[i * 4 + 2] = background[2]; this.data[i * 4 + 3] = 255
    }
  }

  blend (x: number, y: number, rgb: readonly [number, number, number], alpha: number): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height || alpha <= 0) return
    const a = Math.min(1, alpha)
    const i = (y * this.width + x) * 4
    for (let c = 0; c < 3; c++) this.data[i + c] = Math.round((this.data[i + c] as number) * (1 - a) + (rgb[c] as number) * a)
  }

  fillRect (x0: number, y0: number, x1: number, y1: number, rgb: readonly [number, number, number], alpha = 1): void {
    const xa = Math.max(0, Math.round(Math.min(x0, x1))); const xb = Math.min(this.width, Math.round(Math.max(x0, x1)))
    const ya = Math.max(0, Math.round(Math.min(y0, y1))); const yb = Math.min(this.height, Math.round(Math.max(y0, y1)))
    for (let y = ya; y < yb; y++) for (let x = xa; x < xb; x++) this.blend(x, y, rgb, alpha)
  }

  /**
   * A line of the given width: every pixel near the segment is covered by its distance to it, with a
   * one-pixel soft edge (anti-aliasing without supersampling).
   */
  line (x0: number, y0: number, x1: number, y1: number, rgb: readonly [number, number, number], width = 1.5, alpha = 1): void {
    const r = width / 2
    const minX = Math.floor(Math.min(x0, x1) - r - 1); const maxX = Math.ceil(Math.max(x0, x1) + r + 1)
    const minY = Math.floor(Math.min(y0, y1) - r - 1); const maxY = Math.ceil(Math.max(y0, y1) + r + 1)
    const dx = x1 - x0; const dy = y1 - y0
    const len2 = dx * dx + dy * dy
    for (let y = Math.max(0, minY); y <= Math.min(this.height - 1, maxY); y++) {
      for (let x = Math.max(0, minX); x <= Math.min(this.width - 1, maxX); x++) {
        const px = x + 0.5; const py = y + 0.5
        const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - x0) * dx + (py - y0) * dy) / len2))
        const d = Math.hypot(px - (x0 + t * dx), py - (y0 + t * dy))
        const cover = Math.max(0, Math.min(1, r + 0.5 - d))
        if (cover > 0) this.blend(x, y, rgb, cover * alpha)
      }
    }
  }

  dashedHLine (x0: number, x1: number, y: number, rgb: readonly [number, number, number], dash = 5, gap = 4): void {
    for (let x = Math.round(x0); x < x1; x += dash + gap) this.fillRect(x, y, Math.min(x1, x + dash), y + 1, rgb)
  }

  /** Digits, '.', '-' and '%' in a 3x5 font scaled by `scale`; `anchor` is where x lies in the text. */
  text (s: string, x: number, y: number, rgb: readonly [number, number, number], scale = 2, anchor: 'start' | 'middle' | 'end' = 'start'): void {
    const w = s.length * 4 * scale - scale
    let cx = Math.round(anchor === 'start' ? x : anchor === 'middle' ? x - w / 2 : x - w)
    for (const ch of s) {
      const rows = GLYPHS[ch]
      if (rows !== undefined) {
        rows.forEach((row, ry) => {
          for (let rx = 0; rx < 3; rx++) if ((row >> (2 - rx)) & 1) this.fillRect(cx + rx * scale, y + ry * scale, cx + (rx + 1) * scale, y + (ry + 1) * scale, rgb)
        })
      }
      cx += 4 * scale
    }
  }
}

const GLYPHS: Record<string, readonly number[]> = {
  0: [7, 5, 5, 5, 7], 1: [2, 6, 2, 2, 7], 2: [7, 1, 7, 4, 7], 3: [7, 1, 7, 1, 7], 4: [5, 5, 7, 1, 1],
  5: [7, 4, 7, 1, 7], 6: [7, 4, 7, 5, 7], 7: [7, 1, 1, 1, 1], 8: [7, 5, 7, 5, 7], 9: [7, 5, 7, 1, 7],
  '.': [0, 0, 0, 0, 2], '-': [0, 0, 7, 0, 0], '%': [5, 1, 2, 4, 5]
}

export function hexToRgb (hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16)
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255]
}
