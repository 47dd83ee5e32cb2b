// Units of parleyd: metrics exposition, memory:// hosts, keys, the allow rule and IM checks, the
// journal, sd_notify against a fake socket, and drain driven by a scripted agent.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import type { ChildProcess } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { pino } from 'pino'
import type { Discovery } from '@parley/discovery'
import { createMemoryFabric, createMemoryHypervisor, realClock } from '@parley/hypervisor'
import type { MemoryHypervisor } from '@parley/hypervisor'
import { ConfigError } from '../src/config/index.js'
import type { DrainEvent, DrainResult } from '../src/control/index.js'
import type { AgentEvent, DaemonAgent } from '../src/daemon/agent.js'
import { DrainController } from '../src/daemon/drain.js'
import { DaemonError } from '../src/daemon/errors.js'
import { loadOrCreatePeerKey, readPsk } from '../src/daemon/keys.js'
import { makeDirs } from '../src/daemon/make-dirs.js'
import { parseMemoryUri } from '../src/daemon/memory-uri.js'
import { createNotifier } from '../src/daemon/sd-notify.js'
import { checkIm, imHash, isAllowed, SubscriptionJournal } from '../src/daemon/subscriptions.js'
import { expose, parleyMetrics, newCounters, processMetrics } from '../src/metrics/index.js'
import { peerIdOf, generateSwarmKey } from '@parley/discovery'
import { fakeNotifySocket, haveNotify } from './daemon-harness.js'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..', '..')
const balance = readFileSync(join(root, 'ims', 'balance.lcc'), 'utf8')
const dir = mkdtempSync(join(tmpdir(), 'parley-daemon-'))
const log = pino({ level: 'silent' })
const children: ChildProcess[] = []
after(() => { for (const c of children) c.kill('SIGKILL') })

test('exposition: HELP and TYPE lines, labels escaped, special values', () => {
  const text = expose([
    { name: 'parley_role', type: 'gauge', help: 'a "role"\nnow', samples: [{ labels: { im: 'bal"ance', role: 'a\\b' }, value: 1 }] },
    { name: 'x_total', type: 'counter', help: 'x', samples: [{ value: Infinity }, { labels: {}, value: Number.NaN }] },
  ])
  assert.equal(text, [
    '# HELP parley_role a "role"\\nnow',
    '# TYPE parley_role gauge',
    'parley_role{im="bal\\"ance",role="a\\\\b"} 1',
    '# HELP x_total x',
    '# TYPE x_total counter',
    'x_total +Inf',
    'x_total NaN',
    '',
  ].join('\n'))
})

test('parley metrics carry the snapshot, process metrics are present', () => {
  const counters = newCounters()
  counters.migrations.out = 3
  const text = expose([
    ...processMetrics(Date.now() - 5000),
    ...parleyMetrics({
      version: '0.1.0', peerId: '12D3KooWx', backend: 'memory', ready: true, peers: 2, subscriptions: 1,
      roles: [{ im: 'balance', role: 'idle', phase: 'local' }], interactions: 0, vms: 4,
      capacity: { cpus: 8, memoryKiB: 1024 }, cordoned: true, drain: { active: true, remaining: 3 }, counters,
    }),
  ])
  for (const line of ['parley_peers 2', 'parley_vms 4', 'parley_cordoned 1', 'parley_drain_vms_remaining 3', 'parley_host_memory_bytes 1048576',
    'parley_migrations_total{result="out"} 3', 'parley_role{im="balance",role="idle",phase="local"} 1', '# TYPE process_cpu_seconds_total counter']) {
    assert.ok(text.split('\n').includes(line), `missing: ${line}`)
  }
  assert.match(text, /^process_resident_memory_bytes \d+$/m)
})

test('memory:// URIs: capacity and VMs, and errors naming the hypervisor key', () => {
  const origin = { kind: 'flag', flag: '--hypervisor' } as const
  assert.deepEqual(parseMemoryUri('memory://h1?cpus=4&memory=8192&demand=0.25&vms=web:2:2048,db:1:1024:off', origin), {
    name: 'h1', cpus: 4, memoryMiB: 8192, demand: 0.25,
    vms: [{ name: 'web', vcpus: 2, memoryMiB: 2048, running: true }, { name: 'db', vcpus: 1, memoryMiB: 1024, running: false }],
  })
  assert.throws(() => parseMemoryUri('memory://h1?cpus=zero', origin), (e: ConfigError) => e.message === 'hypervisor from flag --hypervisor: cpus=zero is not a whole number above 0')
  assert.throws(() => parseMemoryUri('memory://h1?vms=web:2', origin), /vms item "web:2" is not NAME:VCPUS:MiB\[:off\]/)
  assert.throws(() => parseMemoryUri('memory://h1?demand=2', origin), /demand=2 is not a fraction between 0 and 1/)
  assert.throws(() => parseMemoryUri('memory://h1?disks=2', origin), /unknown memory:\/\/ parameter "disks"/)
})

test('the peer key is created 0600 once and reused; a loose mode is tightened; a broken key is refused', async () => {
  const data = join(dir, 'keys')
  const { mkdirSync } = await import('node:fs')
  mkdirSync(data)
  const first = await loadOrCreatePeerKey(data, log)
  assert.equal(first.created, true)
  assert.equal(statSync(first.path).mode & 0o777, 0o600)
  chmodSync(first.path, 0o644)
  const second = await loadOrCreatePeerKey(data, log)
  assert.equal(second.created, false)
  assert.equal(peerIdOf(second.key), peerIdOf(first.key))
  assert.equal(statSync(first.path).mode & 0o777, 0o600)
  writeFileSync(first.path, 'garbage')
  await assert.rejects(loadOrCreatePeerKey(data, log), (e: DaemonError) => e.code === 'PARLEY_PEER_KEY_INVALID' && /delete it/.test(e.hint))
})

test('makeDirs creates missing parents with the mode, accepts existing dirs, and fails fast where mkdir -p cannot', () => {
  const nested = join(dir, 'a', 'b', 'c')
  makeDirs(nested, 0o750)
  assert.equal(statSync(nested).mode & 0o777, 0o750)
  makeDirs(nested, 0o700)
  writeFileSync(join(dir, 'afile'), '')
  assert.throws(() => { makeDirs(join(dir, 'afile', 'x'), 0o700) }, (e: NodeJS.ErrnoException) => e.code === 'ENOTDIR')
  if (existsSync('/proc/self')) assert.throws(() => { makeDirs('/proc/parley-nope/x', 0o700) }, (e: NodeJS.ErrnoException) => e.code === 'ENOENT')
})

test('the PSK file: missing or malformed names the psk key and its source', () => {
  const origin = { kind: 'file', path: '/etc/parley/parley.yaml', line: 6 } as const
  assert.throws(() => readPsk(join(dir, 'none.key'), origin, log), (e: ConfigError) =>
    e.code === 'PARLEY_CONFIG_INVALID' && e.message.startsWith('psk from /etc/parley/parley.yaml:6: cannot read') && /parley psk new/.test(e.hint))
  const bad = join(dir, 'bad.key')
  writeFileSync(bad, '/key/swarm/psk/1.0.0/\n/base16/\nxyz\n')
  assert.throws(() => readPsk(bad, origin, log), /is not a swarm key/)
  const good = join(dir, 'good.key')
  writeFileSync(good, generateSwarmKey(), { mode: 0o600 })
  assert.match(readPsk(good, origin, log), /^\/key\/swarm\/psk\/1\.0\.0\//)
})

test('the allow rule takes a name or the sha256 of the text; IMs are checked before they run', () => {
  const hash = imHash(balance)
  assert.match(hash, /^[0-9a-f]{64}$/)
  assert.equal(isAllowed(['balance'], 'balance', hash), true)
  assert.equal(isAllowed([hash], 'renamed', hash), true)
  assert.equal(isAllowed(['consolidate'], 'balance', hash), false)
  assert.deepEqual(checkIm('balance', balance).sort(), ['idle', 'overloaded', 'underloaded'])
  assert.throws(() => checkIm('broken', 'a(idle, X) :: null <- ( .'), (e: { code: string, message: string }) =>
    e.code === 'PARLEY_IM_INVALID' && /^the IM broken does not check: 1:\d+: LCC\d+ /.test(e.message))
})

test('the subscription journal round-trips atomically', () => {
  const j = new SubscriptionJournal(dir)
  assert.deepEqual(j.read(), [])
  const rec = { name: 'balance', hash: imHash(balance), text: balance, since: '2026-01-01T00:00:00.000Z' }
  j.write([rec])
  assert.deepEqual(j.read(), [rec])
  assert.equal(existsSync(join(dir, 'subscriptions.json.tmp')), false)
})

test('sd_notify: READY=1 and STATUS reach a fake NOTIFY_SOCKET with our pid', { skip: haveNotify ? false : 'systemd-notify or python3 is not installed' }, async () => {
  const path = join(dir, 'notify.sock')
  const fake = await fakeNotifySocket(path)
  children.push(fake.child)
  const n = createNotifier({ env: { NOTIFY_SOCKET: path }, pid: 4242 }, log)
  assert.equal(n.enabled, true)
  await n.notify({ READY: '1', STATUS: 'peer x; 0 peers' })
  await n.notify({ STOPPING: '1' })
  for (let i = 0; i < 50 && fake.messages.filter(m => !m.startsWith('BARRIER')).length < 2; i++) await new Promise(resolve => setTimeout(resolve, 20))
  const sent = fake.messages.filter(m => !m.startsWith('BARRIER'))
  assert.deepEqual(sent[0]!.split('\n').sort(), ['MAINPID=4242', 'READY=1', 'STATUS=peer x; 0 peers'])
  assert.deepEqual(sent[1]!.split('\n').sort(), ['MAINPID=4242', 'STOPPING=1'])
})

test('sd_notify is off without NOTIFY_SOCKET and harmless without systemd-notify', async () => {
  assert.equal(createNotifier({ env: {} }, log).enabled, false)
  const n = createNotifier({ env: { NOTIFY_SOCKET: join(dir, 'x.sock') }, command: join(dir, 'no-such-tool') }, log)
  await n.notify({ READY: '1' })
  await n.notify({ READY: '1' })
})

// ---- drain, with two memory hosts on one fabric and an agent scripted to move VMs when cordoned ----

interface Script { failOn?: string }

function scriptedAgent (from: MemoryHypervisor, toUri: string, script: Script): DaemonAgent & { cordonCalls: number } {
  const listeners = new Set<(e: AgentEvent) => void>()
  const emit = (e: AgentEvent): void => { for (const l of listeners) l(e) }
  let cordoned = false
  const agent = {
    attached: true,
    cordonCalls: 0,
    start: async () => {},
    stop: async () => {},
    subscribe: async () => {},
    unsubscribe: async () => {},
    status: () => ({ running: true, cordoned, slots: [], interactions: [] }),
    cordon: () => {
      cordoned = true
      agent.cordonCalls++
      void (async () => {
        for (const d of (await from.list()).filter(x => x.state === 'running')) {
          if (!cordoned) return
          await new Promise(resolve => setTimeout(resolve, 30))
          if (d.name === script.failOn) { emit({ type: 'migration-failed', at: Date.now(), vm: d.name, to: 'h2', code: 'HV_MIGRATION_FAILED', reason: 'target refused' }); continue }
          await from.migrate(d.name, toUri).catch(() => {})
          emit({ type: 'migration', at: Date.now(), vm: d.name, from: 'h1', to: 'h2' })
        }
      })()
    },
    uncordon: () => { cordoned = false },
    on: (l: (e: AgentEvent) => void) => { listeners.add(l); return () => { listeners.delete(l) } },
  }
  return agent
}

async function drainSetup (vms: Array<[string, boolean]>, script: Script = {}) {
  const fabric = createMemoryFabric()
  const components = { logger: log, clock: realClock() }
  const h1 = createMemoryHypervisor({ id: `h1-${Math.random()}`, fabric, cpus: 8, memoryMiB: 16384 }, components)
  const h2 = createMemoryHypervisor({ id: `h2-${Math.random()}`, fabric, cpus: 8, memoryMiB: 16384 }, components)
  for (const [name, running] of vms) {
    await h1.define({ name, vcpus: 1, memoryMiB: 512 })
    if (running) await h1.start(name)
  }
  const agent = scriptedAgent(h1, h2.migrationUri, script)
  const cordonLog: boolean[] = []
  const discovery = { peers: () => ['peer-2'] } as unknown as Discovery
  const drain = new DrainController({
    hypervisor: h1, discovery, agent, clock: realClock(), log,
    subscriptions: () => ['balance'],
    setCordoned: c => { cordonLog.push(c); if (c) agent.cordon(); else agent.uncordon() },
  })
  return { h1, h2, agent, drain, cordonLog }
}

test('drain --wait: cordons, reports progress and a moved result per VM, ends with the host empty', async () => {
  const { h1, h2, drain, cordonLog } = await drainSetup([['a', true], ['b', true], ['c', true]])
  const events: DrainEvent[] = []
  const r: DrainResult = await drain.drain({ wait: true, deadlineMs: 10_000 }, e => events.push(e), new AbortController().signal)
  assert.equal(r.started, true)
  assert.equal(r.empty, true)
  assert.deepEqual(r.results.map(x => [x.vm, x.outcome, x.to]), [['a', 'moved', 'h2'], ['b', 'moved', 'h2'], ['c', 'moved', 'h2']])
  assert.deepEqual(cordonLog, [true])
  assert.deepEqual((await h1.list()).length, 0)
  assert.deepEqual((await h2.list()).map(d => d.name).sort(), ['a', 'b', 'c'])
  const progress = events.filter(e => e.type === 'progress')
  assert.deepEqual(progress[0], { type: 'progress', total: 3, done: 0, remaining: 3, failed: 0 })
  assert.deepEqual(progress.at(-1), { type: 'progress', total: 3, done: 3, remaining: 0, failed: 0 })
  assert.equal(events.filter(e => e.type === 'vm').length, 3)
  assert.equal(drain.state().active, false)
})

test('drain --dry-run changes nothing; a shut-off VM blocks the drain unless --force', async () => {
  const { h1, agent, drain } = await drainSetup([['a', true], ['off1', false]])
  const dry = await drain.drain({ dryRun: true }, () => {}, new AbortController().signal)
  assert.equal(dry.dryRun, true)
  assert.deepEqual(dry.results.map(x => [x.vm, x.outcome]), [['a', 'would-move'], ['off1', 'unplaced']])
  assert.match(dry.results[1]!.reason!, /^shutoff: live migration needs a running VM/)
  assert.equal(agent.cordonCalls, 0)
  const refused = await drain.drain({ wait: true }, () => {}, new AbortController().signal)
  assert.equal(refused.started, false)
  assert.equal(agent.cordonCalls, 0)
  const forced = await drain.drain({ wait: true, force: true, deadlineMs: 1500 }, () => {}, new AbortController().signal)
  assert.equal(forced.started, true)
  assert.equal(forced.empty, false)
  assert.deepEqual(forced.results.map(x => [x.vm, x.outcome]), [['a', 'moved'], ['off1', 'unplaced']])
  assert.deepEqual((await h1.list()).map(d => d.name), ['off1'])
})

test('drain deadline: a VM that keeps failing is reported with the last failure as its reason', async () => {
  const { drain } = await drainSetup([['a', true], ['stuck', true]], { failOn: 'stuck' })
  const r = await drain.drain({ wait: true, deadlineMs: 1200 }, () => {}, new AbortController().signal)
  assert.equal(r.empty, false)
  assert.deepEqual(r.results.find(x => x.vm === 'stuck'), { vm: 'stuck', outcome: 'unplaced', reason: 'HV_MIGRATION_FAILED: target refused' })
})

test('a VM that turns up during a drain is drained too; one moved by hand counts as gone', async () => {
  const { h1, h2, drain } = await drainSetup([['a', true], ['off1', false]])
  const pending = drain.drain({ wait: true, force: true, deadlineMs: 20_000 }, () => {}, new AbortController().signal)
  await new Promise(resolve => setTimeout(resolve, 100))
  await h1.define({ name: 'late', vcpus: 1, memoryMiB: 256 })
  await h1.start('late')
  for (let i = 0; i < 100 && drain.state().total < 3; i++) await new Promise(resolve => setTimeout(resolve, 20))
  assert.equal(drain.state().total, 3)
  await h1.migrate('late', h2.migrationUri)
  await h1.undefine('off1')
  const r = await pending
  assert.equal(r.empty, true)
  assert.deepEqual(r.results.map(x => [x.vm, x.outcome]).sort(), [['a', 'moved'], ['late', 'moved'], ['off1', 'moved']])
})

test('uncordon during a drain stops it and reports the VMs left', async () => {
  const { drain } = await drainSetup([['a', true], ['b', true], ['c', true], ['d', true]], { failOn: 'a' })
  const pending = drain.drain({ wait: true, deadlineMs: 60_000 }, () => {}, new AbortController().signal)
  await new Promise(resolve => setTimeout(resolve, 50))
  assert.equal(drain.cancel('uncordoned'), true)
  const r = await pending
  assert.equal(r.empty, false)
  assert.ok(r.results.some(x => x.outcome === 'stopped' && x.reason === 'uncordoned'))
  assert.equal(drain.state().active, false)
})
