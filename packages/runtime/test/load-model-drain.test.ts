// LoadModel after a move, on the receiving side: it waits a sustain time before playing
// underloaded again, except while another host drains (a cordoned host still reporting load),
// when it goes on taking VMs at once as long as it is still under its band.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createMemoryFabric, createMemoryHypervisor, realClock } from '@parley/hypervisor'
import { LoadModel, resolvePolicy } from '../src/index.js'
import { silent } from './support.js'

const SUSTAIN_MS = 300
const params = resolvePolicy({ sampleIntervalMs: 20, loadWindowMs: 100, sustainMs: SUSTAIN_MS })
const sleep = async (ms: number): Promise<void> => await new Promise(resolve => setTimeout(resolve, ms))

/** A host at 0.05 load against a cluster mean of 0.5, sampled until it plays underloaded. */
async function underloadedHost (others: Array<{ load: number, cordoned: boolean }>): Promise<LoadModel> {
  const clock = realClock()
  const hv = createMemoryHypervisor({ id: 'B', fabric: createMemoryFabric(), cpus: 4, memoryMiB: 8192 }, { logger: silent, clock })
  await hv.define({ name: 'v', vcpus: 1, memoryMiB: 64 })
  await hv.start('v')
  hv.setCpuDemand('v', 0.2)
  const model = new LoadModel(hv, clock, params, { mean: () => ({ mean: 0.5, reports: others.length }), reports: () => others, using: 'reports' }, silent, false)
  const end = Date.now() + 5000
  while (model.current.state !== 'under') {
    assert.ok(Date.now() < end, `never underloaded: ${JSON.stringify(model.current)}`)
    await model.refresh(true)
    await sleep(20)
  }
  return model
}

test('after taking a VM a host waits a sustain time before it plays underloaded again', async () => {
  const model = await underloadedHost([{ load: 0.9, cordoned: false }, { load: 0.55, cordoned: false }])
  model.resetHysteresis()
  await model.refresh(true)
  assert.equal(model.current.state, 'balanced')
  await sleep(SUSTAIN_MS + 50)
  await model.refresh(true)
  await sleep(20)
  await model.refresh(true)
  assert.equal(model.current.state, 'under', 'under again once the sustain time passed')
})

test('while another host drains, a host that took one of its VMs and is still under its band takes the next at once', async () => {
  const model = await underloadedHost([{ load: 0.9, cordoned: true }, { load: 0.55, cordoned: false }])
  model.resetHysteresis()
  await model.refresh(true)
  assert.equal(model.current.state, 'under')
})

test('a drain that has ended (the cordoned host reports no load) no longer keeps hosts underloaded', async () => {
  const model = await underloadedHost([{ load: 0, cordoned: true }, { load: 0.55, cordoned: false }])
  model.resetHysteresis()
  await model.refresh(true)
  assert.equal(model.current.state, 'balanced')
})

test('a cordoned host ignores the per-VM cooldown: a VM that just arrived leaves with the drain', async () => {
  const clock = realClock()
  const hv = createMemoryHypervisor({ id: 'C', fabric: createMemoryFabric(), cpus: 4, memoryMiB: 8192 }, { logger: silent, clock })
  await hv.define({ name: 'v', vcpus: 1, memoryMiB: 64 })
  await hv.start('v')
  const model = new LoadModel(hv, clock, params, { mean: () => ({ mean: 0.5, reports: 1 }), reports: () => [], using: 'reports' }, silent, false)
  const end = Date.now() + 5000
  while (model.movable().length === 0) {
    assert.ok(Date.now() < end, 'the VM never got a CPU figure')
    await model.refresh(true)
    await sleep(20)
  }
  model.coolDown('v')
  assert.deepEqual(model.movable().map(d => d.name), [], 'uncordoned: the VM cools down')
  model.cordoned = true
  assert.deepEqual(model.movable().map(d => d.name), ['v'], 'cordoned: it may go at once')
  model.cordoned = false
  assert.deepEqual(model.movable().map(d => d.name), [], 'uncordoned again: the cooldown holds')
})
