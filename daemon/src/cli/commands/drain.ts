// parley drain [--deadline D] [--dry-run] [--force] [--wait]: cordon this host and move its VMs away
// (it plays overloaded until it is empty). A progress bar on a terminal, JSON lines otherwise.
import type { Command } from 'commander'
import { parseDuration } from '../../config/index.js'
import type { DrainEvent, DrainResult, DrainVmResult } from '../../control/index.js'
import type { CommandModule } from '../command-module.js'
import type { CliContext } from '../context.js'
import { UsageError } from '../usage-error.js'
import { printError, withDaemon } from '../client/daemon.js'
import { DAEMON_EXIT } from '../client/exit.js'
import { progressBar } from '../client/progress.js'

interface DrainFlags { deadline?: string, dryRun?: boolean, force?: boolean, wait?: boolean }

export function resultLine (r: DrainVmResult): string {
  switch (r.outcome) {
    case 'moved': return `${r.vm}: moved${r.to === undefined ? '' : ` to ${r.to}`}`
    case 'would-move': return `${r.vm}: would move${r.reason === undefined ? '' : ` (${r.reason})`}`
    case 'unplaced': return `${r.vm}: cannot be placed: ${r.reason ?? 'no reason given'}`
    case 'failed': return `${r.vm}: failed: ${r.reason ?? 'no reason given'}`
    case 'stopped': return `${r.vm}: not moved: ${r.reason ?? 'the drain stopped'}`
  }
}

function exitStatus (r: DrainResult): number {
  if (r.dryRun) return r.results.some(x => x.outcome === 'unplaced') ? DAEMON_EXIT.refused : DAEMON_EXIT.ok
  if (!r.started) return DAEMON_EXIT.refused
  if (r.empty) return DAEMON_EXIT.ok
  return r.finished ? DAEMON_EXIT.refused : DAEMON_EXIT.inProgress
}

function summary (r: DrainResult): string {
  const unplaced = r.results.filter(x => x.outcome !== 'moved' && x.outcome !== 'would-move').length
  if (r.dryRun) return `dry run: ${r.total} VM${r.total === 1 ? '' : 's'}, ${r.total - unplaced} could move, ${unplaced} cannot be placed; nothing changed`
  if (!r.started) return `drain not started: ${unplaced} VM${unplaced === 1 ? '' : 's'} cannot be placed (pass --force to cordon and move the others)`
  if (r.empty) return `the host is empty (${r.total} VM${r.total === 1 ? '' : 's'} moved); it stays cordoned until parley uncordon`
  if (!r.finished) return 'the host is cordoned and draining; follow it with parley drain --wait'
  return `the drain ended with VMs left on the host; it stays cordoned (parley uncordon to undo)`
}

function render (ctx: CliContext, jsonLines: boolean, r: DrainResult, printed: Set<string>): void {
  if (jsonLines) { ctx.io.out(JSON.stringify({ type: 'result', ...r }) + '\n'); return }
  for (const x of r.results) if (!printed.has(x.vm)) ctx.io.out(resultLine(x) + '\n')
  ctx.io.err(summary(r) + '\n')
}

export const drain: CommandModule = {
  path: ['drain'],
  description: 'cordon this host and move every VM away (overloaded until empty)',
  configure (cmd, ctx) {
    cmd
      .option('--deadline <duration>', 'give up on VMs not moved by then, e.g. 10m (default 30m)')
      .option('--dry-run', 'only say what would move and what cannot be placed')
      .option('--force', 'drain even when some VMs cannot be placed (they stay, and are reported)')
      .option('--wait', 'follow the drain until the host is empty or the deadline passes')
      .addHelpText('after', `
Exit status: 0 the host is empty (--dry-run: every VM could move), 1 VMs were left or could not be
placed, 2 bad command line, 3 parleyd not reachable, 4 draining (without --wait).
`)
      .action(async (opts: DrainFlags, self: Command) => {
        const deadlineMs = opts.deadline === undefined ? undefined : parseDuration(opts.deadline)
        if (deadlineMs === null || deadlineMs === 0) throw new UsageError('CLI002', `--deadline ${opts.deadline ?? ''}: not a duration`, 'e.g. --deadline 10m, 90s or 1h')
        await withDaemon(ctx, self, async ({ client, json }) => {
          const jsonLines = json || process.stdout.isTTY !== true
          const bar = progressBar(ctx.io, !jsonLines)
          const printed = new Set<string>()
          const onEvent = (e: unknown): void => {
            const event = e as DrainEvent
            if (jsonLines) { ctx.io.out(JSON.stringify(event) + '\n'); return }
            if (event.type === 'progress') bar.update(event.done, event.total, event.failed)
            else { bar.clear(); ctx.io.out(resultLine(event.result) + '\n'); printed.add(event.result.vm); bar.redraw() }
          }
          const params = { dryRun: opts.dryRun === true, force: opts.force === true, wait: opts.wait === true, ...(deadlineMs === undefined ? {} : { deadlineMs }) }
          const r = await client.call<DrainResult>('drain', params, { onEvent })
          bar.clear()
          render(ctx, jsonLines, r, printed)
          if (!r.started && !r.dryRun) {
            printError(ctx, false, { code: 'PARLEY_DRAIN_BLOCKED', message: 'some VMs cannot be placed, so the drain did not start', hint: 'fix the reasons above, or pass --force to drain the rest' })
          }
          ctx.exitCode = exitStatus(r)
        })
      })
  },
}
