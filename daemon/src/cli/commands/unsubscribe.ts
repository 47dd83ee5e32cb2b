// parley unsubscribe IM: stop running an interaction model on this host.
import { existsSync } from 'node:fs'
import { basename } from 'node:path'
import type { Command } from 'commander'
import type { UnsubscribeResult } from '../../control/index.js'
import type { CommandModule } from '../command-module.js'
import { withDaemon } from '../client/daemon.js'

export const unsubscribe: CommandModule = {
  path: ['unsubscribe'],
  description: 'unsubscribe this host from an interaction model',
  configure (cmd, ctx) {
    cmd
      .argument('<im>', 'the IM\'s name, its sha256, or its file')
      .action(async (im: string, _opts: unknown, self: Command) => {
        const key = im.endsWith('.lcc') && existsSync(im) ? basename(im).replace(/\.lcc$/, '') : im
        await withDaemon(ctx, self, async ({ client, json }) => {
          const r = await client.call<UnsubscribeResult>('unsubscribe', { im: key })
          ctx.io.out(json ? JSON.stringify(r, null, 2) + '\n' : `unsubscribed from ${r.name}\n`)
        })
      })
  },
}
