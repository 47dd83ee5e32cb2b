// parley-sim: many Parley peers in one process, each running the policy IM through the real
// runtime on a memory hypervisor, on a virtual clock; prints the efficacy figures and baselines,
// writes the re-checkable JSON report (--json FILE) and the per-host load plot (--plot FILE).
// `parley sim ...` runs this program (see the parley CLI). runSimCli never throws: bad input is one
// coded line and exit status 2.
import { basename } from 'node:path'
import { Command, CommanderError, Option } from 'commander'
import { plotReport } from '../plot-report.js'
import { replayReport } from '../replay.js'
import type { SimReport } from '../report.js'
import { randomSeed } from '../rng.js'
import { generateScenario } from '../scenario.js'
import { runSimulation } from '../simulate.js'
import { SimError } from '../errors.js'
import { readText, writeBytes } from './io.js'
import type { CliIo } from './io.js'
import { int, pair } from './options.js'
import { progressPrinter, summary } from './output.js'
import { UsageError } from './usage-error.js'

export const EXIT = { ok: 0, findings: 1, usage: 2 } as const

interface SimFlags {
  hosts: string
  vms: string
  policy: string
  seed?: string
  rounds: string
  band: string
  json?: string | true
  plot?: string
  hostCpus: string
  demand: string
  roundMs: string
  check?: string
}

const HELP_AFTER = `
Exit status: 0 done, 1 (--check) the report does not replay, 2 bad input (option, policy file).
Progress goes to stderr: a bar on a terminal, JSON lines otherwise.
\`parley sim ...\` runs this program with the same options.
`

function check (io: CliIo, file: string, json: boolean): number {
  let doc: unknown
  try { doc = JSON.parse(readText(file)) } catch (e) {
    if (e instanceof UsageError) throw e
    throw new UsageError('CLI002', `${file} is not JSON: ${(e as Error).message}`, 'pass a file written by parley sim --json FILE')
  }
  const res = replayReport(doc)
  if (json) io.out(JSON.stringify({ file, ...res }, null, 2) + '\n')
  else io.out(res.ok ? `${file}: the report replays: migrations give the final placement, figures recomputed\n` : `${file}: ${res.problems.length} problem(s)\n${res.problems.map(p => `  ${p}\n`).join('')}`)
  return res.ok ? EXIT.ok : EXIT.findings
}

async function simulate (io: CliIo, opts: SimFlags): Promise<number> {
  const jsonFile = typeof opts.json === 'string' ? opts.json : undefined
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
  const progress = progressPrinter(io)
  io.err(`parley sim: seed ${seed}\n`)
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
  if (opts.json === true) {
    io.out(JSON.stringify(report) + '\n')
  } else {
    if (jsonFile !== undefined) writeBytes(jsonFile, JSON.stringify(report) + '\n')
    io.out(summary(report, replay))
    if (opts.plot !== undefined) io.out(`  plot                 ${opts.plot}\n`)
    if (jsonFile !== undefined) io.out(`  report               ${jsonFile}\n`)
  }
  return EXIT.ok
}

export function createProgram (io: CliIo, done: (status: number) => void): Command {
  return new Command('parley-sim')
    .description('simulate a cluster of Parley peers running a policy IM (memory hypervisors, virtual clock)')
    .option('--hosts <N>', 'simulated hosts', '15')
    .option('--vms <M>', 'VMs, CPU demand uniform in --demand, placed on uniformly random hosts', '50')
    .option('--policy <file>', 'the policy IM every host subscribes to', 'ims/balance.lcc')
    .option('--seed <S>', 'scenario seed (default: random, printed)')
    .option('--rounds <R>', 'rounds to run; a round is one sampling interval (--round-ms of virtual time)', '120')
    .option('--band <low,high>', 'the balanced band in % of the mean load; the agents\' thresholds', '80,120')
    .addOption(new Option('--json [file]', 'the report as JSON: to the file (the summary still prints), or without one to stdout'))
    .option('--plot <file.svg|file.png>', 'draw per-host load (% of mean) over time, the band shaded')
    .option('--host-cpus <N>', 'CPU cores of every host', '16')
    .option('--demand <min,max>', 'VM CPU demand range in cores', '0.25,2')
    .option('--round-ms <ms>', 'virtual length of a round (the agents\' sample interval)', '1000')
    .option('--check <report.json>', 'replay a report instead of simulating: migrations must give the final placement, figures must recompute')
    .addHelpText('after', HELP_AFTER)
    .exitOverride()
    .configureOutput({ writeOut: s => { io.out(s) }, writeErr: s => { io.err(s) }, outputError: () => {} })
    .showSuggestionAfterError(true)
    .action(async (opts: SimFlags) => {
      done(opts.check !== undefined ? check(io, opts.check, opts.json !== undefined) : await simulate(io, opts))
    })
}

const COMMANDER_CODES: Record<string, string> = {
  'commander.unknownOption': 'CLI002',
  'commander.optionMissingArgument': 'CLI002',
  'commander.invalidArgument': 'CLI002',
  'commander.excessArguments': 'CLI003',
}

/** Runs parley-sim on argv (without node and the script) and returns the exit status. */
export async function runSimCli (argv: readonly string[], io: CliIo): Promise<number> {
  let status: number = EXIT.ok
  try {
    await createProgram(io, s => { status = s }).parseAsync([...argv], { from: 'user' })
    return status
  } catch (e) {
    let usage: UsageError
    if (e instanceof UsageError) usage = e
    else if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return EXIT.ok
      usage = new UsageError(COMMANDER_CODES[e.code] ?? 'CLI002', e.message.replace(/^error: /, '').split('\n')[0] ?? e.message, 'run parley-sim --help for the options')
    } else throw e
    io.err(`parley-sim: error ${usage.code}: ${usage.message}\n  hint: ${usage.hint}\n`)
    return EXIT.usage
  }
}
