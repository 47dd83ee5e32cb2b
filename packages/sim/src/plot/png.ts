// PNG output: our own encoder (signature, IHDR, one zlib IDAT, IEND, CRC-32 per chunk) over the
// rasteriser, drawing the same layout as the SVG.
import { deflateSync } from 'node:zlib'
import { layout } from './layout.js'
import type { PlotInput } from './layout.js'
import { Canvas, hexToRgb } from './raster.js'

export const PNG_SIGNATURE = Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10])

const CRC_TABLE = (() => {
  const t = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = (c & 1) !== 0 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    t[n] = c >>> 0
  }
  return t
})()

export function crc32 (bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = 0xffffffff
  for (let i = start; i < end; i++) c = (CRC_TABLE[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function chunk (type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length)
  out.writeUInt32BE(data.length, 0)
  out.write(type, 4, 'latin1')
  out.set(data, 8)
  out.writeUInt32BE(crc32(out, 4, 8 + data.length), 8 + data.length)
  return out
}

/** Encodes 8-bit RGBA pixels (colour type 6, no interlace, filter 0 on every row). */
export function encodePng (width: number, height: number, rgba: Uint8Array): Buffer {
  if (rgba.length !== width * height * 4) throw new RangeError(`expected ${width * height * 4} bytes of RGBA, got ${rgba.length}`)
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0); ihdr.writeUInt32BE(height, 4)
  ihdr[8] = 8; ihdr[9] = 6; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0
  const raw = Buffer.alloc((width * 4 + 1) * height)
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0
    raw.set(rgba.subarray(y * width * 4, (y + 1) * width * 4), y * (width * 4 + 1) + 1)
  }
  return Buffer.concat([Buffer.from(PNG_SIGNATURE), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))])
}

export function renderPng (p: PlotInput, width = 900, height = 500): Buffer {
  const L = layout(p, width, height)
  const c = new Canvas(width, height)
  const [lo, hi] = p.band
  const black: [number, number, number] = [0, 0, 0]
  const grey: [number, number, number] = [224, 224, 224]
  const green: [number, number, number] = [46, 125, 50]
  for (const t of L.yTicks) {
    c.fillRect(L.left - 4, Math.round(L.y(t)), width - L.right, Math.round(L.y(t)) + 1, grey)
    c.text(String(t), L.left - 8, Math.round(L.y(t)) - 5, black, 2, 'end')
  }
  c.fillRect(L.left, L.y(hi), width - L.right, L.y(lo), [76, 175, 80], 0.15)
  for (const v of [lo, hi]) c.dashedHLine(L.left, width - L.right, Math.round(L.y(v)), green)
  for (const t of L.xTicks) {
    c.fillRect(Math.round(L.x(t)), height - L.bottom, Math.round(L.x(t)) + 1, height - L.bottom + 4, black)
    c.text(String(t), L.x(t), height - L.bottom + 8, black, 2, 'middle')
  }
  c.fillRect(L.left, L.top, L.left + 1, height - L.bottom + 1, black)
  c.fillRect(L.left, height - L.bottom, width - L.right, height - L.bottom + 1, black)
  L.lines.forEach((pts, i) => {
    const rgb = hexToRgb(L.colors[i] ?? '#000000')
    for (let k = 1; k < pts.length; k++) {
      const a = pts[k - 1] as readonly [number, number]; const b = pts[k] as readonly [number, number]
      c.line(a[0], a[1], b[0], b[1], rgb, 1.6)
    }
  })
  return encodePng(width, height, c.data)
}
