// The KVM end-to-end test (issue 5): three real parleyd processes, one per KVM lab host (libvirt at
// qemu+tcp://127.0.1.I/system, libp2p on 127.0.1.I), all subscribed to ims/balance.lcc through the
// real CLI, moving real guests by live migration. Where each guest runs is asked of libvirt itself.
//
// Guests: 5 "dirty" lab guests (their kernel rewrites RAM forever) with the vCPU capped at 20% of a
// core (cputune quota), so each uses a known 0.2 core. Every lab host reports the machine's cores
// (2), so a host's load is 0.1 per guest: 5 guests on host 1 -> loads 0.5, 0, 0, mean 0.167, host 1
// at 3x the mean (overloaded), the others at 0 (underloaded). The best 5 equal guests can do on 3
// hosts is 2/2/1: loads 1.2x, 1.2x and 0.6x the mean. So the overload ratio is set to 1.35 (not
// the default 1.2, where 2 guests sit exactly on the threshold and noise would move them back and
// forth): 2/2/1 is then the one placement where no host is overloaded, and the policy has to find
// it by itself. Nothing in this test tells a daemon what to move.
//
//   (a) rebalance: from 5/0/0 the daemons reach 2/2/1 by live migration, and stay there.
//   (b) drain: `parley drain --wait` on host 1 empties it; each guest runs exactly once.
//   (c) crash: kill -9 of the source host's parleyd while libvirt shows the migration job in
//       progress; once no job is active every guest runs exactly once; the daemon restarts,
//       answers status, and no guest is lost.
import { after, before, test } from 'node:test'
import type { TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stopAll, writePsk } from './daemon-harness.js'
import type { LogLine } from './daemon-harness.js'
import { cli, current, history, logged, milestones, restart, startCluster, subscribeAll } from './kvm-cluster.js'
import type { LabDaemon } from './kvm-cluster.js'
import { counts, exactlyOnceProblems, guestXml, inFlightProblems, labHosts, migrationsInProgress, removeGuests, sleep, startGuest, virsh, whereabouts } from './kvm-lab.js'
import type { LabHost } from './kvm-lab.js'

const GUESTS = 5
const MEM_MIB = 128
const CPU_PERCENT = 20
const POLICY = ['--sample-interval', '1s', '--sustain', '3s', '--cooldown', '30s', '--overload-ratio', '1.35']

const lab = labHosts(3)
const hosts: LabHost[] = typeof lab === 'string' ? [] : lab
const tag = `e2e${process.pid.toString(36)}`
const names = Array.from({ length: GUESTS }, (_, i) => `${tag}-g${i + 1}`)
let daemons: LabDaemon[] = []
let dir: string | null = null
const t0 = performance.now()
const since = (): string => `${((performance.now() - t0) / 1000).toFixed(1)}s`
const note = (line: string): void => { process.stdout.write(`# [${since()}] ${line}\n`) }

/**
 * Problems no live migration explains (a guest running twice, or nowhere) that are still there
 * 1.5 s later: the hosts are listed one after another, so a guest whose migration switches over
 * meanwhile can show running on both once; a real duplicate or loss stays.
 */
async function confirmedInFlightProblems (): Promise<string[]> {
  const first = inFlightProblems(await whereabouts(hosts, names))
  if (first.length === 0) return []
  await sleep(1500)
  return inFlightProblems(await whereabouts(hosts, names)).filter(p => first.includes(p))
}

/** At a quiet point: each guest active on one host only, running, with no other definition. */
async function assertExactlyOnce (when: string): Promise<number[]> {
  for (let attempt = 1; ; attempt++) {
    const where = await whereabouts(hosts, names)
    const problems = exactlyOnceProblems(where)
    if (problems.length === 0) {
      const c = counts(hosts, where)
      note(`${when}: exactly once; guests per host ${c.join('/')}`)
      return c
    }
    // the policy may start a move at any time; what a migration explains passes once it is over
    assert.deepEqual(await confirmedInFlightProblems(), [], `${when}: a guest runs twice or nowhere`)
    assert.ok(attempt < 4, `${when}: every guest must run exactly once on exactly one host: ${problems.join('; ')}`)
    await waitNoJobs(2000, 120_000)
  }
}

/** Waits until no migration job of ours is active on any host for `quietMs`. */
async function waitNoJobs (quietMs: number, timeoutMs: number): Promise<void> {
  const end = performance.now() + timeoutMs
  let quietSince = performance.now()
  for (;;) {
    const busy = await migrationsInProgress(hosts, names)
    if (busy.length > 0) quietSince = performance.now()
    else if (performance.now() - quietSince >= quietMs) return
    if (performance.now() > end) throw new Error(`migration jobs still active after ${timeoutMs} ms: ${busy.join(', ')}`)
    await sleep(500)
  }
}

const migrationsDone = (): Array<LogLine & { hostIndex: number }> => logged(daemons, 'migration done')

before(async () => {
  if (typeof lab === 'string') return
  dir = mkdtempSync(join(tmpdir(), 'parley-kvm-e2e-'))
  await removeGuests(hosts, names)
  for (const name of names) await startGuest(hosts[0]!, name, guestXml(name, MEM_MIB, 'dirty', CPU_PERCENT))
  note(`${GUESTS} guests (${MEM_MIB} MiB, dirty, vCPU capped at ${CPU_PERCENT}%) started on host 1`)
  daemons = await startCluster(hosts, { dir, psk: writePsk(dir), flags: POLICY })
  await subscribeAll(daemons)
  note('3 parleyd up and subscribed to ims/balance.lcc')
})

after(async () => {
  stopAll()
  if (hosts.length > 0) await removeGuests(hosts, names)
  if (dir !== null) rmSync(dir, { recursive: true, force: true })
})

function skipWithoutLab (t: TestContext): boolean {
  if (typeof lab !== 'string') return false
  t.skip(lab)
  return true
}

test('(a) rebalance: 5 guests on host 1 are spread 2/2/1 by live migrations the policy decides', { timeout: 300_000 }, async t => {
  if (skipWithoutLab(t)) return
  assert.deepEqual(await assertExactlyOnce('start'), [GUESTS, 0, 0])
  const started = performance.now()
  const HOLD_MS = 15_000
  let stableSince: number | null = null
  let last = ''
  const timeline: string[] = []
  for (;;) {
    assert.deepEqual(await confirmedInFlightProblems(), [], 'during the rebalance')
    const where = await whereabouts(hosts, names)
    const c = counts(hosts, where)
    const busy = await migrationsInProgress(hosts, names)
    const key = c.join('/') + (busy.length > 0 ? ` (migrating ${busy.join(', ')})` : '')
    if (key !== last) { timeline.push(`${since()} ${key}`); note(`placement ${key}`); last = key }
    const balanced = busy.length === 0 && [...c].sort().join('/') === '1/2/2'
    if (!balanced) stableSince = null
    else if (stableSince === null) stableSince = performance.now()
    else if (performance.now() - stableSince >= HOLD_MS) break
    assert.ok(performance.now() - started < 240_000, `not balanced within 240 s; placements: ${timeline.join('; ')}`)
    await sleep(1000)
  }
  const moves = migrationsDone()
  note(`balanced 2/2/1 after ${((stableSince! - started) / 1000).toFixed(1)} s, held ${HOLD_MS / 1000} s; ${moves.length} live migrations by parleyd`)
  // 5/0/0 -> 2/2/1 takes at least 3 moves, each one done (and logged) by a daemon's balance policy
  assert.ok(moves.length >= 3, `at least 3 migrations, got ${moves.length}`)
  assert.ok(moves.every(m => names.includes(String(m.vm))))
  await assertExactlyOnce('(a) balanced')
})

test('(b) drain: parley drain --wait empties host 1, each guest then runs exactly once', { timeout: 300_000 }, async t => {
  if (skipWithoutLab(t)) return
  const before = await assertExactlyOnce('before the drain')
  const d1 = daemons[0]!
  const r = await cli(d1.socket, ['--json', 'drain', '--wait', '--deadline', '3m'], 240_000)
  note(`parley drain --wait: exit ${r.status} in ${(r.ms / 1000).toFixed(1)} s; what the daemons did (s after the CLI started):\n${milestones(daemons, r.startedAt).map(l => `#${l}`).join('\n')}`)
  assert.equal(r.status, 0, r.stdout + r.stderr)
  const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { type: string, empty: boolean, total: number, results: Array<{ vm: string, outcome: string, to?: string }> }
  assert.equal(result.type, 'result')
  assert.equal(result.empty, true)
  assert.equal(result.total, before[0])
  assert.ok(result.results.every(x => x.outcome === 'moved'), r.stdout)
  await waitNoJobs(2000, 60_000)
  const after = await assertExactlyOnce('(b) drained')
  assert.equal(after[0], 0, 'host 1 is empty')
  assert.equal(await virsh(hosts[0]!.uri, 'list', '--all', '--name').then(s => s.trim()), '', 'host 1 has no domain defined at all')
  const status = JSON.parse((await cli(d1.socket, ['--json', 'status'])).stdout) as { cordoned: boolean, draining: boolean }
  assert.equal(status.cordoned, true)
  assert.equal(status.draining, false)
})

test('(c) crash: kill -9 of the source parleyd mid-migration leaves every guest running exactly once', { timeout: 300_000 }, async t => {
  if (skipWithoutLab(t)) return
  await assertExactlyOnce('before the crash')
  // host 1 takes load again: the hosts holding 3 guests (1.8x the mean) offload to it
  const mark = daemons.map(x => current(x).logs.length)
  const un = await cli(daemons[0]!.socket, ['uncordon'])
  assert.equal(un.status, 0, un.stdout + un.stderr)
  // the first migration any daemon starts from now on
  const { d, line } = await new Promise<{ d: LabDaemon, line: LogLine }>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error('no migration started within 120 s of uncordon')) }, 120_000)
    const check = (): boolean => {
      for (const [i, x] of daemons.entries()) {
        const hit = current(x).logs.slice(mark[i]).find(l => l.msg === 'migration started')
        if (hit !== undefined) { clearTimeout(timer); resolve({ d: x, line: hit }); return true }
      }
      return false
    }
    const poll = setInterval(() => { if (check()) clearInterval(poll) }, 5)
    timer.unref()
  })
  const vm = String(line.domain)
  const source = d.host
  // kill while libvirt itself shows the job running on the source
  let job = ''
  for (let i = 0; i < 400 && !/Job type:\s+Unbounded/.test(job); i++) job = await virsh(source.uri, 'domjobinfo', vm).catch(() => '')
  const inProgress = /Job type:\s+Unbounded/.test(job)
  current(d).proc.kill('SIGKILL')
  const exit = await current(d).exited
  note(`kill -9 parleyd of host ${source.index} while migrating ${vm} to ${String(line.peer)} (libvirt job in progress: ${inProgress}); exit ${exit.signal ?? exit.code}`)
  assert.ok(inProgress, `libvirt showed the migration job of ${vm} on host ${source.index}:\n${job}`)
  assert.ok(!current(d).logs.some(l => l.msg === 'migration completed' && l.domain === vm), 'the daemon died before it saw the migration complete')

  await waitNoJobs(3000, 120_000)
  const crashed = await assertExactlyOnce('(c) after the crash, no job active')
  const where = await whereabouts(hosts, [vm])
  note(`${vm} ended on host ${where.get(vm)!.active.join(',')} (source was host ${source.index})`)

  await restart(d)
  const st = await cli(d.socket, ['--json', 'status'])
  assert.equal(st.status, 0, st.stdout + st.stderr)
  const status = JSON.parse(st.stdout) as { vms: number, subscriptions: Array<{ name: string }> }
  assert.equal(status.vms, crashed[source.index - 1], 'the restarted daemon sees the guests libvirt runs on its host')
  assert.deepEqual(status.subscriptions.map(s => s.name), ['balance'], 'the subscription came back from the journal')
  note(`host ${source.index} parleyd restarted: status ok, ${status.vms} guests`)
  // the cluster goes on balancing with the restarted daemon; at the next quiet point, still exactly once
  await sleep(10_000)
  await waitNoJobs(5000, 120_000)
  await assertExactlyOnce('(c) after the restart, quiet')
  note(`${history(d).length} log lines from host ${source.index}'s daemons; ${migrationsDone().length} migrations in all`)
})
