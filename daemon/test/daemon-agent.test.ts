// The daemon's adapter over the runtime's host agent: graceful stop, status mapping, error codes.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { realClock } from '@parley/hypervisor'
import { ImRejectedError } from '@parley/runtime'
import type { HostAgent, HostAgentListener, HostAgentStatus } from '@parley/runtime'
import { ControlError } from '../src/control/index.js'
import { adaptAgent } from '../src/daemon/agent.js'

interface Fake extends HostAgent { stops: number[], busyUntil: number, listeners: Set<HostAgentListener> }

function fakeAgent (busyForMs: number): Fake {
  const started = Date.now()
  const listeners = new Set<HostAgentListener>()
  const fake: Fake = {
    peerId: 'p1',
    name: 'h1',
    stops: [],
    busyUntil: started + busyForMs,
    listeners,
    start: async () => {},
    stop: async () => { fake.stops.push(Date.now()) },
    subscribe: async sub => { throw new ImRejectedError(sub.name, []) },
    unsubscribe: async () => true,
    status: (): HostAgentStatus => {
      const busy = Date.now() < fake.busyUntil
      return {
        peerId: 'p1', name: 'h1', running: true, cordoned: false,
        subscriptions: [{ name: 'balance', imHash: 'abc', role: 'underloaded(0.2)', phase: 'interacting', interaction: busy ? 'i1' : null }],
        lease: busy ? { interaction: 'i1', coordinator: 'p2', imHash: 'abc', expiresInMs: 1000 } : null,
        coordinating: [],
        load: null,
      }
    },
    cordon: () => {},
    uncordon: () => {},
    on: l => { listeners.add(l); return () => { listeners.delete(l) } },
  }
  return fake
}

test('stop lets an interaction in flight finish before stopping the agent', async () => {
  const fake = fakeAgent(400)
  const agent = adaptAgent(fake, realClock())
  const t0 = Date.now()
  await agent.stop(AbortSignal.timeout(5000))
  assert.equal(fake.stops.length, 1)
  assert.ok(fake.stops[0]! - t0 >= 350, `stopped after ${fake.stops[0]! - t0} ms, before the interaction ended`)
  assert.ok(fake.stops[0]! - t0 < 3000)
})

test('stop aborts at the shutdown timeout when the interaction does not end', async () => {
  const fake = fakeAgent(60_000)
  const agent = adaptAgent(fake, realClock())
  const t0 = Date.now()
  await agent.stop(AbortSignal.timeout(300))
  assert.equal(fake.stops.length, 1)
  const waited = fake.stops[0]! - t0
  assert.ok(waited >= 250 && waited < 2000, `stopped after ${waited} ms`)
})

test('status: a lease held for another coordinator\'s interaction is listed, with the time it was joined', () => {
  const fake = fakeAgent(60_000)
  const agent = adaptAgent(fake, realClock())
  for (const l of fake.listeners) l({ type: 'joined', interaction: 'i1', imHash: 'abc', coordinator: 'p2', at: 1234, host: 'p1' })
  const v = agent.status()
  assert.deepEqual(v.slots, [{ name: 'balance', imHash: 'abc', role: 'underloaded(0.2)', phase: 'interacting', interaction: 'i1' }])
  assert.deepEqual(v.interactions, [{ id: 'i1', imHash: 'abc', coordinator: 'p2', participants: ['p1'], startedAt: 1234 }])
})

test('runtime refusals reach the control API with their own code and hint', async () => {
  const agent = adaptAgent(fakeAgent(0), realClock())
  await assert.rejects(agent.subscribe('bad', 'x'), (e: ControlError) => e instanceof ControlError && e.code === 'RT_IM_REJECTED' && e.hint.length > 0)
})
