import { test } from 'node:test'
import assert from 'node:assert/strict'
import { SelfQueryWarmUp } from '../src/libp2p/self-query.js'
import type { Timers } from '../src/types.js'

/** Timers that run only when the test says, recording each delay asked for. */
function manualTimers (): Timers & { delays: number[], fire: () => Promise<void> } {
  let pending: (() => void) | null = null
  const delays: number[] = []
  return {
    delays,
    setTimeout: (fn, ms) => { delays.push(ms); pending = fn; return delays.length },
    clearTimeout: () => { pending = null },
    fire: async () => {
      const fn = pending
      pending = null
      fn?.()
      await new Promise(resolve => setImmediate(resolve))
    }
  }
}

function fakeNode (onQuery: () => void): any {
  return {
    peerId: { toMultihash: () => ({ bytes: new Uint8Array([1, 2, 3]) }) },
    peerRouting: {
      getClosestPeers: async function * () { onQuery(); yield { id: 'a' }; yield { id: 'b' } }
    }
  }
}

const log = { debug: () => {} }

test('self-queries on a doubling back-off while the routing table is short, then leaves it to kad-dht', async () => {
  const timers = manualTimers()
  let queries = 0
  let table = 1
  const w = new SelfQueryWarmUp(fakeNode(() => { queries++ }), timers, log, 2000, 300_000, () => table)
  w.start()
  await timers.fire()
  await timers.fire()
  assert.equal(queries, 2)
  assert.deepEqual(timers.delays, [2000, 4000, 8000])
  table = 20 // full enough: the next turn queries nothing and schedules nothing
  await timers.fire()
  assert.equal(queries, 2)
  assert.deepEqual(timers.delays, [2000, 4000, 8000])
})

test('the back-off ends at kad-dht own interval, and stop() cancels the next query', async () => {
  const timers = manualTimers()
  let queries = 0
  const w = new SelfQueryWarmUp(fakeNode(() => { queries++ }), timers, log, 2000, 10_000, () => 0)
  w.start()
  for (let i = 0; i < 5; i++) await timers.fire()
  assert.equal(queries, 3) // at 2, 4 and 8 s; the next gap (16 s) is past the interval
  assert.deepEqual(timers.delays, [2000, 4000, 8000])

  const t2 = manualTimers()
  let q2 = 0
  const w2 = new SelfQueryWarmUp(fakeNode(() => { q2++ }), t2, log, 2000, 300_000, () => 0)
  w2.start()
  w2.stop()
  await t2.fire()
  assert.equal(q2, 0)
  w.stop()
})
