// Seeded scenarios: hosts with a CPU capacity, VMs with a CPU demand, a random initial placement.
// The 2012 paper gives no distributions for its fig. 3 (50 VMs on 15 hosts, "allocated randomly",
// "the resulting load is uneven"); we draw demands uniformly and place each VM on a uniformly
// random host, which gives the same kind of uneven start.
import { InvalidScenarioError } from './errors.js'
import { createRng } from './rng.js'

export interface SimHost { readonly id: string, readonly capacity: number }
export interface SimVm { readonly id: string, readonly load: number }
export type Placement = Record<string, string>

export interface Scenario {
  readonly seed: number
  readonly hosts: readonly SimHost[]
  readonly vms: readonly SimVm[]
  /** vm id -> host id */
  readonly initial: Placement
}

export interface ScenarioOptions {
  readonly hosts: number
  readonly vms: number
  readonly seed: number
  /** CPU cores of every host (default 16). */
  readonly hostCpus?: number
  /** VM CPU demand in cores, uniform in [min, max] and rounded to 0.05 (default [0.25, 2]). */
  readonly demand?: readonly [number, number]
}

export const DEFAULT_HOST_CPUS = 16
export const DEFAULT_DEMAND: readonly [number, number] = [0.25, 2]

export function hostId (i: number, n: number): string {
  return `h${String(i).padStart(String(n - 1).length, '0')}`
}

export function vmId (i: number, n: number): string {
  return `vm${String(i).padStart(String(n - 1).length, '0')}`
}

export function generateScenario (o: ScenarioOptions): Scenario {
  const cpus = o.hostCpus ?? DEFAULT_HOST_CPUS
  const [lo, hi] = o.demand ?? DEFAULT_DEMAND
  if (!Number.isInteger(o.hosts) || o.hosts < 1) throw new InvalidScenarioError('hosts', `must be an integer >= 1, got ${o.hosts}`)
  if (!Number.isInteger(o.vms) || o.vms < 0) throw new InvalidScenarioError('vms', `must be an integer >= 0, got ${o.vms}`)
  if (!Number.isInteger(cpus) || cpus < 1) throw new InvalidScenarioError('hostCpus', `must be an integer >= 1, got ${cpus}`)
  if (!(lo > 0 && hi >= lo)) throw new InvalidScenarioError('demand', `must be 0 < min <= max, got [${lo}, ${hi}]`)
  const rng = createRng(o.seed)
  const hosts: SimHost[] = []
  for (let i = 0; i < o.hosts; i++) hosts.push({ id: hostId(i, o.hosts), capacity: cpus })
  const vms: SimVm[] = []
  const initial: Placement = {}
  for (let i = 0; i < o.vms; i++) {
    const load = Math.round(rng.uniform(lo, hi) * 20) / 20
    const id = vmId(i, o.vms)
    vms.push({ id, load: Math.max(0.05, load) })
    initial[id] = (hosts[rng.int(o.hosts)] as SimHost).id
  }
  return { seed: o.seed, hosts, vms, initial }
}
