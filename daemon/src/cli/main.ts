#!/usr/bin/env node
// The parley command-line tool. See program.ts for the commands and `parley --help`.
import { runCli } from './program.js'

const status = await runCli(process.argv.slice(2), {
  out: text => { process.stdout.write(text) },
  err: text => { process.stderr.write(text) },
})
process.exitCode = status
