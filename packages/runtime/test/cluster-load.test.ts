// The 'reports' cluster mean: reports carry the load at full precision, and a host that sent a VM
// counts it on its new host until that host's report shows it (the sum must not lose the VM while
// the destination has not reported yet), without counting it twice once it has, and only for a
// few sample intervals if the report never comes. A report also says the largest VM the host can
// move, and goes out when the load crosses an edge of the band, however little it moved.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MemoryNetwork, createMemoryDiscovery } from '@parley/discovery'
import { ClusterLoad, parseLoadReport } from '../src/index.js'
import { silent } from './support.js'

const INTERVAL = 1000
const IM = 'f'.repeat(64)

async function cluster (n: number, epsilon = 0): Promise<{ cls: ClusterLoad[], clock: { t: number }, publish: (loads: ReadonlyArray<number | null>) => Promise<void> }> {
  const net = new MemoryNetwork({ seed: 1 })
  const clock = { t: 0 }
  const cls: ClusterLoad[] = []
  for (let i = 0; i < n; i++) {
    const d = await createMemoryDiscovery({ network: net, peerId: `h${i}`, announceIntervalMs: 0 }, { logger: silent, clock: { now: () => clock.t } })
    d.follow(IM)
    const cl = new ClusterLoad(d, silent, () => clock.t, { estimator: 'reports', sampleIntervalMs: INTERVAL, epsilon })
    cl.addIm(IM)
    await cl.start()
    cls.push(cl)
  }
  // one sample: each host given a load publishes it (null: says nothing new)
  const publish = async (loads: ReadonlyArray<number | null>): Promise<void> => {
    clock.t += INTERVAL
    for (const [i, l] of loads.entries()) if (l !== null) await cls[i]?.publish(l, 16, 1, false)
    for (let k = 0; k < 20; k++) await new Promise(resolve => setImmediate(resolve))
  }
  return { cls, clock, publish }
}

test('load reports keep full precision: a host a hair over the band is over on every host', async () => {
  const { cls, publish } = await cluster(3)
  // 4.35 cores of 16 against a mean that puts the band's top at 4.348 cores (seed 181 of fig. 3)
  const loads = [4.35 / 16, 2.5 / 16, 4.02 / 16]
  await publish(loads)
  const [a, b] = cls as [ClusterLoad, ClusterLoad]
  assert.equal(b.reports().find(r => r.peer === 'h0')?.load, 4.35 / 16)
  const mean = b.mean(loads[1] as number).mean
  assert.ok(Math.abs(mean - (4.35 + 2.5 + 4.02) / 48) < 1e-12)
  assert.ok((loads[0] as number) / a.mean(loads[0] as number).mean > 1.2, 'over the band, not rounded into it')
  for (const c of cls) await c.stop()
})

test('a VM sent counts on its new host in the sender\'s mean until that host reports it, and not twice after', async () => {
  const { cls, publish } = await cluster(3)
  const [a, b] = cls as [ClusterLoad, ClusterLoad]
  await publish([8 / 16, 1.6 / 16, 4.8 / 16])
  const exact = 14.4 / 48
  assert.ok(Math.abs(a.mean(8 / 16).mean - exact) < 1e-12)
  // a moves 3.2 cores to h1: it knows its own new load at once, h1 reports a moment later
  a.sent('h1', 3.2)
  assert.ok(Math.abs(a.mean(4.8 / 16).mean - exact) < 1e-12, 'the VM in transit still counts')
  await publish([4.8 / 16, null, null])
  assert.ok(Math.abs(a.mean(4.8 / 16).mean - exact) < 1e-12, 'still counted while h1 has not reported')
  assert.ok(Math.abs(b.mean(1.6 / 16).mean - (4.8 + 1.6 + 4.8) / 48) < 1e-12, 'only the sender corrects its own view')
  await publish([null, 4.8 / 16, null])
  assert.ok(Math.abs(a.mean(4.8 / 16).mean - exact) < 1e-12, 'counted once when h1 reports it')
  for (const c of cls) await c.stop()
})

test('a VM sent counts on its new host for a few sample intervals at most', async () => {
  const { cls, publish } = await cluster(2)
  const [a] = cls as [ClusterLoad]
  await publish([8 / 16, 0])
  a.sent('h1', 3.2)
  assert.ok(Math.abs(a.mean(4.8 / 16).mean - 8 / 32) < 1e-12)
  for (let i = 0; i < 3; i++) await publish([null, null])
  assert.ok(Math.abs(a.mean(4.8 / 16).mean - 4.8 / 32) < 1e-12, 'the report never came: the reports rule again')
  for (const c of cls) await c.stop()
})

test('a report says the largest VM the host can move, anew when that changes; a bad figure is dropped', async () => {
  // loads within 0.01 of the last report are not worth a new one
  const { cls, publish } = await cluster(2, 0.01)
  const [a, b] = cls as [ClusterLoad, ClusterLoad]
  a.noteMovable(1.5)
  await publish([0.25, 0.25])
  assert.equal(b.reports().find(r => r.peer === 'h0')?.movable, 1.5)
  // the same load, another largest VM (a swap of VMs): a new report
  a.noteMovable(0.5)
  await publish([0.25, null])
  assert.equal(b.reports().find(r => r.peer === 'h0')?.movable, 0.5)
  a.noteMovable(0.52) // within 0.01 of 16 cores
  await publish([0.252, null])
  assert.equal(b.reports().find(r => r.peer === 'h0')?.movable, 0.5, 'nothing worth a new report')
  assert.equal(parseLoadReport('x', { load: 0.2, cpus: 4, movable: 9 })?.movable, undefined, 'more cores than the host has')
  assert.equal(parseLoadReport('x', { load: 0.2, cpus: 4, movable: -1 })?.movable, undefined)
  for (const c of cls) await c.stop()
})

test('a report goes out when the load crosses an edge of the band, however little it moved', async () => {
  // loads within 0.01 of the last report are not worth a new one, unless they cross an edge
  const { cls, publish } = await cluster(3, 0.01)
  const [a, b] = cls as [ClusterLoad, ClusterLoad]
  a.setBand(0.8, 1.2)
  await publish([0.199, 0.25, 0.3]) // mean 0.249666: h0 at 79.7 %
  await publish([0.2005, null, null]) // 80.2 % of the mean it sees: in band, 0.0015 more
  assert.equal(b.reports().find(r => r.peer === 'h0')?.load, 0.2005, 'in band now: reported')
  await publish([0.2010, null, null]) // still in band: not worth a report
  assert.equal(b.reports().find(r => r.peer === 'h0')?.load, 0.2005)
  for (const c of cls) await c.stop()
})
