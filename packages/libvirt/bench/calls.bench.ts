// Call overhead of the binding against a real lab host with 20 running guests:
// listAllDomains and getAllDomainStats, mean/p50/p99 per call (plus getHostname as the floor).
import { execFileSync } from 'node:child_process'
import { performance } from 'node:perf_hooks'
import type { Connection } from '../src/index.js'
import { guestXml, removeDomains, uniqueName } from '../test/lab.js'
import { fmt, labOrSkip, summary } from './common.js'

const GUESTS = Number(process.env.BENCH_GUESTS ?? 20)
const ITER = Number(process.env.BENCH_ITER ?? 200)

async function time (f: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 20; i++) await f().catch(() => {})
  const out: number[] = []
  for (let i = 0; i < ITER; i++) {
    const t0 = performance.now()
    // A failure (another tenant's domain vanishing mid-call) is timed like a success.
    await f().catch(() => {})
    out.push(performance.now() - t0)
  }
  return out
}

/** Waits until the named guests together use under 5% of a CPU. */
async function settle (c: Connection, names: string[]): Promise<void> {
  const mine = new Set(names)
  const cpu = async (): Promise<number> => (await c.getAllDomainStats({ groups: ['cpu'] }))
    .filter(r => mine.has(r.name)).reduce((a, r) => a + Number(r.params['cpu.time'] ?? 0), 0)
  let last = await cpu()
  for (let i = 0; i < 120; i++) {
    await new Promise(resolve => setTimeout(resolve, 1000))
    const now = await cpu()
    if (now - last < 50_000_000) return
    last = now
  }
}

const lab = await labOrSkip(1)
if (typeof lab === 'string') {
  console.log(`calls.bench: skipped: ${lab}`)
} else {
  const [c] = lab
  if (c === undefined) throw new Error('unreachable')
  const names = Array.from({ length: GUESTS }, () => uniqueName('lvbench'))
  try {
    const t0 = performance.now()
    await Promise.all(names.map(async n => await c.createDomain(guestXml(n, 32, 'halt'))))
    console.log(`started ${GUESTS} halted 32 MiB guests on ${c.uri} in ${fmt(performance.now() - t0)} ms (parallel createDomain)`)
    // Each guest burns ~2.5 s of CPU in firmware before it halts (nested KVM): measure after that.
    const t2 = performance.now()
    await settle(c, names)
    console.log(`guests settled (firmware done, halted) after ${fmt((performance.now() - t2) / 1000)} s`)
    const total = (await c.listAllDomains()).length
    const stats = await c.getAllDomainStats()
    const params = stats.reduce((a, r) => a + Object.keys(r.params).length, 0)
    console.log(`host has ${total} domains; one getAllDomainStats returns ${params} typed parameters`)
    console.log(`sequential calls, ${ITER} each after 20 warm-up (ms): call  mean  p50  p99  max`)
    const lean = { groups: ['state', 'cpu', 'balloon', 'vcpu'] as const, nowait: true }
    for (const [label, f] of [
      ['getHostname', async () => await c.getHostname()],
      ['listAllDomains', async () => await c.listAllDomains()],
      ['getAllDomainStats (all groups)', async () => await c.getAllDomainStats()],
      ['getAllDomainStats (state,cpu,balloon,vcpu; nowait)', async () => await c.getAllDomainStats({ groups: [...lean.groups], nowait: true })]
    ] as const) {
      const s = summary(await time(f))
      console.log(`  ${label.padEnd(52)} ${fmt(s.mean)}  ${fmt(s.p50)}  ${fmt(s.p99)}  ${fmt(s.max)}`)
    }
    // Reference: the same requests through virsh (a process per call, so minus `virsh hostname`).
    const virsh = (args: string[]): number => {
      const t = performance.now()
      execFileSync('virsh', ['-q', '-c', c.uri, ...args], { stdio: 'ignore' })
      return performance.now() - t
    }
    const ref = (args: string[]): number => summary(Array.from({ length: 15 }, () => virsh(args))).p50
    const base = ref(['hostname'])
    console.log(`  virsh reference, p50 minus 'virsh hostname' (${fmt(base)} ms):`)
    console.log(`    virsh list --all                                   ${fmt(ref(['list', '--all']) - base)}`)
    console.log(`    virsh domstats                                     ${fmt(ref(['domstats']) - base)}`)
    console.log(`    virsh domstats --state --cpu-total --balloon --vcpu --nowait  ${fmt(ref(['domstats', '--state', '--cpu-total', '--balloon', '--vcpu', '--nowait']) - base)}`)
    // Throughput with concurrency: 8 callers in flight on one connection. Other tenants of the lab
    // may destroy their domains meanwhile, which can fail a whole stats call: count, do not stop.
    const t1 = performance.now()
    let done = 0
    let failed = 0
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (done < ITER) {
        done++
        await c.getAllDomainStats({ groups: [...lean.groups], nowait: true }).catch(() => { failed++ })
      }
    }))
    console.log(`  lean getAllDomainStats, 8 in flight: ${fmt((performance.now() - t1) / done)} ms/call amortised over ${done} (${failed} failed)`)
  } finally {
    await removeDomains([c], names)
    await c.close()
  }
}
