// One real parleyd process per KVM lab host (libvirt at the host's URI, libp2p on the host's
// loopback address), joined through host 1, and the real parley CLI against their sockets.
// Used by the KVM end-to-end test and the drain benchmark.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { cleanEnv, PARLEY, ROOT, startDaemon } from './daemon-harness.js'
import type { LogLine, RunningDaemon } from './daemon-harness.js'
import type { LabHost } from './kvm-lab.js'

export interface LabDaemon {
  readonly host: LabHost
  readonly socket: string
  readonly args: string[]
  /** Every process this daemon ran, the current one last (restart() adds one). */
  readonly runs: RunningDaemon[]
  /** Its libp2p addresses with /p2p/ id, from the ready line. */
  addresses: string[]
}

export const current = (d: LabDaemon): RunningDaemon => d.runs[d.runs.length - 1]!

/** Every log line of every process the daemon ran, in order. */
export const history = (d: LabDaemon): LogLine[] => d.runs.flatMap(r => r.logs)

export interface ClusterOptions {
  dir: string
  psk: string
  /** Extra parleyd flags for every host (policy figures). */
  flags: string[]
  logLevel?: string
}

function daemonArgs (host: LabHost, o: ClusterOptions, bootstrap: string[]): string[] {
  const dir = join(o.dir, `host${host.index}`)
  return [
    '--hypervisor', host.uri,
    '--listen', `/ip4/${host.addr}/tcp/0`,
    '--psk', o.psk,
    '--socket', join(dir, 'parley.sock'),
    '--data-dir', join(dir, 'data'),
    '--http', 'off',
    '--allow-im', 'balance',
    '--shutdown-timeout', '5s',
    '--log-level', o.logLevel ?? 'info',
    ...o.flags,
    ...bootstrap.flatMap(b => ['--bootstrap', b]),
  ]
}

async function launch (args: string[], readyMs: number): Promise<{ proc: RunningDaemon, addresses: string[] }> {
  const proc = startDaemon(args)
  const ready = await proc.waitForLog(l => l.msg === 'ready', readyMs)
  return { proc, addresses: Array.isArray(ready.addresses) ? ready.addresses as string[] : [] }
}

/** Starts parleyd on every host, host 1 first, the others bootstrapping to it. */
export async function startCluster (hosts: readonly LabHost[], o: ClusterOptions, readyMs = 60_000): Promise<LabDaemon[]> {
  const out: LabDaemon[] = []
  let bootstrap: string[] = []
  for (const host of hosts) {
    const args = daemonArgs(host, o, bootstrap)
    const { proc, addresses } = await launch(args, readyMs)
    const d: LabDaemon = { host, socket: join(o.dir, `host${host.index}`, 'parley.sock'), args, runs: [proc], addresses }
    out.push(d)
    if (bootstrap.length === 0) bootstrap = addresses.filter(a => a.includes(`/ip4/${host.addr}/`))
  }
  return out
}

/** Starts the daemon again with the same flags, data dir and socket (after a kill). */
export async function restart (d: LabDaemon, readyMs = 60_000): Promise<void> {
  const { proc, addresses } = await launch(d.args, readyMs)
  d.runs.push(proc)
  d.addresses = addresses
}

export interface CliResult { status: number | null, stdout: string, stderr: string, ms: number, startedAt: number }

/** Runs the parley CLI (a separate process, as an operator would). */
export async function cli (socket: string, args: string[], timeoutMs = 300_000): Promise<CliResult> {
  const started = performance.now()
  const startedAt = Date.now()
  const child = spawn(process.execPath, [PARLEY, '--socket', socket, ...args], { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (b: Buffer) => { stdout += b.toString() })
  child.stderr.on('data', (b: Buffer) => { stderr += b.toString() })
  const timer = setTimeout(() => { child.kill('SIGKILL') }, timeoutMs)
  const status = await new Promise<number | null>(resolve => { child.once('close', code => { resolve(code) }) })
  clearTimeout(timer)
  return { status, stdout, stderr, ms: performance.now() - started, startedAt }
}

/** Subscribes every daemon to ims/balance.lcc through the CLI. */
export async function subscribeAll (daemons: readonly LabDaemon[]): Promise<void> {
  for (const d of daemons) {
    const r = await cli(d.socket, ['subscribe', join(ROOT, 'ims', 'balance.lcc')], 60_000)
    if (r.status !== 0) throw new Error(`host${d.host.index}: parley subscribe failed (${r.status}): ${r.stdout}${r.stderr}`)
  }
}

/** Log lines of every daemon whose msg is `msg`, with the host index. */
export function logged (daemons: readonly LabDaemon[], msg: string): Array<LogLine & { hostIndex: number }> {
  return daemons.flatMap(d => history(d).filter(l => l.msg === msg).map(l => ({ ...l, hostIndex: d.host.index })))
}

const MILESTONES = new Set(['drain started', 'cordoned', 'uncordoned', 'interaction started', 'invitation accepted; lease granted', 'migration started',
  'migration completed', 'interaction ended', 'interaction aborted', 'drain finished: the host is empty'])

/** What the daemons did from `sinceMs` (epoch ms) on, as lines "  S.SS  hostI msg [domain]", S seconds after it. */
export function milestones (daemons: readonly LabDaemon[], sinceMs: number): string[] {
  return daemons.flatMap(d => history(d)
    .filter(l => MILESTONES.has(String(l.msg)) && Date.parse(String(l.time)) >= sinceMs - 1000)
    .map(l => ({ at: (Date.parse(String(l.time)) - sinceMs) / 1000, line: `host${d.host.index} ${String(l.msg)}${l.domain === undefined ? '' : ` ${String(l.domain)}`}` })))
    .sort((a, b) => a.at - b.at)
    .map(e => `  ${e.at.toFixed(2).padStart(6)}  ${e.line}`)
}
