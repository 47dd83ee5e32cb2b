// The hypervisor this host runs on: libvirt for a real URI, the memory backend for memory://NAME.
import { createLibvirtHypervisor, createMemoryFabric, createMemoryHypervisor, realClock } from '@parley/hypervisor'
import type { Hypervisor, MemoryFabric } from '@parley/hypervisor'
import type { Logger } from 'pino'
import type { Origin } from '../config/index.js'
import { HypervisorStartError } from './errors.js'
import { parseMemoryUri } from './memory-uri.js'

/**
 * `fabric` joins memory hosts of one process (tests, the demo) so they can migrate to each other;
 * by default each memory host gets its own and can migrate nowhere.
 */
export async function openHypervisor (uri: string, migrateUri: string | null, origin: Origin, logger: Logger, fabric?: MemoryFabric): Promise<Hypervisor> {
  const components = { logger, clock: realClock() }
  if (uri.startsWith('memory:')) {
    const spec = parseMemoryUri(uri, origin)
    const hv = createMemoryHypervisor({
      id: spec.name,
      fabric: fabric ?? createMemoryFabric(),
      cpus: spec.cpus,
      memoryMiB: spec.memoryMiB,
      ...(migrateUri === null ? {} : { migrationUri: migrateUri }),
    }, components)
    for (const vm of spec.vms) {
      await hv.define({ name: vm.name, vcpus: vm.vcpus, memoryMiB: vm.memoryMiB })
      if (!vm.running) continue
      await hv.start(vm.name)
      hv.setCpuDemand(vm.name, vm.vcpus * spec.demand)
    }
    return hv
  }
  try {
    return await createLibvirtHypervisor({ uri, ...(migrateUri === null ? {} : { migrateUri }) }, components)
  } catch (e) {
    throw new HypervisorStartError(uri, (e as Error).message, { cause: e })
  }
}
