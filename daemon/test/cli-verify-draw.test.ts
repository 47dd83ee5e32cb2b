// Spawns the built `parley` CLI for `im draw` and checks exit statuses and output.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const main = join(here, '..', 'src', 'cli', 'main.js')
const root = join(here, '..', '..', '..')
const balance = join(root, 'ims', 'balance.lcc')
const tmp = mkdtempSync(join(tmpdir(), 'parley-draw-'))

function parley (...args: string[]): { status: number | null, stdout: string, stderr: string } {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', cwd: root })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

test('im draw --kind states: Mermaid on standard output', () => {
  const r = parley('im', 'draw', balance, '--kind', 'states')
  assert.equal(r.status, 0, r.stderr)
  assert.match(r.stdout, /^stateDiagram-v2\n/)
  assert.match(r.stdout, /role_idle --> role_overloaded : isOverLoaded\(\)/)
})

test('im draw --kind sequence --format svg --out FILE writes an SVG', () => {
  const out = join(tmp, 'seq.svg')
  const r = parley('im', 'draw', balance, '--kind', 'sequence', '--format', 'svg', '--out', out)
  assert.equal(r.status, 0, r.stderr)
  assert.equal(r.stdout, '')
  const svg = readFileSync(out, 'utf8')
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/)
  assert.match(svg, />readyToMigrate\(Need\)</)
})

test('im draw: the committed docs/diagrams are what the CLI draws today', () => {
  for (const [kind, format, ext] of [['states', 'svg', 'svg'], ['sequence', 'svg', 'svg'], ['states', 'mermaid', 'mmd'], ['sequence', 'mermaid', 'mmd']] as const) {
    const committed = readFileSync(join(root, 'docs', 'diagrams', `balance-${kind}.${ext}`), 'utf8')
    const r = parley('im', 'draw', 'ims/balance.lcc', '--kind', kind, '--format', format)
    assert.equal(r.stdout, committed, `docs/diagrams/balance-${kind}.${ext} is stale: regenerate it with parley im draw`)
  }
})

test('im draw: bad options and unparsable files exit 2 with a coded line', () => {
  for (const args of [['--kind', 'pie'], [], ['--kind', 'states', '--format', 'png'], ['--kind', 'sequence', '--peers', 'x=1']]) {
    const r = parley('im', 'draw', balance, ...args)
    assert.equal(r.status, 2, args.join(' '))
    assert.match(r.stderr, /^parley: error CLI002: /)
  }
  const bad = join(tmp, 'bad.lcc')
  writeFileSync(bad, 'a(x, X) :: ( null <- true\n')
  const r = parley('im', 'draw', bad, '--kind', 'states')
  assert.equal(r.status, 2)
  assert.match(r.stderr, /^.*bad\.lcc:\d+:\d+: error LCC0\d\d: /)
})
