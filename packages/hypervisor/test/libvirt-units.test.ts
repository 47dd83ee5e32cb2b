// Pure parts of the libvirt backend; they need no libvirtd.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { deriveMigrateUri, domainXml, xmlDomainName } from '../src/index.js'
import { LifecycleMapper } from '../src/libvirt/events.js'
import { fillKernelImage } from './lab-guest.js'

test('generated XML escapes the name and carries the spec', () => {
  const xml = domainXml({ name: `a&b<c>'d"`, vcpus: 3, memoryMiB: 128, uuid: '0b3a1c2e-0000-4000-8000-000000000001' }, { kernelPath: '/k&k', preallocateMemory: true })
  assert.match(xml, /<name>a&amp;b&lt;c&gt;&apos;d&quot;<\/name>/)
  assert.match(xml, /<vcpu placement='static'>3<\/vcpu>/)
  assert.match(xml, /<memory unit='MiB'>128<\/memory>/)
  assert.match(xml, /<uuid>0b3a1c2e-0000-4000-8000-000000000001<\/uuid>/)
  assert.match(xml, /<kernel>\/k&amp;k<\/kernel>/)
  assert.match(xml, /allocation mode='immediate'/)
  assert.match(xml, /<on_crash>destroy<\/on_crash>/)
  assert.equal(xmlDomainName(xml), `a&b<c>'d"`)
  assert.doesNotMatch(domainXml({ name: 'x', vcpus: 1, memoryMiB: 64 }), /kernel|memoryBacking|uuid/)
  assert.equal(xmlDomainName('<domain type="kvm"><title>t</title></domain>'), null)
})

test('the migration URI peers use is derived from the connection URI', () => {
  assert.equal(deriveMigrateUri('qemu+tcp://127.0.1.2/system', 'lab-host2'), 'qemu+tcp://127.0.1.2/system')
  assert.equal(deriveMigrateUri('qemu:///system', 'kvm07'), 'qemu+tcp://kvm07/system')
  assert.equal(deriveMigrateUri('qemu+unix:///system?socket=/x', 'kvm07'), 'qemu+tcp://kvm07/system')
  assert.equal(deriveMigrateUri('qemu+ssh://localhost/system', 'kvm07'), 'qemu+tcp://kvm07/system')
  assert.equal(deriveMigrateUri('qemu+tls://kvm08.example/system', 'kvm07'), 'qemu+tls://kvm08.example/system')
})

test('lifecycle mapping reports an incoming migration once, on completion', () => {
  const m = new LifecycleMapper()
  const ev = (event: 'started' | 'resumed' | 'stopped' | 'defined' | 'undefined' | 'suspended' | 'shutdown', detail: number, uuid = 'u1'): ReturnType<LifecycleMapper['map']> =>
    m.map({ domain: 'vm', uuid, event, detail }, 5)
  assert.equal(ev('started', 1), null)
  assert.equal(m.isIncoming('u1'), true)
  assert.equal(ev('defined', 0)?.type, 'defined')
  assert.equal(ev('resumed', 1)?.type, 'migrated-in')
  assert.equal(m.isIncoming('u1'), false)
  // a failed incoming copy vanishes silently
  assert.equal(ev('started', 1, 'u2'), null)
  assert.equal(ev('stopped', 5, 'u2'), null)
  // source side and ordinary events
  assert.deepEqual(ev('stopped', 3), { domain: 'vm', uuid: 'u1', atMs: 5, type: 'migrated-out' })
  assert.deepEqual(ev('stopped', 1), { domain: 'vm', uuid: 'u1', atMs: 5, type: 'stopped', reason: 'destroyed' })
  assert.deepEqual(ev('started', 0), { domain: 'vm', uuid: 'u1', atMs: 5, type: 'started', reason: 'booted' })
  assert.equal(ev('suspended', 1)?.reason, 'migrating')
  assert.equal(ev('resumed', 0)?.type, 'resumed')
  assert.equal(ev('shutdown', 0), null)
})

test('the lab fill kernel is a valid multiboot image', () => {
  const img = fillKernelImage()
  const [magic, flags, checksum] = [img.readUInt32LE(0), img.readUInt32LE(4), img.readUInt32LE(8)]
  assert.equal(magic, 0x1BADB002)
  assert.equal((magic + flags + checksum) >>> 0, 0)
  assert.equal(img.readUInt32LE(28), 0x100000 + 32, 'entry right after the header')
  assert.ok(img.length < 8192, 'header within the first 8 KiB')
})
