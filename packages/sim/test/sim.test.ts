// The simulator wired to @parley/runtime: the factory it builds peers with, and that it decides
// nothing itself. The paper's fig. 3 scenario is fig3.test.ts.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHostAgent } from '@parley/runtime'
import type { HostAgent, HostAgentComponents, HostAgentInit } from '@parley/runtime'
import {
  generateScenario, PolicyRejectedError, replayReport, SimAbortedError, runSimulation, RUNTIME_AGENT_FACTORY, RUNTIME_AGENT_FACTORY_NAME
} from '../src/index.js'
import { balancePolicy } from './fixtures.js'

test('a run replays exactly from its seed', async () => {
  const run = async (): Promise<unknown> => {
    const r = await runSimulation({ scenario: generateScenario({ hosts: 8, vms: 30, seed: 77 }), policy: balancePolicy(), rounds: 30 })
    return { migrations: r.migrations, final: r.final }
  }
  assert.deepEqual(await run(), await run())
})

test('the simulator builds every peer with @parley/runtime createHostAgent, with the real components', async () => {
  assert.equal(RUNTIME_AGENT_FACTORY, createHostAgent)
  const calls: Array<{ init: HostAgentInit, components: HostAgentComponents }> = []
  const spy = (init: HostAgentInit, components: HostAgentComponents): HostAgent => {
    calls.push({ init, components })
    return createHostAgent(init, components)
  }
  const scenario = generateScenario({ hosts: 5, vms: 20, seed: 3 })
  const r = await runSimulation({ scenario, policy: balancePolicy(), rounds: 20, band: { low: 0.75, high: 1.25 } }, { agentFactory: spy, agentFactoryName: 'spy' })
  assert.equal(r.agentFactory, 'spy')
  assert.equal(calls.length, 5)
  assert.deepEqual(calls.map(c => c.init.name), scenario.hosts.map(h => h.id))
  for (const c of calls) {
    assert.equal(c.init.subscriptions?.[0]?.text, balancePolicy().text)
    assert.equal(c.init.policy?.overloadRatio, 1.25)
    assert.equal(c.init.policy?.underloadRatio, 0.75)
    assert.equal(c.components.hypervisor.backend, 'memory')
    assert.equal(c.components.discovery.peerId, c.init.name)
    assert.equal(c.components.constraints, undefined, 'the simulator adds no constraint of its own')
  }
})

test('the simulator itself moves nothing: with inert agents, no VM migrates', async () => {
  const inert = (init: HostAgentInit, components: HostAgentComponents): HostAgent => {
    const real = createHostAgent(init, components)
    return { ...real, peerId: real.peerId, name: real.name, start: async () => {}, stop: async () => {}, status: () => real.status(), on: (l) => real.on(l), subscribe: async (s) => await real.subscribe(s), unsubscribe: async (n) => await real.unsubscribe(n), cordon: () => {}, uncordon: () => {} }
  }
  const r = await runSimulation({ scenario: generateScenario({ hosts: 6, vms: 24, seed: 5 }), policy: balancePolicy(), rounds: 20 }, { agentFactory: inert })
  assert.equal(r.migrations.length, 0)
  assert.deepEqual(r.final, r.initial)
  assert.ok(r.efficacy.outOfBandBefore > 0)
  assert.equal(r.efficacy.outOfBandAfter, r.efficacy.outOfBandBefore)
})

test('a policy the runtime refuses is a coded error, not a crash', async () => {
  await assert.rejects(
    runSimulation({ scenario: generateScenario({ hosts: 2, vms: 2, seed: 1 }), policy: { file: 'bad.lcc', name: 'bad', text: 'a(idle, X) :: null <- nosuch() then' }, rounds: 1 }),
    (e: unknown) => e instanceof PolicyRejectedError && e.code === 'SIM_POLICY_REJECTED' && /bad\.lcc/.test(e.message)
  )
  await assert.rejects(
    runSimulation({ scenario: generateScenario({ hosts: 2, vms: 2, seed: 1 }), policy: balancePolicy(), rounds: 1, band: { low: 1.1, high: 1.2 } }),
    (e: unknown) => (e as { code?: string }).code === 'SIM_INVALID_OPTION'
  )
})

test('a run can be aborted, in setup or between rounds, with a coded error', async () => {
  const scenario = generateScenario({ hosts: 4, vms: 8, seed: 9 })
  await assert.rejects(runSimulation({ scenario, policy: balancePolicy(), rounds: 5 }, { signal: AbortSignal.abort() }),
    (e: unknown) => e instanceof SimAbortedError && e.code === 'SIM_ABORTED' && e.stage === 'setup')
  const ctl = new AbortController()
  await assert.rejects(runSimulation({ scenario, policy: balancePolicy(), rounds: 50 }, { signal: ctl.signal, onProgress: p => { if (p.round === 3) ctl.abort() } }),
    (e: unknown) => e instanceof SimAbortedError && e.stage === 'run' && e.roundsDone === 3)
})
