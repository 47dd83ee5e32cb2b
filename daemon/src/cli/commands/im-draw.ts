// parley im draw FILE --kind states|sequence [--format mermaid|svg] [--out FILE] [--peers role=N,...]:
// the role state diagram or the message sequence diagram of an IM, as Mermaid text or SVG.
import { draw } from '@parley/lcc'
import type { DrawFormat, DrawKind } from '@parley/lcc'
import type { CommandModule } from '../command-module.js'
import { writeText } from '../context.js'
import { EXIT } from '../exit-codes.js'
import { UsageError } from '../usage-error.js'
import { parseFile } from './im-verify.js'

interface DrawFlags { kind?: string, format: string, out?: string, peers?: string }

function oneOf<T extends string> (flag: string, value: string | undefined, allowed: readonly T[]): T {
  if (value !== undefined && (allowed as readonly string[]).includes(value)) return value as T
  throw new UsageError('CLI002', value === undefined ? `${flag} is required` : `bad ${flag} '${value}'`, `give ${flag} ${allowed.join(' or ')}`)
}

export const imDraw: CommandModule = {
  path: ['im', 'draw'],
  description: 'draw an IM: role state diagram or message sequence diagram (Mermaid or SVG)',
  configure (cmd, ctx) {
    cmd
      .argument('<file>', 'the LCC file')
      .option('--kind <states|sequence>', 'states: roles and role changes; sequence: messages between peers')
      .option('--format <mermaid|svg>', 'output format', 'mermaid')
      .option('--out <file>', 'write to this file instead of standard output')
      .option('--peers <role=N,...>', 'peers whose runs the sequence diagram shows (default as for im verify)')
      .action((file: string, opts: DrawFlags) => {
        const kind = oneOf<DrawKind>('--kind', opts.kind, ['states', 'sequence'])
        const format = oneOf<DrawFormat>('--format', opts.format, ['mermaid', 'svg'])
        const model = parseFile(ctx, file, false)
        if (model === null) return
        const r = draw(model, { kind, format, title: `${file}: ${kind === 'states' ? 'role states' : 'message sequence'}`, ...(opts.peers === undefined ? {} : { peers: opts.peers }) })
        if ('error' in r) throw new UsageError('CLI002', r.error, 'check --peers: e.g. --peers idle=2')
        if (opts.out === undefined) ctx.io.out(r.text)
        else writeText(opts.out, r.text)
        ctx.exitCode = EXIT.ok
      })
  },
}
