import { test } from 'node:test'
import assert from 'node:assert/strict'
import { computeBaseline, computeEfficacy, generateScenario, greedyBalance, hostLoads, PAPER_BAND, REPORT_FORMAT, replayReport } from '../src/index.js'
import type { SimReport } from '../src/index.js'

/** A report whose "run" is the greedy balancer's moves: a consistent report made without the runtime. */
function syntheticReport (): SimReport {
  const s = generateScenario({ hosts: 6, vms: 20, seed: 99 })
  const g = greedyBalance(s.hosts, s.vms, s.initial, PAPER_BAND)
  const migrations = g.moves.map((m, i) => ({ time: 1000 * (i + 1), round: i + 1, ...m }))
  const baseline = computeBaseline(s.hosts, s.vms, s.initial, PAPER_BAND)
  const loads = [hostLoads(s.hosts, s.vms, s.initial), hostLoads(s.hosts, s.vms, g.final)]
  return {
    format: REPORT_FORMAT, seed: 99, policy: { file: 'x.lcc', name: 'x' }, band: [80, 120], roundMs: 1000, rounds: migrations.length,
    agentFactory: 'test', agentEvents: { interactionsStarted: 0, interactionsEnded: 0, interactionsAborted: 0, migrationsFailed: 0 }, hosts: s.hosts, vms: s.vms, initial: s.initial, migrations, final: g.final,
    messages: { total: 0, perHost: 0, gossip: 0, requests: 0 }, baseline,
    efficacy: computeEfficacy(s.hosts, s.vms, s.initial, g.final, migrations.length, PAPER_BAND, baseline),
    series: { times: [0, 1000 * migrations.length], loads }, wallMs: 0
  }
}

const clone = (r: SimReport): any => JSON.parse(JSON.stringify(r))

test('a consistent report replays cleanly, also after a JSON round trip', () => {
  const r = syntheticReport()
  assert.ok(r.migrations.length >= 2)
  const res = replayReport(clone(r))
  assert.deepEqual(res.problems, [])
  assert.equal(res.ok, true)
})

test('the checker catches a tampered report', () => {
  const base = syntheticReport()
  const cases: Array<[string, (x: any) => void, RegExp]> = [
    ['a dropped migration', x => { x.migrations.splice(0, 1) }, /is on|replay gives/],
    ['a migration from the wrong host', x => { x.migrations[0].from = x.migrations[0].to }, /own host|is on/],
    ['reordered migrations', x => { x.migrations.reverse() }, /goes back|is on|replay gives/],
    ['an edited final placement', x => { const k = Object.keys(x.final)[0]; x.final[k] = x.final[k] === 'h0' ? 'h1' : 'h0' }, /replay gives/],
    ['inflated efficacy', x => { x.efficacy.outOfBandAfter = 0; x.efficacy.stddevAfter = 1 }, /efficacy\./],
    ['a flattering baseline', x => { x.baseline.greedy.migrations += 5 }, /baseline/],
    ['a migration count that hides moves', x => { x.efficacy.migrations = 0 }, /efficacy\.migrations/],
    ['a doctored load series', x => { x.series.loads[x.series.loads.length - 1][0] += 0.5 }, /series/],
    ['an unknown target host', x => { x.migrations[x.migrations.length - 1].to = 'nowhere' }, /unknown target|replay gives/],
    ['not a report at all', x => { x.format = 'other' }, /format/]
  ]
  for (const [name, tamper, expect] of cases) {
    const x = clone(base)
    tamper(x)
    const res = replayReport(x)
    assert.equal(res.ok, false, `${name} should be caught`)
    assert.ok(res.problems.some(p => expect.test(p)), `${name}: ${res.problems.join('; ')}`)
  }
  assert.equal(replayReport(null).ok, false)
  assert.equal(replayReport({ format: REPORT_FORMAT }).ok, false)
})
