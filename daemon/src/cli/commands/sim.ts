// parley sim: the simulator is its own program, `parley-sim` (@parley/sim's bin), so that the
// daemon and the simulator never depend on each other. Like `git foo` runs git-foo, `parley sim ...`
// runs `parley-sim ...` with the same arguments and terminal, on the same Node, and exits with its
// status. It is looked up on PATH, then in the node_modules/.bin of the directories above this
// program (a workspace checkout). When it is not there: error CLI008 with a hint.
import { spawn } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { delimiter, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Command } from 'commander'
import type { CommandModule } from '../command-module.js'
import type { CliContext } from '../context.js'
import { UsageError } from '../usage-error.js'

export const SIM_PROGRAM = 'parley-sim'

function executable (path: string): boolean {
  try { accessSync(path, constants.X_OK); return true } catch { return false }
}

/** Where parley-sim is: PATH first, then node_modules/.bin in this program's directory and those above it. */
export function findSimProgram (env: NodeJS.ProcessEnv = process.env, from = dirname(fileURLToPath(import.meta.url))): string | null {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir !== '' && executable(join(dir, SIM_PROGRAM))) return join(dir, SIM_PROGRAM)
  }
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', '.bin', SIM_PROGRAM)
    if (executable(candidate)) return candidate
    if (dirname(dir) === dir) return null
  }
}

/**
 * The arguments after `sim`, as typed: Commander would read the global --json and --socket wherever
 * they appear, and parley-sim's `--json FILE` needs its operand right after it.
 */
export function simArguments (raw: readonly string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < raw.length; i++) {
    const a = raw[i] as string
    if (a === '--socket') { i++; continue }
    if (a === 'sim') return [...out, ...raw.slice(i + 1)]
    if (a === '--json') out.push(a) // global, before the command: parley-sim's own
  }
  return out
}

async function run (program: string, args: string[]): Promise<number> {
  // the shim pnpm writes runs `node` from PATH: let it be the Node that runs parley
  const env = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}` }
  return await new Promise<number>((resolve, reject) => {
    const child = spawn(program, args, { stdio: 'inherit', env })
    child.on('error', reject)
    child.on('exit', (code, signal) => { resolve(code ?? 128 + (signal === null ? 0 : signalNumber(signal))) })
  })
}

function signalNumber (signal: NodeJS.Signals): number {
  return ({ SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 } as Partial<Record<NodeJS.Signals, number>>)[signal] ?? 1
}

/** The command, with the lookup injectable (tests: a missing program). */
export function simCommand (find: () => string | null = findSimProgram): CommandModule {
  return {
    path: ['sim'],
    description: 'simulate a cluster of Parley peers running a policy IM (runs parley-sim: parley sim --help)',
    configure (cmd, ctx: CliContext) {
      cmd
        .helpOption(false)
        .allowUnknownOption()
        .allowExcessArguments()
        .argument('[options...]', 'parley-sim\'s options (parley sim --help lists them)')
        .action(async (_args: string[], _opts: unknown, self: Command) => {
          const program = find()
          if (program === null) {
            throw new UsageError('CLI008', `${SIM_PROGRAM} is not installed: parley sim runs it`,
              'install @parley/sim (its parley-sim program goes on PATH), or in a checkout run pnpm install && pnpm build')
          }
          let root: Command = self
          while (root.parent !== null) root = root.parent
          // the words as typed (Commander keeps them, untyped, on the program it parsed)
          const raw = (root as unknown as { rawArgs?: string[] }).rawArgs ?? process.argv.slice(2)
          try {
            ctx.exitCode = await run(program, simArguments(raw))
          } catch (e) {
            const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message
            throw new UsageError('CLI008', `cannot run ${program}: ${why}`, 'check that the file is an executable parley-sim')
          }
        })
    },
  }
}

export const sim: CommandModule = simCommand()
