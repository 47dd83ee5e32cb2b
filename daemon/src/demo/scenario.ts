// The demo's cluster: four alike 16-core hosts, most of the VMs on h1. Every running guest keeps half
// of its vCPUs busy (memory:// demand): a 2-vCPU VM weighs 1 core, a 1-vCPU VM half a core.
// 19 cores in all: h1 at 81 %, h4 empty, a mean of 4.75 cores (30 %).
// The balance IM fills a partner up to the mean and never past it, and takes the source down to the
// mean and never below, best fit in whole VMs. So where the hosts end depends on the grain: here
// each partner is a quarter core short of the mean whatever it picks (94 % of it) and h1 ends three
// quarters over (116 %), both well inside the 0.8-1.2 band, and no figure sits on a threshold where
// measurement noise would decide. (A mean that is a whole number of VMs puts hosts exactly on
// the thresholds; a coarse grain can leave h1 over the band with no partner under it, and the IM
// then, rightly, finds no one to move to.)

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
    demand: 0.5,
    hosts: [
      host('h1', [...vms('web', 1, 6, 2), ...vms('db', 1, 4, 2), ...vms('cache', 1, 3, 1), ...vms('job', 1, 3, 1)]),
      host('h2', [...vms('web', 7, 8, 2), ...vms('db', 5, 5, 2), ...vms('cache', 4, 4, 1)]),
      host('h3', [...vms('web', 9, 9, 2), ...vms('db', 6, 6, 2), ...vms('job', 4, 4, 1)]),
      host('h4', []),
    ],
    policyArgs: [
      '--sample-interval', '250ms', '--sustain', '750ms', '--lease-ttl', '3s', '--cooldown', '60s',
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
