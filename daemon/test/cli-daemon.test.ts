// The parley CLI against a running parleyd: memory hypervisor, libp2p on 127.0.0.1, a temporary
// socket. Covers status, vms, peers, subscribe allowed and refused, drain --dry-run, /metrics,
// SIGHUP reload, SIGTERM clean exit, restart with the same peer id, and readiness via sd_notify.
import { test, after, before } from 'node:test'
import assert from 'node:assert/strict'
import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ControlClient } from '../src/control/index.js'
import { baseArgs, fakeNotifySocket, haveNotify, parley, ROOT, startDaemon, startReady, stopAll, writePsk } from './daemon-harness.js'
import type { RunningDaemon } from './daemon-harness.js'

const dir = mkdtempSync(join(tmpdir(), 'parley-cli-daemon-'))
const psk = writePsk(dir)
const config = join(dir, 'parley.yaml')
const socket = join(dir, 'parley.sock')
const balance = join(ROOT, 'ims', 'balance.lcc')
let notifyMessages: string[] = []
let notifySocket: string | undefined
let daemon: RunningDaemon
let peerId = ''

let notifyChild: ChildProcess | undefined
after(() => { stopAll(); notifyChild?.kill('SIGKILL') })

before(async () => {
  if (haveNotify) {
    notifySocket = join(dir, 'notify.sock')
    const fake = await fakeNotifySocket(notifySocket)
    notifyChild = fake.child
    notifyMessages = fake.messages
  }
  writeFileSync(config, 'allow-im:\n  - balance\nlog-level: info\n')
  daemon = await startReady(['--config', config, ...baseArgs(dir, psk)], notifySocket === undefined ? {} : { NOTIFY_SOCKET: notifySocket })
})

test('status --json: peer id, loopback addresses, the memory hypervisor, no subscriptions yet', async () => {
  const r = await parley('--socket', socket, 'status', '--json')
  assert.equal(r.status, 0, r.stderr)
  const s = JSON.parse(r.stdout) as Record<string, any>
  assert.match(s.peerId, /^12D3KooW/)
  peerId = s.peerId
  assert.ok(s.addresses.length > 0 && s.addresses.every((a: string) => a.startsWith('/ip4/127.0.0.1/tcp/') && a.endsWith(`/p2p/${peerId}`)))
  assert.deepEqual(s.hypervisor, { uri: 'memory://h1?vms=web:2:2048,db:1:1024:off', backend: 'memory', host: 'h1', migrationUri: 'memory://h1' })
  assert.equal(s.runtime, 'attached')
  assert.deepEqual(s.subscriptions, [])
  assert.equal(s.vms, 2)
  assert.equal(s.cordoned, false)
  const text = await parley('--socket', socket, 'status')
  assert.match(text.stdout, new RegExp(`^peer +${peerId}$`, 'm'))
})

test('vms: a table of the host\'s VMs, and the same as JSON', async () => {
  const r = await parley('--socket', socket, 'vms')
  assert.equal(r.status, 0, r.stderr)
  const rows = r.stdout.trim().split('\n').map(l => l.split(/\s{2,}/))
  assert.deepEqual(rows.map(x => x.slice(0, 4)), [['NAME', 'STATE', 'VCPUS', 'MEMORY'], ['db', 'shutoff', '1', '1 GiB'], ['web', 'running', '2', '2 GiB']])
  const j = await parley('--socket', socket, '--json', 'vms')
  const data = JSON.parse(j.stdout) as { capacity: unknown, vms: Array<{ name: string, state: string }> }
  assert.deepEqual(data.capacity, { cpus: 8, memoryMiB: 16384 })
  assert.deepEqual(data.vms.map(v => [v.name, v.state]), [['db', 'shutoff'], ['web', 'running']])
})

test('subscribe: an allowed IM runs; one the owner did not allow is refused naming --allow-im', async () => {
  const ok = await parley('--socket', socket, 'subscribe', balance)
  assert.equal(ok.status, 0, ok.stderr)
  assert.match(ok.stdout, /^subscribed to balance \(sha256 [0-9a-f]{64}\); roles: idle, overloaded, underloaded$/m)
  const refused = await parley('--socket', socket, 'subscribe', '--name', 'other', balance)
  assert.equal(refused.status, 1)
  assert.equal(refused.stdout, '')
  const [line, hint] = refused.stderr.trimEnd().split('\n')
  assert.match(line!, /^parley: error PARLEY_IM_NOT_ALLOWED: this host's owner does not allow the IM other \(sha256 [0-9a-f]{64}\)$/)
  assert.match(hint!, /^ {2}hint: add --allow-im other or --allow-im [0-9a-f]{64} /)
  const s = JSON.parse((await parley('--socket', socket, 'status', '--json')).stdout) as { subscriptions: Array<{ name: string }> }
  assert.deepEqual(s.subscriptions.map(x => x.name), ['balance'])
})

test('drain --dry-run: one JSON line with a result per VM and the reason each cannot be placed; nothing cordoned', async () => {
  const r = await parley('--socket', socket, 'drain', '--dry-run')
  assert.equal(r.status, 1, r.stderr)
  const lines = r.stdout.trim().split('\n').map(l => JSON.parse(l) as Record<string, any>)
  const result = lines.at(-1)!
  assert.equal(result.type, 'result')
  assert.equal(result.dryRun, true)
  assert.equal(result.total, 2)
  const byVm = Object.fromEntries((result.results as Array<{ vm: string, outcome: string, reason: string }>).map(x => [x.vm, x]))
  assert.equal(byVm.db.outcome, 'unplaced')
  assert.match(byVm.db.reason, /^shutoff: /)
  assert.equal(byVm.web.outcome, 'unplaced')
  assert.match(byVm.web.reason, /no peer is connected/)
  const s = JSON.parse((await parley('--socket', socket, 'status', '--json')).stdout) as { cordoned: boolean }
  assert.equal(s.cordoned, false)
})

test('drain without --force refuses when a VM cannot be placed: exit 1, PARLEY_DRAIN_BLOCKED, host not cordoned', async () => {
  const r = await parley('--socket', socket, 'drain', '--wait')
  assert.equal(r.status, 1)
  const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { started: boolean, results: Array<{ vm: string, outcome: string }> }
  assert.equal(result.started, false)
  assert.match(r.stderr, /^parley: error PARLEY_DRAIN_BLOCKED: .*\n {2}hint: .*--force/m)
  const s = JSON.parse((await parley('--socket', socket, 'status', '--json')).stdout) as { cordoned: boolean }
  assert.equal(s.cordoned, false)
  const bad = await parley('--socket', socket, 'drain', '--deadline', 'soon')
  assert.equal(bad.status, 2)
  assert.match(bad.stderr, /^parley: error CLI002: --deadline soon: not a duration\n/)
})

test('unsubscribe of an IM the host does not run: exit 1 with the subscriptions as the hint; --json prints the error object', async () => {
  const r = await parley('--socket', socket, '--json', 'unsubscribe', 'nothing')
  assert.equal(r.status, 1)
  assert.deepEqual(JSON.parse(r.stdout), { error: { code: 'PARLEY_NOT_SUBSCRIBED', message: 'this host is not subscribed to nothing', hint: 'subscribed: balance' } })
  assert.match(r.stderr, /^parley: error PARLEY_NOT_SUBSCRIBED: /)
})

test('watch streams agent events: a forced drain cordons the host, uncordon lifts it', async () => {
  const client = await ControlClient.connect(socket)
  const events: Array<Record<string, unknown>> = []
  const watching = client.call('watch', {}, { onEvent: e => { events.push(e as Record<string, unknown>) } }).catch(() => null)
  try {
    const drained = await parley('--socket', socket, 'drain', '--force', '--wait', '--deadline', '1s')
    assert.equal(drained.status, 1, drained.stderr)
    const result = JSON.parse(drained.stdout.trim().split('\n').at(-1)!) as { started: boolean, empty: boolean, results: Array<{ vm: string, outcome: string, reason: string }> }
    assert.equal(result.started, true)
    assert.equal(result.empty, false)
    assert.ok(result.results.every(x => x.outcome === 'unplaced' && x.reason.length > 0), drained.stdout)
    assert.equal((await parley('--socket', socket, 'uncordon')).status, 0)
    for (let i = 0; i < 50 && events.filter(e => e.type === 'cordon').length < 2; i++) await new Promise(resolve => setTimeout(resolve, 20))
    assert.deepEqual(events.filter(e => e.source === 'agent' && e.type === 'cordon').map(e => e.cordoned), [true, false])
  } finally {
    client.close()
    await watching
  }
})

test('/metrics: Prometheus text with process and parley metrics', async () => {
  const line = daemon.logs.find(l => l.msg === 'metrics endpoint listening')!
  const res = await fetch(`http://127.0.0.1:${String(line.port)}/metrics`)
  assert.equal(res.status, 200)
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/)
  const text = await res.text()
  for (const want of [/^# TYPE process_cpu_seconds_total counter$/m, /^parley_vms 2$/m, /^parley_subscriptions 1$/m, /^parley_ready 1$/m, /^parley_cordoned 0$/m, /^parley_control_requests_total \d+$/m]) {
    assert.match(text, want)
  }
  assert.equal((await fetch(`http://127.0.0.1:${String(line.port)}/readyz`)).status, 200)
})

test('SIGHUP: allow-im and log-level apply at once, other changes are logged as needing a restart; a bad file is refused', async () => {
  writeFileSync(config, 'allow-im: [balance, other]\nlog-level: debug\n')
  daemon.proc.kill('SIGHUP')
  const reloaded = await daemon.waitForLog(l => l.msg === 'configuration reloaded')
  assert.deepEqual(reloaded.applied, ['allowIm', 'logLevel'])
  assert.deepEqual(reloaded.needRestart, [])
  const other = join(dir, 'other.lcc')
  writeFileSync(other, readFileSync(balance, 'utf8') + '\n// a copy under another name and hash\n')
  const ok = await parley('--socket', socket, 'subscribe', other)
  assert.equal(ok.status, 0, ok.stderr)
  assert.match(ok.stdout, /^subscribed to other /)

  // bootstrap is not given as a flag, so the file's value takes effect, at the next start
  writeFileSync(config, `allow-im: [balance]\nlog-level: info\nbootstrap: [/ip4/127.0.0.1/tcp/1/p2p/${peerId}]\n`)
  const before = daemon.logs.length
  daemon.proc.kill('SIGHUP')
  const second = await daemon.waitForLog(l => l.msg === 'configuration reloaded' && daemon.logs.indexOf(l) >= before)
  assert.deepEqual(second.needRestart, ['bootstrap'])
  assert.deepEqual(second.applied, ['allowIm', 'logLevel'])
  // other is no longer allowed: the host leaves it
  assert.deepEqual(second.unsubscribed, ['other'])

  writeFileSync(config, 'allow-im: [balance]\nlog-level: loud\n')
  const mark = daemon.logs.length
  daemon.proc.kill('SIGHUP')
  const refused = await daemon.waitForLog(l => typeof l.msg === 'string' && l.msg.startsWith('reload refused') && daemon.logs.indexOf(l) >= mark)
  assert.equal(refused.code, 'PARLEY_CONFIG_INVALID')
  assert.match(String(refused.error), new RegExp(`log-level from ${config}:2`))
  assert.equal((await parley('--socket', socket, 'status', '--json')).status, 0)
})

test('a second parleyd on the same socket, or the same metrics port, exits 1 with a coded line', async () => {
  const other = join(dir, 'second')
  const d = startDaemon([...baseArgs(other, psk, 'h9'), '--socket', socket])
  const { code } = await d.exited
  assert.equal(code, 1)
  assert.match(d.stderr(), /^parleyd: error PARLEY_SOCKET_IN_USE: another parleyd answers on /)
  const port = String(daemon.logs.find(l => l.msg === 'metrics endpoint listening')!.port)
  const third = startDaemon([...baseArgs(other, psk, 'h9'), '--socket', join(other, 'third.sock'), '--http', `127.0.0.1:${port}`])
  assert.equal((await third.exited).code, 1)
  assert.match(third.stderr(), new RegExp(`^parleyd: error PARLEY_HTTP_FAILED: cannot serve metrics on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\)`))
  assert.equal(existsSync(join(other, 'third.sock')), false)
  assert.equal((await parley('--socket', socket, 'status', '--json')).status, 0)
})

test('SIGTERM: STOPPING, exit 0, socket removed; a restart keeps the peer id and the subscriptions', async () => {
  writeFileSync(config, 'allow-im: [balance]\n')
  daemon.proc.kill('SIGTERM')
  const { code, signal } = await daemon.exited
  assert.equal(signal, null)
  assert.equal(code, 0)
  assert.ok(daemon.logs.some(l => l.msg === 'stopped'))
  assert.equal(existsSync(socket), false)
  const gone = await parley('--socket', socket, 'status')
  assert.equal(gone.status, 3)
  assert.match(gone.stderr, new RegExp(`^parley: error PARLEY_NO_DAEMON: cannot connect to ${socket} \\(ENOENT\\)\\n {2}hint: is parleyd running\\?`))

  const again = await startReady(['--config', config, ...baseArgs(dir, psk)])
  const s = JSON.parse((await parley('--socket', socket, 'status', '--json')).stdout) as { peerId: string, subscriptions: Array<{ name: string }> }
  assert.equal(s.peerId, peerId)
  assert.deepEqual(s.subscriptions.map(x => x.name), ['balance'])
  again.proc.kill('SIGTERM')
  assert.equal((await again.exited).code, 0)
})

test('psk new: a swarm key with mode 0600 that parleyd accepts; no overwrite without --force', async () => {
  const file = join(dir, 'new.key')
  const r = await parley('psk', 'new', file)
  assert.equal(r.status, 0, r.stderr)
  assert.equal(statSync(file).mode & 0o777, 0o600)
  const first = readFileSync(file, 'utf8')
  assert.match(first, /^\/key\/swarm\/psk\/1\.0\.0\/\n\/base16\/\n[0-9a-f]{64}\n$/)
  const again = await parley('psk', 'new', file)
  assert.equal(again.status, 2)
  assert.match(again.stderr, /^parley: error CLI007: .* exists; .*\n {2}hint: pass --force/)
  assert.equal(readFileSync(file, 'utf8'), first)
  const forced = await parley('psk', 'new', '--force', file)
  assert.equal(forced.status, 0)
  assert.notEqual(readFileSync(file, 'utf8'), first)
  assert.equal(statSync(file).mode & 0o777, 0o600)
})

test('sd_notify: READY=1 with a status after start, STOPPING=1 on SIGTERM', { skip: haveNotify ? false : 'systemd-notify or python3 is not installed' }, () => {
  const sent = notifyMessages.filter(m => !m.startsWith('BARRIER'))
  const ready = sent.find(m => m.split('\n').includes('READY=1'))
  assert.ok(ready !== undefined, JSON.stringify(sent))
  assert.match(ready, new RegExp(`^MAINPID=${String(daemon.proc.pid)}$`, 'm'))
  assert.match(ready, /^STATUS=peer 12D3KooW\S+; 0 subscription\(s\); 0 peer\(s\)$/m)
  assert.ok(sent.some(m => m.split('\n').includes('STOPPING=1')))
  assert.ok(sent.indexOf(ready) < sent.findIndex(m => m.split('\n').includes('STOPPING=1')))
})
