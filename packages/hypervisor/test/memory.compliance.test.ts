import { createServer, type AddressInfo } from 'node:net'
import { pino } from 'pino'
import { createMemoryFabric, createMemoryHypervisor, listenTcpMemoryFabric, realClock } from '../src/index.js'
import { runHypervisorCompliance } from './compliance.js'

// A real clock: the suite is backend-agnostic and waits in real time. Deterministic
// manual-clock behaviour of the memory backend is covered in memory.test.ts.
runHypervisorCompliance('memory', async () => {
  const components = { logger: pino({ level: 'silent' }), clock: realClock() }
  const fabric = createMemoryFabric()
  const a = createMemoryHypervisor({ id: 'mem-a', fabric, cpus: 8, memoryMiB: 32768 }, components)
  const b = createMemoryHypervisor({ id: 'mem-b', fabric, cpus: 8, memoryMiB: 32768 }, components)
  return {
    a,
    b,
    deadUri: 'memory://nobody-here',
    guest: name => ({ name, vcpus: 1, memoryMiB: 64 }),
    slowGuest: name => ({ name, vcpus: 1, memoryMiB: 256 }),
    migrateBandwidthMiBs: 256,
    slowBandwidthMiBs: 2,
    progressIntervalMs: 50,
    timeoutMs: 2000,
    close: async () => { await a.close(); await b.close() }
  }
})

// The same suite across processes' worth of fabric: A and B each on their own TCP fabric, so every
// migration goes through the memory+tcp protocol on 127.0.0.1.
runHypervisorCompliance('memory over tcp', async () => {
  const components = { logger: pino({ level: 'silent' }), clock: realClock() }
  const fa = await listenTcpMemoryFabric({ host: '127.0.0.1' }, components)
  const fb = await listenTcpMemoryFabric({ host: '127.0.0.1' }, components)
  const a = createMemoryHypervisor({ id: 'tcp-a', fabric: fa, migrationUri: fa.uriFor('tcp-a'), ownsFabric: true, cpus: 8, memoryMiB: 32768 }, components)
  const b = createMemoryHypervisor({ id: 'tcp-b', fabric: fb, migrationUri: fb.uriFor('tcp-b'), ownsFabric: true, cpus: 8, memoryMiB: 32768 }, components)
  return {
    a,
    b,
    deadUri: `memory+tcp://127.0.0.1:${await closedPort()}/nobody`,
    guest: name => ({ name, vcpus: 1, memoryMiB: 64 }),
    slowGuest: name => ({ name, vcpus: 1, memoryMiB: 256 }),
    migrateBandwidthMiBs: 256,
    slowBandwidthMiBs: 2,
    progressIntervalMs: 50,
    timeoutMs: 5000,
    close: async () => { await a.close(); await b.close() }
  }
})

/** A port nothing listens on (bound, then released). */
async function closedPort (): Promise<number> {
  const s = createServer()
  await new Promise<void>(resolve => { s.listen(0, '127.0.0.1', resolve) })
  const port = (s.address() as AddressInfo).port
  await new Promise<void>(resolve => { s.close(() => { resolve() }) })
  return port
}
