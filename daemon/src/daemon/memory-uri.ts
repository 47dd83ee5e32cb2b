// memory://NAME[?cpus=N&memory=MiB&demand=F&vms=NAME:VCPUS:MiB[:off],...&listen=HOST:PORT]: a
// simulated host for machines without KVM and for tests. The VMs listed are defined (and started
// unless :off) at startup; each running one keeps demand x vcpus cores busy (default 0: idle guests).
// With listen=, the host takes migrations over TCP from memory hosts in other processes (its
// migration URI becomes memory+tcp://HOST:PORT/NAME, PORT as bound when it was 0).
import { InvalidValueError } from '../config/index.js'
import type { Origin } from '../config/index.js'

export interface MemoryHostSpec {
  name: string
  cpus: number
  memoryMiB: number
  /** Fraction of its vCPUs each running VM uses. */
  demand: number
  vms: Array<{ name: string, vcpus: number, memoryMiB: number, running: boolean }>
  /** Where to listen for migrations from other processes; absent: this process only. */
  listen?: { host: string, port: number }
}

const HINT = 'e.g. memory://host1?cpus=8&memory=16384&demand=0.5&vms=web:2:2048,db:4:8192:off&listen=127.0.0.1:0'
const LISTEN = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/

export function parseMemoryUri (uri: string, origin: Origin): MemoryHostSpec {
  const url = new URL(uri)
  const spec: MemoryHostSpec = { name: url.hostname, cpus: 8, memoryMiB: 16384, demand: 0, vms: [] }
  const int = (field: string, text: string): number => {
    if (!/^\d+$/.test(text) || Number(text) < 1) throw new InvalidValueError('hypervisor', origin, `${field}=${text} is not a whole number above 0`, HINT)
    return Number(text)
  }
  for (const [k, v] of url.searchParams) {
    if (k === 'cpus') spec.cpus = int('cpus', v)
    else if (k === 'memory') spec.memoryMiB = int('memory', v)
    else if (k === 'demand') {
      if (!/^\d+(\.\d+)?$/.test(v) || Number(v) > 1) throw new InvalidValueError('hypervisor', origin, `demand=${v} is not a fraction between 0 and 1`, HINT)
      spec.demand = Number(v)
    } else if (k === 'vms') {
      for (const item of v.split(',').filter(s => s.length > 0)) {
        const [name, vcpus, mem, state, ...rest] = item.split(':')
        if (name === undefined || vcpus === undefined || mem === undefined || rest.length > 0 || (state !== undefined && state !== 'off')) {
          throw new InvalidValueError('hypervisor', origin, `vms item "${item}" is not NAME:VCPUS:MiB[:off]`, HINT)
        }
        spec.vms.push({ name, vcpus: int('vcpus', vcpus), memoryMiB: int('memory', mem), running: state !== 'off' })
      }
    } else if (k === 'listen') {
      const m = LISTEN.exec(v)
      if (m === null || Number(m[2]) > 65535) throw new InvalidValueError('hypervisor', origin, `listen=${v} is not HOST:PORT`, 'e.g. listen=127.0.0.1:0 (port 0 picks a free port) or listen=[::1]:7400')
      spec.listen = { host: (m[1] as string).replace(/^\[(.*)\]$/, '$1'), port: Number(m[2]) }
    } else {
      throw new InvalidValueError('hypervisor', origin, `unknown memory:// parameter "${k}"`, HINT)
    }
  }
  return spec
}
