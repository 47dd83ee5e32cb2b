// parley vms: the VMs on this host.
import type { Command } from 'commander'
import type { VmsResult } from '../../control/index.js'
import type { CommandModule } from '../command-module.js'
import { withDaemon } from '../client/daemon.js'
import { mib, table } from '../client/table.js'

export const vms: CommandModule = {
  path: ['vms'],
  description: 'list the VMs on this host',
  configure (cmd, ctx) {
    cmd.action(async (_opts: unknown, self: Command) => {
      await withDaemon(ctx, self, async ({ client, json }) => {
        const r = await client.call<VmsResult>('vms')
        if (json) { ctx.io.out(JSON.stringify(r, null, 2) + '\n'); return }
        ctx.io.out(table(['NAME', 'STATE', 'VCPUS', 'MEMORY', 'CPU-TIME', 'MIGRATING'], r.vms.map(v => [
          v.name, v.state, String(v.vcpus), mib(v.memoryMiB), `${v.cpuTimeS.toFixed(2)} s`, v.migrating ?? '-',
        ])))
        ctx.io.err(`${r.vms.length} VM${r.vms.length === 1 ? '' : 's'} on ${r.host} (${r.capacity.cpus} CPUs, ${mib(r.capacity.memoryMiB)})\n`)
      })
    })
  },
}
