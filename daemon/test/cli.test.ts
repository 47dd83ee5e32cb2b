// Spawns the built `parley` CLI with this Node binary and checks its output and exit statuses.
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
const papers = join(root, 'packages', 'lcc', 'test', 'fixtures', 'papers')
const balance = join(root, 'ims', 'balance.lcc')
const BALANCE_COMPONENTS = 'getPeerState/1,isOverLoaded/0,isUnderLoaded/0,canRelieve/2,canAbsorb/1,noPartner/1,migration/2,isMigrationPossible/2,waitForMigration/0'

function parley (...args: string[]): { status: number | null, stdout: string, stderr: string } {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', cwd: root })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

test('im check ims/balance.lcc: exit 0, clean with its components', () => {
  const r = parley('im', 'check', balance, '--components', BALANCE_COMPONENTS)
  assert.equal(r.status, 0, r.stderr)
  assert.equal(r.stdout, '')
  assert.match(r.stderr, /1 file checked: 0 errors, 0 warnings/)
})

test('the paper balance policies get the trap warning; Herry fig. 2 also fails on its role change to the partner', () => {
  for (const name of ['vichos-2012-balance.lcc', 'herry-fig2-balance.lcc']) {
    const file = join(papers, name)
    const r = parley('im', 'check', file)
    assert.match(r.stdout, new RegExp(`${file}:\\d+:\\d+: warning LCC030: `))
    assert.match(r.stdout, /\n {2}hint: add parentheses: X then \(A or B\)\n/)
    const errors = r.stdout.split('\n').filter(l => l.includes(': error '))
    if (name.startsWith('vichos')) {
      assert.equal(r.status, 0, r.stdout + r.stderr)
      assert.deepEqual(errors, [])
    } else {
      assert.equal(r.status, 1, r.stdout + r.stderr)
      assert.deepEqual(errors, [`${file}:37:10: error LCC035: the role change to idle gives this peer the id PID1, but the clause is played by PID2`])
    }
  }
})

test('the consolidation policy: exit 1 and an error naming overloaded at line 50', () => {
  const file = join(papers, 'vichos-2012-consolidate.lcc')
  const r = parley('im', 'check', file)
  assert.equal(r.status, 1)
  const errors = r.stdout.split('\n').filter(l => l.includes(': error '))
  assert.deepEqual(errors, [`${file}:50:18: error LCC020: role overloaded is not defined by any clause (migration(OK) is sent to it)`])
})

test('--json prints the diagnostics as data, before or after the command', () => {
  const file = join(papers, 'vichos-2012-consolidate.lcc')
  for (const args of [['--json', 'im', 'check', file], ['im', 'check', file, '--json']]) {
    const r = parley(...args)
    assert.equal(r.status, 1)
    const data = JSON.parse(r.stdout) as { files: Array<{ file: string, diagnostics: Array<Record<string, unknown>> }>, errors: number }
    assert.equal(data.errors, 1)
    const err = data.files[0]!.diagnostics.find(d => d.severity === 'error')
    assert.deepEqual(err, {
      file,
      line: 50,
      column: 18,
      endLine: 50,
      endColumn: 36,
      severity: 'error',
      code: 'LCC020',
      message: 'role overloaded is not defined by any clause (migration(OK) is sent to it)',
      hint: 'define the role with a clause a(Role, Id) :: ..., or fix the role name',
    })
  }
})

test('--components: a file or a list; missing constraints become errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-cli-'))
  const list = join(dir, 'components.txt')
  writeFileSync(list, '# balance components\ngetPeerState/1\nisOverLoaded/0\n')
  const r = parley('im', 'check', balance, '--components', list)
  assert.equal(r.status, 1)
  assert.match(r.stdout, /error LCC026: no component provides the constraint isUnderLoaded\/0/)
  const bad = parley('im', 'check', balance, '--components', 'getPeerState')
  assert.equal(bad.status, 2)
  assert.match(bad.stderr, /^parley: error CLI005: /)
})

test('syntax errors: file:line:col, the code, the hint; exit 1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-cli-'))
  const file = join(dir, 'bad.lcc')
  writeFileSync(file, 'a(r, X) :: m => a(s, X)\n  or m2 -> a(s, X)\n')
  const r = parley('im', 'check', file)
  assert.equal(r.status, 1)
  assert.equal(r.stdout, `${file}:2:9: error LCC012: unknown arrow ->\n  hint: a step is M => a(R, X), M <= a(R, X), C <- M <= a(R, X), null <- C or a(R, X)\n`)
})

test('usage errors: one coded line and a hint, exit 2, no stack trace', () => {
  const cases: Array<[string[], string]> = [
    [['im', 'check', '--bogus', balance], 'CLI002'],
    [['im', 'check'], 'CLI003'],
    [['im', 'check', 'no-such-file.lcc'], 'CLI004'],
    [['frobnicate'], 'CLI001'],
    [['im', 'fmt', balance, 'extra'], 'CLI003'],
  ]
  for (const [args, code] of cases) {
    const r = parley(...args)
    assert.equal(r.status, 2, args.join(' '))
    assert.match(r.stderr, new RegExp(`^parley: error ${code}: [^\\n]+\\n {2}hint: [^\\n]+\\n$`), args.join(' '))
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/)
  }
})

test('--help documents the exit statuses', () => {
  const r = parley('--help')
  assert.equal(r.status, 0)
  assert.match(r.stdout, /Exit status:\n {2}0 .*\n {2}1 .*\n {2}2 /)
  assert.match(r.stdout, /--socket <path>/)
  assert.match(r.stdout, /--json/)
})

test('im fmt: prints, --check, --write', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-cli-'))
  const file = join(dir, 'herry.lcc')
  writeFileSync(file, readFileSync(join(papers, 'herry-fig2-balance.lcc'), 'utf8'))
  const printed = parley('im', 'fmt', file)
  assert.equal(printed.status, 0)
  assert.match(printed.stdout, /readyToMigrate\(Need\) => a\(underloaded, PID2\) then\n/)
  assert.equal(parley('im', 'fmt', file, '--check').status, 1)
  assert.equal(parley('im', 'fmt', file, '--write').status, 0)
  assert.equal(readFileSync(file, 'utf8'), printed.stdout)
  assert.equal(parley('im', 'fmt', file, '--check').status, 0)
  assert.equal(parley('im', 'fmt', balance, '--check').status, 0)
  const broken = join(dir, 'broken.lcc')
  writeFileSync(broken, 'a(r, X) :: (a(r, X)\n')
  const r = parley('im', 'fmt', broken, '--write')
  assert.equal(r.status, 1)
  assert.match(r.stderr, /broken\.lcc:2:1: error LCC006: /)
  assert.equal(readFileSync(broken, 'utf8'), 'a(r, X) :: (a(r, X)\n')
})
