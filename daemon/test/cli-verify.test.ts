// Spawns the built `parley` CLI for `im verify` and checks exit statuses and output.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const main = join(here, '..', 'src', 'cli', 'main.js')
const root = join(here, '..', '..', '..')
const papers = join(root, 'packages', 'lcc', 'test', 'fixtures', 'papers')
const balance = join(root, 'ims', 'balance.lcc')
const tmp = mkdtempSync(join(tmpdir(), 'parley-verify-'))

function parley (...args: string[]): { status: number | null, stdout: string, stderr: string } {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', cwd: root })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

function lccFile (name: string, text: string): string {
  const path = join(tmp, name)
  writeFileSync(path, text)
  return path
}

test('im verify: two roles waiting for each other: exit 1, a deadlock with its (empty) trace', () => {
  const file = lccFile('wait.lcc', 'a(alice, A) :: hello <= a(bob, B) then hi => a(bob, B).\na(bob, B) :: hi <= a(alice, A) then hello => a(alice, A).\n')
  const r = parley('im', 'verify', file)
  assert.equal(r.status, 1, r.stdout + r.stderr)
  assert.match(r.stdout, new RegExp(`${file}:1: error LCC070 deadlock: 2 step\\(s\\) wait forever`))
  assert.match(r.stdout, /trace: \(the initial state\)/)
})

test('im verify: a correct handshake: exit 0, states counted', () => {
  const file = lccFile('hs.lcc', 'a(client, C) :: hello => a(server, S) then ok <= a(server, S).\na(server, S) :: hello <= a(client, C) then ok => a(client, C).\n')
  const r = parley('im', 'verify', file)
  assert.equal(r.status, 0, r.stdout + r.stderr)
  assert.match(r.stdout, /explored 5 states, 4 transitions/)
  assert.match(r.stdout, /no problems found/)
})

test('im verify ims/balance.lcc --peers idle=3: exit 0, states and memory printed, no deadlock', () => {
  const r = parley('im', 'verify', balance, '--peers', 'idle=3')
  assert.equal(r.status, 0, r.stdout + r.stderr)
  assert.match(r.stdout, /^peers: idle=3 \(idle1, idle2, idle3\)\nexplored \d+ states, \d+ transitions, depth \d+, heap [\d.]+ MiB/)
  assert.doesNotMatch(r.stdout, /LCC070|LCC071|LCC072/)
})

test('im verify: the 2012 paper\'s first policy shows the stuck trace (exit 1)', () => {
  const r = parley('im', 'verify', join(papers, 'vichos-2012-balance.lcc'))
  assert.equal(r.status, 1)
  assert.match(r.stdout, /error LCC071 stuck: idle1 \(idle\)/)
  assert.match(r.stdout, / {6}1\. idle1 \[idle\] null <- getPeerState\(Status\) {3}\[holds\]/)
  assert.match(r.stdout, / {6}2\. idle1 \[idle\] null <- isOverLoaded\(\) {3}\[fails: stuck\]/)
})

test('im verify --json: the report as data', () => {
  const r = parley('im', 'verify', join(papers, 'vichos-2012-consolidate.lcc'), '--json')
  assert.equal(r.status, 1)
  const data = JSON.parse(r.stdout) as { stats: { states: number }, findings: Array<{ code: string, message: string, trace: unknown[] }> }
  assert.ok(data.stats.states > 0)
  const lost = data.findings.find(f => f.code === 'LCC073')
  assert.ok(lost)
  assert.match(lost.message, /sends to role overloaded, which has no clause/)
  assert.ok(lost.trace.length > 0)
})

test('im verify: bad input exits 2 with coded lines, never a stack trace', () => {
  const bad = lccFile('bad.lcc', 'a(x, X) :: => foo\n')
  const r = parley('im', 'verify', bad)
  assert.equal(r.status, 2)
  assert.match(r.stderr, new RegExp(`^${bad}:1:12: error LCC004: `))
  assert.doesNotMatch(r.stderr + r.stdout, /\n\s+at /)
  for (const args of [['--peers', 'ghost=1'], ['--depth', 'x'], ['--assume', 'isOverLoaded=maybe']]) {
    const o = parley('im', 'verify', balance, ...args)
    assert.equal(o.status, 2, args.join(' '))
    assert.match(o.stderr, /^parley: error CLI002: /)
  }
  assert.equal(parley('im', 'verify', join(tmp, 'missing.lcc')).status, 2)
})
