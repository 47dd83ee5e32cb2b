import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LibvirtError, LibvirtUnavailableError, ErrorCode, UNAVAILABLE_CODE, loadBinding } from '../src/index.js'
import { toLibvirtError } from '../src/errors.js'
import { repoRoot } from './lab.js'

test('toLibvirtError maps the addon rejection shape and passes other errors through', () => {
  const raw = Object.assign(new Error('Domain not found'), { libvirt: true, code: 42, domain: 10, level: 2, operation: 'virDomainLookupByName' })
  const e = toLibvirtError(raw)
  assert.ok(e instanceof LibvirtError)
  assert.equal(e.code, ErrorCode.NO_DOMAIN)
  assert.equal(e.codeName, 'NO_DOMAIN')
  assert.equal(e.domain, 10)
  assert.equal(e.level, 2)
  assert.equal(e.operation, 'virDomainLookupByName')
  assert.equal(e.message, 'Domain not found')
  const plain = new TypeError('x')
  assert.equal(toLibvirtError(plain), plain)
  assert.equal(new LibvirtError('m', { code: 1234, domain: 0, level: 2, operation: 'op' }).codeName, 'VIR_ERR_1234')
})

test('LibvirtUnavailableError is a LibvirtError with its own code and a hint', () => {
  const e = new LibvirtUnavailableError('libvirt-dev is not installed', 'virConnectOpen')
  assert.ok(e instanceof LibvirtError)
  assert.equal(e.code, UNAVAILABLE_CODE)
  assert.equal(e.codeName, 'UNAVAILABLE')
  assert.match(e.message, /libvirt-dev is not installed/)
  assert.match(e.hint ?? '', /build:addon/)
})

test('loadBinding reports a missing addon with the build marker reason', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lvtest-loader-'))
  try {
    const missing = join(dir, 'build', 'Release', 'parley_libvirt.node')
    const r1 = loadBinding(missing)
    assert.equal(r1.ok, false)
    assert.ok(!r1.ok && /libvirt-dev/.test(r1.reason) && r1.reason.includes(missing))
    mkdirSync(join(dir, 'build'), { recursive: true })
    writeFileSync(join(dir, 'build', 'unavailable.json'), JSON.stringify({ reason: 'pkg-config cannot find libvirt (test marker)' }))
    const r2 = loadBinding(missing)
    assert.ok(!r2.ok && r2.reason.startsWith('pkg-config cannot find libvirt (test marker)'))
    writeFileSync(join(dir, 'broken.node'), 'not an ELF object')
    const r3 = loadBinding(join(dir, 'broken.node'))
    assert.ok(!r3.ok && /failed to load/.test(r3.reason))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('without the addon the module imports, isAvailable() is false and open() rejects with a coded error', () => {
  const script = `
    const lv = await import(${JSON.stringify(join(repoRoot, 'packages/libvirt/dist/src/index.js'))})
    const out = { available: lv.isAvailable(), reason: lv.unavailableReason() }
    try { await lv.open('test:///default') } catch (e) {
      out.error = { isLibvirt: e instanceof lv.LibvirtError, name: e.name, code: e.code, operation: e.operation, hint: e.hint }
    }
    process.stdout.write(JSON.stringify(out))`
  const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8', env: { ...process.env, PARLEY_LIBVIRT_ADDON: '/nonexistent/parley_libvirt.node' }
  }))
  assert.equal(out.available, false)
  assert.match(out.reason, /\/nonexistent\/parley_libvirt\.node/)
  assert.deepEqual(out.error, { isLibvirt: true, name: 'LibvirtUnavailableError', code: UNAVAILABLE_CODE, operation: 'virConnectOpen', hint: out.error.hint })
  assert.match(out.error.hint, /libvirt-dev/)
})
