// ims/consolidate.lcc on the simulated cluster, through @parley/runtime like any policy: 100 hosts,
// 400 VMs, and the target: active hosts at most first-fit-decreasing's + 1 within 10 rounds.
// Seeds: PARLEY_SEED (comma list) replays others; every run prints its seeds and figures.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createHostAgent } from '@parley/runtime'
import type { HostAgent, HostAgentComponents, HostAgentInit, PolicyParams } from '@parley/runtime'
import type { Hypervisor } from '@parley/hypervisor'
import { generateScenario, replayReport, runSimulation } from '../src/index.js'
import type { PolicySource } from '../src/index.js'
import { ROOT } from './fixtures.js'

const SEEDS = (process.env.PARLEY_SEED ?? '1,2,3,4').split(',').map(Number)
const ROUNDS = 10

/**
 * Up to four live migrations side by side on a host: a consolidating host sends a whole small host's
 * VMs in one interaction. (The runtime's default cap of one suits balancing; with it a keeper takes
 * one VM a second and 10 rounds cannot move the ~220 VMs this needs.)
 */
const PARAMS = { maxConcurrentMigrations: 4 } as Partial<PolicyParams> & { maxConcurrentMigrations?: number }

function consolidatePolicy (): PolicySource {
  const file = join(ROOT, 'ims', 'consolidate.lcc')
  return { file, name: 'consolidate', text: readFileSync(file, 'utf8') }
}

test(`consolidation (100 hosts, 400 VMs): active hosts <= FFD + 1 within ${ROUNDS} rounds; no VM lost or doubled`, async (t) => {
  const rows: string[] = [`seeds ${SEEDS.join(',')} (PARLEY_SEED=... replays)`]
  for (const seed of SEEDS) {
    const scenario = generateScenario({ hosts: 100, vms: 400, seed })
    // the hypervisors as the agents got them: ground truth for "every VM exactly once"
    const hypervisors: Hypervisor[] = []
    const spy = (init: HostAgentInit, components: HostAgentComponents): HostAgent => {
      hypervisors.push(components.hypervisor)
      return createHostAgent(init, components)
    }
    const counts: Array<Map<string, number>> = []
    const started = performance.now()
    const r = await runSimulation({ scenario, policy: consolidatePolicy(), rounds: ROUNDS, params: PARAMS }, {
      agentFactory: spy,
      agentFactoryName: 'createHostAgent (spy)',
      onProgress: p => {
        if (p.stage !== 'run' || p.round !== ROUNDS) return
        const seen = new Map<string, number>()
        counts.push(seen)
        // list() answers synchronously on the memory backend: one consistent snapshot of all hosts
        for (const hv of hypervisors) {
          if (hv.powerState() === 'off') continue
          void hv.list().then(ds => { for (const d of ds) if (d.migrating !== 'in') seen.set(d.name, (seen.get(d.name) ?? 0) + 1) })
        }
      }
    })
    const wall = Math.round(performance.now() - started)
    const ffd = r.baseline.ffd.hosts
    const active = r.series.activeHosts ?? []
    const reached = active.findIndex(a => a <= ffd + 1)
    const e = r.efficacy
    rows.push(`seed ${seed}: FFD ${ffd}, active per round ${active.join(' ')}; at FFD+1 from round ${reached}; ` +
      `migrations ${e.migrations}, hosts released ${e.hostsReleased}, powered off ${e.hostsPoweredOff}, ${wall} ms wall`)

    assert.deepEqual(replayReport(JSON.parse(JSON.stringify(r))).problems, [], `seed ${seed}: the report replays`)
    assert.equal(active.length, ROUNDS + 1)
    assert.ok(reached >= 0 && reached <= ROUNDS, `seed ${seed}: active hosts ${active.join(' ')} never reach FFD + 1 = ${ffd + 1}`)
    assert.ok(e.migrations > 0 && r.migrations.length === e.migrations, 'the migrations are in the report')
    assert.equal(e.activeHostsAfter - ffd, e.activeHostsOverFfd)
    assert.ok(e.hostsReleased >= 60, `seed ${seed}: released ${e.hostsReleased} hosts`)
    // every emptied host but the reserve (2, in ims/consolidate.lcc) powered off
    assert.ok(e.hostsPoweredOff >= e.activeHostsBefore - e.activeHostsAfter - 2, `seed ${seed}: powered off ${e.hostsPoweredOff}`)
    assert.equal(e.hostsPoweredOff, r.poweredOff?.length)
    for (const h of r.poweredOff ?? []) assert.ok(!Object.values(r.final).includes(h), `${h} is powered off but holds VMs`)
    // every VM exactly once, on the hypervisors themselves and in the report
    const seen = counts[0]
    assert.ok(seen !== undefined)
    await new Promise(resolve => setImmediate(resolve))
    assert.deepEqual([...seen.keys()].sort(), scenario.vms.map(v => v.id).sort(), `seed ${seed}: every VM runs somewhere`)
    assert.ok([...seen.values()].every(n => n === 1), `seed ${seed}: no VM runs twice`)
    assert.deepEqual(Object.keys(r.final).sort(), scenario.vms.map(v => v.id).sort())
  }
  t.diagnostic(rows.join('\n'))
})
