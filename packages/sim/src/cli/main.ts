#!/usr/bin/env node
// The parley-sim program (also run as `parley sim`). See program.ts and `parley-sim --help`.
import { runSimCli } from './program.js'

// A reader that goes away (`parley-sim --json | head`) is not an error of ours: stop quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0)
    throw err
  })
}

process.exitCode = await runSimCli(process.argv.slice(2), {
  out: text => { process.stdout.write(text) },
  err: text => { process.stderr.write(text) },
  errIsTty: process.stderr.isTTY === true || process.env.PARLEY_SIM_PROGRESS === 'bar'
})
