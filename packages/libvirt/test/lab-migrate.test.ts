// Real KVM hosts (scripts/kvm-lab.sh): live migration, progress, abort, and failures that keep the guest.
import { describe, test, before, after } from 'node:test'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import assert from 'node:assert/strict'
import { LibvirtError, ErrorCode, isAvailable, unavailableReason } from '../src/index.js'
import type { Connection, JobStats, LifecycleEvent } from '../src/index.js'
import { guestXml, labHosts, labUri, openLab, removeDomains, sleep, uniqueName, waitFor, waitResident } from './lab.js'

const execFileP = promisify(execFile)
const lab = labHosts()
const names: string[] = []
let src: Connection
let dst: Connection

function skipReason (): string | null {
  if ('skip' in lab) return lab.skip
  // The lab is up, so a missing binding is a failure here, not a skip.
  assert.ok(isAvailable(), `the lab is up but the libvirt binding is unavailable: ${unavailableReason() ?? ''}`)
  return null
}

const isMoving = (s: JobStats): boolean => (s.type === 'bounded' || s.type === 'unbounded') && (s.dataTotal ?? 0) > 0

describe('lab migration', () => {
  before(async () => {
    if (skipReason() !== null) return
    ;[src, dst] = (await openLab(2)) as [Connection, Connection]
  })
  after(async () => {
    if (src === undefined) return
    await removeDomains([src, dst], names)
    await src.close()
    await dst.close()
  })

  test('live migration host1 -> host2 (peer2peer) with job progress, and back (client-managed)', async t => {
    const why = skipReason()
    if (why !== null) return t.skip(why)
    const name = uniqueName()
    names.push(name)
    const dstEvents: LifecycleEvent[] = []
    const off = dst.onLifecycle(e => { if (e.domain === name) dstEvents.push(e) })
    await off.ready
    const d = await src.defineDomain(guestXml(name, 64, 'fill'))
    await d.start()
    assert.equal((await d.getInfo()).state, 'running')
    await waitResident(src, d, 64)

    const samples: JobStats[] = []
    let done = false
    // A bandwidth cap keeps the move of ~62 MiB of non-zero RAM long enough to watch (~4 s).
    const moving = d.migrate(labUri(2), { bandwidthMiBs: 16 }, { live: true, peer2peer: true, persistDest: true, undefineSource: true })
      .finally(() => { done = true })
    while (!done) {
      samples.push(await d.getJobStats().catch(() => ({ type: 'none' as const })))
      await sleep(25)
    }
    await moving
    off()
    const moved = samples.filter(isMoving)
    assert.ok(moved.length > 0, `no job sample with data among ${samples.length}: ${JSON.stringify(samples.slice(-3))}`)
    assert.ok(moved.some(s => (s.dataProcessed ?? 0) > 0 && typeof s.timeElapsedMs === 'number'))

    const there = await dst.lookupDomainByName(name)
    assert.equal((await there.getInfo()).state, 'running')
    assert.equal(await there.isPersistent(), true)
    assert.equal(there.uuid, d.uuid)
    await assert.rejects(src.lookupDomainByName(name), (e: unknown) => e instanceof LibvirtError && e.code === ErrorCode.NO_DOMAIN)
    await waitFor('a started event on host2', async () => dstEvents.some(e => e.event === 'started'), 5000, 20)
    const done2 = await there.getJobStats({ completed: true })
    assert.equal(done2.type, 'completed')

    // And back, with this process managing the migration (virDomainMigrate3).
    await there.migrate(labUri(1), {}, { live: true, persistDest: true, undefineSource: true })
    const back = await src.lookupDomainByName(name)
    assert.equal((await back.getInfo()).state, 'running')
    await assert.rejects(dst.lookupDomainByName(name), (e: unknown) => e instanceof LibvirtError && e.code === ErrorCode.NO_DOMAIN)
  })

  test('abortJob during a capped migration of a RAM-dirtying guest: rejects, guest stays on host1', async t => {
    const why = skipReason()
    if (why !== null) return t.skip(why)
    const name = uniqueName()
    names.push(name)
    const d = await src.createDomain(guestXml(name, 256, 'dirty'))
    await waitResident(src, d, 256)
    let settled = false
    const moving = d.migrate(labUri(2), { bandwidthMiBs: 2 }, { live: true, peer2peer: true, persistDest: true, undefineSource: true })
      .finally(() => { settled = true })
    moving.catch(() => {})
    await waitFor('migration progress', async () => isMoving(await d.getJobStats()) && (await d.getJobStats()).dataProcessed! > 1024 * 1024, 60_000, 100)
    assert.equal(settled, false, 'the capped migration finished before it could be aborted')
    await d.abortJob()
    await assert.rejects(moving, (e: unknown) => {
      assert.ok(e instanceof LibvirtError, String(e))
      assert.equal(e.code, ErrorCode.OPERATION_ABORTED, e.message)
      assert.equal(e.operation, 'virDomainMigrateToURI3')
      return true
    })
    assert.equal((await d.getInfo()).state, 'running')
    await waitFor(`${name} to be absent on host2`, async () => {
      try { await dst.lookupDomainByName(name); return false } catch (e) { return e instanceof LibvirtError && e.code === ErrorCode.NO_DOMAIN }
    }, 10_000)
    await d.destroy()
  })

  test('a migration does not occupy the libuv pool: with UV_THREADPOOL_SIZE=1 job stats and abort still answer', async t => {
    const why = skipReason()
    if (why !== null) return t.skip(why)
    const name = uniqueName()
    names.push(name)
    const script = `
      const lv = await import(${JSON.stringify(new URL('../src/index.js', import.meta.url).href)})
      const [src, name, dest] = process.argv.slice(1)
      const c = await lv.open(src)
      const d = await c.lookupDomainByName(name)
      const moving = d.migrate(dest, { bandwidthMiBs: 1 }, { live: true, peer2peer: true })
      moving.catch(() => {})
      const answered = []
      for (let i = 0; i < 5; i++) {
        const t0 = Date.now()
        const s = await d.getJobStats()
        answered.push({ ms: Date.now() - t0, type: s.type })
        await new Promise(r => setTimeout(r, 200))
      }
      await d.abortJob()
      const outcome = await moving.then(() => 'completed', e => e.code)
      await c.close()
      process.stdout.write(JSON.stringify({ answered, outcome }))`
    // The guest must be writing its RAM already, or the (still zero) memory moves at once.
    const guest = await src.createDomain(guestXml(name, 64, 'dirty'))
    await waitResident(src, guest, 64)
    const { stdout } = await execFileP(process.execPath, ['--input-type=module', '-e', script, labUri(1), name, labUri(2)], {
      env: { ...process.env, UV_THREADPOOL_SIZE: '1' }, timeout: 120_000
    })
    const r = JSON.parse(stdout) as { answered: Array<{ ms: number, type: string }>, outcome: unknown }
    assert.equal(r.answered.length, 5)
    assert.ok(r.answered.every(a => a.ms < 5000), JSON.stringify(r.answered))
    assert.ok(r.answered.some(a => a.type === 'unbounded' || a.type === 'bounded'), JSON.stringify(r.answered))
    assert.equal(r.outcome, ErrorCode.OPERATION_ABORTED)
    assert.equal((await guest.getInfo()).state, 'running')
    await guest.destroy()
  })

  test('migration to a dead host rejects with a typed error and the guest keeps running', async t => {
    const why = skipReason()
    if (why !== null) return t.skip(why)
    const name = uniqueName()
    names.push(name)
    const d = await src.createDomain(guestXml(name, 64, 'idle'))
    const dead = labUri(250) // no libvirtd listens there
    for (const flags of [{ live: true, peer2peer: true }, { live: true }]) {
      await assert.rejects(d.migrate(dead, {}, flags), (e: unknown) => {
        assert.ok(e instanceof LibvirtError, String(e))
        assert.ok(e.code > 0 && e.message.length > 0)
        return true
      })
      assert.equal((await d.getInfo()).state, 'running')
      assert.equal((await src.lookupDomainByName(name)).uuid, d.uuid)
    }
    await d.destroy()
  })

  test('bad input on a real host: unknown domain, malformed and invalid XML', async t => {
    const why = skipReason()
    if (why !== null) return t.skip(why)
    await assert.rejects(src.lookupDomainByName(uniqueName('lvtest-none')), (e: unknown) => e instanceof LibvirtError && e.code === ErrorCode.NO_DOMAIN)
    await assert.rejects(src.defineDomain("<domain type='kvm'><name>x</name>"), (e: unknown) =>
      e instanceof LibvirtError && (e.code === ErrorCode.XML_ERROR || e.code === ErrorCode.XML_DETAIL) && e.operation === 'virDomainDefineXML')
    await assert.rejects(src.createDomain(`<domain type='kvm'><name>${uniqueName()}</name></domain>`), (e: unknown) => e instanceof LibvirtError && e.code > 0)
  })
})
