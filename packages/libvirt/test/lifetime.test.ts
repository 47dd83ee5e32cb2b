// Native lifetimes: garbage-collected domains are freed, close() races in-flight calls safely.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { isAvailable, unavailableReason, open, liveHandles, LibvirtError, ErrorCode } from '../src/index.js'
import { waitFor } from './lab.js'

const skip = isAvailable() ? false : `libvirt binding unavailable: ${unavailableReason() ?? ''}`
setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

test('domain objects dropped by JS are freed by their finalizers', { skip }, async () => {
  const c = await open('test:///default')
  try {
    const before = liveHandles()?.domains ?? NaN
    for (let i = 0; i < 200; i++) await Promise.all(Array.from({ length: 10 }, async () => await c.listAllDomains()))
    const peak = liveHandles()?.domains ?? NaN
    await waitFor('domain handles to be freed', async () => {
      gc()
      await new Promise(resolve => setImmediate(resolve))
      return (liveHandles()?.domains ?? Infinity) <= before + 10
    }, 20_000, 50)
    assert.ok(peak > before, `expected live handles while domains were reachable (${before} -> ${peak})`)
  } finally {
    await c.close()
  }
})

test('close() while calls are in flight: each call resolves or rejects with INVALID_CONN, nothing crashes', { skip }, async () => {
  for (let round = 0; round < 20; round++) {
    const c = await open('test:///default')
    const [d] = await c.listAllDomains()
    assert.ok(d !== undefined)
    const calls = Array.from({ length: 50 }, async (_, i) => i % 2 === 0 ? await d.getInfo() : await c.getNodeInfo())
    const closing = c.close()
    const results = await Promise.allSettled(calls)
    await closing
    for (const r of results) {
      if (r.status === 'rejected') {
        assert.ok(r.reason instanceof LibvirtError && r.reason.code === ErrorCode.INVALID_CONN, String(r.reason))
      }
    }
    await assert.rejects(d.getInfo(), (e: unknown) => e instanceof LibvirtError && e.code === ErrorCode.INVALID_CONN)
  }
})
