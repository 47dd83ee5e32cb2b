// A bad command line. Printed as one coded line and a hint, exit status 2; never a stack trace.
export class UsageError extends Error {
  readonly code: string
  readonly hint: string

  constructor (code: string, message: string, hint: string) {
    super(message)
    this.name = 'UsageError'
    this.code = code
    this.hint = hint
  }
}

/** CLI usage codes: each with the hint printed under it. */
export const USAGE_CODES = {
  CLI001: 'unknown command',
  CLI002: 'unknown or bad option',
  CLI003: 'missing argument',
  CLI004: 'cannot read a file',
  CLI005: 'bad component list',
  CLI006: 'cannot write a file',
  CLI007: 'the file exists (psk new without --force)',
  CLI008: 'the parley-sim program is missing or cannot run',
} as const
