// Starts a real parleyd (this Node binary, memory hypervisor, libp2p on 127.0.0.1) for tests, reads
// its JSON log lines, and stops it. Every daemon started is killed by stopAll() in an after hook.
import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { generateSwarmKey } from '@parley/discovery'

const here = dirname(fileURLToPath(import.meta.url))
export const PARLEYD = join(here, '..', 'src', 'daemon', 'main.js')
export const PARLEY = join(here, '..', 'src', 'cli', 'main.js')
export const ROOT = join(here, '..', '..', '..')

export type LogLine = Record<string, unknown> & { msg?: string, level?: string }

export interface RunningDaemon {
  proc: ChildProcess
  socket: string
  logs: LogLine[]
  stderr: () => string
  waitForLog: (pred: (l: LogLine) => boolean, timeoutMs?: number) => Promise<LogLine>
  exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }>
}

const running = new Set<ChildProcess>()

/** A clean environment: no PARLEY_* configuration leaks in from the caller. */
export function cleanEnv (extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !(k.startsWith('PARLEY_') && k !== 'PARLEY_LAB_HOSTS' && k !== 'PARLEY_LAB_SKIP_REASON') && k !== 'NOTIFY_SOCKET') env[k] = v
  }
  return { ...env, ...extra }
}

export function writePsk (dir: string): string {
  const path = join(dir, 'swarm.key')
  writeFileSync(path, generateSwarmKey() + '\n', { mode: 0o600 })
  return path
}

export function baseArgs (dir: string, psk: string, host = 'h1?vms=web:2:2048,db:1:1024:off'): string[] {
  return [
    '--hypervisor', `memory://${host}`,
    '--listen', '/ip4/127.0.0.1/tcp/0',
    '--psk', psk,
    '--socket', join(dir, 'parley.sock'),
    '--data-dir', join(dir, 'data'),
    '--http', '127.0.0.1:0',
    '--shutdown-timeout', '5s',
  ]
}

export function startDaemon (args: string[], env: Record<string, string> = {}): RunningDaemon {
  const proc = spawn(process.execPath, [PARLEYD, ...args], { env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] })
  running.add(proc)
  const logs: LogLine[] = []
  const waiters = new Set<() => void>()
  let buf = ''
  let err = ''
  proc.stdout!.on('data', (d: Buffer) => {
    buf += d.toString()
    let nl
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl)
      buf = buf.slice(nl + 1)
      try { logs.push(JSON.parse(line) as LogLine) } catch { logs.push({ msg: `UNPARSED ${line}` }) }
      for (const w of waiters) w()
    }
  })
  proc.stderr!.on('data', (d: Buffer) => { err += d.toString() })
  const exited = new Promise<{ code: number | null, signal: NodeJS.Signals | null }>(resolve => {
    proc.once('exit', (code, signal) => { running.delete(proc); for (const w of waiters) w(); resolve({ code, signal }) })
  })
  const socketIndex = args.indexOf('--socket')
  return {
    proc,
    socket: socketIndex >= 0 ? args[socketIndex + 1]! : '/run/parley/parley.sock',
    logs,
    stderr: () => err,
    exited,
    waitForLog: async (pred, timeoutMs = 30_000) => await new Promise((resolve, reject) => {
      const check = (): void => {
        const hit = logs.find(pred)
        if (hit !== undefined) { cleanup(); resolve(hit); return }
        if (proc.exitCode !== null || proc.signalCode !== null) { cleanup(); reject(new Error(`parleyd exited (${proc.exitCode ?? proc.signalCode}) first; stderr: ${err}`)) }
      }
      const timer = setTimeout(() => { cleanup(); reject(new Error(`no matching log line within ${timeoutMs} ms; last: ${JSON.stringify(logs.slice(-3))}; stderr: ${err}`)) }, timeoutMs)
      const cleanup = (): void => { clearTimeout(timer); waiters.delete(check) }
      waiters.add(check)
      check()
    }),
  }
}

export async function startReady (args: string[], env: Record<string, string> = {}): Promise<RunningDaemon> {
  const d = startDaemon(args, env)
  await d.waitForLog(l => l.msg === 'ready')
  return d
}

export function stopAll (): void {
  for (const p of running) p.kill('SIGKILL')
  running.clear()
}

export interface CliRun { status: number | null, stdout: string, stderr: string }

/** Runs the parley CLI without blocking this process (the daemon's log pipe keeps draining). */
export async function parley (...args: string[]): Promise<CliRun> {
  const child = spawn(process.execPath, [PARLEY, ...args], { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  const timer = setTimeout(() => { child.kill('SIGKILL') }, 60_000)
  const status = await new Promise<number | null>(resolve => { child.once('close', code => { resolve(code) }) })
  clearTimeout(timer)
  return { status, stdout, stderr }
}

/** systemd-notify sends the messages, python3 plays the manager's datagram socket. */
export const haveNotify = spawnSync('sh', ['-c', 'command -v systemd-notify && command -v python3'], { encoding: 'utf8' }).status === 0

export interface FakeNotifySocket { child: ChildProcess, messages: string[] }

/** A fake NOTIFY_SOCKET: a python datagram receiver printing each message as a JSON string a line. */
export async function fakeNotifySocket (path: string): Promise<FakeNotifySocket> {
  const py = 'import socket,sys,json\ns=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)\ns.bind(sys.argv[1])\nprint("bound",flush=True)\nwhile True:\n  print(json.dumps(s.recv(65536).decode()),flush=True)\n'
  const child = spawn('python3', ['-c', py, path], { stdio: ['ignore', 'pipe', 'inherit'] })
  const messages: string[] = []
  let buf = ''
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString()
      let nl
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl)
        buf = buf.slice(nl + 1)
        if (line === 'bound') resolve()
        else messages.push(JSON.parse(line) as string)
      }
    })
    child.once('exit', () => { reject(new Error('the fake notify socket exited')) })
  })
  return { child, messages }
}
