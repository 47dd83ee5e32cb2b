// parley im check FILE... [--components FILE|LIST]: parse and check interaction models.
import type { Command } from 'commander'
import { checkText } from '@parley/lcc'
import type { ComponentSet } from '@parley/lcc'
import type { CommandModule } from '../command-module.js'
import type { GlobalOptions } from '../context.js'
import { readText } from '../context.js'
import { parseComponents } from '../components-option.js'
import { countBySeverity, diagnosticData, diagnosticText } from '../diagnostics-output.js'
import type { FileDiagnostics } from '../diagnostics-output.js'
import { EXIT } from '../exit-codes.js'

export const imCheck: CommandModule = {
  path: ['im', 'check'],
  description: 'parse and check LCC interaction models',
  configure (cmd, ctx) {
    cmd
      .argument('<files...>', 'LCC files to check')
      .option('--components <file|list>', 'the constraints that exist: a comma list of name/arity, or a file with one a line; unknown constraints are then errors')
      .action((files: string[], opts: { components?: string }, self: Command) => {
        const global = self.optsWithGlobals<GlobalOptions>()
        const components = opts.components === undefined ? undefined : parseComponents(opts.components)
        const texts = files.map(file => ({ file, text: readText(file) }))
        const options: { components?: ComponentSet } = components === undefined ? {} : { components }
        const results: FileDiagnostics[] = texts.map(({ file, text }) => ({ file, diagnostics: checkText(text, options).diagnostics }))
        const counts = countBySeverity(results)
        if (global.json === true) {
          ctx.io.out(JSON.stringify({
            files: results.map(r => ({ file: r.file, diagnostics: r.diagnostics.map(d => diagnosticData(r.file, d)) })),
            ...counts,
          }, null, 2) + '\n')
        } else {
          for (const r of results) for (const d of r.diagnostics) ctx.io.out(diagnosticText(r.file, d) + '\n')
          ctx.io.err(`${files.length} file${files.length === 1 ? '' : 's'} checked: ${counts.errors} error${counts.errors === 1 ? '' : 's'}, ${counts.warnings} warning${counts.warnings === 1 ? '' : 's'}\n`)
        }
        ctx.exitCode = counts.errors > 0 ? EXIT.findings : EXIT.ok
      })
  },
}
