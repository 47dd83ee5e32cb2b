// Failures of `pnpm demo` that reach the user: one line with a stable code and a hint.
export class DemoError extends Error {
  readonly code: string
  readonly hint: string

  constructor (code: string, message: string, hint: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'DemoError'
    this.code = code
    this.hint = hint
  }
}

export class DemoUsageError extends DemoError {
  constructor (detail: string) {
    super('PARLEY_DEMO_USAGE', detail, 'usage: pnpm demo [--timeout SECONDS] [--json]')
  }
}

export class DemoStartError extends DemoError {
  constructor (host: string, detail: string, logFile: string, options?: ErrorOptions) {
    super('PARLEY_DEMO_START_FAILED', `host ${host} did not start: ${detail}`, `see ${logFile}; is loopback (127.0.0.1) usable here?`, options)
  }
}
