import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { HysteresisDetector, LoadTracker, ManualClock, SlidingWindow, type DomainInfo, type HostSample } from '../src/index.js'

const seed = Number(process.env.PARLEY_SEED ?? Date.now() % 2 ** 31)
console.log(`# load.test seed=${seed} (replay with PARLEY_SEED=${seed})`)

function dom (name: string, cpuTimeNs: number, extra: Partial<DomainInfo> = {}): DomainInfo {
  return {
    name, uuid: `00000000-0000-4000-8000-${name.padStart(12, '0').slice(-12)}`, state: 'running', persistent: true, vcpus: 2,
    memory: { maxKiB: 1048576, currentKiB: 1048576, rssKiB: null }, cpuTimeNs, ...extra
  }
}

function sample (atMs: number, domains: DomainInfo[], cpus = 4, memoryKiB = 8 * 1048576): HostSample {
  return { atMs, capacity: { cpus, memoryKiB }, domains }
}

test('sliding window: rate spans the window, old points fall out, mean is time-weighted', () => {
  const w = new SlidingWindow(1000)
  assert.equal(w.rate(), null)
  w.add(0, 0); w.add(500, 100); w.add(1000, 200); w.add(1500, 1200)
  assert.equal(w.first?.atMs, 500) // the one point at the horizon is kept as the left edge
  assert.equal(w.rate(), (1200 - 100) / 1000)
  const m = new SlidingWindow(1000)
  m.add(0, 10); m.add(250, 10); m.add(1000, 50)
  assert.equal(m.mean(), (10 * 250 + 50 * 750) / 1000)
  assert.throws(() => { m.add(10, 1) }, RangeError)
  assert.throws(() => new SlidingWindow(0), RangeError)
})

test('CPU utilisation from cpu-time deltas, per domain and per host', async () => {
  const t = new LoadTracker(10_000)
  const clock = new ManualClock()
  let cpuA = 0; let cpuB = 5e9
  let load = t.observe(sample(clock.now(), [dom('a', cpuA), dom('b', cpuB)]))
  assert.equal(load.cpu, 0)
  assert.equal(load.warmingUp, 2)
  for (let i = 0; i < 30; i++) {
    await clock.advance(1000)
    cpuA += 1.5e9 // 1.5 cores
    cpuB += 0.5e9
    load = t.observe(sample(clock.now(), [dom('a', cpuA), dom('b', cpuB)]))
  }
  assert.equal(load.warmingUp, 0)
  assert.equal(load.cpu, 2 / 4)
  const a = load.domains.find(d => d.name === 'a')
  assert.equal(a?.cpuCores, 1.5)
  assert.equal(a?.cpuOfVcpus, 0.75)
})

test('a CPU time that goes backwards restarts the domain (new guest process) instead of going negative', () => {
  const t = new LoadTracker(5000)
  t.observe(sample(0, [dom('a', 100e9)]))
  t.observe(sample(1000, [dom('a', 101e9)]))
  const after = t.observe(sample(2000, [dom('a', 0.2e9)]))
  assert.equal(after.domains[0]?.cpuCores, null)
  assert.equal(after.cpu, 0)
  const next = t.observe(sample(3000, [dom('a', 1.2e9)]))
  assert.equal(next.domains[0]?.cpuCores, 1)
})

test('memory load uses RSS where known, else the balloon size; incoming copies and stopped domains do not count', () => {
  const t = new LoadTracker(1000)
  const load = t.observe(sample(0, [
    dom('rss', 0, { memory: { maxKiB: 4 * 1048576, currentKiB: 2 * 1048576, rssKiB: 1048576 } }),
    dom('balloon', 0, { memory: { maxKiB: 4 * 1048576, currentKiB: 2 * 1048576, rssKiB: null } }),
    dom('incoming', 0, { migrating: 'in' }),
    dom('off', 0, { state: 'shutoff' })
  ]))
  assert.equal(load.memory, 3 / 8)
  assert.deepEqual(load.domains.map(d => d.name).sort(), ['balloon', 'off', 'rss'])
})

test('memory load is smoothed over the window', () => {
  const t = new LoadTracker(4000)
  const at = (ms: number, rssGiB: number): number => t.observe(sample(ms, [
    dom('a', 0, { memory: { maxKiB: 8 * 1048576, currentKiB: 8 * 1048576, rssKiB: rssGiB * 1048576 } })
  ])).memory
  at(0, 2); at(1000, 2); at(2000, 2); at(3000, 2)
  const spike = at(4000, 6)
  assert.equal(spike, (2 + 2 + 2 + 6) / 4 / 8)
  assert.equal(at(8000, 6), 6 / 8)
})

test('utilisation property: constant demands are measured exactly', () => {
  fc.assert(fc.property(
    fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 6 }),
    fc.integer({ min: 1, max: 64 }),
    fc.integer({ min: 100, max: 5000 }),
    (centiCores, cpus, stepMs) => {
      const t = new LoadTracker(stepMs * 5)
      const cpu = centiCores.map(() => 0)
      let load = t.observe(sample(0, centiCores.map((_, i) => dom(`d${i}`, 0)), cpus))
      for (let s = 1; s <= 8; s++) {
        centiCores.forEach((c, i) => { cpu[i] = (cpu[i] as number) + c / 100 * stepMs * 1e6 })
        load = t.observe(sample(s * stepMs, centiCores.map((_, i) => dom(`d${i}`, cpu[i] as number)), cpus))
      }
      const expected = centiCores.reduce((a, b) => a + b, 0) / 100 / cpus
      return Math.abs(load.cpu - expected) < 1e-9
    }
  ), { seed, numRuns: 200 })
})

test('hysteresis: the condition must hold for the sustain time; a break restarts the wait', () => {
  const h = new HysteresisDetector({ direction: 'above', threshold: 0.8, sustainMs: 3000 })
  assert.deepEqual(h.update(0.9, 0), { active: false, changed: false, pendingSinceMs: 0 })
  assert.equal(h.update(0.95, 2000).active, false)
  assert.equal(h.update(0.7, 2500).pendingSinceMs, null) // break
  assert.equal(h.update(0.9, 3000).active, false)
  assert.equal(h.update(0.9, 5999).active, false)
  assert.deepEqual(h.update(0.9, 6000), { active: true, changed: true, pendingSinceMs: null })
  assert.deepEqual(h.update(0.99, 7000), { active: true, changed: false, pendingSinceMs: null })
  // clearing also needs the sustain time
  assert.equal(h.update(0.5, 8000).active, true)
  assert.equal(h.update(0.9, 9000).pendingSinceMs, null)
  assert.equal(h.update(0.5, 10_000).active, true)
  assert.deepEqual(h.update(0.5, 13_000), { active: false, changed: true, pendingSinceMs: null })
})

test('hysteresis: below-threshold detector with a clear band does not flap at the threshold', () => {
  const h = new HysteresisDetector({ direction: 'below', threshold: 0.2, clearThreshold: 0.3, sustainMs: 1000, clearSustainMs: 500 })
  h.update(0.1, 0)
  assert.equal(h.update(0.1, 1000).changed, true)
  // hovering between threshold and clear threshold keeps it active
  for (let t = 1100; t < 5000; t += 100) assert.equal(h.update(t % 200 === 0 ? 0.21 : 0.29, t).active, true)
  h.update(0.35, 5000)
  assert.equal(h.update(0.35, 5499).active, true)
  assert.equal(h.update(0.35, 5500).changed, true)
  assert.equal(h.isActive, false)
  assert.throws(() => new HysteresisDetector({ direction: 'below', threshold: 0.2, clearThreshold: 0.1, sustainMs: 1 }), RangeError)
  assert.throws(() => { h.update(1, 0) }, RangeError)
})

test('hysteresis property: never active unless the condition held for sustainMs just before', () => {
  fc.assert(fc.property(
    fc.array(fc.tuple(fc.integer({ min: 1, max: 500 }), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 1, maxLength: 80 }),
    fc.integer({ min: 0, max: 2000 }),
    (steps, sustainMs) => {
      const h = new HysteresisDetector({ direction: 'above', threshold: 0.5, sustainMs })
      let t = 0; let aboveSince: number | null = null
      for (const [dt, v] of steps) {
        t += dt
        if (v > 0.5) aboveSince ??= t; else aboveSince = null
        const s = h.update(v, t)
        if (s.changed && s.active && (aboveSince === null || t - aboveSince < sustainMs)) return false
      }
      return true
    }
  ), { seed, numRuns: 300 })
})

test('manual clock: sleeps resolve in time order; abort rejects', async () => {
  const c = new ManualClock(0)
  const order: string[] = []
  void c.sleep(300).then(() => order.push('300'))
  void c.sleep(100).then(() => order.push('100'))
  void c.sleep(100).then(() => order.push('100b'))
  const ac = new AbortController()
  const aborted = c.sleep(200, ac.signal).then(() => 'resolved', () => 'rejected')
  await c.advance(150)
  assert.deepEqual(order, ['100', '100b'])
  ac.abort()
  assert.equal(await aborted, 'rejected')
  await c.advance(200)
  assert.deepEqual(order, ['100', '100b', '300'])
  assert.equal(c.now(), 350)
  assert.equal(c.pending, 0)
})
