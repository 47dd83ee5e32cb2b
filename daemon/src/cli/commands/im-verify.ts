// parley im verify FILE [--peers role=N,...] [--depth D] [--assume name=true|false] [--json]:
// explores every interleaving of a set of peers running the IM and reports deadlocks, stuck
// peers, orphan messages and unreachable branches, each with a shortest trace.
import type { Command } from 'commander'
import { DEFAULT_DEPTH, DEFAULT_MAX_STATES, formatReport, parse, parseAssume, verify } from '@parley/lcc'
import type { CommandModule } from '../command-module.js'
import type { CliContext, GlobalOptions } from '../context.js'
import { readText } from '../context.js'
import { EXIT } from '../exit-codes.js'
import { UsageError } from '../usage-error.js'

const collect = (value: string, previous: string[]): string[] => [...previous, value]

export function positiveInt (flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    throw new UsageError('CLI002', `${flag} ${text}: give a whole number, at least 1`, `e.g. ${flag} ${fallback}`)
  }
  return Number(text)
}

/** Parses an LCC file; on syntax errors prints them one a line and returns null (exit 2). */
export function parseFile (ctx: CliContext, file: string, json: boolean): ReturnType<typeof parse>['model'] | null {
  const { model, diagnostics } = parse(readText(file))
  const errors = diagnostics.filter(d => d.severity === 'error')
  if (errors.length === 0) return model
  const lines = errors.map(d => ({ file, line: d.span.start.line, column: d.span.start.column, code: d.code, message: d.message, hint: d.hint ?? null }))
  if (json) ctx.io.out(JSON.stringify({ file, errors: lines }, null, 2) + '\n')
  else for (const l of lines) ctx.io.err(`${file}:${l.line}:${l.column}: error ${l.code}: ${l.message}\n`)
  ctx.exitCode = EXIT.usage
  return null
}

interface VerifyFlags { peers?: string, depth?: string, assume: string[], maxStates?: string, symmetry: boolean }

export const imVerify: CommandModule = {
  path: ['im', 'verify'],
  description: 'model-check an IM: every interleaving of its peers, with constraints left open',
  configure (cmd, ctx) {
    cmd
      .argument('<file>', 'the LCC file')
      .option('--peers <role=N,...>', 'how many peers start in each role (default: from r(...) declarations, else inferred)')
      .option('--depth <D>', 'longest run explored, in steps', String(DEFAULT_DEPTH))
      .option('--assume <name=true|false>', 'fix a constraint\'s answer (name or name/arity); repeatable', collect, [])
      .option('--max-states <N>', 'stop after this many states', String(DEFAULT_MAX_STATES))
      .option('--no-symmetry', 'explore peers of one role as distinct (no symmetry reduction)')
      .addHelpText('after', `
What it explores:
  Each peer runs the clause of its role. A constraint may hold or fail (both are explored) unless
  --assume fixes it; comparisons over unknown values are open too. A choice commits to the first
  branch whose first step fires. A send to a peer not known yet goes to a peer that plays the
  role now, waits at a matching receive and has an empty inbox (the runtime's invitation and
  lease); while there is none, the send waits. A constraint that fails after a peer committed to a
  branch on a local constraint, before any message, leaves it stuck (LCC071, the papers' trap);
  anywhere else a failing constraint is simply retried.
Default peers:
  r(role, initial): one peer per message-exchanging role reachable from it (balance: idle=2);
  r(role, necessary, N): N peers. Without declarations the initial roles are those that no
  other role changes into.
Reports, each with a shortest trace: deadlock (LCC070), stuck (LCC071), orphan message (LCC072,
LCC073), no way back to rest (LCC074), waiting for a role nobody plays (LCC075, warning),
unreachable clauses and branches (LCC076-077, warnings), search bound reached (LCC078, warning).

Exit status: 0 nothing found (warnings only), 1 errors found, 2 bad input (unparsable file, bad option).
`)
      .action((file: string, opts: VerifyFlags, self: Command) => {
        const json = self.optsWithGlobals<GlobalOptions>().json === true
        const depth = positiveInt('--depth', opts.depth, DEFAULT_DEPTH)
        const maxStates = positiveInt('--max-states', opts.maxStates, DEFAULT_MAX_STATES)
        const assume = parseAssume(opts.assume)
        if (typeof assume === 'string') throw new UsageError('CLI002', assume, 'e.g. --assume isOverLoaded=false')
        const model = parseFile(ctx, file, json)
        if (model === null) return
        const report = verify(model, { depth, maxStates, assume, symmetry: opts.symmetry, ...(opts.peers === undefined ? {} : { peers: opts.peers }) })
        if (report.errors.length > 0) throw new UsageError('CLI002', report.errors.join('; '), 'e.g. --peers idle=3 (roles with a clause)')
        if (json) ctx.io.out(JSON.stringify({ file, ...report }, null, 2) + '\n')
        else ctx.io.out(formatReport(report, file))
        ctx.exitCode = report.findings.some(f => f.severity === 'error') ? EXIT.findings : EXIT.ok
      })
  },
}
