// parley uncordon: undo a drain; the host accepts VMs again.
import type { Command } from 'commander'
import type { UncordonResult } from '../../control/index.js'
import type { CommandModule } from '../command-module.js'
import { withDaemon } from '../client/daemon.js'

export const uncordon: CommandModule = {
  path: ['uncordon'],
  description: 'let this host accept VMs again (ends a drain in progress)',
  configure (cmd, ctx) {
    cmd.action(async (_opts: unknown, self: Command) => {
      await withDaemon(ctx, self, async ({ client, json }) => {
        const r = await client.call<UncordonResult>('uncordon')
        ctx.io.out(json ? JSON.stringify(r) + '\n' : `uncordoned${r.drainCancelled ? ' (the drain in progress was stopped)' : ''}\n`)
      })
    })
  },
}
