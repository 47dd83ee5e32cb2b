// Selecting the memory TCP fabric in parleyd: memory://NAME?...&listen=HOST:PORT, the migration URI
// derived from the bound port, and the errors for what cannot work (naming the key and its origin).
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { pino } from 'pino'
import type { MemoryHypervisor } from '@parley/hypervisor'
import type { ConfigError } from '../src/config/index.js'
import { openHypervisor } from '../src/daemon/hypervisor.js'
import { parseMemoryUri } from '../src/daemon/memory-uri.js'
import { baseArgs, startDaemon, stopAll, writePsk } from './daemon-harness.js'

const origin = { kind: 'flag', flag: '--hypervisor' } as const
const log = pino({ level: 'silent' })
const dir = mkdtempSync(join(tmpdir(), 'parley-xproc-cfg-'))
after(() => { stopAll(); rmSync(dir, { recursive: true, force: true }) })

test('listen=HOST:PORT is parsed; a bad one names the hypervisor key and where it came from', () => {
  assert.deepEqual(parseMemoryUri('memory://h1?cpus=2&listen=127.0.0.1:0', origin).listen, { host: '127.0.0.1', port: 0 })
  assert.deepEqual(parseMemoryUri('memory://h1?listen=[::1]:7400', origin).listen, { host: '::1', port: 7400 })
  assert.equal(parseMemoryUri('memory://h1?cpus=2', origin).listen, undefined)
  for (const bad of ['127.0.0.1', '127.0.0.1:99999', ':80', 'a b:1']) {
    assert.throws(() => parseMemoryUri(`memory://h1?listen=${bad}`, origin),
      (e: ConfigError) => e.message === `hypervisor from flag --hypervisor: listen=${bad} is not HOST:PORT` && /listen=127\.0\.0\.1:0/.test(e.hint))
  }
})

test('openHypervisor: the migration URI comes from the bound port; two processes\' worth of hosts migrate over it', async () => {
  const a = await openHypervisor('memory://xa?cpus=2&vms=v1:1:64&demand=0.5&listen=127.0.0.1:0', null, origin, log) as MemoryHypervisor
  const b = await openHypervisor('memory://xb?cpus=2&listen=127.0.0.1:0', null, origin, log) as MemoryHypervisor
  try {
    const [ha, hb] = [await a.host(), await b.host()]
    assert.match(ha.migrationUri, /^memory\+tcp:\/\/127\.0\.0\.1:\d+\/xa$/)
    assert.notEqual(ha.migrationUri, hb.migrationUri)
    const r = await a.migrate('v1', hb.migrationUri, { bandwidthMiBs: 1024 })
    assert.equal(r.location, hb.migrationUri)
    assert.equal((await b.get('v1')).state, 'running')
    assert.deepEqual(await a.list(), [])
  } finally {
    await a.close()
    await b.close()
  }
  // an explicit migrate-uri for NAT and the like: memory+tcp with this host's name
  const c = await openHypervisor('memory://xc?listen=127.0.0.1:0', 'memory+tcp://10.9.8.7:7400/xc', origin, log)
  assert.equal((await c.host()).migrationUri, 'memory+tcp://10.9.8.7:7400/xc')
  await c.close()
})

test('openHypervisor refuses listen= combinations peers could not use', async () => {
  await assert.rejects(openHypervisor('memory://h1?listen=0.0.0.0:0', null, origin, log),
    (e: ConfigError) => e.code === 'PARLEY_CONFIG_INVALID' && /^hypervisor from flag --hypervisor: listen=0\.0\.0\.0:0 binds every address/.test(e.message) && /migrate-uri/.test(e.hint))
  await assert.rejects(openHypervisor('memory://h1?listen=127.0.0.1:0', 'qemu+tcp://10.0.0.2/system', origin, log),
    (e: ConfigError) => e.code === 'PARLEY_CONFIG_INVALID' && /memory\+tcp:\/\/HOST:PORT\/h1, but migrate-uri is qemu\+tcp/.test(e.message))
  await assert.rejects(openHypervisor('memory://h1?listen=127.0.0.1:0', 'memory+tcp://127.0.0.1:7400/h2', origin, log),
    (e: ConfigError) => e.code === 'PARLEY_CONFIG_INVALID')
})

test('parleyd: a listen port in use fails the start with a coded line, not a stack trace', async () => {
  const a = await openHypervisor('memory://busy?listen=127.0.0.1:0', null, origin, log)
  const port = /:(\d+)\//.exec((await a.host()).migrationUri)![1]!
  try {
    const d = startDaemon(baseArgs(join(dir, 'busy'), writePsk(dir), `h9?listen=127.0.0.1:${port}`))
    const { code } = await d.exited
    assert.equal(code, 1)
    assert.match(d.stderr(), /^parleyd: error PARLEY_HYPERVISOR_UNAVAILABLE: cannot use the hypervisor memory:\/\/h9\?listen=127\.0\.0\.1:\d+: hypervisor unavailable: cannot listen for memory migrations on 127\.0\.0\.1:\d+ \(EADDRINUSE\)/m)
    assert.doesNotMatch(d.stderr(), /\n\s+at /, 'no stack trace')
  } finally {
    await a.close()
  }
})
