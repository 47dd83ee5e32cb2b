// A changed `trust` list takes effect on reload: components signed by a newly trusted key are then
// loaded, those signed by a removed key refused. In-process: a parleyd (memory hypervisor, libp2p on
// 127.0.0.1) whose reload re-reads its YAML file, beside a plain discovery node that publishes the
// components. Out of process: a real parleyd reloads on SIGHUP and logs the keys it swapped.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { createLibp2pDiscovery, generatePrivateKey, signComponent } from '@parley/discovery'
import type { Libp2pDiscovery } from '@parley/discovery'
import { loadConfig } from '../src/config/index.js'
import type { ConfigError } from '../src/config/index.js'
import { createLogging } from '../src/daemon/logging.js'
import { createNotifier } from '../src/daemon/sd-notify.js'
import { Parleyd } from '../src/daemon/service.js'
import { baseArgs, startReady, stopAll, writePsk } from './daemon-harness.js'

const dir = mkdtempSync(join(tmpdir(), 'parley-reload-trust-'))
const psk = writePsk(dir)
const enc = (s: string): Uint8Array => new TextEncoder().encode(s)
const dec = (b: Uint8Array): string => new TextDecoder().decode(b)
/** has the form of a key string (12D3KooW, 52 characters), but decodes to no ed25519 key */
const UNUSABLE_KEY = '12D3KooW' + '1'.repeat(44)

const closers: Array<() => Promise<void>> = []
after(async () => { stopAll(); for (const c of closers.reverse()) await c().catch(() => {}) })

async function refusedWith (p: Promise<unknown>): Promise<string> {
  try { await p } catch (err) { return String((err as { code?: string }).code) }
  return 'accepted'
}

test('reload applies a changed trust list to component fetches; an unusable key keeps the running list', { timeout: 90_000 }, async () => {
  const oldKey = await generatePrivateKey()
  const newKey = await generatePrivateKey()
  const file = join(dir, 'inproc.yaml')
  const trust = (keys: string[]): void => { writeFileSync(file, `trust:\n${keys.map(k => `  - ${k}\n`).join('')}`) }
  trust([oldKey.publicKey.toString()])
  const argv = ['--config', file, '--hypervisor', 'memory://t1', '--listen', '/ip4/127.0.0.1/tcp/0', '--psk', psk,
    '--socket', join(dir, 'inproc.sock'), '--data-dir', join(dir, 'inproc'), '--http', 'off', '--shutdown-timeout', '2s']
  const load = (): ReturnType<typeof loadConfig> => loadConfig({ argv, env: {}, defaultFile: join(dir, 'none.yaml') })
  const lines: Array<Record<string, unknown>> = []
  const logging = createLogging('info', new Writable({ write (c, _e, cb) { lines.push(JSON.parse(String(c)) as Record<string, unknown>); cb() } }))
  const daemon = await Parleyd.start(load(), { logging, notifier: createNotifier({ env: {} }, logging.logger), reloadConfig: load })
  closers.push(async () => { await daemon.stop('test over') })
  const host = daemon.host.discovery

  const publisher: Libp2pDiscovery = await createLibp2pDiscovery({ listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: host.addresses(), psk: readFileSync(psk, 'utf8') },
    { logger: logging.logger.child({ component: 'publisher' }) })
  closers.push(async () => { await publisher.stop() })
  for (let i = 0; i < 100 && !host.peers().includes(publisher.peerId); i++) await new Promise(resolve => setTimeout(resolve, 100))
  assert.ok(host.peers().includes(publisher.peerId), 'the publisher should connect to parleyd')

  const byOld = enc('export const constraint = "signed by the old key"')
  const byNew = enc('export const constraint = "signed by the new key"')
  const oldHash = await publisher.publish(byOld, { kind: 'component', signature: await signComponent(byOld, oldKey) })
  const newHash = await publisher.publish(byNew, { kind: 'component', signature: await signComponent(byNew, newKey) })
  assert.equal(dec((await host.fetch(oldHash, { kind: 'component', timeoutMs: 10_000 })).bytes), dec(byOld))
  assert.equal(await refusedWith(host.fetch(newHash, { kind: 'component', timeoutMs: 10_000 })), 'DISC_UNTRUSTED_SIGNER')

  trust([newKey.publicKey.toString()])
  const outcome = await daemon.reload()
  assert.equal(outcome.ok, true)
  assert.deepEqual(outcome.applied, ['trust'])
  assert.deepEqual(outcome.needRestart, [])
  assert.deepEqual(daemon.host.config().trust, [newKey.publicKey.toString()])
  const got = await host.fetch(newHash, { kind: 'component', timeoutMs: 10_000 })
  assert.equal(dec(got.bytes), dec(byNew))
  assert.equal(got.from, publisher.peerId)
  // parleyd already holds the old component from the first fetch: the removed key refuses it anyway
  assert.equal(await refusedWith(host.fetch(oldHash, { kind: 'component' })), 'DISC_UNTRUSTED_SIGNER')

  trust([oldKey.publicKey.toString(), UNUSABLE_KEY])
  const bad = await daemon.reload()
  // the same check refuses such a key at start: the reload gives the line parleyd would exit with
  let atStart = 'accepted'
  try { load() } catch (err) { atStart = (err as ConfigError).line() }
  assert.match(atStart, /^error PARLEY_CONFIG_INVALID: trust from .*inproc\.yaml:3: "12D3KooW1+" is not an ed25519 public key/)
  assert.equal(bad.ok, false)
  assert.equal(bad.error, atStart)
  assert.deepEqual(bad.applied, [])
  assert.deepEqual(daemon.host.config().trust, [newKey.publicKey.toString()], 'the running list stays')
  const refusal = lines.find(l => l.msg === 'reload refused: the new configuration is invalid; keeping the running one')
  assert.equal(refusal?.code, 'PARLEY_CONFIG_INVALID')
  assert.equal(dec((await host.fetch(newHash, { kind: 'component' })).bytes), dec(byNew))
  assert.equal(await refusedWith(host.fetch(oldHash, { kind: 'component' })), 'DISC_UNTRUSTED_SIGNER')
})

test('SIGHUP: parleyd applies a changed trust list at once and logs the keys added and removed', { timeout: 60_000 }, async () => {
  const oldKey = (await generatePrivateKey()).publicKey.toString()
  const newKey = (await generatePrivateKey()).publicKey.toString()
  const config = join(dir, 'sighup.yaml')
  writeFileSync(config, `trust: [${oldKey}]\nlog-level: info\n`)
  const daemon = await startReady(['--config', config, ...baseArgs(join(dir, 'sighup'), psk)])
  writeFileSync(config, `trust: [${newKey}]\nlog-level: info\n`)
  const mark = daemon.logs.length
  daemon.proc.kill('SIGHUP')
  const reloaded = await daemon.waitForLog(l => l.msg === 'configuration reloaded' && daemon.logs.indexOf(l) >= mark)
  assert.deepEqual(reloaded.applied, ['trust'])
  assert.deepEqual(reloaded.needRestart, [])
  const swapped = await daemon.waitForLog(l => l.msg === 'trusted component keys replaced' && daemon.logs.indexOf(l) >= mark)
  assert.deepEqual(swapped.added, [newKey])
  assert.deepEqual(swapped.removed, [oldKey])
  assert.equal(swapped.trusted, 1)
})
