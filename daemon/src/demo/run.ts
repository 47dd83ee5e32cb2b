// One demo run: start the cluster, sample it every half second for the view, and end when every
// host has been in band with nothing in flight for two samples in a row, at the deadline, or when
// `signal` aborts. The hosts are then stopped (each within a bound) and the summary shown.
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { pino } from 'pino'
import { createLogging } from '../daemon/logging.js'
import { startCluster } from './cluster.js'
import { DemoError } from './errors.js'
import { followMoves } from './moves.js'
import type { DemoEvent } from './moves.js'
import { demoScenario } from './scenario.js'
import { takeSnapshot } from './snapshot.js'
import type { Snapshot } from './snapshot.js'
import type { DemoView, Outcome, Summary } from './view.js'

const FRAME_MS = 500
/** Samples in a row that must find the cluster in band and quiet. */
const SETTLED_FRAMES = 2
const STOP_TIMEOUT_MS = 5000
const IM_NAME = 'balance'

export interface RunInit { timeoutMs: number, signal: AbortSignal, view: DemoView }

function readBalanceIm (): { path: string, text: string } {
  // dist/src/demo/run.js -> the repository's ims/
  const path = fileURLToPath(new URL('../../../../ims/balance.lcc', import.meta.url))
  try {
    return { path, text: readFileSync(path, 'utf8') }
  } catch (e) {
    throw new DemoError('PARLEY_DEMO_IM_MISSING', `cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, 'run the demo from a checkout of the repository: pnpm demo')
  }
}

export async function runDemo ({ timeoutMs, signal, view }: RunInit): Promise<Summary> {
  const scenario = demoScenario()
  const im = readBalanceIm()
  const dir = mkdtempSync(join(tmpdir(), 'parley-demo-'))
  const logFile = join(dir, 'demo.log')
  const logging = createLogging('info', pino.destination({ dest: logFile, sync: true }))
  const bootAt = Date.now()
  const cluster = await startCluster({ scenario, dir, imText: im.text, imName: IM_NAME, logging, logFile })
  const startedAt = Date.now()
  view.started({
    logFile, dir, im: im.path, band: scenario.band, timeoutMs, startupMs: startedAt - bootAt,
    hosts: cluster.hosts.map((h, i) => ({
      name: h.name, peerId: h.daemon.host.discovery.peerId, address: h.daemon.host.discovery.addresses()[0] ?? '',
      socket: h.socket, cpus: scenario.hosts[i]!.cpus, vms: scenario.hosts[i]!.vms.length,
    })),
  })
  const events: DemoEvent[] = []
  const stopFollowing = followMoves(cluster, startedAt, e => { events.push(e); view.event(e) })
  const snap = async (): Promise<Snapshot> => await takeSnapshot(cluster, scenario.demand, scenario.band, Date.now() - startedAt)

  let outcome: Outcome = 'timeout'
  let last = await snap()
  const initial = last.hosts
  view.frame(last)
  let settled = 0
  while (true) {
    await sleep(FRAME_MS, signal)
    if (signal.aborted) { outcome = 'interrupted'; break }
    last = await snap()
    view.frame(last)
    settled = last.inBand && !last.busy ? settled + 1 : 0
    if (settled >= SETTLED_FRAMES) { outcome = 'balanced'; break }
    if (last.t >= timeoutMs) { outcome = 'timeout'; break }
  }
  const elapsedMs = Date.now() - startedAt
  view.note(`stopping ${cluster.hosts.length} hosts (libp2p nodes included, at most ${STOP_TIMEOUT_MS / 1000}s each)…`)
  // still following: an interaction under way gets parleyd's shutdown timeout to finish its moves
  const { late } = await cluster.stop(outcome === 'interrupted' ? 'demo interrupted' : 'demo over', STOP_TIMEOUT_MS)
  stopFollowing()
  const summary: Summary = {
    outcome,
    elapsedMs,
    migrations: events.filter((e): e is Extract<DemoEvent, { type: 'migration' }> => e.type === 'migration'),
    failedMigrations: events.filter(e => e.type === 'migration-failed').length,
    abortedInteractions: events.filter(e => e.type === 'interaction-aborted').length,
    initial,
    final: last,
    band: scenario.band,
    lateStops: late,
    logFile,
  }
  view.finished(summary)
  return summary
}

async function sleep (ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return
  await new Promise<void>(resolve => {
    const done = (): void => { clearTimeout(timer); signal.removeEventListener('abort', done); resolve() }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
  })
}
