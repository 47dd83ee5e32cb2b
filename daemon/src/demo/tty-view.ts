// On a terminal: a table of per-host load redrawn in place (host, VMs, cores, load, a bar with the
// band marked, role), a line above it per move as it happens, and a summary at the end.
import type { DemoEvent } from './moves.js'
import type { HostSnapshot, Snapshot } from './snapshot.js'
import { withinBand } from './snapshot.js'
import type { DemoView, StartInfo, Summary } from './view.js'

const MAX_BAR = 40
/** Visible width of a row without its bar and role: " h1    16   13.0   81%  " and "  ". */
const ROW_FIXED = 25
const ESC = '\x1b['
const color = (code: number, s: string): string => `${ESC}${code}m${s}${ESC}0m`
const green = (s: string): string => color(32, s)
const red = (s: string): string => color(31, s)
const yellow = (s: string): string => color(33, s)
const dim = (s: string): string => color(2, s)
const bold = (s: string): string => color(1, s)
const pct = (x: number): string => `${Math.round(x * 100)}%`
const secs = (ms: number): string => `${(ms / 1000).toFixed(1)}s`

/**
 * The load bar from 0 to `full` (a load; fixed for the run so bars compare over time), with the band
 * [under x mean, over x mean] marked ┆.
 */
function bar (load: number, mean: number, band: { under: number, over: number }, width: number, full: number): string {
  const at = (x: number): number => Math.round(Math.min(1, x / full) * width)
  const filled = at(load)
  const lo = at(band.under * mean)
  const hi = at(band.over * mean)
  let s = ''
  for (let i = 0; i < width; i++) {
    const edge = mean > 0 && (i === lo || i === hi)
    s += i < filled ? (edge ? '▓' : '█') : (edge ? '┆' : dim('·'))
  }
  return s
}

interface Layout { bar: number, role: number, full: number }

/** Fits a row to the terminal: a line that wrapped would break the redraw in place. */
function layout (terminalColumns: number, full: number): Layout {
  const columns = terminalColumns > 0 ? terminalColumns : 100
  const bar = Math.max(10, Math.min(MAX_BAR, columns - ROW_FIXED - 30))
  // one column spare: a line exactly as wide as the terminal wraps on some of them
  return { bar, role: Math.max(8, columns - ROW_FIXED - bar - 2), full }
}

function row (h: HostSnapshot, mean: number, band: { under: number, over: number }, fit: Layout): string {
  const state = withinBand(h.load, mean, band) ? green : h.load > mean ? red : yellow
  const phase = h.phase === 'local' || h.phase === '-' ? '' : ` ${h.phase}`
  const mark = h.migrating ? ' ⇄' : ''
  let role = h.role + phase + mark
  if (role.length > fit.role) role = role.slice(0, fit.role - 1) + '…'
  const roleShown = role.startsWith(h.role + phase) ? h.role + dim(phase) + yellow(role.slice((h.role + phase).length)) : role
  return ` ${bold(h.host.padEnd(4))} ${String(h.vms).padStart(3)}  ${h.cores.toFixed(1).padStart(5)} ${state(pct(h.load).padStart(5))}  ${state(bar(h.load, mean, band, fit.bar, fit.full))}  ${roleShown}`
}

function table (s: Snapshot, band: { under: number, over: number }, fit: Layout): string {
  const lines = [
    dim(` host  VMs  cores  load  ${'0%'.padEnd(fit.bar - 4)}${pct(fit.full).padStart(4)}  role`),
    ...s.hosts.map(h => row(h, s.mean, band, fit)),
    ` mean ${pct(s.mean)}   band ${pct(band.under * s.mean)}–${pct(band.over * s.mean)}   ${s.inBand ? green('in band') : red('out of band')}   ${dim(`t=${secs(s.t)}`)}`,
  ]
  return lines.join('\n') + '\n'
}

function eventLine (e: DemoEvent): string {
  const at = dim(`[${secs(e.t).padStart(6)}]`)
  if (e.type === 'migration') return `${at} ${green('moved')}  ${e.vm.padEnd(7)} ${e.from} → ${e.to}  ${e.cores} core(s)  ${dim(`interaction ${e.interaction}`)}\n`
  if (e.type === 'migration-failed') return `${at} ${red('failed')} ${e.vm.padEnd(7)} ${e.from} → ${e.to}  ${e.code}: ${e.reason}  ${dim(`interaction ${e.interaction}`)}\n`
  return `${at} ${yellow('aborted')} interaction ${e.interaction} on ${e.host}: ${e.code}\n`
}

/** `columns`: the terminal's width now (it may change while the demo runs). */
export function ttyView (write: (text: string) => void, columns: () => number): DemoView {
  let shown = ''
  let band = { under: 0.8, over: 1.2 }
  /** The bar's full scale: the busiest host at the start, rounded up to 10 %. */
  let full = 0
  const fit = (s: Snapshot): Layout => {
    if (full === 0) full = Math.min(1, Math.max(0.1, Math.ceil(Math.max(...s.hosts.map(h => h.load)) * 10) / 10))
    return layout(columns(), full)
  }
  const erase = (): void => {
    const height = shown.split('\n').length - 1
    if (height > 0) write(`${ESC}${height}A${ESC}J`)
  }
  const above = (text: string): void => { erase(); write(text); write(shown) }
  return {
    started: (info: StartInfo) => {
      band = info.band
      write(`${bold('Parley demo')}: ${info.hosts.length} parleyd hosts on real libp2p (127.0.0.1, fresh PSK), memory hypervisors, IM ${info.im}\n`)
      for (const h of info.hosts) write(`  ${bold(h.name)} ${h.cpus} cores, ${h.vms} VMs  ${dim(h.address)}\n`)
      write(`  started in ${secs(info.startupMs)}; logs: ${info.logFile}\n`)
      write(`  try: pnpm parley --socket ${info.hosts[0]?.socket ?? ''} status\n`)
      write(`  until every host is within ${info.band.under}–${info.band.over} × the mean load (at most ${secs(info.timeoutMs)}); Ctrl-C stops\n\n`)
    },
    frame: s => { erase(); shown = table(s, band, fit(s)); write(shown) },
    event: e => {
      // "no partner accepted" repeats every few hundred ms while a host waits; the summary counts it
      if (e.type === 'interaction-aborted' && e.code === 'RT_NO_PARTNER') return
      above(eventLine(e))
    },
    note: text => { above(`${dim(text)}\n`) },
    finished: (s: Summary) => {
      erase()
      shown = ''
      write(table(s.final, band, fit(s.final)))
      const head = s.outcome === 'balanced'
        ? green(`balanced in ${secs(s.elapsedMs)}`)
        : s.outcome === 'timeout' ? red(`not balanced after ${secs(s.elapsedMs)}: gave up`) : yellow(`interrupted after ${secs(s.elapsedMs)}`)
      write(`\n${bold(head)}: ${s.migrations.length} migration(s)${s.failedMigrations > 0 ? `, ${s.failedMigrations} failed` : ''}${s.abortedInteractions > 0 ? `, ${s.abortedInteractions} interaction(s) aborted` : ''}\n`)
      const figures = (h: HostSnapshot): string => `${String(h.vms).padStart(3)} VMs ${h.cores.toFixed(1).padStart(5)} cores ${pct(h.load).padStart(4)}`
      write(dim(` host  ${'before'.padEnd(24)}after`) + '\n')
      for (const h of s.final.hosts) {
        const b = s.initial.find(x => x.host === h.host)
        write(` ${h.host.padEnd(4)} ${(b === undefined ? '?' : figures(b)).padEnd(24)} ${figures(h)}\n`)
      }
      write(dim(` mean ${pct(s.final.mean)}, band ${s.band.under}–${s.band.over} × mean = ${pct(s.band.under * s.final.mean)}–${pct(s.band.over * s.final.mean)}`) + '\n')
      if (s.migrations.length > 0) write(dim(' moves: ') + s.migrations.map(m => `${m.vm} ${m.from}→${m.to}`).join(', ') + '\n')
      if (s.lateStops.length > 0) write(red(` did not stop in time: ${s.lateStops.join(', ')}`) + '\n')
      write(dim(` logs: ${s.logFile}`) + '\n')
    },
  }
}
