#!/usr/bin/env node
// The parley command-line tool. See program.ts for the commands and `parley --help`.
import { runCli } from './program.js'

// A reader that goes away (`parley --help | head`) is not an error of ours: stop quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0)
    throw err
  })
}

const status = await runCli(process.argv.slice(2), {
  out: text => { process.stdout.write(text) },
  err: text => { process.stderr.write(text) },
})
process.exitCode = status
