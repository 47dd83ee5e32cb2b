// ims/consolidate.lcc past the size where the agents drop per-host load reports (meanEstimator
// 'auto', the default: push-sum from 200 hosts on): 250 hosts, 1,000 VMs. The hosts then rank
// themselves from the gossiped load histogram (runtime components/packing-*.ts). Target: active
// hosts within FFD + 5 % by round 30, every VM exactly once, no VM moved back and forth, the reserve
// of 2 empty hosts kept on and every other empty host off, and a bounded number of requests per
// host per round. Seeds: PARLEY_SEED (comma list) replays others; every run prints its figures.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { LOAD_ROLE, createHostAgent } from '@parley/runtime'
import type { HostAgent, HostAgentComponents, HostAgentInit, PolicyParams } from '@parley/runtime'
import type { Discovery } from '@parley/discovery'
import type { Hypervisor } from '@parley/hypervisor'
import { generateScenario, replayReport, runSimulation } from '../src/index.js'
import type { PolicySource } from '../src/index.js'
import { ROOT } from './fixtures.js'

const SEEDS = (process.env.PARLEY_SEED ?? '1,2').split(',').map(Number)
const HOSTS = 250
const VMS = 1000
const ROUNDS = 30
/** Active hosts at the end: at most first-fit decreasing's plus this share. */
const OVER_FFD = 0.05
/** Requests a host starts per round, on average: the histogram gossip (three per round while an epoch mixes), the push-sum mean, the interactions. */
const MAX_REQUESTS_PER_HOST_ROUND = 4
/** Empty hosts kept on (releaseResources(2) in ims/consolidate.lcc). */
const RESERVE = 2

function consolidatePolicy (): PolicySource {
  const file = join(ROOT, 'ims', 'consolidate.lcc')
  return { file, name: 'consolidate', text: readFileSync(file, 'utf8') }
}

test(`consolidation without load reports (${HOSTS} hosts, ${VMS} VMs, push-sum): active hosts <= FFD + ${OVER_FFD * 100} % by round ${ROUNDS}; no VM lost, doubled or moved twice`, async (t) => {
  const rows: string[] = [`seeds ${SEEDS.join(',')} (PARLEY_SEED=... replays)`]
  for (const seed of SEEDS) {
    const scenario = generateScenario({ hosts: HOSTS, vms: VMS, seed })
    const hypervisors: Hypervisor[] = []
    const discoveries: Discovery[] = []
    const agents: HostAgent[] = []
    const spy = (init: HostAgentInit, components: HostAgentComponents): HostAgent => {
      hypervisors.push(components.hypervisor)
      discoveries.push(components.discovery)
      const a = createHostAgent(init, components)
      agents.push(a)
      return a
    }
    const counts: Array<Map<string, number>> = []
    let reportsSeen = 0
    const started = performance.now()
    // the runtime's defaults: meanEstimator 'auto', one live migration per host at a time
    const params: Partial<PolicyParams> = {}
    const r = await runSimulation({ scenario, policy: consolidatePolicy(), rounds: ROUNDS, params }, {
      agentFactory: spy,
      agentFactoryName: 'createHostAgent (spy)',
      onProgress: p => {
        if (p.stage !== 'run') return
        const im = agents[0]?.status().subscriptions[0]?.imHash ?? ''
        for (const d of discoveries.slice(0, 5)) reportsSeen += d.announcements(im, LOAD_ROLE).length
        if (p.round !== ROUNDS) return
        const seen = new Map<string, number>()
        counts.push(seen)
        for (const hv of hypervisors) {
          if (hv.powerState() === 'off') continue
          void hv.list().then(ds => { for (const d of ds) if (d.migrating !== 'in') seen.set(d.name, (seen.get(d.name) ?? 0) + 1) })
        }
      }
    })
    const wall = Math.round(performance.now() - started)
    const ffd = r.baseline.ffd.hosts
    const active = r.series.activeHosts ?? []
    const bound = Math.floor(ffd * (1 + OVER_FFD))
    const reached = active.findIndex(a => a <= bound)
    const e = r.efficacy
    const moves = new Map<string, number>()
    for (const m of r.migrations) moves.set(m.vm, (moves.get(m.vm) ?? 0) + 1)
    // a keeper that turned round: a host giving away a VM after it took one
    const tookAt = new Map<string, number>()
    for (const m of r.migrations) if (!tookAt.has(m.to)) tookAt.set(m.to, m.time)
    const turned = r.migrations.filter(m => (tookAt.get(m.from) ?? Infinity) < m.time).length
    const requestsPerHostRound = r.messages.requests / HOSTS / ROUNDS
    rows.push(`seed ${seed}: FFD ${ffd} (bound ${bound}), active at rounds 10/20/30: ${active[10]} ${active[20]} ${active[30]}; within the bound from round ${reached}; ` +
      `migrations ${e.migrations} (VMs moved twice ${[...moves.values()].filter(n => n > 1).length}, given away after taking one ${turned}), ` +
      `powered off ${e.hostsPoweredOff}, ${requestsPerHostRound.toFixed(2)} requests per host per round, ${wall} ms wall`)

    assert.equal(reportsSeen, 0, `seed ${seed}: no host published a load report (the cluster ran on push-sum)`)
    assert.deepEqual(replayReport(JSON.parse(JSON.stringify(r))).problems, [], `seed ${seed}: the report replays`)
    assert.equal(active.length, ROUNDS + 1)
    assert.ok(reached >= 0, `seed ${seed}: active hosts ${active.join(' ')} never reach FFD + ${OVER_FFD * 100} % = ${bound}`)
    assert.ok((active[ROUNDS] as number) <= bound, `seed ${seed}: ${active[ROUNDS]} active hosts at the end, over ${bound}`)
    // no VM goes back and forth: each moves once at most, and no host that took VMs gives any away
    // (a host that shed some may take others later: the last ones to empty fill up when the keepers are full)
    assert.ok([...moves.values()].every(n => n <= 1), `seed ${seed}: a VM moved more than once`)
    assert.equal(turned, 0, `seed ${seed}: a host gave VMs away after taking some`)
    // every empty host powered off but the reserve
    const empty = HOSTS - (active[ROUNDS] as number)
    assert.equal(e.hostsPoweredOff, empty - RESERVE, `seed ${seed}: ${empty} empty hosts, ${e.hostsPoweredOff} powered off`)
    for (const h of r.poweredOff ?? []) assert.ok(!Object.values(r.final).includes(h), `${h} is powered off but holds VMs`)
    assert.ok(requestsPerHostRound <= MAX_REQUESTS_PER_HOST_ROUND, `seed ${seed}: ${requestsPerHostRound} requests per host per round`)
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
