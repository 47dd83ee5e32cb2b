// Model-checker throughput and reach on ims/balance.lcc: for N = 2, 3, ... hosts (all starting
// in idle), a full verify with symmetry reduction, until a run does not finish within 60 s
// (PARLEY_VERIFY_BUDGET_MS) or hits the state limit. Prints states, transitions, wall and CPU
// time, states/s and peak heap for each N, then the largest N verified completely in budget.
// No randomness: the search is deterministic (seed printed for the bench runner's format).
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from '../src/syntax/index.js'
import { verify } from '../src/verify/index.js'

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..')
const text = readFileSync(join(repo, 'ims', 'balance.lcc'), 'utf8')
const budgetMs = Number(process.env.PARLEY_VERIFY_BUDGET_MS ?? 60_000)
const maxStates = Number(process.env.PARLEY_VERIFY_MAX_STATES ?? 5_000_000)
const { model } = parse(text)
const gc = (globalThis as { gc?: () => void }).gc

console.log(`verify bench: ims/balance.lcc, peers idle=N, budget ${budgetMs} ms, state limit ${maxStates}, seed n/a (deterministic)`)
console.log('symmetry   N      states   transitions   wall s    cpu s   states/s(cpu)   heap MiB   findings')
let best = 0
for (const symmetry of [true, false]) {
  for (let n = 2; n <= 12; n++) {
    gc?.()
    const cpu0 = process.cpuUsage()
    const t0 = performance.now()
    const r = verify(model, { peers: `idle=${n}`, symmetry, maxMs: budgetMs, maxStates })
    const wall = (performance.now() - t0) / 1000
    const cpu = (() => { const c = process.cpuUsage(cpu0); return (c.user + c.system) / 1e6 })()
    const s = r.stats
    const kinds = [...new Set(r.findings.map(f => f.code))].join(',') || '-'
    console.log(`${symmetry ? 'on ' : 'off'}      ${String(n).padStart(2)}  ${String(s.states).padStart(10)}  ${String(s.transitions).padStart(12)}  ${wall.toFixed(2).padStart(7)}  ${cpu.toFixed(2).padStart(7)}  ${String(Math.round(s.states / Math.max(cpu, 1e-3))).padStart(14)}  ${s.heapMiB.toFixed(1).padStart(9)}   ${kinds}${s.complete ? '' : '  (incomplete: bound reached)'}`)
    if (!s.complete) break
    if (symmetry) best = n
    // Without symmetry the state space grows by ~N! more: compare only on small N.
    if (!symmetry && n >= 4) break
  }
}
console.log(`largest N verified completely within ${budgetMs / 1000} s (symmetry on): ${best} hosts`)
