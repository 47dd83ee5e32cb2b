// How a daemon command talks to parleyd: connect to --socket, run, and turn every failure into one
// coded line and a hint (and, with --json, an {"error": ...} object on stdout).
import type { Command } from 'commander'
import { ControlClient, ControlError } from '../../control/index.js'
import type { CliContext, GlobalOptions } from '../context.js'
import { exitFor } from './exit.js'

export const DEFAULT_SOCKET = '/run/parley/parley.sock'

export interface DaemonCall {
  client: ControlClient
  json: boolean
  socket: string
}

export function globalsOf (cmd: Command): { json: boolean, socket: string } {
  const g = cmd.optsWithGlobals<GlobalOptions>()
  return { json: g.json === true, socket: g.socket ?? DEFAULT_SOCKET }
}

export function printError (ctx: CliContext, json: boolean, e: { code: string, message: string, hint: string }): void {
  if (json) ctx.io.out(JSON.stringify({ error: { code: e.code, message: e.message, hint: e.hint } }) + '\n')
  ctx.io.err(`parley: error ${e.code}: ${e.message}\n  hint: ${e.hint}\n`)
}

/** Runs `fn` with a connected client; a ControlError becomes a printed error and an exit status. */
export async function withDaemon (ctx: CliContext, cmd: Command, fn: (call: DaemonCall) => Promise<void>): Promise<void> {
  const { json, socket } = globalsOf(cmd)
  let client: ControlClient | undefined
  try {
    client = await ControlClient.connect(socket)
    await fn({ client, json, socket })
  } catch (e) {
    if (!(e instanceof ControlError)) throw e
    printError(ctx, json, e)
    ctx.exitCode = exitFor(e.code)
  } finally {
    client?.close()
  }
}
