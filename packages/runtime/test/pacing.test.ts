// The local loop is paced by the injected clock: an iteration that only recursed (idle -> idle)
// waits a sample interval, so a balanced host evaluates its IM once per interval and never spins.
// Driven by a ManualClock, as the simulator drives it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MemoryNetwork, createMemoryDiscovery } from '@parley/discovery'
import { ManualClock, createMemoryFabric, createMemoryHypervisor } from '@parley/hypervisor'
import { num } from '@parley/lcc'
import { createHostAgent } from '../src/index.js'
import type { HostAgentEvent } from '../src/index.js'
import { BALANCE, silent } from './support.js'

test('a balanced host runs idle once per sample interval of the injected clock', async () => {
  const clock = new ManualClock(0)
  const hv = createMemoryHypervisor({ id: 'h', fabric: createMemoryFabric(), cpus: 4, memoryMiB: 4096 }, { logger: silent, clock })
  const discovery = await createMemoryDiscovery({ network: new MemoryNetwork(), peerId: 'p' }, { logger: silent })
  let samples = 0
  const agent = createHostAgent({ name: 'h', policy: { sampleIntervalMs: 1000 }, subscriptions: [{ name: 'balance', text: BALANCE }] }, {
    hypervisor: hv,
    discovery,
    logger: silent,
    clock,
    constraints: { 'getPeerState/1': () => { samples++; return [num(0)] }, 'isOverLoaded/0': () => false, 'isUnderLoaded/0': () => false }
  })
  const roles: string[] = []
  agent.on((e: HostAgentEvent) => { if (e.type === 'role') roles.push(`${e.from}->${e.to}`) })
  try {
    await agent.start()
    await clock.advance(0)
    assert.equal(samples, 1, 'the first iteration ran, then the loop waits for the clock')
    await new Promise(resolve => setTimeout(resolve, 50))
    assert.equal(samples, 1, 'real time passing does not make it spin')
    await clock.advance(10_000)
    assert.ok(samples >= 10 && samples <= 12, `expected one iteration per 1,000 ms, got ${samples} in 10,000 ms`)
    assert.ok(roles.every(r => r === 'idle->idle'))
    assert.equal(agent.status().subscriptions[0]?.phase, 'local')
  } finally {
    const stopping = agent.stop()
    await clock.advance(1000)
    await stopping
    await discovery.stop()
  }
})
