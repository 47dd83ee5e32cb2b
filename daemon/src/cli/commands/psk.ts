// parley psk new FILE: write a new cluster pre-shared key (swarm.key format), mode 0600.
import { chmodSync, writeFileSync } from 'node:fs'
import type { Command } from 'commander'
import type { CommandModule } from '../command-module.js'
import type { GlobalOptions } from '../context.js'
import { UsageError } from '../usage-error.js'

export const pskNew: CommandModule = {
  path: ['psk', 'new'],
  description: 'write a new cluster key (swarm.key format, mode 0600); copy it to every host',
  configure (cmd, ctx) {
    cmd
      .argument('<file>', 'where to write the key')
      .option('--force', 'overwrite an existing file')
      .action(async (file: string, opts: { force?: boolean }, self: Command) => {
        // loaded on use: @parley/discovery pulls in libp2p, about a second of every command's start-up
        const { generateSwarmKey } = await import('@parley/discovery')
        const key = generateSwarmKey() + '\n'
        try {
          writeFileSync(file, key, { mode: 0o600, flag: opts.force === true ? 'w' : 'wx' })
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message
          if (code === 'EEXIST') throw new UsageError('CLI007', `${file} exists; it may be the key of a running cluster`, 'pass --force to replace it (every host then needs the new key)')
          throw new UsageError('CLI006', `cannot write ${file}: ${code}`, 'check the directory and its permissions')
        }
        // writeFileSync's mode applies only to a new file; make an overwritten one 0600 too.
        if (opts.force === true) chmodSync(file, 0o600)
        const json = self.optsWithGlobals<GlobalOptions>().json === true
        ctx.io.out(json ? JSON.stringify({ file, mode: '0600' }) + '\n' : `wrote a new cluster key to ${file} (mode 0600)\n`)
      })
  },
}
