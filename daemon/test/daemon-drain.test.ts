// A real drain end to end: two parleyd hosts in this process (memory hypervisors on one fabric, so
// VMs can move between them; libp2p on 127.0.0.1), both subscribed to ims/balance.lcc. `parley drain
// --wait` on the first cordons it; the runtime offloads it through the balance IM until it is empty.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { createMemoryFabric } from '@parley/hypervisor'
import { loadConfig } from '../src/config/index.js'
import { callDaemon } from '../src/control/index.js'
import type { StatusResult, SubscribeResult, VmsResult } from '../src/control/index.js'
import { createLogging } from '../src/daemon/logging.js'
import { createNotifier } from '../src/daemon/sd-notify.js'
import { Parleyd } from '../src/daemon/service.js'
import { parley, ROOT, writePsk } from './daemon-harness.js'

const dir = mkdtempSync(join(tmpdir(), 'parley-drain-'))
const psk = writePsk(dir)
const balance = readFileSync(join(ROOT, 'ims', 'balance.lcc'), 'utf8')
const fabric = createMemoryFabric()
const daemons: Parleyd[] = []
after(async () => { for (const d of daemons) await d.stop('test over').catch(() => {}) })

const FAST = ['--sample-interval', '100ms', '--sustain', '200ms', '--lease-ttl', '2s', '--cooldown', '30s']

async function host (name: string, hypervisor: string, bootstrap: string[]): Promise<{ daemon: Parleyd, socket: string }> {
  const socket = join(dir, `${name}.sock`)
  const argv = [
    '--hypervisor', hypervisor, '--listen', '/ip4/127.0.0.1/tcp/0', '--psk', psk, '--socket', socket,
    '--data-dir', join(dir, name), '--http', 'off', '--allow-im', 'balance', '--shutdown-timeout', '2s',
    ...FAST, ...bootstrap.flatMap(b => ['--bootstrap', b]),
  ]
  const loaded = loadConfig({ argv, env: {}, defaultFile: join(dir, 'none.yaml') })
  const logging = createLogging('warn', new Writable({ write (_c, _e, cb) { cb() } }))
  const daemon = await Parleyd.start(loaded, {
    logging, notifier: createNotifier({ env: {} }, logging.logger), reloadConfig: () => loaded, fabric,
  })
  daemons.push(daemon)
  const sub = await callDaemon<SubscribeResult>(socket, 'subscribe', { text: balance, name: 'balance' })
  assert.equal(sub.already, false)
  return { daemon, socket }
}

test('parley drain --wait empties a host through the balance IM, one result line per VM, exit 0', { timeout: 120_000 }, async () => {
  const a = await host('d1', 'memory://d1?cpus=4&demand=0.5&vms=vm1:1:512,vm2:1:512,vm3:1:512', [])
  const b = await host('d2', 'memory://d2?cpus=4', a.daemon.host.discovery.addresses())
  for (let i = 0; i < 100 && (await callDaemon<StatusResult>(a.socket, 'status')).peers === 0; i++) await new Promise(resolve => setTimeout(resolve, 100))

  const dry = await parley('--socket', a.socket, '--json', 'drain', '--dry-run')
  assert.equal(dry.status, 0, dry.stdout + dry.stderr)
  const plan = JSON.parse(dry.stdout.trim().split('\n').at(-1)!) as { results: Array<{ vm: string, outcome: string }> }
  // the balance IM may already have moved a VM to the idle host; whatever is left would move
  assert.ok(plan.results.length >= 1 && plan.results.every(x => x.outcome === 'would-move'), dry.stdout)

  const r = await parley('--socket', a.socket, 'drain', '--wait', '--deadline', '90s')
  assert.equal(r.status, 0, r.stdout + r.stderr)
  const lines = r.stdout.trim().split('\n').map(l => JSON.parse(l) as Record<string, any>)
  const result = lines.at(-1)!
  assert.equal(result.type, 'result')
  assert.equal(result.empty, true)
  assert.ok(result.total >= 1)
  assert.equal(result.results.length, result.total)
  assert.ok(result.results.every((x: { outcome: string }) => x.outcome === 'moved'), r.stdout)
  assert.ok(lines.some(l => l.type === 'progress' && l.done === result.total && l.remaining === 0), 'a final progress line')

  const here = await callDaemon<VmsResult>(a.socket, 'vms')
  const there = await callDaemon<VmsResult>(b.socket, 'vms')
  assert.deepEqual(here.vms, [])
  assert.deepEqual(there.vms.map(v => v.name).sort(), ['vm1', 'vm2', 'vm3'])
  const status = await callDaemon<StatusResult>(a.socket, 'status')
  assert.equal(status.cordoned, true)
  assert.equal(status.draining, false)

  const un = await parley('--socket', a.socket, 'uncordon')
  assert.equal(un.status, 0, un.stderr)
  assert.equal((await callDaemon<StatusResult>(a.socket, 'status')).cordoned, false)
})
