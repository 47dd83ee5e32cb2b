// parley-sim, run in-process: the summary, the report on stdout or in a file, progress lines, the
// replay check, and coded errors with exit status 2 for bad options, files and policies.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runSimCli } from '../src/cli/program.js'
import { ROOT } from './fixtures.js'

interface Run { status: number, out: string, err: string }

async function sim (args: string[], errIsTty = false): Promise<Run> {
  let out = ''; let err = ''
  const status = await runSimCli(args, { out: t => { out += t }, err: t => { err += t }, errIsTty })
  return { status, out, err }
}

const POLICY = join(ROOT, 'ims', 'balance.lcc')
const small = ['--hosts', '4', '--vms', '8', '--rounds', '6', '--seed', '7', '--policy', POLICY]

test('parley-sim prints the seed, progress lines and the summary with its replay command; exit 0', async () => {
  const r = await sim(small)
  assert.equal(r.status, 0, r.err)
  assert.match(r.err, /^parley sim: seed 7\n/)
  const progress = r.err.split('\n').slice(1).filter(l => l !== '').map(l => JSON.parse(l) as { event: string, round: number })
  assert.ok(progress.length >= 6 && progress.every(p => p.event === 'sim.progress'), 'a JSON line per round (6 rounds)')
  assert.equal(progress.at(-1)?.round, 6)
  assert.match(r.out, /^parley sim: 4 hosts, 8 VMs, policy .*balance\.lcc, seed 7, 6 rounds of 1000 ms, band 80-120 % of mean\n/)
  assert.match(r.out, /hosts out of band {4}\d+ -> \d+/)
  assert.match(r.out, /replay {15}parley sim --hosts 4 --vms 8 --seed 7 --rounds 6 --band 80,120 --policy /)
})

test('on a terminal the progress is a bar', async () => {
  const r = await sim(small, true)
  assert.equal(r.status, 0)
  assert.match(r.err, /\r\[#{30}\] round 6\/6 {2}migrations \d+ {2}out of band \d+/)
})

test('--json alone: the report on stdout; --json FILE: the report in the file and the summary; --check replays it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-sim-cli-'))
  const r = await sim([...small, '--json'])
  assert.equal(r.status, 0)
  const report = JSON.parse(r.out) as { format: string, seed: number, agentFactory: string }
  assert.equal(report.format, 'parley-sim/1')
  assert.equal(report.seed, 7)
  assert.equal(report.agentFactory, '@parley/runtime#createHostAgent')
  const file = join(dir, 'r.json')
  const f = await sim([...small, '--json', file])
  assert.equal(f.status, 0)
  assert.match(f.out, /report {15}.*r\.json/)
  assert.deepEqual({ ...JSON.parse(readFileSync(file, 'utf8')), wallMs: 0 }, { ...JSON.parse(r.out), wallMs: 0 }, 'the same seed replays the same run')
  const ok = await sim(['--check', file])
  assert.equal(ok.status, 0)
  assert.match(ok.out, /the report replays/)
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { final: Record<string, string> }
  const [vm, host] = Object.entries(doc.final)[0] as [string, string]
  doc.final[vm] = host === 'h00' ? 'h01' : 'h00'
  writeFileSync(file, JSON.stringify(doc))
  const bad = await sim(['--check', file])
  assert.equal(bad.status, 1, 'a report that does not replay: exit 1')
  assert.match(bad.out, /problem/)
})

test('bad input is one coded line with a hint, exit 2, never a stack trace', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['--hosts', 'x'], /error CLI002: --hosts x: give a whole number/],
    [['--band', '80'], /error CLI002: --band 80: give two numbers/],
    [['--plot', 'out.gif', '--policy', POLICY], /error CLI002: --plot out\.gif/],
    [['--frobnicate'], /error CLI002: unknown option '--frobnicate'/],
    [['--policy', '/nonexistent/p.lcc'], /error CLI004: cannot read \/nonexistent\/p\.lcc: ENOENT/],
    [['--check', '/nonexistent/r.json'], /error CLI004/]
  ]
  for (const [args, want] of cases) {
    const r = await sim(args)
    assert.equal(r.status, 2, args.join(' '))
    assert.match(r.err, want)
    assert.match(r.err, /\n {2}hint: \S/)
    assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace')
  }
  const dir = mkdtempSync(join(tmpdir(), 'parley-sim-cli-'))
  const bad = join(dir, 'bad.lcc')
  writeFileSync(bad, 'a(idle, I) :: nosuch(X) then a(idle, I)')
  const r = await sim(['--hosts', '2', '--vms', '2', '--rounds', '1', '--seed', '1', '--policy', bad])
  assert.equal(r.status, 2)
  assert.match(r.err, /error SIM_POLICY_REJECTED: .*bad\.lcc/)
})

test('--help lists the options and the exit statuses; exit 0', async () => {
  const r = await sim(['--help'])
  assert.equal(r.status, 0)
  for (const o of ['--hosts', '--vms', '--policy', '--seed', '--rounds', '--band', '--json', '--plot', '--host-cpus', '--demand', '--round-ms', '--check']) assert.ok(r.out.includes(o), o)
  assert.match(r.out, /Exit status: 0 done, 1 \(--check\)/)
})
