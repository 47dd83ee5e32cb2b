// The behaviour every Hypervisor backend must show. Each backend's test file calls
// runHypervisorCompliance with a fixture of two hosts that can migrate to each other.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import type { DomainInfo, DomainSpec, Hypervisor, HypervisorEvent, MigrationProgress } from '../src/index.js'
import { isHypervisorError } from '../src/index.js'

export interface ComplianceFixture {
  a: Hypervisor
  b: Hypervisor
  /** A migration URI nobody answers at. */
  deadUri: string
  /** A guest that boots quickly and migrates at migrateBandwidthMiBs in a few seconds at most. */
  guest: (name: string) => DomainSpec
  /** A guest whose migration at slowBandwidthMiBs takes long enough to abort midway. */
  slowGuest: (name: string) => DomainSpec
  migrateBandwidthMiBs: number
  slowBandwidthMiBs: number
  progressIntervalMs: number
  /** Waits until a just-started guest is in the state the migration tests expect (e.g. memory filled). */
  settle?: (hv: Hypervisor, name: string) => Promise<void>
  /** Upper bound for asynchronous effects (events, a destination dropping an aborted copy). */
  timeoutMs: number
  close: () => Promise<void>
}

export function uniqueName (tag: string): string {
  return `hvtest-${randomBytes(3).toString('hex')}-${tag}`
}

async function sleep (ms: number): Promise<void> { await new Promise(resolve => setTimeout(resolve, ms)) }

/** Hosts that own `name`: list it without it being an incoming copy. */
export async function owners (hosts: Hypervisor[], name: string): Promise<number[]> {
  const lists = await Promise.all(hosts.map(async h => await h.list()))
  return lists.flatMap((l, i) => l.some(d => d.name === name && d.migrating !== 'in') ? [i] : [])
}

async function listed (h: Hypervisor, name: string): Promise<DomainInfo | undefined> {
  return (await h.list()).find(d => d.name === name)
}

/** Removes `name` from each host if present (destroy, then undefine); other domains are untouched. */
export async function removeEverywhere (hosts: Hypervisor[], name: string): Promise<void> {
  for (const h of hosts) {
    const d = await listed(h, name).catch(() => undefined)
    if (d === undefined || d.migrating === 'in') continue
    if (d.state !== 'shutoff') await h.destroy(name).catch(() => {})
    await h.undefine(name).catch(() => {})
  }
}

async function waitFor<T> (what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await probe()
    if (v !== undefined) return v
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(50)
  }
}

function recorder (h: Hypervisor): { events: HypervisorEvent[], stop: () => void } {
  const events: HypervisorEvent[] = []
  const stop = h.on(e => { events.push(e) })
  return { events, stop }
}

async function waitEvent (rec: { events: HypervisorEvent[] }, name: string, type: HypervisorEvent['type'], timeoutMs: number): Promise<HypervisorEvent> {
  return await waitFor(`event ${type} for ${name}`, timeoutMs, async () => rec.events.find(e => e.domain === name && e.type === type))
}

async function rejectsWithCode (p: Promise<unknown>, codes: string[]): Promise<Error & { code: string, location?: string }> {
  try {
    await p
  } catch (err) {
    assert.ok(isHypervisorError(err), `expected a HypervisorError, got ${String(err)}`)
    assert.ok(codes.includes(err.code), `expected ${codes.join('|')}, got ${err.code}: ${err.message}`)
    assert.ok(err.hint.length > 0, 'errors carry a hint')
    return err as Error & { code: string, location?: string }
  }
  assert.fail(`expected a rejection with ${codes.join('|')}`)
}

export function runHypervisorCompliance (name: string, makeFixture: () => Promise<ComplianceFixture>, skipReason?: string): void {
  if (skipReason !== undefined) {
    test(`${name}: hypervisor compliance`, t => { t.skip(skipReason) })
    return
  }
  describe(`${name}: hypervisor compliance`, () => {
    let f: ComplianceFixture
    const created: string[] = []
    const fresh = (tag: string): string => { const n = uniqueName(tag); created.push(n); return n }

    before(async () => { f = await makeFixture() })
    after(async () => {
      if (f === undefined) return
      for (const n of created) await removeEverywhere([f.a, f.b], n)
      await f.close()
    })

    test('node capacity and host identity are sane', async () => {
      const cap = await f.a.capacity()
      assert.ok(Number.isInteger(cap.cpus) && cap.cpus >= 1, `cpus ${cap.cpus}`)
      assert.ok(Number.isInteger(cap.memoryKiB) && cap.memoryKiB >= 64 * 1024, `memoryKiB ${cap.memoryKiB}`)
      const [ha, hb] = [await f.a.host(), await f.b.host()]
      assert.ok(ha.id.length > 0 && ha.hostname.length > 0)
      assert.notEqual(ha.migrationUri, hb.migrationUri)
      assert.notEqual(ha.id, hb.id)
      assert.equal(ha.backend, f.a.backend)
      assert.equal(f.a.powerState(), 'on')
      const s = await f.a.sample()
      assert.deepEqual(s.capacity, cap)
      assert.ok(Array.isArray(s.domains) && Number.isFinite(s.atMs))
    })

    test('define, list, get, start, destroy, undefine', async () => {
      const n = fresh('life')
      const spec = f.guest(n)
      const d = await f.a.define(spec)
      assert.equal(d.name, n)
      assert.equal(d.state, 'shutoff')
      assert.equal(d.vcpus, spec.vcpus)
      assert.equal(d.memory.maxKiB, spec.memoryMiB * 1024)
      assert.equal(d.persistent, true)
      assert.match(d.uuid, /^[0-9a-f-]{36}$/)
      assert.ok((await f.a.list()).some(x => x.name === n && x.uuid === d.uuid))
      assert.equal((await listed(f.b, n)), undefined, 'defined on A only')
      await f.a.start(n)
      assert.equal((await f.a.get(n)).state, 'running')
      await rejectsWithCode(f.a.start(n), ['HV_INVALID_STATE'])
      await rejectsWithCode(f.a.undefine(n), ['HV_INVALID_STATE'])
      assert.equal((await f.a.get(n)).state, 'running', 'a refused undefine changes nothing')
      await f.a.destroy(n)
      assert.equal((await f.a.get(n)).state, 'shutoff')
      await f.a.undefine(n)
      await rejectsWithCode(f.a.get(n), ['HV_DOMAIN_NOT_FOUND'])
      assert.equal(await listed(f.a, n), undefined)
    })

    test('defining an existing name fails with HV_DOMAIN_EXISTS', async () => {
      const n = fresh('dup')
      await f.a.define(f.guest(n))
      await rejectsWithCode(f.a.define(f.guest(n)), ['HV_DOMAIN_EXISTS'])
      await f.a.undefine(n)
    })

    test('unknown domains fail with HV_DOMAIN_NOT_FOUND', async () => {
      const n = uniqueName('ghost')
      await rejectsWithCode(f.a.get(n), ['HV_DOMAIN_NOT_FOUND'])
      await rejectsWithCode(f.a.start(n), ['HV_DOMAIN_NOT_FOUND'])
      await rejectsWithCode(f.a.destroy(n), ['HV_DOMAIN_NOT_FOUND'])
      await rejectsWithCode(f.a.undefine(n), ['HV_DOMAIN_NOT_FOUND'])
      await rejectsWithCode(f.a.migrate(n, (await f.b.host()).migrationUri), ['HV_DOMAIN_NOT_FOUND'])
    })

    test('invalid specs fail with HV_INVALID_SPEC and define nothing', async () => {
      const n = uniqueName('bad')
      const bad: unknown[] = [
        { name: '', vcpus: 1, memoryMiB: 64 },
        { name: `${n}/x`, vcpus: 1, memoryMiB: 64 },
        { name: `${n}\n`, vcpus: 1, memoryMiB: 64 },
        { name: n, vcpus: 0, memoryMiB: 64 },
        { name: n, vcpus: 1.5, memoryMiB: 64 },
        { name: n, vcpus: 1, memoryMiB: -1 },
        { name: n, vcpus: 1 },
        { name: n, vcpus: 1, memoryMiB: 64, uuid: 'not-a-uuid' },
        null
      ]
      for (const spec of bad) {
        const err = await rejectsWithCode(f.a.define(spec as DomainSpec), ['HV_INVALID_SPEC'])
        assert.match(err.message, /invalid domain spec/)
      }
      assert.equal(await listed(f.a, n), undefined)
    })

    test('names needing XML escaping round-trip', async () => {
      const n = fresh(`q&<x>'"`)
      await f.a.define(f.guest(n))
      assert.equal((await f.a.get(n)).name, n)
      await f.a.undefine(n)
    })

    test('lifecycle events for define, start, stop and undefine', async () => {
      const n = fresh('ev')
      const rec = recorder(f.a)
      const iter = f.a.events()[Symbol.asyncIterator]()
      try {
        await f.a.define(f.guest(n))
        await f.a.start(n)
        const started = await waitEvent(rec, n, 'started', f.timeoutMs)
        assert.equal(started.uuid, (await f.a.get(n)).uuid)
        await f.a.destroy(n)
        await waitEvent(rec, n, 'stopped', f.timeoutMs)
        await f.a.undefine(n)
        await waitEvent(rec, n, 'undefined', f.timeoutMs)
        const mine = rec.events.filter(e => e.domain === n).map(e => e.type)
        assert.deepEqual(mine.filter(t => ['defined', 'started', 'stopped', 'undefined'].includes(t)), ['defined', 'started', 'stopped', 'undefined'])
        // the async iterable sees the same stream
        for (;;) {
          const r = await iter.next()
          assert.equal(r.done, false)
          if (r.value.domain === n && r.value.type === 'started') break
        }
      } finally {
        rec.stop()
        await iter.return?.()
      }
    })

    test('CPU time is monotonic while running', async () => {
      const n = fresh('cpu')
      await f.a.define(f.guest(n))
      await f.a.start(n)
      const times: number[] = []
      for (let i = 0; i < 4; i++) {
        times.push((await f.a.get(n)).cpuTimeNs)
        await sleep(150)
      }
      for (let i = 1; i < times.length; i++) assert.ok((times[i] as number) >= (times[i - 1] as number), `cpu time went back: ${times.join(', ')}`)
      assert.ok(times.every(t => Number.isFinite(t) && t >= 0))
      await f.a.destroy(n)
      await f.a.undefine(n)
    })

    test('shutdown asks a running guest to stop; stopping a shut-off domain is HV_INVALID_STATE', async () => {
      const n = fresh('shut')
      await f.a.define(f.guest(n))
      await rejectsWithCode(f.a.shutdown(n), ['HV_INVALID_STATE'])
      await rejectsWithCode(f.a.destroy(n), ['HV_INVALID_STATE'])
      await f.a.start(n)
      await f.a.shutdown(n) // a request: the guest may take its time or ignore it
      const state = (await f.a.get(n)).state
      assert.ok(['running', 'shutdown', 'shutoff'].includes(state), state)
      if (state !== 'shutoff') await f.a.destroy(n)
      await f.a.undefine(n)
    })

    test('an event iterator ends when its signal aborts', async () => {
      const ac = new AbortController()
      const it = f.a.events(ac.signal)[Symbol.asyncIterator]()
      const next = it.next()
      ac.abort()
      assert.deepEqual(await next, { value: undefined, done: true })
    })

    test('migrating a shut-off domain fails with HV_INVALID_STATE', async () => {
      const n = fresh('off')
      await f.a.define(f.guest(n))
      await rejectsWithCode(f.a.migrate(n, (await f.b.host()).migrationUri), ['HV_INVALID_STATE'])
      assert.deepEqual(await owners([f.a, f.b], n), [0])
      await f.a.undefine(n)
    })

    test('live migration A -> B with progress; owned by exactly one host throughout', async () => {
      const n = fresh('mig')
      const bUri = (await f.b.host()).migrationUri
      await f.a.define(f.guest(n))
      await f.a.start(n)
      await f.settle?.(f.a, n)
      const uuid = (await f.a.get(n)).uuid
      const recA = recorder(f.a); const recB = recorder(f.b)
      const progress: MigrationProgress[] = []
      const checks: Array<Promise<number[]>> = []
      const flagsOnA: Array<Promise<DomainInfo['migrating'] | 'absent'>> = []
      const result = await f.a.migrate(n, bUri, {
        bandwidthMiBs: f.migrateBandwidthMiBs,
        progressIntervalMs: f.progressIntervalMs,
        onProgress: p => {
          progress.push(p)
          checks.push(owners([f.a, f.b], n))
          flagsOnA.push(listed(f.a, n).then(d => d === undefined ? 'absent' : d.migrating))
        }
      })
      try {
        assert.equal(result.location, bUri)
        assert.equal(result.domain, n)
        assert.equal(result.uuid, uuid)
        assert.equal(result.from, (await f.a.host()).migrationUri)
        assert.ok(progress.length >= 1, 'progress was reported')
        for (const p of progress) {
          assert.ok(p.totalBytes > 0 && p.processedBytes >= 0 && p.remainingBytes >= 0, JSON.stringify(p))
          assert.ok(p.elapsedMs >= 0)
        }
        for (let i = 1; i < progress.length; i++) {
          assert.ok((progress[i] as MigrationProgress).processedBytes >= (progress[i - 1] as MigrationProgress).processedBytes, 'processed never goes back')
        }
        for (const owned of await Promise.all(checks)) assert.equal(owned.length, 1, `owned by hosts ${JSON.stringify(owned)} during migration`)
        assert.equal((await Promise.all(flagsOnA))[0], 'out', 'the source flags the domain while sending it')
        assert.deepEqual(await owners([f.a, f.b], n), [1], 'on B only afterwards')
        const onB = await f.b.get(n)
        assert.equal(onB.state, 'running')
        assert.equal(onB.uuid, uuid)
        assert.equal(onB.persistent, true)
        await rejectsWithCode(f.a.get(n), ['HV_DOMAIN_NOT_FOUND'])
        await waitEvent(recA, n, 'migrated-out', f.timeoutMs)
        await waitEvent(recB, n, 'migrated-in', f.timeoutMs)
      } finally {
        recA.stop(); recB.stop()
      }
      await f.b.destroy(n)
      await f.b.undefine(n)
    })

    test('aborting mid-migration leaves the domain running on A only', async () => {
      const n = fresh('abort')
      const bUri = (await f.b.host()).migrationUri
      await f.a.define(f.slowGuest(n))
      await f.a.start(n)
      await f.settle?.(f.a, n)
      const ac = new AbortController()
      const seen: MigrationProgress[] = []
      let settled = false
      let probe: Promise<{ onB: DomainInfo | undefined, whileRunning: boolean }> | undefined
      const err = await rejectsWithCode(f.a.migrate(n, bUri, {
        bandwidthMiBs: f.slowBandwidthMiBs,
        progressIntervalMs: f.progressIntervalMs,
        signal: ac.signal,
        onProgress: p => {
          seen.push(p)
          // before aborting, the destination must answer list() while the copy is under way
          probe ??= (async () => {
            const onB = await listed(f.b, n)
            const whileRunning = !settled
            ac.abort()
            return { onB, whileRunning }
          })()
        }
      }).finally(() => { settled = true }), ['HV_MIGRATION_ABORTED'])
      assert.equal(err.location, 'source')
      const seenOnB = await probe
      assert.ok(seenOnB?.whileRunning === true, 'the destination listed its domains during the migration')
      assert.equal(seenOnB.onB?.migrating, 'in', 'the destination flags the incoming copy')
      assert.ok(seen.length >= 1 && (seen.at(-1) as MigrationProgress).remainingBytes > 0, 'aborted before the end')
      assert.equal((await f.a.get(n)).state, 'running')
      assert.equal((await f.a.get(n)).migrating, undefined)
      assert.deepEqual(await owners([f.a, f.b], n), [0])
      await waitFor('B to drop the incoming copy', f.timeoutMs, async () => (await listed(f.b, n)) === undefined ? true : undefined)
      // the domain can still migrate after an aborted attempt
      await f.a.destroy(n)
      await f.a.undefine(n)
    })

    test('an already-aborted signal migrates nothing', async () => {
      const n = fresh('pre')
      await f.a.define(f.guest(n))
      await f.a.start(n)
      await rejectsWithCode(f.a.migrate(n, (await f.b.host()).migrationUri, { signal: AbortSignal.abort() }), ['HV_MIGRATION_ABORTED'])
      assert.deepEqual(await owners([f.a, f.b], n), [0])
      await f.a.destroy(n)
      await f.a.undefine(n)
    })

    test('migration to a dead URI fails typed; domain still on A', async () => {
      const n = fresh('dead')
      await f.a.define(f.guest(n))
      await f.a.start(n)
      const err = await rejectsWithCode(f.a.migrate(n, f.deadUri), ['HV_PEER_UNREACHABLE', 'HV_MIGRATION_FAILED'])
      assert.equal(err.location, 'source')
      assert.equal((await f.a.get(n)).state, 'running')
      assert.deepEqual(await owners([f.a, f.b], n), [0])
      await f.a.destroy(n)
      await f.a.undefine(n)
    })

    test('powerOff on a host with running domains is refused or unsupported', async () => {
      const n = fresh('pwr')
      await f.a.define(f.guest(n))
      await f.a.start(n)
      await rejectsWithCode(f.a.powerOff(), ['HV_HOST_BUSY', 'HV_UNSUPPORTED'])
      assert.equal(f.a.powerState(), 'on')
      assert.equal((await f.a.get(n)).state, 'running')
      await f.a.destroy(n)
      await f.a.undefine(n)
    })
  })
}
