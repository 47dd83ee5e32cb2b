// `pnpm demo` end to end: the real entry point in a child process (stdout a pipe, so JSON lines),
// four parleyd on real libp2p balancing through ims/balance.lcc; also its usage error and Ctrl-C.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cleanEnv, ROOT } from './daemon-harness.js'

const DEMO = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'demo', 'main.js')

type Line = Record<string, any>
interface DemoRun { code: number | null, signal: NodeJS.Signals | null, lines: Line[], stdout: string, stderr: string }

/** Runs the demo; `onLine` may act on the child (e.g. interrupt it). Killed after `limitMs`. */
async function runDemo (args: string[], limitMs: number, onLine: (l: Line, kill: (s: NodeJS.Signals) => void) => void = () => {}): Promise<DemoRun> {
  const child = spawn(process.execPath, [DEMO, ...args], { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
  const lines: Line[] = []
  let stdout = ''
  let stderr = ''
  let buf = ''
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString()
    buf += d.toString()
    let nl
    while ((nl = buf.indexOf('\n')) >= 0) {
      const text = buf.slice(0, nl)
      buf = buf.slice(nl + 1)
      const l = JSON.parse(text) as Line // a line that is not JSON fails the test here
      lines.push(l)
      onLine(l, s => { child.kill(s) })
    }
  })
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  const timer = setTimeout(() => { child.kill('SIGKILL') }, limitMs)
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(resolve => { child.once('close', (c, s) => { resolve([c, s]) }) })
  clearTimeout(timer)
  return { code, signal, lines, stdout, stderr }
}

const within = (load: number, mean: number, band: { under: number, over: number }): boolean =>
  load / mean >= band.under - 1e-9 && load / mean <= band.over + 1e-9

test('pnpm demo balances the skewed cluster on real libp2p and exits 0 with a summary in band', { timeout: 180_000 }, async () => {
  const r = await runDemo([], 170_000)
  assert.equal(r.code, 0, `exit ${r.code ?? r.signal}; stderr: ${r.stderr}; last: ${r.stdout.slice(-2000)}`)

  const start = r.lines[0]!
  assert.equal(start.type, 'start')
  assert.equal(start.hosts.length, 4)
  for (const h of start.hosts) assert.match(h.address, /^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/12D3KooW/)
  assert.equal(new Set(start.hosts.map((h: Line) => h.peerId)).size, 4, 'four distinct libp2p identities')
  assert.match(start.logFile, /parley-demo-.*demo\.log$/)

  const loads = r.lines.filter(l => l.type === 'load')
  assert.ok(loads.length >= 2)
  assert.equal(loads[0]!.inBand, false, 'the demo starts out of band')
  const h1 = loads[0]!.hosts.find((h: Line) => h.host === 'h1')
  assert.ok(loads[0]!.hosts.every((h: Line) => h.host === 'h1' || h.vms < h1.vms), 'most VMs start on h1')

  const moves = r.lines.filter(l => l.type === 'migration')
  assert.ok(moves.length >= 1, 'at least one migration')
  for (const m of moves) {
    assert.notEqual(m.from, m.to)
    assert.match(m.from, /^h[1-4]$/)
    assert.match(m.to, /^h[1-4]$/)
    assert.equal(typeof m.interaction, 'string')
    assert.ok(m.interaction.length > 0)
  }

  const summary = r.lines.at(-1)!
  assert.equal(summary.type, 'summary')
  assert.equal(summary.outcome, 'balanced')
  assert.deepEqual(summary.migrations, moves)
  assert.deepEqual(summary.lateStops, [], 'every host (and its libp2p node) stopped in time')
  const final = summary.final.hosts as Line[]
  const mean = final.reduce((s, h) => s + h.cores / h.cpus, 0) / final.length
  for (const h of final) assert.ok(within(h.cores / h.cpus, mean, summary.band), `${h.host} at ${h.load} is outside the band around ${mean}`)
  const count = (hosts: Line[]): number => hosts.reduce((s, h) => s + h.vms, 0)
  assert.equal(count(final), count(summary.initial), 'no VM lost or duplicated')
  // each host's VM count changed exactly by the moves in and out of it
  for (const h of final) {
    const before = (summary.initial as Line[]).find(x => x.host === h.host)!.vms
    const delta = moves.filter(m => m.to === h.host).length - moves.filter(m => m.from === h.host).length
    assert.equal(h.vms, before + delta, `${h.host}: ${before} VMs + ${delta} moves`)
  }
})

test('pnpm demo --timeout abc: a usage error with a code and a hint, exit 2', { timeout: 30_000 }, async () => {
  const r = await runDemo(['--timeout', 'abc'], 25_000)
  assert.equal(r.code, 2)
  assert.equal(r.stdout, '')
  assert.match(r.stderr, /^parley demo: error PARLEY_DEMO_USAGE: --timeout abc .*\(hint: usage: pnpm demo/)
})

test('Ctrl-C in the middle of an interaction stops the demo cleanly: every host stopped in time, a summary, exit 130', { timeout: 90_000 }, async () => {
  let sent = false
  const r = await runDemo([], 85_000, (l, kill) => {
    // the first move of an interaction that moves several: the interaction is still running
    if (!sent && l.type === 'migration') { sent = true; kill('SIGINT') }
  })
  assert.ok(sent, 'no migration to interrupt')
  assert.equal(r.code, 130, `exit ${r.code ?? r.signal}; stderr: ${r.stderr}`)
  const summary = r.lines.at(-1)!
  assert.equal(summary.type, 'summary')
  assert.equal(summary.outcome, 'interrupted')
  assert.deepEqual(summary.lateStops, [])
})

test('not balanced by --timeout: a summary with outcome timeout, a clear line on stderr, exit 1', { timeout: 60_000 }, async () => {
  const r = await runDemo(['--timeout', '1'], 55_000)
  assert.equal(r.code, 1, `exit ${r.code ?? r.signal}; stderr: ${r.stderr}`)
  const summary = r.lines.at(-1)!
  assert.equal(summary.type, 'summary')
  assert.equal(summary.outcome, 'timeout')
  assert.equal(summary.final.inBand, false)
  assert.deepEqual(summary.lateStops, [])
  assert.match(r.stderr, /^parley demo: the hosts were not within the band after \d+s \(hint: see \/.*demo\.log\)\n$/)
})
