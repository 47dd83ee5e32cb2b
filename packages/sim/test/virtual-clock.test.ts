import { test } from 'node:test'
import assert from 'node:assert/strict'
import { VirtualClock } from '../src/index.js'

test('timers fire in time order, on virtual time only, and can be cancelled', async () => {
  const c = new VirtualClock(0)
  const fired: Array<[string, number]> = []
  c.timers.setTimeout(() => fired.push(['b', c.now()]), 200)
  c.timers.setTimeout(() => fired.push(['a', c.now()]), 100)
  const h = c.timers.setTimeout(() => fired.push(['x', c.now()]), 150)
  c.timers.clearTimeout(h)
  c.timers.setTimeout(() => fired.push(['a2', c.now()]), 100)
  assert.equal(c.pending, 3)
  await c.advance(99)
  assert.deepEqual(fired, [])
  await c.advance(1000)
  assert.deepEqual(fired, [['a', 100], ['a2', 100], ['b', 200]])
  assert.equal(c.now(), 1099)
  assert.equal(c.pending, 0)
})

test('sleep chains started by a timer complete within one advance; aborts reject', async () => {
  const c = new VirtualClock(0)
  const steps: number[] = []
  const chain = (async () => { for (let i = 0; i < 5; i++) { await c.sleep(10); steps.push(c.now()) } })()
  await c.advance(50)
  await chain
  assert.deepEqual(steps, [10, 20, 30, 40, 50])
  const ctl = new AbortController()
  const s = c.sleep(1000, ctl.signal)
  ctl.abort(new Error('stop'))
  await assert.rejects(s, /stop/)
  assert.equal(c.pending, 0)
})
