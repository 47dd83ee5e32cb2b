// No ping-pong, as a property over 100 seeded runs: no VM moves back to a host it left within the
// cooldown (simulated time), read from the report's ordered migrations. A static fig. 3 cluster
// settles with no VM moving twice, which would make the property hold vacuously, so each run here
// is a small cluster (4 hosts, 12 VMs, 90 rounds) whose workload keeps changing: a quarter of the
// VMs flap between their demand and five times it, every 10-14 rounds. The same runs with the
// cooldown off must show VMs moving back, or the property would not test anything.
// The seeds are printed; PARLEY_SEED=a,b,... replays them.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { randomInt } from 'node:crypto'
import type { MemoryHypervisor } from '@parley/hypervisor'
import { createHostAgent } from '@parley/runtime'
import type { HostAgent, HostAgentComponents, HostAgentInit } from '@parley/runtime'
import { generateScenario, runSimulation } from '../src/index.js'
import type { SimProgress, SimReport } from '../src/index.js'
import { balancePolicy } from './fixtures.js'

const COOLDOWN_MS = 15_000
const RUNS = 100
const CONTROL_RUNS = 30

interface Return { vm: string, host: string, leftAt: number, backAt: number }

/** Every move of a VM back to a host it left, with when it left and when it came back. */
function returns (r: SimReport): Return[] {
  const left = new Map<string, number>()
  const out: Return[] = []
  for (const m of r.migrations) {
    const at = left.get(`${m.vm}@${m.to}`)
    if (at !== undefined) out.push({ vm: m.vm, host: m.to, leftAt: at, backAt: m.time })
    left.set(`${m.vm}@${m.from}`, m.time)
  }
  return out
}

async function flappingRun (seed: number, cooldownMs: number): Promise<SimReport> {
  const scenario = generateScenario({ hosts: 4, vms: 12, seed })
  const hypervisors: MemoryHypervisor[] = []
  const factory = (init: HostAgentInit, components: HostAgentComponents): HostAgent => {
    hypervisors.push(components.hypervisor as MemoryHypervisor)
    return createHostAgent(init, components)
  }
  const flappers = scenario.vms.filter((_, i) => i % 4 === seed % 4)
    .map((v, k) => ({ id: v.id, base: v.load, period: 10 + ((seed * 7 + k * 3) % 5), high: false }))
  const onProgress = (p: SimProgress): void => {
    if (p.stage !== 'run') return
    for (const f of flappers) {
      if (p.round % f.period !== 0) continue
      f.high = !f.high
      // the VM is on one host (two while it migrates): set its demand wherever it is
      for (const hv of hypervisors) { try { hv.setCpuDemand(f.id, f.high ? f.base * 5 : f.base) } catch { /* not here */ } }
    }
  }
  return await runSimulation({ scenario, policy: balancePolicy(), rounds: 90, params: { cooldownMs } }, { agentFactory: factory, agentFactoryName: 'flapping workload', onProgress })
}

function seeds (): number[] {
  const env = process.env.PARLEY_SEED
  if (env !== undefined && env.trim() !== '') return env.split(',').map(s => Number(s.trim()))
  return Array.from({ length: RUNS }, () => randomInt(2 ** 32))
}

test(`no ping-pong over ${RUNS} seeded runs: no VM moves back to a host it left within the ${COOLDOWN_MS / 1000} s cooldown`, async (t) => {
  const list = seeds()
  t.diagnostic(`seeds (replay with PARLEY_SEED=${list.join(',')})`)
  const bad: string[] = []
  let moves = 0
  let back = 0
  let movedTwice = 0
  for (const seed of list) {
    const r = await flappingRun(seed, COOLDOWN_MS)
    moves += r.migrations.length
    const rs = returns(r)
    back += rs.length
    const count = new Map<string, number>()
    for (const m of r.migrations) count.set(m.vm, (count.get(m.vm) ?? 0) + 1)
    movedTwice += [...count.values()].filter(n => n > 1).length
    for (const x of rs) {
      if (x.backAt - x.leftAt < COOLDOWN_MS) bad.push(`seed ${seed}: ${x.vm} left ${x.host} at ${x.leftAt} ms and came back at ${x.backAt} ms (replay: PARLEY_SEED=${seed})`)
    }
  }
  t.diagnostic(`${moves} migrations, ${movedTwice} VMs moved more than once, ${back} moves back to a host left earlier, all after the cooldown`)
  assert.ok(moves > list.length, 'the runs move VMs')
  assert.deepEqual(bad, [])
})

test(`the property has teeth: with the cooldown off, VMs do move back within ${COOLDOWN_MS / 1000} s`, async (t) => {
  let within = 0
  for (let seed = 1; seed <= CONTROL_RUNS; seed++) {
    within += returns(await flappingRun(seed, 0)).filter(x => x.backAt - x.leftAt < COOLDOWN_MS).length
  }
  t.diagnostic(`seeds 1-${CONTROL_RUNS} without a cooldown: ${within} moves back within ${COOLDOWN_MS / 1000} s`)
  assert.ok(within > 0)
})
