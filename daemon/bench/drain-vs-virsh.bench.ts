// `parley drain --wait` of a KVM lab host holding 5 guests, against bare `virsh migrate` of the same
// guests in the same run. Goal (issue 5): drain <= 1.2 x the sum of the bare migrate times.
//
// Guests: 256 MiB "fill" lab guests (their kernel writes all RAM once, then halts), so each
// migration copies ~256 MiB of real data. Bare: each guest host1 -> host2 and back, then host1 ->
// host3 and back (the drain may send it to either), with the flags the libvirt backend uses
// (--live --p2p --persistent --undefinesource --abort-on-error); a guest's bare time is the mean
// of its four. The first round is a warm-up, not counted: a guest's first move to a host is slower
// (cold caches on both sides), and the drain's moves come after these. Then 3 parleyd (one per lab host, subscribed to
// ims/balance.lcc) and `parley drain --wait` on host 1, timed as the operator sees it (the CLI
// process from start to exit). Brings the lab up (and down) itself when PARLEY_LAB_HOSTS is unset.
// BENCH_GUESTS, BENCH_MEM_MIB change the guests; BENCH_LOG_LEVEL, BENCH_LOG_FILE keep the daemons' logs.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { stopAll, writePsk } from '../test/daemon-harness.js'
import { cli, history, milestones, startCluster, subscribeAll } from '../test/kvm-cluster.js'
import type { LabDaemon } from '../test/kvm-cluster.js'
import { counts, exactlyOnceProblems, guestXml, removeGuests, sleep, startGuest, virsh, whereabouts } from '../test/kvm-lab.js'
import type { LabHost } from '../test/kvm-lab.js'
import { labSession } from './lab-session.js'

const GUESTS = Number(process.env.BENCH_GUESTS ?? 5)
const MEM_MIB = Number(process.env.BENCH_MEM_MIB ?? 256)
const GOAL = 1.2
const FLAGS = ['--live', '--p2p', '--persistent', '--undefinesource', '--abort-on-error']

const stat = async (uri: string, name: string, key: string): Promise<number> => {
  const out = await virsh(uri, 'domstats', name, '--cpu-total', '--balloon')
  const m = new RegExp(`${key.replace('.', '\\.')}=(\\d+)`).exec(out)
  return m === null ? NaN : Number(m[1])
}

/** Until the guest's kernel has written its RAM (resident) and halted (CPU time stops). */
async function waitFilled (host: LabHost, name: string): Promise<void> {
  const end = Date.now() + 600_000
  let lastCpu = -1
  for (;;) {
    const rss = await stat(host.uri, name, 'balloon.rss')
    const cpu = await stat(host.uri, name, 'cpu.time')
    if (rss >= MEM_MIB * 1024 * 0.95 && lastCpu >= 0 && cpu - lastCpu < 20_000_000) return
    lastCpu = cpu
    if (Date.now() > end) throw new Error(`${name} did not fill its RAM in 600 s (rss ${rss} KiB)`)
    await sleep(1000)
  }
}

async function jobMs (uri: string, name: string): Promise<number> {
  const out = await virsh(uri, 'domjobinfo', name, '--completed').catch(() => '')
  const m = /Time elapsed:\s+(\d+)/.exec(out)
  return m === null ? NaN : Number(m[1])
}

async function timedVirsh (from: LabHost, to: LabHost, name: string): Promise<{ wallMs: number, jobMs: number }> {
  const t = performance.now()
  await virsh(from.uri, 'migrate', ...FLAGS, name, to.uri)
  const wallMs = performance.now() - t
  return { wallMs, jobMs: await jobMs(to.uri, name) }
}

const fmt = (ms: number): string => (ms / 1000).toFixed(2)

async function bench (hosts: LabHost[]): Promise<void> {
  const [h1, h2, h3] = hosts as [LabHost, LabHost, LabHost]
  const tag = `dvv${process.pid.toString(36)}`
  const names = Array.from({ length: GUESTS }, (_, i) => `${tag}-g${i + 1}`)
  const dir = mkdtempSync(join(tmpdir(), 'parley-drain-bench-'))
  let daemons: LabDaemon[] = []
  try {
    await removeGuests(hosts, names)
    const t0 = performance.now()
    for (const name of names) await startGuest(h1, name, guestXml(name, MEM_MIB, 'fill'))
    for (const name of names) await waitFilled(h1, name)
    console.log(`${GUESTS} guests of ${MEM_MIB} MiB on host 1, RAM filled and halted in ${fmt(performance.now() - t0)} s`)

    type Move = { wallMs: number, jobMs: number }
    const bare = new Map<string, Move[]>()
    for (const round of ['warm-up', 'timed'] as const) {
      for (const name of names) {
        const moves: Move[] = []
        for (const to of [h2, h3]) {
          moves.push(await timedVirsh(h1, to, name), await timedVirsh(to, h1, name))
        }
        if (round === 'timed') bare.set(name, moves)
        console.log(`  ${round === 'timed' ? '' : '(warm-up) '}virsh migrate ${name}: ${moves.map((m, i) => `${['1->2', '2->1', '1->3', '3->1'][i]} ${fmt(m.wallMs)} s (job ${fmt(m.jobMs)})`).join(', ')}`)
      }
    }
    const perGuest = (n: string): number => { const b = bare.get(n)!; return b.reduce((s, m) => s + m.wallMs, 0) / b.length }
    const virshSum = names.reduce((s, n) => s + perGuest(n), 0)

    // Halted guests still cost QEMU a little CPU, so host 1 is "loaded" against two empty hosts and
    // the balance policy would start moving them before the drain; an overload ratio above 3 (what
    // one host of 3 holding everything reaches) keeps balancing out of it. A drained host plays
    // overloaded whatever the ratio, so the drain path is the same.
    daemons = await startCluster(hosts, { dir, psk: writePsk(dir), flags: ['--overload-ratio', '4'], logLevel: process.env.BENCH_LOG_LEVEL ?? 'info' })
    await subscribeAll(daemons)
    // the drain needs host 1 connected to both peers and their load reports heard
    for (let i = 0; i < 300; i++) {
      const st = JSON.parse((await cli(daemons[0]!.socket, ['--json', 'status'])).stdout) as { peers: number }
      if (st.peers >= hosts.length - 1) break
      await sleep(200)
    }
    await sleep(3000)
    const placed = counts(hosts, await whereabouts(hosts, names))
    if (placed[0] !== GUESTS) throw new Error(`the guests moved before the drain (${placed.join('/')}): the cluster should be idle`)

    const r = await cli(daemons[0]!.socket, ['--json', 'drain', '--wait', '--deadline', '10m'], 700_000)
    const drainMs = r.ms
    const where = await whereabouts(hosts, names)
    const problems = exactlyOnceProblems(where)
    const result = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as { empty?: boolean, results?: Array<{ vm: string, outcome: string, to?: string }> }
    const migrated = daemons.flatMap(d => history(d).filter(l => l.msg === 'migration completed').map(l => ({ vm: String(l.domain), ms: Number(l.elapsedMs), to: String(l.peer) })))
    console.log(`parley drain --wait: exit ${r.status}, ${fmt(drainMs)} s, host 1 empty: ${result.empty === true}, placement after ${counts(hosts, where).join('/')}${problems.length > 0 ? `, PROBLEMS: ${problems.join('; ')}` : ''}`)
    for (const name of names) {
      const m = migrated.find(x => x.vm === name)
      console.log(`  ${name}: virsh (mean of 4) ${fmt(perGuest(name))} s; parleyd's migrate ${m === undefined ? 'n/a' : `${fmt(m.ms)} s to ${m.to}`}`)
    }
    // what happened when, from the daemons' logs (seconds after the CLI started)
    console.log('drain timeline (s after the CLI started):')
    for (const line of milestones(daemons, r.startedAt)) console.log(line)
    const ratio = drainMs / virshSum
    const ownSum = migrated.reduce((s, m) => s + m.ms, 0)
    console.log(`sum of bare virsh migrate (mean of 4 per guest): ${fmt(virshSum)} s`)
    console.log(`drain / virsh: ${ratio.toFixed(3)}  goal <= ${GOAL}  ${ratio <= GOAL ? 'MET' : 'MISSED'}`)
    console.log(`the drain's own migrations took ${fmt(ownSum)} s; the rest, ${fmt(drainMs - ownSum)} s, is the CLI, negotiation and waiting for partners (drain / own migrations ${(drainMs / ownSum).toFixed(3)})`)
    console.log(`load average at the end: ${loadavg().map(x => x.toFixed(1)).join(' ')} (the lab shares this machine's cores with other work)`)
    console.log(JSON.stringify({
      bench: 'drain-vs-virsh',
      guests: GUESTS,
      memMiB: MEM_MIB,
      drainMs: Math.round(drainMs),
      drainExit: r.status,
      empty: result.empty === true,
      exactlyOnce: problems.length === 0,
      virshSumMs: Math.round(virshSum),
      drainOwnMigrationsMs: Math.round(ownSum),
      ratio: Number(ratio.toFixed(3)),
      goal: GOAL,
      vms: names.map(n => ({
        vm: n,
        virshMs: bare.get(n)!.map(m => Math.round(m.wallMs)),
        virshJobMs: bare.get(n)!.map(m => m.jobMs),
        drainMigrateMs: Math.round(migrated.find(x => x.vm === n)?.ms ?? NaN),
        to: migrated.find(x => x.vm === n)?.to ?? null,
      })),
    }))
    if (r.status !== 0) console.log(`drain output:\n${r.stdout}${r.stderr}`)
    // every daemon log line, for a closer look (BENCH_LOG_LEVEL=debug BENCH_LOG_FILE=/tmp/drain.jsonl)
    if (process.env.BENCH_LOG_FILE !== undefined) {
      writeFileSync(process.env.BENCH_LOG_FILE, daemons.flatMap(d => history(d).map(l => JSON.stringify({ host: d.host.index, ...l }))).join('\n') + '\n')
    }
  } finally {
    stopAll()
    await removeGuests(hosts, names)
    rmSync(dir, { recursive: true, force: true })
  }
}

const lab = labSession(3)
if (typeof lab === 'string') {
  console.log(`drain-vs-virsh.bench: skipped: ${lab}`)
} else {
  try {
    await bench(lab.hosts)
  } finally {
    lab.close()
  }
}
