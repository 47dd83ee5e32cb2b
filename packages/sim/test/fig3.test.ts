// The 2012 paper's fig. 3 as a property: 15 hosts, 50 VMs, band 80-120 %, on seeds 1-100 and on 30
// random seeds per run. The real policy (ims/balance.lcc on @parley/runtime) must end with at most
// one host out of band, the paper's result, in at most 1.2x the moves of the central greedy
// balancer, and every run must replay. Seeds 1-100 must all meet the target, and so must the seeds
// given in PARLEY_SEED=a,b,... (a replay). Measured: the target holds on 998 of seeds 1-1000 and on
// 1998 of the held-out seeds 1001-3000, with 0.99x greedy's migrations in all. The misses: 658,
// where greedy itself stops with two hosts out of band and every host in band takes 11 moves (1.2x
// greedy is 10.8); 223 and 2588, two moves over 1.2x greedy; 1117, two hosts just over the band
// whose VMs are all too large for any host left under it (a VM is indivisible: the paper's own
// leftover, twice). So of the 30 random seeds at most MAX_MISSES may miss (three or more in 30 at a
// 0.13 % rate: about 1 in 100,000 runs). A miss is printed, with its seed.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { randomInt } from 'node:crypto'
import { generateScenario, replayReport, runSimulation, RUNTIME_AGENT_FACTORY_NAME } from '../src/index.js'
import { balancePolicy } from './fixtures.js'

const FIXED = Array.from({ length: 100 }, (_, i) => i + 1)
const RANDOM = 30
const MAX_MISSES = 2
const ROUNDS = 90

function seeds (): number[] {
  const env = process.env.PARLEY_SEED
  if (env !== undefined && env.trim() !== '') return env.split(',').map(s => Number(s.trim()))
  return [...FIXED, ...Array.from({ length: RANDOM }, () => randomInt(2 ** 32))]
}

test(`fig. 3 on seeds 1-${FIXED.length} and ${RANDOM} random seeds: at most one host out of band, within 1.2x the greedy balancer's moves`, async (t) => {
  const list = seeds()
  t.diagnostic(`seeds (replay with PARLEY_SEED=${list.join(',')}): ${list.join(' ')}`)
  const replay = process.env.PARLEY_SEED !== undefined && process.env.PARLEY_SEED.trim() !== ''
  const misses: Array<{ row: string, strict: boolean }> = []
  let moves = 0
  let greedy = 0
  let outOfBand = 0
  const started = performance.now()
  for (const seed of list) {
    assert.ok(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32, `bad seed ${seed}`)
    const r = await runSimulation({ scenario: generateScenario({ hosts: 15, vms: 50, seed }), policy: balancePolicy(), rounds: ROUNDS })
    const e = r.efficacy
    assert.equal(r.agentFactory, RUNTIME_AGENT_FACTORY_NAME)
    assert.deepEqual(replayReport(JSON.parse(JSON.stringify(r))).problems, [], `seed ${seed} replays`)
    moves += e.migrations
    greedy += r.baseline.greedy.migrations
    outOfBand += e.outOfBandAfter
    const ok = e.outOfBandAfter <= 1 && e.migrations <= 1.2 * r.baseline.greedy.migrations
    const row = `seed ${seed}: out of band ${e.outOfBandBefore} -> ${e.outOfBandAfter}, stddev ${e.stddevBefore} -> ${e.stddevAfter} % of mean, ` +
      `migrations ${e.migrations} (greedy ${r.baseline.greedy.migrations}${r.baseline.greedy.outOfBand > 0 ? `, which leaves ${r.baseline.greedy.outOfBand} out of band` : ''})`
    if (!ok) misses.push({ row: `${row}  <- misses the target (replay: PARLEY_SEED=${seed})`, strict: replay || FIXED.includes(seed) })
  }
  t.diagnostic(`${list.length - misses.length} of ${list.length} seeds meet the target; migrations ${moves} against greedy ${greedy} ` +
    `(${(moves / greedy).toFixed(3)}x); ${outOfBand} hosts out of band in all; ${Math.round(performance.now() - started)} ms`)
  if (misses.length > 0) t.diagnostic(`counterexamples:\n${misses.map(m => m.row).join('\n')}`)
  const strict = misses.filter(m => m.strict)
  assert.deepEqual(strict.map(m => m.row), [], `seeds 1-${FIXED.length} and replayed seeds must all meet the fig. 3 target`)
  assert.ok(misses.length <= MAX_MISSES, `${misses.length} of ${list.length} seeds miss the fig. 3 target:\n${misses.map(m => m.row).join('\n')}`)
})
