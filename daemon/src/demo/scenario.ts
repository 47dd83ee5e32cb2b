// The demo's cluster: four alike 16-core hosts, every VM on h1 (78 % busy), h2-h4 empty, as when
// three new hosts join. Every running guest keeps a quarter of its vCPUs busy (memory:// demand):
// a 4-vCPU VM weighs 1 core, a 2-vCPU VM half a core, a 1-vCPU VM a quarter. 12.5 cores in all:
// a mean of 3.125 cores (20 %), a band of 2.5-3.75 cores.
// Why these figures: the balance IM moves whole VMs, so where hosts end depends on the grain. The
// mean falls between VM sizes, so no host can be asked to land exactly on it or on a threshold,
// where measurement noise would decide. Whether a partner is filled up to the mean (3.0 cores) or
// just into the band, h1 stays over the band until the third partner is served, and every host can
// end in band (e.g. 3.5 / 3.0 / 3.0 / 3.0). The partners start alike, so the order in which h1
// finds them does not matter. (With a coarse grain, or partners that start unequal, the IM can end
// with one host outside the band and no partner on the other side: a fixpoint of the policy.)

export interface DemoVm { name: string, vcpus: number, memoryMiB: number }
export interface DemoHostSpec { name: string, cpus: number, memoryMiB: number, vms: DemoVm[] }

export interface DemoScenario {
  hosts: DemoHostSpec[]
  /** Fraction of its vCPUs each running VM keeps busy. */
  demand: number
  /** parleyd policy flags: quick enough to watch, slow enough to see each step. */
  policyArgs: string[]
  /** The runtime's band: a host is balanced while load / mean is within [under, over]. */
  band: { under: number, over: number }
}

/** prefix<from>..prefix<to>, each with `vcpus` vCPUs and 1 GiB (a one-second move in memory). */
function vms (prefix: string, from: number, to: number, vcpus: number): DemoVm[] {
  const out: DemoVm[] = []
  for (let i = from; i <= to; i++) out.push({ name: `${prefix}${i}`, vcpus, memoryMiB: 1024 })
  return out
}

const host = (name: string, list: DemoVm[]): DemoHostSpec => ({ name, cpus: 16, memoryMiB: 32768, vms: list })

export function demoScenario (): DemoScenario {
  const band = { under: 0.8, over: 1.2 }
  return {
    demand: 0.25,
    hosts: [
      host('h1', [...vms('db', 1, 4, 4), ...vms('web', 1, 4, 4), ...vms('app', 1, 7, 2), ...vms('job', 1, 4, 1)]),
      host('h2', []),
      host('h3', []),
      host('h4', []),
    ],
    policyArgs: [
      '--sample-interval', '250ms', '--sustain', '1500ms', '--lease-ttl', '3s', '--cooldown', '60s',
      '--overload-ratio', String(band.over), '--underload-ratio', String(band.under),
    ],
    band,
  }
}

/** The host as parleyd's --hypervisor flag: memory://NAME?cpus=..&memory=..&demand=..&vms=... */
export function memoryUri (host: DemoHostSpec, demand: number): string {
  const vms = host.vms.map(v => `${v.name}:${v.vcpus}:${v.memoryMiB}`).join(',')
  return `memory://${host.name}?cpus=${host.cpus}&memory=${host.memoryMiB}&demand=${demand}${vms === '' ? '' : `&vms=${vms}`}`
}
