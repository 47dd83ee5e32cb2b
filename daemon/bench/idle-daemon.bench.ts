// An idle parleyd's footprint: resident memory and CPU over 60 s, from /proc/<pid>/status and
// /proc/<pid>/stat. Goals (issue 5): < 120 MB RSS, < 1% of one CPU.
//
// Three daemons run side by side for the same window (memory hypervisors, so no KVM is needed;
// /metrics served on a loopback port as by default):
//   alone   one parleyd subscribed to ims/balance.lcc, no peer (its own cluster key);
//   pair    two parleyd on one cluster key, connected, both subscribed: each samples its load,
//           gossips it and runs the balance IM's local loop with a partner in view.
//   kvm     (when PARLEY_LAB_HOSTS says the KVM lab is up) one parleyd on lab host 1 through
//           libvirt, with two halted guests, subscribed: the real backend's sampling.
// Each memory host holds two VMs with a steady CPU demand, balanced, so nothing moves.
// BENCH_IDLE_S changes the window (default 60).
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { baseArgs, parley, PARLEYD, ROOT, startReady, stopAll, writePsk } from '../test/daemon-harness.js'
import type { RunningDaemon } from '../test/daemon-harness.js'
import { guestXml, labHosts, removeGuests, startGuest } from '../test/kvm-lab.js'
import type { LabHost } from '../test/kvm-lab.js'

const WINDOW_S = Number(process.env.BENCH_IDLE_S ?? 60)
const RSS_GOAL_MB = 120
const CPU_GOAL_PCT = 1
const TICK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100

interface Proc { label: string, d: RunningDaemon }

// parleyd runs as installed: with the Node flags of its #! line (the harness starts `node main.js`,
// which would skip them), passed through NODE_OPTIONS.
const shebang = readFileSync(PARLEYD, 'utf8').split('\n', 1)[0] ?? ''
const NODE_FLAGS = /^#!\S*env\s+(?:-S\s+)?node\b\s*(.*)$/.exec(shebang)?.[1]?.trim() ?? ''

/** utime + stime of a process, in seconds. */
function cpuSeconds (pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / TICK // fields 14 and 15 of proc(5), after pid and comm
}

function statusKb (pid: number, key: string): number {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m === null ? NaN : Number(m[1])
}

const sleep = async (ms: number): Promise<void> => await new Promise(resolve => setTimeout(resolve, ms))
const mb = (kb: number): string => (kb / 1024).toFixed(1)

async function start (dir: string, name: string, psk: string, bootstrap: string[], lab?: LabHost): Promise<RunningDaemon> {
  const args = [
    ...baseArgs(join(dir, name), psk, `${name}?cpus=8&demand=0.5&vms=${name}-web:2:2048,${name}-db:2:1024`),
    '--allow-im', 'balance', '--log-level', 'info',
    ...bootstrap.flatMap(b => ['--bootstrap', b]),
  ]
  if (lab !== undefined) args.splice(0, 2, '--hypervisor', lab.uri)
  const d = await startReady(args, NODE_FLAGS === '' ? {} : { NODE_OPTIONS: NODE_FLAGS })
  const r = await parley('--socket', d.socket, 'subscribe', join(ROOT, 'ims', 'balance.lcc'))
  if (r.status !== 0) throw new Error(`subscribe failed: ${r.stdout}${r.stderr}`)
  return d
}

const dir = mkdtempSync(join(tmpdir(), 'parley-idle-bench-'))
const lab = labHosts(1)
const guests = [`idle${process.pid.toString(36)}-a`, `idle${process.pid.toString(36)}-b`]
try {
  const keyDir = (name: string): string => { const d = join(dir, name); mkdirSync(d); return d }
  const alone = await start(dir, 'alone', writePsk(keyDir('alone-key')), [])
  const pairKey = writePsk(keyDir('pair-key'))
  const p1 = await start(dir, 'pair1', pairKey, [])
  const ready1 = p1.logs.find(l => l.msg === 'ready')
  const p2 = await start(dir, 'pair2', pairKey, (ready1?.addresses as string[] | undefined) ?? [])
  for (let i = 0; i < 100; i++) {
    const st = await parley('--json', '--socket', p2.socket, 'status')
    if ((JSON.parse(st.stdout) as { peers: number }).peers >= 1) break
    await sleep(200)
  }
  const procs: Proc[] = [{ label: 'alone', d: alone }, { label: 'pair1', d: p1 }, { label: 'pair2', d: p2 }]
  if (typeof lab === 'string') {
    console.log(`(no kvm variant: ${lab})`)
  } else {
    for (const g of guests) await startGuest(lab[0]!, g, guestXml(g, 64, 'halt'))
    procs.push({ label: 'kvm', d: await start(dir, 'kvm', writePsk(keyDir('kvm-key')), [], lab[0]) })
  }
  // let start-up work (DHT bootstrap, first samples, JIT) settle before the window opens
  await sleep(10_000)
  const cpu0 = procs.map(p => cpuSeconds(p.d.proc.pid!))
  const rss: number[][] = procs.map(() => [])
  const t0 = performance.now()
  while (performance.now() - t0 < WINDOW_S * 1000) {
    procs.forEach((p, i) => rss[i]!.push(statusKb(p.d.proc.pid!, 'VmRSS')))
    await sleep(1000)
  }
  const wallS = (performance.now() - t0) / 1000
  const results = procs.map((p, i) => {
    const pid = p.d.proc.pid!
    const cpuPct = (cpuSeconds(pid) - cpu0[i]!) / wallS * 100
    const r = rss[i]!
    return {
      daemon: p.label,
      pid,
      rssMeanKb: Math.round(r.reduce((a, b) => a + b, 0) / r.length),
      rssMaxKb: Math.max(...r),
      hwmKb: statusKb(pid, 'VmHWM'),
      cpuPct: Number(cpuPct.toFixed(3)),
      logLines: p.d.logs.length,
    }
  })
  console.log(`idle parleyd over ${wallS.toFixed(1)} s (subscribed to ims/balance.lcc, sample interval 1 s; node ${NODE_FLAGS || '(no flags)'}, from its #! line):`)
  for (const r of results) {
    console.log(`  ${r.daemon.padEnd(6)} RSS mean ${mb(r.rssMeanKb)} MB, max ${mb(r.rssMaxKb)} MB (peak since start ${mb(r.hwmKb)} MB); CPU ${r.cpuPct.toFixed(2)}% of one core` +
      `  goals < ${RSS_GOAL_MB} MB ${r.rssMaxKb / 1024 < RSS_GOAL_MB ? 'MET' : 'MISSED'}, < ${CPU_GOAL_PCT}% ${r.cpuPct < CPU_GOAL_PCT ? 'MET' : 'MISSED'}`)
  }
  console.log(JSON.stringify({ bench: 'idle-daemon', windowS: Number(wallS.toFixed(1)), nodeFlags: NODE_FLAGS, goals: { rssMb: RSS_GOAL_MB, cpuPct: CPU_GOAL_PCT }, results }))
} finally {
  stopAll()
  if (typeof lab !== 'string') await removeGuests(lab, guests)
  rmSync(dir, { recursive: true, force: true })
}
