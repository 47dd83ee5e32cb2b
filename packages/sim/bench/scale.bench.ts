// Scale of the simulator with the real runtime: wall time, heap, and messages per host for
// 1,000 hosts x 10,000 VMs (goal < 60 s), and, with PARLEY_BENCH_LARGE=1 (or =only), 10,000 hosts x
// 100,000 VMs (goal < 10 min, run under that deadline). Seed: PARLEY_SEED (default 2012). Rounds: PARLEY_BENCH_ROUNDS (default 30).
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { generateScenario, runSimulation, SimAbortedError } from '../src/index.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..')
const policyFile = join(root, 'ims', 'balance.lcc')
const policy = { file: 'ims/balance.lcc', name: 'balance', text: readFileSync(policyFile, 'utf8') }
const seed = Number(process.env.PARLEY_SEED ?? 2012)
const rounds = Number(process.env.PARLEY_BENCH_ROUNDS ?? 30)
// PARLEY_BENCH_LARGE=1 adds the large case; =only runs just that one
const large = process.env.PARLEY_BENCH_LARGE === '1' || process.env.PARLEY_BENCH_LARGE === 'only'

interface Case { hosts: number, vms: number, goalS: number }
const cases: Case[] = [{ hosts: 100, vms: 1000, goalS: 10 }, { hosts: 1000, vms: 10_000, goalS: 60 }]
if (process.env.PARLEY_BENCH_LARGE === 'only') cases.length = 0
if (large) cases.push({ hosts: 10_000, vms: 100_000, goalS: 600 })

console.log(`seed ${seed}, ${rounds} rounds of 1 s virtual time, policy ims/balance.lcc through @parley/runtime createHostAgent`)
if (!large) console.log('10,000 hosts x 100,000 VMs skipped: set PARLEY_BENCH_LARGE=1 to run it (goal < 10 min)')
for (const c of cases) {
  const gc = (globalThis as { gc?: () => void }).gc
  gc?.()
  const heap0 = process.memoryUsage().heapUsed
  let peakHeap = heap0; let peakRss = process.memoryUsage().rss
  const t0 = performance.now()
  const cpu0 = process.cpuUsage()
  const scenario = generateScenario({ hosts: c.hosts, vms: c.vms, seed })
  // the large case runs under its goal as a deadline, so a miss reports how far it got
  const signal = c.hosts >= 10_000 ? AbortSignal.timeout(c.goalS * 1000) : undefined
  let last = { round: 0, migrations: 0, outOfBand: -1 }
  let r
  try {
    r = await runSimulation({ scenario, policy, rounds }, {
      ...(signal === undefined ? {} : { signal }),
      onProgress: p => {
        const m = process.memoryUsage()
        peakHeap = Math.max(peakHeap, m.heapUsed); peakRss = Math.max(peakRss, m.rss)
        last = p
        if (c.hosts >= 1000 && p.stage === 'run' && (p.round % 5 === 0 || p.round === p.rounds)) console.log(`  round ${p.round}/${p.rounds}: ${(p.wallMs / 1000).toFixed(1)} s, ${p.migrations} migrations, ${p.outOfBand} out of band`)
      }
    })
  } catch (err) {
    if (!(err instanceof SimAbortedError)) throw err
    const m = process.memoryUsage()
    console.log(`${c.hosts} hosts x ${c.vms} VMs: goal < ${c.goalS} s MISSED: stopped at the deadline during ${err.stage} ` +
      `(${err.hostsBuilt} hosts built, ${last.round} rounds done, ${last.migrations} migrations); heap ${(m.heapUsed / 1048576).toFixed(0)} MiB, rss ${(m.rss / 1048576).toFixed(0)} MiB`)
    continue
  }
  const wallS = (performance.now() - t0) / 1000
  const cpu = process.cpuUsage(cpu0)
  const cpuS = (cpu.user + cpu.system) / 1e6
  const e = r.efficacy
  console.log(`${c.hosts} hosts x ${c.vms} VMs: wall ${wallS.toFixed(1)} s (goal < ${c.goalS} s: ${wallS < c.goalS ? 'met' : 'MISSED'}), CPU ${cpuS.toFixed(1)} s${wallS > 1.2 * cpuS ? ' (wall well above CPU: the cores were shared)' : ''}, ` +
    `${(wallS * 1000 / rounds).toFixed(0)} ms per round; heap peak ${((peakHeap - heap0) / 1048576).toFixed(0)} MiB over start ` +
    `(${(((peakHeap - heap0) / c.hosts) / 1024).toFixed(0)} KiB per host), rss peak ${(peakRss / 1048576).toFixed(0)} MiB`)
  console.log(`  messages ${r.messages.total} (${r.messages.perHost} per host, ${(r.messages.perHost / rounds).toFixed(1)} per host per round; gossip ${r.messages.gossip}, requests ${r.messages.requests})`)
  console.log(`  migrations ${e.migrations} (greedy ${r.baseline.greedy.migrations}), out of band ${e.outOfBandBefore} -> ${e.outOfBandAfter}, stddev ${e.stddevBefore} -> ${e.stddevAfter} % of mean`)
}
