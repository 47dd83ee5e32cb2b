#!/usr/bin/env node
// `pnpm demo`: four parleyd hosts balance a skewed load through ims/balance.lcc, shown live.
// Exit 0 when balanced, 1 when not balanced in time or on an error, 2 on bad arguments, 130 on Ctrl-C.
import { DEMO_HELP, parseDemoArgs } from './args.js'
import type { DemoOptions } from './args.js'
import { DemoUsageError } from './errors.js'
import { jsonView } from './json-view.js'
import { runDemo } from './run.js'
import { ttyView } from './tty-view.js'

const EXIT_BALANCED = 0
const EXIT_FAILED = 1
const EXIT_USAGE = 2
const EXIT_INTERRUPTED = 130

function fail (e: unknown): never {
  const coded = e as { code?: unknown, hint?: unknown, message?: unknown }
  const line = typeof coded.code === 'string' && typeof coded.hint === 'string'
    ? `error ${coded.code}: ${String(coded.message)} (hint: ${coded.hint})`
    : `error PARLEY_INTERNAL: ${e instanceof Error ? e.message : String(e)} (hint: see the demo log; report it if it repeats)`
  process.stderr.write(`parley demo: ${line}\n`)
  process.exit(e instanceof DemoUsageError ? EXIT_USAGE : EXIT_FAILED)
}

let options: DemoOptions
try {
  options = parseDemoArgs(process.argv.slice(2))
} catch (e) {
  fail(e)
}
if (options.help) { process.stdout.write(DEMO_HELP); process.exit(EXIT_BALANCED) }

const write = (text: string): void => { process.stdout.write(text) }
const view = options.json || process.stdout.isTTY !== true ? jsonView(write) : ttyView(write, () => process.stdout.columns ?? 100)
const stop = new AbortController()
const onSignal = (): void => {
  // a second Ctrl-C means now
  if (stop.signal.aborted) process.exit(EXIT_INTERRUPTED)
  stop.abort()
}
process.on('SIGINT', onSignal)
process.on('SIGTERM', onSignal)

try {
  const summary = await runDemo({ timeoutMs: options.timeoutMs, signal: stop.signal, view })
  if (summary.outcome === 'timeout') {
    process.stderr.write(`parley demo: the hosts were not within the band after ${Math.round(summary.elapsedMs / 1000)}s (hint: see ${summary.logFile})\n`)
  }
  process.exit(summary.outcome === 'balanced' ? EXIT_BALANCED : summary.outcome === 'interrupted' ? EXIT_INTERRUPTED : EXIT_FAILED)
} catch (e) {
  fail(e)
}
