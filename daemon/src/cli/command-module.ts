// One CLI command: where it hangs in the tree (`['im', 'check']`) and how it configures itself.
// Commands are listed in commands/index.ts; adding a command is adding a line there.
import type { Command } from 'commander'
import type { CliContext } from './context.js'

export interface CommandModule {
  path: readonly string[]
  description: string
  configure: (cmd: Command, ctx: CliContext) => void
}

/** Descriptions of the command groups that modules hang under. */
export const GROUPS: Readonly<Record<string, string>> = {
  im: 'interaction models: check, format, verify, draw',
  psk: 'the cluster pre-shared key',
}
