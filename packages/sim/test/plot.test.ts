import { test } from 'node:test'
import assert from 'node:assert/strict'
import { inflateSync } from 'node:zlib'
import { crc32, PNG_SIGNATURE, renderPng, renderSvg, encodePng } from '../src/index.js'
import type { PlotInput } from '../src/index.js'

const input: PlotInput = {
  times: [0, 1000, 2000, 3000],
  loads: [[0.5, 0.1, 0.3], [0.4, 0.2, 0.3], [0.35, 0.25, 0.3], [0.3, 0.3, 0.3]],
  band: [80, 120],
  title: 'test <&> plot',
  hostNames: ['h0', 'h1', 'h2']
}

/** A tiny XML well-formedness check: balanced tags, quoted attributes, escaped text. */
function checkXml (s: string): void {
  const stack: string[] = []
  const re = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<\?[^>]*\?>|<!--[\s\S]*?-->|([^<]+)|(<)/g
  let m: RegExpExecArray | null
  while ((m = re.exec(s)) !== null) {
    if (m[6] !== undefined) throw new Error(`stray < at ${m.index}`)
    if (m[5] !== undefined) {
      if (/&(?!amp;|lt;|gt;|quot;|apos;|#\d+;)/.test(m[5])) throw new Error(`unescaped & at ${m.index}`)
      if (m[5].includes('>') && stack.length > 0) throw new Error(`unescaped > at ${m.index}`)
      continue
    }
    if (m[2] === undefined) continue
    if (m[1] === '/') {
      const open = stack.pop()
      if (open !== m[2]) throw new Error(`</${m[2]}> closes <${open ?? 'nothing'}> at ${m.index}`)
    } else if (m[4] !== '/') stack.push(m[2])
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.join('>, <')}>`)
}

test('the SVG plot is well-formed and shows every host, the band and the axes', () => {
  const svg = renderSvg(input)
  checkXml(svg)
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/)
  assert.equal((svg.match(/<polyline /g) ?? []).length, 3)
  assert.match(svg, /fill-opacity="0\.15"/) // the shaded band
  assert.match(svg, /test &lt;&amp;&gt; plot/)
  assert.match(svg, /band 80-120 %/)
  // host h0 starts at 500/300 = 167 % of the mean and ends at 100 %: first point above the last
  const pts = /<polyline[^>]*points="([^"]+)"/.exec(svg)?.[1]?.split(' ').map(p => p.split(',').map(Number)) ?? []
  assert.equal(pts.length, 4)
  assert.ok((pts[0]?.[1] ?? 0) < (pts[3]?.[1] ?? 0))
  assert.throws(() => checkXml('<svg><g></svg>'))
})

function chunks (png: Buffer): Array<{ type: string, data: Buffer }> {
  assert.deepEqual([...png.subarray(0, 8)], [...PNG_SIGNATURE])
  const out: Array<{ type: string, data: Buffer }> = []
  let off = 8
  while (off < png.length) {
    const len = png.readUInt32BE(off)
    const type = png.toString('latin1', off + 4, off + 8)
    const data = png.subarray(off + 8, off + 8 + len)
    assert.equal(png.readUInt32BE(off + 8 + len), crc32(png, off + 4, off + 8 + len), `CRC of ${type}`)
    out.push({ type, data })
    off += 12 + len
  }
  assert.equal(off, png.length)
  return out
}

test('the PNG plot has a valid signature, IHDR, IDAT and IEND with correct CRCs', () => {
  const png = renderPng(input, 300, 200)
  const cs = chunks(png)
  assert.deepEqual(cs.map(c => c.type), ['IHDR', 'IDAT', 'IEND'])
  const ihdr = cs[0]?.data as Buffer
  assert.equal(ihdr.readUInt32BE(0), 300)
  assert.equal(ihdr.readUInt32BE(4), 200)
  assert.deepEqual([...ihdr.subarray(8)], [8, 6, 0, 0, 0])
  const raw = inflateSync(cs[1]?.data as Buffer)
  assert.equal(raw.length, (300 * 4 + 1) * 200)
  // something other than the white background was drawn
  let coloured = 0
  for (let y = 0; y < 200; y++) for (let x = 0; x < 300; x++) {
    const i = y * 1201 + 1 + x * 4
    if (raw[i] !== 255 || raw[i + 1] !== 255 || raw[i + 2] !== 255) coloured++
  }
  assert.ok(coloured > 1000, `${coloured} coloured pixels`)
  assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926) // the CRC-32 check value
  assert.throws(() => encodePng(2, 2, new Uint8Array(3)), RangeError)
})
