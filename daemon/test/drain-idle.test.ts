// Draining a host whose VMs use no CPU: two parleyd in this process (memory hypervisors on one
// fabric, demand 0, libp2p on 127.0.0.1), both subscribed to ims/balance.lcc. The drained host's
// load is 0, and so is the cluster mean: the partners must still take its VMs (an idle VM needs no
// room). On real KVM an idle guest costs QEMU a little CPU, which would hide a regression here;
// a memory host, or a guest that halts outright, shows it.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { createMemoryFabric } from '@parley/hypervisor'
import { loadConfig } from '../src/config/index.js'
import { callDaemon } from '../src/control/index.js'
import type { StatusResult, VmsResult } from '../src/control/index.js'
import { createLogging } from '../src/daemon/logging.js'
import { createNotifier } from '../src/daemon/sd-notify.js'
import { Parleyd } from '../src/daemon/service.js'
import { parley, ROOT, writePsk } from './daemon-harness.js'

const dir = mkdtempSync(join(tmpdir(), 'parley-idle-drain-'))
const psk = writePsk(dir)
const balance = readFileSync(join(ROOT, 'ims', 'balance.lcc'), 'utf8')
const fabric = createMemoryFabric()
const daemons: Parleyd[] = []
after(async () => {
  for (const d of daemons) await d.stop('test over').catch(() => {})
  rmSync(dir, { recursive: true, force: true })
})

async function host (name: string, hypervisor: string, bootstrap: string[]): Promise<{ daemon: Parleyd, socket: string }> {
  const socket = join(dir, `${name}.sock`)
  const argv = [
    '--hypervisor', hypervisor, '--listen', '/ip4/127.0.0.1/tcp/0', '--psk', psk, '--socket', socket,
    '--data-dir', join(dir, name), '--http', 'off', '--allow-im', 'balance', '--shutdown-timeout', '2s',
    '--sample-interval', '200ms', '--sustain', '400ms', ...bootstrap.flatMap(b => ['--bootstrap', b]),
  ]
  const loaded = loadConfig({ argv, env: {}, defaultFile: join(dir, 'none.yaml') })
  const logging = createLogging('warn', new Writable({ write (_c, _e, cb) { cb() } }))
  const daemon = await Parleyd.start(loaded, { logging, notifier: createNotifier({ env: {} }, logging.logger), reloadConfig: () => loaded, fabric })
  daemons.push(daemon)
  await callDaemon(socket, 'subscribe', { text: balance, name: 'balance' })
  return { daemon, socket }
}

test('parley drain --wait empties a host of idle VMs (mean load 0)', { timeout: 120_000 }, async () => {
  const a = await host('i1', 'memory://i1?cpus=4&vms=vm1:1:512,vm2:1:512', [])
  const b = await host('i2', 'memory://i2?cpus=4', a.daemon.host.discovery.addresses())
  for (let i = 0; i < 100 && (await callDaemon<StatusResult>(a.socket, 'status')).peers === 0; i++) await new Promise(resolve => setTimeout(resolve, 100))
  const r = await parley('--socket', a.socket, 'drain', '--wait', '--deadline', '20s')
  assert.equal(r.status, 0, r.stdout + r.stderr)
  assert.deepEqual((await callDaemon<VmsResult>(a.socket, 'vms')).vms, [])
  assert.deepEqual((await callDaemon<VmsResult>(b.socket, 'vms')).vms.map(v => v.name).sort(), ['vm1', 'vm2'])
})
