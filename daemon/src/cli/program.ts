// The parley program: global options, command groups, and every command from commands/index.ts.
// runCli never throws: usage errors become one coded line and exit status 2.
import { Command, CommanderError } from 'commander'
import { GROUPS } from './command-module.js'
import type { CliContext, CliIo } from './context.js'
import { commands } from './commands/index.js'
import { EXIT, EXIT_HELP } from './exit-codes.js'
import { UsageError } from './usage-error.js'

export const DEFAULT_SOCKET = '/run/parley/parley.sock'

export function createProgram (ctx: CliContext): Command {
  const program = new Command('parley')
    .description('Parley: peer-to-peer VM placement driven by LCC interaction models')
    .option('--json', 'print results as JSON')
    .option('--socket <path>', 'the parleyd control socket', DEFAULT_SOCKET)
    .addHelpText('after', EXIT_HELP)
    .exitOverride()
    .configureOutput({
      writeOut: s => ctx.io.out(s),
      writeErr: s => ctx.io.err(s),
      // Commander's own error lines are replaced by coded ones (see usageOf).
      outputError: () => {},
    })
    .showSuggestionAfterError(true)
  const groups = new Map<string, Command>()
  for (const mod of commands) {
    let parent = program
    for (const name of mod.path.slice(0, -1)) {
      let group = groups.get(name)
      if (group === undefined) {
        group = parent.command(name).description(GROUPS[name] ?? name).addHelpText('after', EXIT_HELP)
        groups.set(name, group)
      }
      parent = group
    }
    const cmd = parent.command(mod.path[mod.path.length - 1]!).description(mod.description)
    mod.configure(cmd, ctx)
  }
  return program
}

const COMMANDER_CODES: Record<string, string> = {
  'commander.unknownOption': 'CLI002',
  'commander.optionMissingArgument': 'CLI002',
  'commander.invalidArgument': 'CLI002',
  'commander.missingMandatoryOptionValue': 'CLI002',
  'commander.conflictingOption': 'CLI002',
  'commander.unknownCommand': 'CLI001',
  'commander.missingArgument': 'CLI003',
  'commander.excessArguments': 'CLI003',
}

function usageOf (e: CommanderError): UsageError {
  const message = e.message.replace(/^error: /, '').split('\n')[0]!
  const code = COMMANDER_CODES[e.code] ?? 'CLI001'
  return new UsageError(code, message, 'run parley --help, or parley <command> --help, for the commands and options')
}

/** Runs the CLI on argv (without node and the script) and returns the exit status. */
export async function runCli (argv: readonly string[], io: CliIo): Promise<number> {
  const ctx: CliContext = { io, exitCode: EXIT.ok }
  try {
    await createProgram(ctx).parseAsync([...argv], { from: 'user' })
    return ctx.exitCode
  } catch (e) {
    let usage: UsageError
    if (e instanceof UsageError) usage = e
    else if (e instanceof CommanderError) {
      // --help and --version end here too, with their own status.
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return EXIT.ok
      if (e.code === 'commander.help') return e.exitCode === 0 ? EXIT.ok : EXIT.usage
      usage = usageOf(e)
    } else throw e
    io.err(`parley: error ${usage.code}: ${usage.message}\n  hint: ${usage.hint}\n`)
    return EXIT.usage
  }
}
