// parley im fmt FILE [--write] [--check]: print an interaction model in canonical form.
import type { Command } from 'commander'
import { format, parse } from '@parley/lcc'
import type { CommandModule } from '../command-module.js'
import type { GlobalOptions } from '../context.js'
import { readText, writeText } from '../context.js'
import { diagnosticData, diagnosticText } from '../diagnostics-output.js'
import { EXIT } from '../exit-codes.js'

export const imFmt: CommandModule = {
  path: ['im', 'fmt'],
  description: 'format an LCC interaction model (canonical layout, ASCII arrows)',
  configure (cmd, ctx) {
    cmd
      .argument('<file>', 'LCC file to format')
      .option('--write', 'rewrite the file in place')
      .option('--check', 'change nothing; exit 1 if the file is not formatted')
      .action((file: string, opts: { write?: boolean, check?: boolean }, self: Command) => {
        const global = self.optsWithGlobals<GlobalOptions>()
        const text = readText(file)
        const parsed = parse(text)
        const errors = parsed.diagnostics.filter(d => d.severity === 'error')
        if (errors.length > 0) {
          // Formatting text that did not parse would drop what the parser skipped.
          if (global.json === true) ctx.io.out(JSON.stringify({ file, formatted: null, diagnostics: errors.map(d => diagnosticData(file, d)) }, null, 2) + '\n')
          else for (const d of errors) ctx.io.err(diagnosticText(file, d) + '\n')
          ctx.exitCode = EXIT.findings
          return
        }
        const out = format(parsed.model)
        const changed = out !== text
        if (opts.check === true) {
          if (global.json === true) ctx.io.out(JSON.stringify({ file, formatted: !changed }) + '\n')
          else if (changed) ctx.io.err(`${file}: not formatted (run parley im fmt --write ${file})\n`)
          ctx.exitCode = changed ? EXIT.findings : EXIT.ok
          return
        }
        if (opts.write === true) {
          if (changed) writeText(file, out)
          if (global.json === true) ctx.io.out(JSON.stringify({ file, changed }) + '\n')
        } else if (global.json === true) {
          ctx.io.out(JSON.stringify({ file, changed, text: out }) + '\n')
        } else {
          ctx.io.out(out)
        }
        ctx.exitCode = EXIT.ok
      })
  },
}
