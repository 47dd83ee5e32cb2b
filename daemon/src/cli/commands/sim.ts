// parley sim: many Parley peers in one process, each running the policy IM through the real
// runtime on a memory hypervisor, on a virtual clock; prints the efficacy figures and baselines,
// writes the re-checkable JSON report (--json FILE) and the per-host load plot (--plot FILE).
//
// `--json [FILE]`: the program's global --json flag takes no value, and Commander reads global
// options wherever they appear, so `parley sim --json out.json` arrives here as the global flag plus
// one operand. The operand is accepted only with --json; `--json` alone prints the report to stdout.
import { writeFileSync } from 'node:fs'
import { basename } from 'node:path'
import type { Command } from 'commander'
// @parley/sim is loaded when the command runs: it pulls in the runtime and libp2p (about a second
// of start-up), which every other command (drain, status...) would otherwise pay for too.
import type { SimProgress, SimReport } from '@parley/sim'
import type { CommandModule } from '../command-module.js'
import type { CliContext, GlobalOptions } from '../context.js'
import { readText } from '../context.js'
import { EXIT } from '../exit-codes.js'
import { UsageError } from '../usage-error.js'

interface SimFlags {
  hosts: string
  vms: string
  policy: string
  seed?: string
  rounds: string
  band: string
  plot?: string
  hostCpus: string
  demand: string
  roundMs: string
  check?: string
}

function int (flag: string, text: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError('CLI002', `${flag} ${text}: give a whole number from ${min} to ${max}`, `e.g. ${flag} ${Math.max(min, 15)}`)
  }
  return Number(text)
}

function pair (flag: string, text: string, example: string): [number, number] {
  const m = /^\s*([\d.]+)\s*,\s*([\d.]+)\s*$/.exec(text)
  const a = Number(m?.[1]); const b = Number(m?.[2])
  if (m === null || !Number.isFinite(a) || !Number.isFinite(b)) throw new UsageError('CLI002', `${flag} ${text}: give two numbers, low,high`, `e.g. ${flag} ${example}`)
  return [a, b]
}

function writeBytes (path: string, bytes: Uint8Array | string): void {
  try {
    writeFileSync(path, bytes)
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message
    throw new UsageError('CLI006', `cannot write ${path}: ${why}`, 'check the directory and the file\'s permissions')
  }
}

function progressPrinter (ctx: CliContext): { onProgress: (p: SimProgress) => void, done: () => void } {
  const tty = process.stderr.isTTY === true
  let last = -1
  let lastBuilt = 0
  return {
    onProgress: (p) => {
      if (p.stage === 'setup') {
        if (tty) ctx.io.err(`\rbuilding hosts ${p.hostsBuilt}  ${(p.wallMs / 1000).toFixed(1)} s`)
        else if (p.hostsBuilt - lastBuilt >= 1024) { lastBuilt = p.hostsBuilt; ctx.io.err(JSON.stringify({ event: 'sim.progress', ...p, wallMs: Math.round(p.wallMs) }) + '\n') }
        return
      }
      if (tty) {
        const width = 30
        const filled = Math.round(width * p.round / p.rounds)
        ctx.io.err(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] round ${p.round}/${p.rounds}  migrations ${p.migrations}  out of band ${p.outOfBand}  ${(p.wallMs / 1000).toFixed(1)} s`)
      } else {
        const step = Math.max(1, Math.floor(p.rounds / 20))
        if (p.round === p.rounds || p.round - last >= step) {
          last = p.round
          ctx.io.err(JSON.stringify({ event: 'sim.progress', ...p, wallMs: Math.round(p.wallMs) }) + '\n')
        }
      }
    },
    done: () => { if (tty) ctx.io.err('\n') }
  }
}

function summary (r: SimReport, replayCmd: string): string {
  const e = r.efficacy
  const g = r.baseline.greedy
  const lines = [
    `parley sim: ${r.hosts.length} hosts, ${r.vms.length} VMs, policy ${r.policy.file}, seed ${r.seed}, ${r.rounds} rounds of ${r.roundMs} ms, band ${r.band[0]}-${r.band[1]} % of mean`,
    `  migrations           ${e.migrations}   (greedy central balancer: ${g.migrations}, ${g.stopped}${e.migrationsVsGreedy === null ? '' : `; ratio ${e.migrationsVsGreedy}`})`,
    `  hosts out of band    ${e.outOfBandBefore} -> ${e.outOfBandAfter}   (greedy: ${g.outOfBand})`,
    `  load std dev         ${e.stddevBefore} -> ${e.stddevAfter} % of mean`,
    `  active hosts         ${e.activeHostsBefore} -> ${e.activeHostsAfter}   (released ${e.hostsReleased}; first-fit decreasing needs ${r.baseline.ffd.hosts})`,
    `  agent events         interaction-started ${r.agentEvents.interactionsStarted}, -ended ${r.agentEvents.interactionsEnded}, -aborted ${r.agentEvents.interactionsAborted}; migration-failed ${r.agentEvents.migrationsFailed}`,
    `  messages             ${r.messages.total}   (${r.messages.perHost} per host; gossip ${r.messages.gossip}, requests ${r.messages.requests})`,
    `  wall time            ${(r.wallMs / 1000).toFixed(2)} s   peers built by ${r.agentFactory}`,
    `  replay               ${replayCmd}`
  ]
  return lines.join('\n') + '\n'
}

async function check (ctx: CliContext, file: string, json: boolean): Promise<void> {
  const { replayReport } = await import('@parley/sim')
  let doc: unknown
  try { doc = JSON.parse(readText(file)) } catch (e) {
    if (e instanceof UsageError) throw e
    throw new UsageError('CLI002', `${file} is not JSON: ${(e as Error).message}`, 'pass a file written by parley sim --json FILE')
  }
  const res = replayReport(doc)
  if (json) ctx.io.out(JSON.stringify({ file, ...res }, null, 2) + '\n')
  else ctx.io.out(res.ok ? `${file}: the report replays: migrations give the final placement, figures recomputed\n` : `${file}: ${res.problems.length} problem(s)\n${res.problems.map(p => `  ${p}\n`).join('')}`)
  ctx.exitCode = res.ok ? EXIT.ok : EXIT.findings
}

export const sim: CommandModule = {
  path: ['sim'],
  description: 'simulate a cluster of Parley peers running a policy IM (memory hypervisors, virtual clock)',
  configure (cmd, ctx) {
    cmd
      .argument('[jsonFile]', 'with --json: the file to write the report to (default: stdout)')
      .option('--hosts <N>', 'simulated hosts', '15')
      .option('--vms <M>', 'VMs, CPU demand uniform in --demand, placed on uniformly random hosts', '50')
      .option('--policy <file>', 'the policy IM every host subscribes to', 'ims/balance.lcc')
      .option('--seed <S>', 'scenario seed (default: random, printed)')
      .option('--rounds <R>', 'rounds to run; a round is one sampling interval (--round-ms of virtual time)', '120')
      .option('--band <low,high>', 'the balanced band in % of the mean load; the agents\' thresholds', '80,120')
      .option('--plot <file.svg|file.png>', 'draw per-host load (% of mean) over time, the band shaded')
      .option('--host-cpus <N>', 'CPU cores of every host', '16')
      .option('--demand <min,max>', 'VM CPU demand range in cores', '0.25,2')
      .option('--round-ms <ms>', 'virtual length of a round (the agents\' sample interval)', '1000')
      .option('--check <report.json>', 'replay a report instead of simulating: migrations must give the final placement, figures must recompute')
      .addHelpText('after', `
Exit status: 0 done, 1 (--check) the report does not replay, 2 bad input (option, policy file).
Progress goes to stderr: a bar on a terminal, JSON lines otherwise.
`)
      .action(async (jsonFile: string | undefined, opts: SimFlags, self: Command) => {
        const json = self.optsWithGlobals<GlobalOptions>().json === true
        if (jsonFile !== undefined && !json) throw new UsageError('CLI003', `unexpected argument ${jsonFile}`, 'to write the report to a file: parley sim --json FILE')
        if (opts.check !== undefined) { await check(ctx, opts.check, json); return }
        const { generateScenario, plotReport, randomSeed, runSimulation, SimError } = await import('@parley/sim')
        const hosts = int('--hosts', opts.hosts, 1, 1_000_000)
        const vms = int('--vms', opts.vms, 0, 10_000_000)
        const rounds = int('--rounds', opts.rounds, 1, 10_000_000)
        const hostCpus = int('--host-cpus', opts.hostCpus, 1, 1_000_000)
        const roundMs = int('--round-ms', opts.roundMs, 1, 86_400_000)
        const seed = opts.seed === undefined ? randomSeed() : int('--seed', opts.seed, 0, 0xffffffff)
        const [low, high] = pair('--band', opts.band, '80,120')
        const demand = pair('--demand', opts.demand, '0.25,2')
        if (opts.plot !== undefined && !/\.(svg|png)$/i.test(opts.plot)) throw new UsageError('CLI002', `--plot ${opts.plot}: name the file *.svg or *.png`, 'e.g. --plot fig3.svg')
        const text = readText(opts.policy)
        const policy = { file: opts.policy, name: basename(opts.policy).replace(/\.lcc$/, ''), text }
        const progress = progressPrinter(ctx)
        ctx.io.err(`parley sim: seed ${seed}\n`)
        let report: SimReport
        try {
          const scenario = generateScenario({ hosts, vms, seed, hostCpus, demand })
          report = await runSimulation({ scenario, policy, rounds, roundMs, band: { low: low / 100, high: high / 100 } }, { onProgress: progress.onProgress })
        } catch (e) {
          progress.done()
          if (e instanceof SimError) throw new UsageError(e.code, e.message, e.hint ?? 'run parley sim --help')
          throw e
        }
        progress.done()
        if (opts.plot !== undefined) writeBytes(opts.plot, plotReport(report, opts.plot).bytes)
        const replay = `parley sim --hosts ${hosts} --vms ${vms} --seed ${seed} --rounds ${rounds} --band ${low},${high} --policy ${opts.policy}` +
          (hostCpus !== 16 ? ` --host-cpus ${hostCpus}` : '') + (opts.demand !== '0.25,2' ? ` --demand ${demand.join(',')}` : '') + (roundMs !== 1000 ? ` --round-ms ${roundMs}` : '')
        if (json && jsonFile === undefined) {
          ctx.io.out(JSON.stringify(report) + '\n')
        } else {
          if (json && jsonFile !== undefined) writeBytes(jsonFile, JSON.stringify(report) + '\n')
          ctx.io.out(summary(report, replay))
          if (opts.plot !== undefined) ctx.io.out(`  plot                 ${opts.plot}\n`)
          if (jsonFile !== undefined) ctx.io.out(`  report               ${jsonFile}\n`)
        }
        ctx.exitCode = EXIT.ok
      })
  },
}
