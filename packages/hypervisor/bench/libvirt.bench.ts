// Real KVM figures for the libvirt backend: list() latency and live-migration time of a 64 MiB
// guest between two lab hosts. Needs the KVM lab (PARLEY_LAB_HOSTS >= 2); otherwise says why.
import { pino } from 'pino'
import { createLibvirtHypervisor, domainXml, realClock } from '../src/index.js'
import { installFillKernel } from '../test/lab-guest.js'

if (Number(process.env.PARLEY_LAB_HOSTS ?? 0) < 2) {
  console.log(`skipped: ${process.env.PARLEY_LAB_SKIP_REASON ?? 'PARLEY_LAB_HOSTS is not set (run scripts/kvm-lab.sh up 2)'}`)
  process.exit(0)
}
const components = { logger: pino({ level: 'silent' }), clock: realClock() }
const a = await createLibvirtHypervisor({ uri: 'qemu+tcp://127.0.1.1/system' }, components)
const b = await createLibvirtHypervisor({ uri: 'qemu+tcp://127.0.1.2/system' }, components)
const pct = (xs: number[], p: number): number => [...xs].sort((x, y) => x - y)[Math.min(xs.length - 1, Math.floor(xs.length * p))] as number

const listTimes: number[] = []
for (let i = 0; i < 40; i++) {
  const t = performance.now(); const n = (await a.list()).length; listTimes.push(performance.now() - t)
  if (i === 0) console.log(`host1 domains: ${n}`)
}
console.log(`list(): p50 ${pct(listTimes, 0.5).toFixed(1)} ms, p95 ${pct(listTimes, 0.95).toFixed(1)} ms over ${listTimes.length}`)

const name = `hvbench-${process.pid}`
const spec = { name, vcpus: 1, memoryMiB: 64 }
await a.define({ ...spec, xml: domainXml(spec, { kernelPath: installFillKernel() }) })
await a.start(name)
for (let i = 0; i < 100 && ((await a.get(name)).memory.rssKiB ?? 0) < 65536; i++) await new Promise(resolve => setTimeout(resolve, 200))
try {
  const hosts = [a, b]; const uris = [(await a.host()).migrationUri, (await b.host()).migrationUri]
  const times: number[] = []
  for (let i = 0; i < 6; i++) {
    const r = await (hosts[i % 2] as typeof a).migrate(name, uris[(i + 1) % 2] as string)
    times.push(r.elapsedMs)
  }
  console.log(`live migration of a 64 MiB written guest, unlimited bandwidth: p50 ${pct(times, 0.5).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms over ${times.length}`)
} finally {
  for (const h of [a, b]) {
    if ((await h.list()).some(d => d.name === name)) { await h.destroy(name).catch(() => {}); await h.undefine(name).catch(() => {}) }
  }
  await a.close(); await b.close()
}
