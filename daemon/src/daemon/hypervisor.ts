// The hypervisor this host runs on: libvirt for a real URI, the memory backend for memory://NAME.
import { createLibvirtHypervisor, createMemoryFabric, createMemoryHypervisor, realClock } from '@parley/hypervisor'
import type { Hypervisor } from '@parley/hypervisor'
import type { Logger } from 'pino'
import type { Origin } from '../config/index.js'
import { HypervisorStartError } from './errors.js'
import { parseMemoryUri } from './memory-uri.js'

export async function openHypervisor (uri: string, migrateUri: string | null, origin: Origin, logger: Logger): Promise<Hypervisor> {
  const components = { logger, clock: realClock() }
  if (uri.startsWith('memory:')) {
    const spec = parseMemoryUri(uri, origin)
    // One fabric per daemon: a memory host can only migrate to memory hosts in the same process.
    const hv = createMemoryHypervisor({
      id: spec.name,
      fabric: createMemoryFabric(),
      cpus: spec.cpus,
      memoryMiB: spec.memoryMiB,
      ...(migrateUri === null ? {} : { migrationUri: migrateUri }),
    }, components)
    for (const vm of spec.vms) {
      await hv.define({ name: vm.name, vcpus: vm.vcpus, memoryMiB: vm.memoryMiB })
      if (vm.running) await hv.start(vm.name)
    }
    return hv
  }
  try {
    return await createLibvirtHypervisor({ uri, ...(migrateUri === null ? {} : { migrateUri }) }, components)
  } catch (e) {
    throw new HypervisorStartError(uri, (e as Error).message, { cause: e })
  }
}
