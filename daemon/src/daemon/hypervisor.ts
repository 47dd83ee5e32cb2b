// The hypervisor this host runs on: libvirt for a real URI, the memory backend for memory://NAME.
import { createLibvirtHypervisor, createMemoryFabric, createMemoryHypervisor, listenTcpMemoryFabric, parseTcpMemoryUri, realClock } from '@parley/hypervisor'
import type { Hypervisor, MemoryFabric } from '@parley/hypervisor'
import type { Logger } from 'pino'
import { InvalidValueError } from '../config/index.js'
import type { Origin } from '../config/index.js'
import { HypervisorStartError } from './errors.js'
import { parseMemoryUri } from './memory-uri.js'
import type { MemoryHostSpec } from './memory-uri.js'

/**
 * `fabric` joins memory hosts of one process (tests, the demo) so they can migrate to each other;
 * by default each memory host gets its own and can migrate nowhere. A memory host with listen=
 * gets a fabric on that TCP port instead, and migrates to memory hosts of other processes.
 */
export async function openHypervisor (uri: string, migrateUri: string | null, origin: Origin, logger: Logger, fabric?: MemoryFabric): Promise<Hypervisor> {
  const components = { logger, clock: realClock() }
  if (uri.startsWith('memory:')) {
    const spec = parseMemoryUri(uri, origin)
    const joined = spec.listen === undefined
      ? { fabric: fabric ?? createMemoryFabric(), migrationUri: migrateUri ?? undefined, ownsFabric: false }
      : await tcpFabric(uri, spec, spec.listen, migrateUri, origin, logger)
    const hv = createMemoryHypervisor({
      id: spec.name,
      fabric: joined.fabric,
      ownsFabric: joined.ownsFabric,
      cpus: spec.cpus,
      memoryMiB: spec.memoryMiB,
      ...(joined.migrationUri === undefined ? {} : { migrationUri: joined.migrationUri }),
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

/** A fabric listening on `listen`; the migration URI is derived from the bound port unless given. */
async function tcpFabric (uri: string, spec: MemoryHostSpec, listen: { host: string, port: number }, migrateUri: string | null, origin: Origin, logger: Logger): Promise<{ fabric: MemoryFabric, migrationUri: string, ownsFabric: boolean }> {
  const given = migrateUri === null ? undefined : parseTcpMemoryUri(migrateUri)
  if (migrateUri !== null && (given === undefined || given.name !== spec.name)) {
    throw new InvalidValueError('hypervisor', origin, `listen= takes migrations as memory+tcp://HOST:PORT/${spec.name}, but migrate-uri is ${migrateUri}`,
      `leave migrate-uri unset (it is derived from the bound port), or set it to memory+tcp://ADDRESS:PORT/${spec.name} where peers reach this host`)
  }
  if ((listen.host === '0.0.0.0' || listen.host === '::') && given === undefined) {
    throw new InvalidValueError('hypervisor', origin, `listen=${listen.host}:${listen.port} binds every address, so peers cannot be told one`,
      `listen on one address (e.g. listen=127.0.0.1:0), or set migrate-uri to memory+tcp://ADDRESS:PORT/${spec.name}`)
  }
  try {
    const fabric = await listenTcpMemoryFabric({ host: listen.host, port: listen.port, ...(given === undefined ? {} : { advertiseHost: given.host }) }, { logger })
    return { fabric, migrationUri: migrateUri ?? fabric.uriFor(spec.name), ownsFabric: true }
  } catch (e) {
    throw new HypervisorStartError(uri, (e as Error).message, { cause: e })
  }
}
