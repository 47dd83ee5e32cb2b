// Scale of the simulator with the real runtime. Per cluster size it prints wall and CPU time, peak
// heap and RSS, messages per host per round, the rounds run, and the final spread (hosts out of
// band, std dev of load) so that convergence shows. Goals: 1,000 hosts x 10,000 VMs in < 60 s;
// 10,000 hosts x 100,000 VMs in < 10 min (run under that deadline, so a miss says how far it got).
//   PARLEY_SEED            scenario seed (default 2012)
//   PARLEY_BENCH_ROUNDS    rounds (default 30)
//   PARLEY_BENCH_LARGE=1   adds 10,000 x 100,000; =only runs just that one
//   PARLEY_BENCH_SIZES     e.g. 2000x20000,5000x50000: these sizes instead (goal: 60 s per 1,000 hosts)
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { generateScenario, runSimulation, SimAbortedError } from '../src/index.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..')
const policy = { file: 'ims/balance.lcc', name: 'balance', text: readFileSync(join(root, 'ims', 'balance.lcc'), 'utf8') }
const seed = Number(process.env.PARLEY_SEED ?? 2012)
const rounds = Number(process.env.PARLEY_BENCH_ROUNDS ?? 30)
const largeEnv = process.env.PARLEY_BENCH_LARGE

interface Case { hosts: number, vms: number, goalS: number }
const LARGE: Case = { hosts: 10_000, vms: 100_000, goalS: 600 }

function cases (): Case[] {
  const sizes = process.env.PARLEY_BENCH_SIZES
  if (sizes !== undefined && sizes !== '') {
    return sizes.split(',').map(s => {
      const m = /^\s*(\d+)\s*x\s*(\d+)\s*$/.exec(s)
      if (m === null) throw new Error(`PARLEY_BENCH_SIZES: "${s}" is not HOSTSxVMS (e.g. 2000x20000)`)
      const hosts = Number(m[1])
      return { hosts, vms: Number(m[2]), goalS: hosts >= 10_000 ? 600 : Math.max(10, 60 * hosts / 1000) }
    })
  }
  if (largeEnv === 'only') return [LARGE]
  const out = [{ hosts: 100, vms: 1000, goalS: 10 }, { hosts: 1000, vms: 10_000, goalS: 60 }]
  if (largeEnv === '1') out.push(LARGE)
  return out
}

const MiB = 1048576
const list = cases()
console.log(`scale: seed ${seed} (PARLEY_SEED), ${rounds} rounds of 1 s virtual time, ims/balance.lcc through @parley/runtime createHostAgent, node ${process.version}`)
if (!list.some(c => c.hosts >= 10_000)) console.log('  10,000 hosts x 100,000 VMs skipped: set PARLEY_BENCH_LARGE=1 to run it (goal < 10 min)')
for (const c of list) {
  const gc = (globalThis as { gc?: () => void }).gc
  gc?.()
  const heap0 = process.memoryUsage().heapUsed
  let peakHeap = heap0; let peakRss = process.memoryUsage().rss
  const t0 = performance.now()
  const cpu0 = process.cpuUsage()
  const scenario = generateScenario({ hosts: c.hosts, vms: c.vms, seed })
  // the large case runs under its goal as a deadline, so a miss reports how far it got
  const signal = c.hosts >= 10_000 ? AbortSignal.timeout(c.goalS * 1000) : undefined
  let last = { round: 0, migrations: 0, outOfBand: -1, wallMs: 0 }
  let setupS = 0
  const every = Math.max(1, Math.round(rounds / 6))
  let r
  try {
    r = await runSimulation({ scenario, policy, rounds }, {
      ...(signal === undefined ? {} : { signal }),
      onProgress: p => {
        const m = process.memoryUsage()
        peakHeap = Math.max(peakHeap, m.heapUsed); peakRss = Math.max(peakRss, m.rss)
        if (p.stage === 'run' && p.round === 1) setupS = last.wallMs / 1000
        last = p
        if (c.hosts >= 1000 && p.stage === 'run' && (p.round % every === 0 || p.round === p.rounds)) {
          console.log(`  round ${p.round}/${p.rounds}: ${(p.wallMs / 1000).toFixed(1)} s, ${p.migrations} migrations, ${p.outOfBand} out of band, heap ${(m.heapUsed / MiB).toFixed(0)} MiB`)
        }
      }
    })
  } catch (err) {
    if (!(err instanceof SimAbortedError)) throw err
    const m = process.memoryUsage()
    const cpu = process.cpuUsage(cpu0)
    console.log(`${c.hosts} hosts x ${c.vms} VMs: goal < ${c.goalS} s MISSED: stopped at the deadline during ${err.stage} ` +
      `(${err.hostsBuilt} hosts built, ${last.round} rounds done, ${last.migrations} migrations, ${last.outOfBand} out of band); ` +
      `CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s in ${c.goalS} s of wall time; heap ${(m.heapUsed / MiB).toFixed(0)} MiB, rss peak ${(peakRss / MiB).toFixed(0)} MiB`)
    continue
  }
  const wallS = (performance.now() - t0) / 1000
  const cpu = process.cpuUsage(cpu0)
  const cpuS = (cpu.user + cpu.system) / 1e6
  const e = r.efficacy
  console.log(`${c.hosts} hosts x ${c.vms} VMs, ${rounds} rounds, seed ${seed}: wall ${wallS.toFixed(1)} s (goal < ${c.goalS} s: ${wallS < c.goalS ? 'met' : 'MISSED'}), ` +
    `CPU ${cpuS.toFixed(1)} s${wallS > 1.2 * cpuS ? ' (wall well above CPU: the cores were shared)' : ''}; setup ${setupS.toFixed(1)} s, ` +
    `${((wallS - setupS) * 1000 / rounds).toFixed(0)} ms per round; heap peak ${(peakHeap / MiB).toFixed(0)} MiB, rss peak ${(peakRss / MiB).toFixed(0)} MiB`)
  console.log(`  messages ${(r.messages.perHost / rounds).toFixed(1)} per host per round (${r.messages.perHost} per host; gossip ${r.messages.gossip}, requests ${r.messages.requests})`)
  console.log(`  spread: out of band ${e.outOfBandBefore} -> ${e.outOfBandAfter} of ${c.hosts} hosts, std dev ${e.stddevBefore} -> ${e.stddevAfter} % of mean; ` +
    `migrations ${e.migrations} (greedy central balancer ${r.baseline.greedy.migrations})`)
}
