// Lab migration time of a 256 MiB guest with ~254 MiB of non-zero RAM: the binding's migrate()
// against `virsh migrate --live --p2p` for the same guest in the same run, alternating (and
// alternating direction), printed as a ratio. Goal: binding/virsh <= 1.05.
import { execFileSync } from 'node:child_process'
import { loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import type { Connection } from '../src/index.js'
import { guestXml, labUri, removeDomains, uniqueName, waitHalted, waitResident } from '../test/lab.js'
import { fmt, labOrSkip, summary } from './common.js'

const RUNS = Number(process.env.BENCH_RUNS ?? 6) // per method
const MEM = 256

const lab = await labOrSkip(2)
if (typeof lab === 'string') {
  console.log(`migrate.bench: skipped: ${lab}`)
} else {
  const conns = lab as [Connection, Connection]
  const name = uniqueName('lvbench')
  try {
    const d = await conns[0].defineDomain(guestXml(name, MEM, 'fill'))
    await d.start()
    const t0 = performance.now()
    await waitResident(conns[0], d, MEM)
    await waitHalted(d)
    console.log(`guest ${name}: ${MEM} MiB, RAM filled by its kernel in ${fmt((performance.now() - t0) / 1000)} s`)
    const wall: Record<'binding' | 'virsh', number[]> = { binding: [], virsh: [] }
    const job: Record<'binding' | 'virsh', number[]> = { binding: [], virsh: [] }
    let at = 0 // index of the host the guest is on
    // B V V B B V V B ...: each method moves the guest equally often in each direction.
    const order = Array.from({ length: 2 * RUNS }, (_, i) => ((i + 1) >> 1) % 2 === 0 ? 'binding' : 'virsh') as Array<'binding' | 'virsh'>
    // The first move of a fresh guest is slower (cold caches on both hosts): two untimed moves first.
    for (const warm of ['binding', 'virsh', 'binding', 'virsh'] as const) order.unshift(warm)
    let n = 0
    for (const method of order) {
      const counted = n++ >= 4
      const from = conns[at] as Connection
      const to = conns[1 - at] as Connection
      const start = performance.now()
      if (method === 'binding') {
        const dom = await from.lookupDomainByName(name)
        await dom.migrate(labUri(2 - at), {}, { live: true, peer2peer: true, persistDest: true, undefineSource: true })
      } else {
        execFileSync('virsh', ['-q', '-c', labUri(at + 1), 'migrate', '--live', '--p2p', '--persistent', '--undefinesource', name, labUri(2 - at)])
      }
      const took = performance.now() - start
      const done = await (await to.lookupDomainByName(name)).getJobStats({ completed: true })
      if (counted) {
        wall[method].push(took)
        job[method].push(done.timeElapsedMs ?? NaN)
      }
      console.log(`  ${counted ? '' : '(warm-up) '}${method.padEnd(7)} host${at + 1}->host${2 - at}: wall ${fmt(took)} ms, libvirt job ${done.timeElapsedMs} ms, ${((done.dataProcessed ?? 0) / 2 ** 20).toFixed(1)} MiB`)
      at = 1 - at
    }
    const b = summary(wall.binding)
    const v = summary(wall.virsh)
    const bj = summary(job.binding)
    const vj = summary(job.virsh)
    console.log(`load average at the end: ${loadavg().map(x => x.toFixed(1)).join(' ')} (the lab shares 2 cores with other work)`)
    console.log(`wall ms (mean/p50): binding ${fmt(b.mean)}/${fmt(b.p50)}, virsh ${fmt(v.mean)}/${fmt(v.p50)}`)
    console.log(`ratio binding/virsh (wall, mean): ${(b.mean / v.mean).toFixed(3)}  (p50: ${(b.p50 / v.p50).toFixed(3)})  goal <= 1.05`)
    // wall minus libvirt's own job time: what the caller adds around the migration (client, RPC,
    // process start for virsh). Far less noisy than either on a shared machine.
    const around = (m: 'binding' | 'virsh'): number => summary(wall[m].map((w, i) => w - (job[m][i] ?? NaN))).p50
    console.log(`outside libvirt's job (wall - job time, p50): binding ${fmt(around('binding'))} ms, virsh ${fmt(around('virsh'))} ms`)
    console.log(`ratio binding/virsh (libvirt job time, mean): ${(bj.mean / vj.mean).toFixed(3)}  (p50: ${(bj.p50 / vj.p50).toFixed(3)})`)
  } finally {
    await removeDomains(conns, [name])
    for (const c of conns) await c.close()
  }
}
