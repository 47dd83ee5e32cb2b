import { pino } from 'pino'
import { createMemoryFabric, createMemoryHypervisor, realClock } from '../src/index.js'
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
