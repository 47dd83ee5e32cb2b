// parley status: this host as its parleyd sees it.
import type { Command } from 'commander'
import type { StatusResult } from '../../control/index.js'
import type { CommandModule } from '../command-module.js'
import { withDaemon } from '../client/daemon.js'
import { shortHash } from '../client/table.js'

export function statusText (s: StatusResult): string {
  const state = s.draining ? 'draining (cordoned)' : s.cordoned ? 'cordoned' : 'active'
  const lines = [
    `peer        ${s.peerId}`,
    ...s.addresses.map((a, i) => `${i === 0 ? 'addresses' : '         '}   ${a}`),
    `hypervisor  ${s.hypervisor.uri} (${s.hypervisor.backend}, host ${s.hypervisor.host}, migrate ${s.hypervisor.migrationUri})`,
    `runtime     ${s.runtime}`,
    `state       ${state}`,
    `peers       ${s.peers}`,
    `vms         ${s.vms}`,
    `uptime      ${s.uptimeS} s (parleyd ${s.version})`,
    'subscriptions',
    ...(s.subscriptions.length === 0 ? ['  none'] : s.subscriptions.map(x => `  ${x.name}  sha256 ${shortHash(x.hash)}${x.roles.length > 0 ? `  role ${x.roles.join(', ')}` : ''}`)),
    'interactions',
    ...(s.interactions.length === 0 ? ['  none'] : s.interactions.map(i => `  ${i.id}  ${i.im}  as ${i.role}  coordinator ${i.coordinator}  with ${i.peers.join(', ')}  since ${i.startedAt}`)),
  ]
  return lines.join('\n') + '\n'
}

export const status: CommandModule = {
  path: ['status'],
  description: 'show this host: peer id, addresses, hypervisor, subscriptions, roles, interactions',
  configure (cmd, ctx) {
    cmd.action(async (_opts: unknown, self: Command) => {
      await withDaemon(ctx, self, async ({ client, json }) => {
        const s = await client.call<StatusResult>('status')
        ctx.io.out(json ? JSON.stringify(s, null, 2) + '\n' : statusText(s))
      })
    })
  },
}
