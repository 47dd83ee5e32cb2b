#!/usr/bin/env -S node --max-semi-space-size=2
// parleyd: the Parley host agent. See `parleyd --help`.
// The #! line caps V8's young generation at 2 MB per semi-space: start-up (libp2p, the IM
// compiler) grows it to 16 MB and an idle daemon never gives that back, 25-30 MB of RSS for a heap
// whose young objects fit in 5 MB (pnpm bench idle-daemon: ~130 -> ~105 MB, CPU unchanged).
import { ConfigError, helpText, loadConfig, parseFlags } from '../config/index.js'
import type { LoadedConfig, ParsedFlags } from '../config/index.js'
import { ControlError } from '../control/index.js'
import { DaemonError } from './errors.js'
import { createLogging } from './logging.js'
import { createNotifier } from './sd-notify.js'
import { Parleyd } from './service.js'
import { daemonVersion } from './version.js'

const EXIT_OK = 0
const EXIT_FAILED = 1
const EXIT_CONFIG = 2

function fail (line: string, status: number): never {
  process.stderr.write(`parleyd: ${line}\n`)
  process.exit(status)
}

function describe (e: unknown): { line: string, status: number } {
  if (e instanceof ConfigError) return { line: e.line(), status: EXIT_CONFIG }
  if (e instanceof DaemonError || e instanceof ControlError) return { line: `error ${e.code}: ${e.message} (hint: ${e.hint})`, status: EXIT_FAILED }
  const coded = e as { code?: unknown, hint?: unknown, message?: unknown }
  if (typeof coded.code === 'string' && typeof coded.hint === 'string') return { line: `error ${coded.code}: ${String(coded.message)} (hint: ${coded.hint})`, status: EXIT_FAILED }
  return { line: `error PARLEY_INTERNAL: ${e instanceof Error ? e.message : String(e)} (hint: see the log above; report it if it repeats)`, status: EXIT_FAILED }
}

const argv = process.argv.slice(2)
let flags: ParsedFlags
let loaded: LoadedConfig
try {
  flags = parseFlags(argv)
  if (flags.help) { process.stdout.write(helpText()); process.exit(EXIT_OK) }
  if (flags.version) { process.stdout.write(`parleyd ${daemonVersion()}\n`); process.exit(EXIT_OK) }
  loaded = loadConfig({ argv, env: process.env }, flags)
} catch (e) {
  const { line, status } = describe(e)
  fail(line, status)
}

const logging = createLogging(loaded.config.logLevel)
const log = logging.logger.child({ component: 'main' })
const notifier = createNotifier({ env: process.env }, logging.logger.child({ component: 'sd-notify' }))

process.on('uncaughtException', err => { log.fatal({ err }, 'uncaught exception'); process.exit(EXIT_FAILED) })
process.on('unhandledRejection', err => { log.fatal({ err }, 'unhandled rejection'); process.exit(EXIT_FAILED) })

// Listen for SIGHUP before starting: its default action ends the process, and a reload sent as soon
// as 'ready' is logged would otherwise land before the handler exists. A reload that arrives during
// the start runs once the host is up.
let started: (d: Parleyd) => void = () => {}
let reloading: Promise<unknown> = new Promise<Parleyd>(resolve => { started = resolve })
process.on('SIGHUP', () => {
  log.info('SIGHUP: reloading the configuration')
  reloading = reloading.then(async () => { await daemon.reload() })
})

let daemon: Parleyd
try {
  daemon = await Parleyd.start(loaded, { logging, notifier, reloadConfig: () => loadConfig({ argv, env: process.env }, parseFlags(argv)) })
} catch (e) {
  const { line, status } = describe(e)
  log.fatal({ code: (e as { code?: string }).code, error: line }, 'start failed')
  fail(line, status)
}
started(daemon)

let stoppingSince: number | null = null
const shutdown = (signal: string): void => {
  // A second signal while stopping means "now".
  if (stoppingSince !== null) { log.warn({ signal }, 'second stop signal: exiting at once'); process.exit(EXIT_FAILED) }
  stoppingSince = Date.now()
  const grace = daemon.host.config().shutdownTimeoutMs + 15_000
  setTimeout(() => { log.error({ graceMs: grace }, 'stop did not finish in time: exiting'); process.exit(EXIT_FAILED) }, grace).unref()
  daemon.stop(signal).then(() => { process.exit(EXIT_OK) }, (err: unknown) => { log.error({ err }, 'stop failed'); process.exit(EXIT_FAILED) })
}
process.on('SIGTERM', () => { shutdown('SIGTERM') })
process.on('SIGINT', () => { shutdown('SIGINT') })
