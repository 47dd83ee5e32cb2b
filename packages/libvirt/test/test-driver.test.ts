// Runs everywhere libvirt is installed: libvirt's in-process test driver (test:///default).
import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { isAvailable, unavailableReason, open, LibvirtError, ErrorCode, loadBinding, defaultAddonPath } from '../src/index.js'
import type { Connection, LifecycleEvent } from '../src/index.js'
import { uniqueName, waitFor } from './lab.js'

const skip = isAvailable() ? false : `libvirt binding unavailable: ${unavailableReason() ?? ''}`
const testXml = (name: string): string =>
  `<domain type='test'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>`

function isLibvirt (code: number | number[], operation?: string) {
  const codes = Array.isArray(code) ? code : [code]
  return (e: unknown): boolean => {
    assert.ok(e instanceof LibvirtError, `expected a LibvirtError, got ${String(e)}`)
    assert.ok(codes.includes(e.code), `code ${e.code} (${e.message}) not in ${codes.join(',')}`)
    if (operation !== undefined) assert.equal(e.operation, operation)
    assert.ok(e.message.length > 0)
    return true
  }
}

describe('test:///default', { skip }, () => {
  let conn: Connection
  before(async () => { conn = await open('test:///default') })
  after(async () => { await conn?.close() })

  test('node facts', async () => {
    assert.equal(conn.uri, 'test:///default')
    assert.equal(typeof await conn.getHostname(), 'string')
    const ni = await conn.getNodeInfo()
    assert.ok(ni.cpus > 0 && ni.memoryKiB > 0 && ni.model.length > 0)
    assert.equal(ni.cpus, ni.nodes * ni.sockets * ni.cores * ni.threads)
    assert.ok(await conn.getNodeFreeMemory() > 0)
    const cpu = await conn.getNodeCpuStats()
    assert.ok(cpu.idleNs > 0 && cpu.userNs > 0)
  })

  test('define, look up, start, inspect, destroy, undefine', async () => {
    const name = uniqueName()
    const d = await conn.defineDomain(testXml(name))
    try {
      assert.equal(d.name, name)
      assert.match(d.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
      assert.equal(await d.isPersistent(), true)
      assert.equal(await d.isActive(), false)
      assert.equal((await d.getInfo()).state, 'shutoff')
      assert.equal((await conn.lookupDomainByName(name)).uuid, d.uuid)
      assert.equal((await conn.lookupDomainByUUID(d.uuid)).name, name)
      assert.ok((await conn.listAllDomains()).some(x => x.name === name))
      await d.start()
      const info = await d.getInfo()
      assert.equal(info.state, 'running')
      assert.equal(info.maxMemKiB, 64 * 1024)
      assert.equal(info.vcpus, 1)
      assert.match(await d.getXMLDesc(), new RegExp(`<name>${name}</name>`))
      const stats = (await conn.getAllDomainStats()).find(r => r.name === name)
      assert.ok(stats !== undefined)
      assert.equal(stats.uuid, d.uuid)
      assert.equal(stats.params['state.state'], 1)
      const lean = (await conn.getAllDomainStats({ groups: ['state'], activeOnly: true })).find(r => r.name === name)
      assert.ok(lean !== undefined && Object.keys(lean.params).every(k => k.startsWith('state.')))
      await assert.rejects(conn.getAllDomainStats({ groups: ['nonsense' as 'state'] }), TypeError)
      await assert.rejects(d.start(), isLibvirt([ErrorCode.OPERATION_INVALID, ErrorCode.INTERNAL_ERROR], 'virDomainCreate'))
      await d.destroy()
      assert.equal(await d.isActive(), false)
    } finally {
      await d.destroy().catch(() => {})
      await d.undefine()
    }
    await assert.rejects(conn.lookupDomainByName(name), isLibvirt(ErrorCode.NO_DOMAIN, 'virDomainLookupByName'))
  })

  test('transient createDomain runs and vanishes on destroy', async () => {
    const name = uniqueName()
    const d = await conn.createDomain(testXml(name))
    assert.equal(await d.isActive(), true)
    assert.equal(await d.isPersistent(), false)
    await d.destroy()
    await assert.rejects(conn.lookupDomainByName(name), isLibvirt(ErrorCode.NO_DOMAIN))
  })

  test('lifecycle events reach every listener until it unsubscribes', async () => {
    const name = uniqueName()
    const seen: LifecycleEvent[] = []
    const other: LifecycleEvent[] = []
    const off = conn.onLifecycle(e => { if (e.domain === name) seen.push(e) })
    const offOther = conn.onLifecycle(e => { if (e.domain === name) other.push(e) })
    await off.ready
    const d = await conn.defineDomain(testXml(name))
    await d.start()
    await d.destroy()
    await waitFor('stopped event', async () => seen.some(e => e.event === 'stopped'), 5000, 20)
    offOther()
    await d.undefine()
    await waitFor('undefined event', async () => seen.some(e => e.event === 'undefined'), 5000, 20)
    off()
    assert.deepEqual(seen.map(e => e.event), ['defined', 'started', 'stopped', 'undefined'])
    assert.ok(seen.every(e => e.uuid === d.uuid && typeof e.detail === 'number'))
    assert.deepEqual(other.map(e => e.event), ['defined', 'started', 'stopped'])
  })

  test('bad input: malformed XML, unknown domain, bad UUID, bad migrate arguments', async () => {
    await assert.rejects(conn.defineDomain('<domain type="test"><name>x'), isLibvirt([ErrorCode.XML_ERROR, ErrorCode.XML_DETAIL], 'virDomainDefineXML'))
    await assert.rejects(conn.defineDomain('<domain type="test"></domain>'), (e: unknown) => e instanceof LibvirtError && e.code > 0)
    await assert.rejects(conn.lookupDomainByName(uniqueName('lvtest-none')), isLibvirt(ErrorCode.NO_DOMAIN))
    await assert.rejects(conn.lookupDomainByUUID('not-a-uuid'), isLibvirt([ErrorCode.INVALID_ARG, ErrorCode.NO_DOMAIN]))
    const d = (await conn.listAllDomains())[0]
    assert.ok(d !== undefined)
    await assert.rejects(d.migrate('test:///default', { bandwidthMiBs: -1 }, {}), TypeError)
    await assert.rejects(d.migrate('test:///default', {}, { live: true, peer2peer: true }), (e: unknown) => e instanceof LibvirtError && e.operation === 'virDomainMigrateToURI3')
  })

  test('many concurrent calls on one connection', async () => {
    const d = (await conn.listAllDomains())[0]
    assert.ok(d !== undefined)
    const infos = await Promise.all(Array.from({ length: 200 }, async () => await d.getInfo()))
    assert.ok(infos.every(i => i.vcpus === infos[0]?.vcpus))
  })
})

describe('connections', { skip }, () => {
  test('an unreachable URI rejects with a typed error', async () => {
    await assert.rejects(open('qemu+tcp://127.0.0.9/system'), isLibvirt([ErrorCode.SYSTEM_ERROR, ErrorCode.NO_CONNECT], 'virConnectOpen'))
    await assert.rejects(open('nosuchdriver:///x'), (e: unknown) => e instanceof LibvirtError && e.operation === 'virConnectOpen')
    await assert.rejects(open(''), TypeError)
  })

  test('a closed connection rejects calls, also on domains obtained before; close is idempotent', async () => {
    const c = await open('test:///default', { readonly: true })
    const d = (await c.listAllDomains())[0]
    assert.ok(d !== undefined)
    assert.equal(c.closed, false)
    await c.close()
    assert.equal(c.closed, true)
    await assert.rejects(c.listAllDomains(), isLibvirt(ErrorCode.INVALID_CONN, 'virConnectListAllDomains'))
    await assert.rejects(d.getInfo(), isLibvirt(ErrorCode.INVALID_CONN, 'virDomainGetInfo'))
    await c.close()
  })

  test('the native layer refuses foreign handles instead of crashing', async () => {
    const loaded = loadBinding(defaultAddonPath())
    assert.ok(loaded.ok)
    const native = loaded.binding
    const h = await native.open('test:///default', true, () => {})
    const [d] = await native.connListAllDomains(h)
    assert.ok(d !== undefined)
    assert.throws(() => native.connGetHostname(d.handle as never), TypeError)
    assert.throws(() => native.domainGetInfo(h as never), TypeError)
    assert.throws(() => native.domainGetInfo({} as never), TypeError)
    await native.connClose(h)
  })

  test('a read-only connection refuses changes', async () => {
    const c = await open('test:///default', { readonly: true })
    try {
      await assert.rejects(c.defineDomain(testXml(uniqueName())), (e: unknown) => e instanceof LibvirtError && e.code > 0)
    } finally {
      await c.close()
    }
  })
})
