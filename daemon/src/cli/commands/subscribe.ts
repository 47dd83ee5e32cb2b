// parley subscribe IM: ask parleyd to run an interaction model. The file is read here and its text
// sent, so the daemon need not see the caller's files; the owner's allow-im decides.
import { basename } from 'node:path'
import type { Command } from 'commander'
import type { SubscribeResult } from '../../control/index.js'
import type { CommandModule } from '../command-module.js'
import { readText } from '../context.js'
import { withDaemon } from '../client/daemon.js'

export const subscribe: CommandModule = {
  path: ['subscribe'],
  description: 'subscribe this host to an interaction model (the host\'s allow-im must allow it)',
  configure (cmd, ctx) {
    cmd
      .argument('<im>', 'the LCC file of the IM')
      .option('--name <name>', 'the IM\'s name (default: the file name without .lcc)')
      .action(async (file: string, opts: { name?: string }, self: Command) => {
        const text = readText(file)
        const name = opts.name ?? basename(file).replace(/\.lcc$/, '')
        await withDaemon(ctx, self, async ({ client, json }) => {
          const r = await client.call<SubscribeResult>('subscribe', { text, name })
          if (json) { ctx.io.out(JSON.stringify(r, null, 2) + '\n'); return }
          ctx.io.out(`${r.already ? 'already subscribed to' : 'subscribed to'} ${r.name} (sha256 ${r.hash}); roles: ${r.roles.join(', ')}\n`)
        })
      })
  },
}
