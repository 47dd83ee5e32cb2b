// parley peers: the peers this host is connected to, and the roles they announce.
import type { Command } from 'commander'
import type { PeersResult } from '../../control/index.js'
import type { CommandModule } from '../command-module.js'
import { withDaemon } from '../client/daemon.js'
import { table } from '../client/table.js'

export const peers: CommandModule = {
  path: ['peers'],
  description: 'list connected peers and the roles they announce',
  configure (cmd, ctx) {
    cmd.action(async (_opts: unknown, self: Command) => {
      await withDaemon(ctx, self, async ({ client, json }) => {
        const r = await client.call<PeersResult>('peers')
        if (json) { ctx.io.out(JSON.stringify(r, null, 2) + '\n'); return }
        if (r.peers.length === 0) { ctx.io.err('no peers connected\n'); return }
        ctx.io.out(table(['PEER', 'ROLES'], r.peers.map(p => [p.peerId, p.roles.map(x => `${x.im}:${x.role}`).join(', ') || '-'])))
      })
    })
  },
}
