import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parse } from '../src/syntax/index.js'
import { draw, roleGraph } from '../src/draw/index.js'
import type { DrawOptions } from '../src/draw/index.js'
import { balance, handshake, papers } from './verify-fixtures.js'

function drawn (text: string, options: DrawOptions): string {
  const r = draw(parse(text).model, options)
  assert.ok('text' in r, 'error' in r ? r.error : '')
  return r.text
}

interface Rect { x: number, y: number, w: number, h: number }

/** Label backgrounds (white) and role boxes in our SVG output. */
function rects (svg: string, fill: string): Rect[] {
  return [...svg.matchAll(new RegExp(`<rect x="([-\\d.]+)" y="([-\\d.]+)" width="([\\d.]+)" height="([\\d.]+)"[^>]*fill="${fill}"`, 'g'))]
    .map(m => ({ x: Number(m[1]), y: Number(m[2]), w: Number(m[3]), h: Number(m[4]) }))
}

const overlap = (a: Rect, b: Rect): boolean => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h

function assertNoOverlaps (boxes: Rect[]): void {
  boxes.forEach((a, i) => boxes.forEach((b, j) => { if (j > i) assert.ok(!overlap(a, b), `${JSON.stringify(a)} overlaps ${JSON.stringify(b)}`) }))
}

test('draw states: the 2012 first policy gives fig. 1: idle to overloaded/underloaded on the tests, both back, idle self-loop', () => {
  const g = roleGraph(parse(papers.balance2012).model)
  assert.deepEqual(g.nodes.map(n => `${n.label}${n.initial ? '*' : ''}`), ['idle*', 'overloaded(Need)', 'underloaded(Capacity)'])
  assert.deepEqual(g.edges.map(e => `${e.from}>${e.to}: ${e.labels.join(' / ')}`), [
    'idle>overloaded: getPeerState(Status) · isOverLoaded()',
    'idle>underloaded: isUnderLoaded()',
    'idle>idle: otherwise',
    'overloaded>idle: migration(ID1, ID2)',
    'underloaded>idle: isMigrationPossible(Capacity, Need) · waitForMigration()',
  ])
})

test('draw states as Mermaid: balance.lcc with the initial role marked and guards on the changes', () => {
  const text = drawn(balance, { kind: 'states', format: 'mermaid' })
  assert.match(text, /^stateDiagram-v2\n/)
  assert.match(text, /\n {2}\[\*\] --> role_idle\n/)
  assert.match(text, /\n {2}role_idle --> role_overloaded : isOverLoaded\(\)<br\/>canRelieve\(underloaded, Need\)\n/)
  assert.match(text, /\n {2}role_idle --> role_underloaded : isUnderLoaded\(\)<br\/>canAbsorb\(Capacity\)\n/)
  assert.match(text, /\n {2}role_overloaded --> role_idle : ⇐ migration\(ok\) · migration\(ID1, ID2\)<br\/>⇐ refused\(Reason\)<br\/>noPartner\(underloaded\)\n/)
  assert.match(text, /state "underloaded\(Capacity\)" as role_underloaded/)
})

test('draw states as SVG: balance.lcc, every role and guard drawn, no label touching another label or a role', () => {
  const svg = drawn(balance, { kind: 'states', format: 'svg' })
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/)
  for (const t of ['idle', 'overloaded(Need)', 'underloaded(Capacity)', 'isOverLoaded()', 'isUnderLoaded()', 'otherwise', '⇒ refused(full)']) {
    assert.ok(svg.includes(`>${t.replace(/&/g, '&amp;')}<`), t)
  }
  assert.equal((svg.match(/marker-end="url\(#arrow\)"/g) ?? []).length, 6)
  const labels = rects(svg, 'white').filter(r => r.w < 1000)
  assert.equal(labels.length, 5)
  assertNoOverlaps([...labels, ...rects(svg, '#eef3fb')])
})

test('draw sequence: balance.lcc as in the Herry paper\'s fig. 1, with the refusal as an alternative', () => {
  const text = drawn(balance, { kind: 'sequence', format: 'mermaid' })
  const lines = text.split('\n')
  const at = (l: string): number => { const i = lines.indexOf(l); assert.ok(i >= 0, l); return i }
  const ready = at('  idle1-->>idle2: readyToMigrate(Need)')
  const alt = at('  alt isMigrationPossible(Capacity, Need)')
  const ok = at('    idle2-->>idle1: migration(ok)')
  const migrate = at('    Note right of idle1: ◇ migration(ID1, ID2)')
  const wait = at('    Note right of idle2: ◇ waitForMigration()')
  const other = at('  else refused(full)')
  const refused = at('    idle2-->>idle1: refused(full)')
  assert.ok(at('  Note over idle1: overloaded(Need)') < ready && ready < alt && alt < ok && ok < migrate && migrate < wait && wait < other && other < refused)
  assert.ok(at('  end') > refused)
})

test('draw sequence as SVG: lifelines, dashed messages, no overlapping labels', () => {
  const svg = drawn(balance, { kind: 'sequence', format: 'svg' })
  for (const t of ['idle1', 'idle2', 'readyToMigrate(Need)', 'migration(ok)', 'refused(full)', 'waitForMigration()', 'alt']) assert.ok(svg.includes(`>${t}<`), t)
  assert.equal((svg.match(/stroke-dasharray="7,4" marker-end="url\(#open\)"/g) ?? []).length, 3)
  assertNoOverlaps(rects(svg, 'white').filter(r => r.w < 1000))
})

test('draw sequence: a handshake, and the consolidation policy\'s message to a role with no clause', () => {
  assert.match(drawn(handshake, { kind: 'sequence', format: 'mermaid' }), /client1-->>server1: hello\(C\)\n {2}server1-->>client1: welcome\(parley\)\n/)
  assert.match(drawn(papers.consolidate2012, { kind: 'sequence', format: 'mermaid' }), /idle2-->>idle1: migration\(OK\) {2}\(to role overloaded: no clause\)/)
})

test('draw: bad --peers is an error value', () => {
  const r = draw(parse(balance).model, { kind: 'sequence', format: 'svg', peers: 'nobody=1' })
  assert.ok('error' in r && /nobody/.test(r.error))
})
