import { pino } from 'pino'
import { createLibvirtHypervisor, domainXml, realClock, type DomainSpec, type Hypervisor } from '../src/index.js'
import { runHypervisorCompliance } from './compliance.js'
import { installFillKernel } from './lab-guest.js'

// Real KVM: host I of `scripts/kvm-lab.sh up N` listens at qemu+tcp://127.0.1.I/system.
const labHosts = Number(process.env.PARLEY_LAB_HOSTS ?? 0)
const skip = labHosts >= 2
  ? undefined
  : (process.env.PARLEY_LAB_SKIP_REASON ?? (labHosts === 1 ? 'the KVM lab has 1 host, migration needs 2' : 'PARLEY_LAB_HOSTS is not set (no KVM lab)'))

async function waitFilled (hv: Hypervisor, name: string): Promise<void> {
  const deadline = Date.now() + 60_000
  for (;;) {
    const d = await hv.get(name)
    // RSS covers QEMU's own memory too, so reaching the guest size means the guest has written it
    if (d.memory.rssKiB !== null && d.memory.rssKiB >= d.memory.maxKiB) return
    if (Date.now() > deadline) throw new Error(`guest ${name} did not fill its memory in 60 s (rss ${d.memory.rssKiB} KiB)`)
    await new Promise(resolve => setTimeout(resolve, 200))
  }
}

runHypervisorCompliance('libvirt (KVM lab)', async () => {
  const components = { logger: pino({ level: process.env.PARLEY_LOG_LEVEL ?? 'silent' }), clock: realClock() }
  const kernelPath = installFillKernel()
  const a = await createLibvirtHypervisor({ uri: 'qemu+tcp://127.0.1.1/system' }, components)
  const b = await createLibvirtHypervisor({ uri: 'qemu+tcp://127.0.1.2/system' }, components)
  const spec = (name: string, memoryMiB: number, preallocateMemory: boolean): DomainSpec => {
    const s: DomainSpec = { name, vcpus: 1, memoryMiB }
    return { ...s, xml: domainXml(s, { kernelPath, preallocateMemory }) }
  }
  return {
    a,
    b,
    deadUri: 'qemu+tcp://127.0.1.250/system',
    guest: name => spec(name, 64, false),
    // 256 MiB of written pages at 2 MiB/s: about two minutes of copying, aborted after the first progress
    slowGuest: name => spec(name, 256, true),
    migrateBandwidthMiBs: 32,
    slowBandwidthMiBs: 2,
    progressIntervalMs: 200,
    settle: waitFilled,
    timeoutMs: 15_000,
    close: async () => { await a.close(); await b.close() }
  }
}, skip)
