// Configuration failures. Each names the key and where its value came from, and carries a hint;
// parleyd prints one line and exits 2.
import { describeOrigin } from './origin.js'
import type { Origin } from './origin.js'

export class ConfigError extends Error {
  readonly code: string
  readonly hint: string
  readonly key: string | undefined
  readonly origin: Origin | undefined

  constructor (code: string, message: string, hint: string, key?: string, origin?: Origin) {
    super(message)
    this.name = 'ConfigError'
    this.code = code
    this.hint = hint
    this.key = key
    this.origin = origin
  }

  /** The one line parleyd prints. */
  line (): string {
    return `error ${this.code}: ${this.message} (hint: ${this.hint})`
  }
}

/** A value that fails its key's check. */
export class InvalidValueError extends ConfigError {
  constructor (key: string, origin: Origin, problem: string, hint: string) {
    super('PARLEY_CONFIG_INVALID', `${key} from ${describeOrigin(origin)}: ${problem}`, hint, key, origin)
    this.name = 'InvalidValueError'
  }
}

/** A key (YAML key, flag or PARLEY_ variable) that parleyd does not know. */
export class UnknownKeyError extends ConfigError {
  constructor (what: string, origin: Origin, hint: string) {
    super('PARLEY_CONFIG_UNKNOWN_KEY', `unknown ${what} in ${describeOrigin(origin)}`, hint, undefined, origin)
    this.name = 'UnknownKeyError'
  }
}

/** The config file cannot be read or is not a YAML mapping. */
export class ConfigFileError extends ConfigError {
  constructor (path: string, problem: string, hint: string, line?: number) {
    const origin: Origin = line === undefined ? { kind: 'file', path } : { kind: 'file', path, line }
    super('PARLEY_CONFIG_FILE', `${describeOrigin(origin)}: ${problem}`, hint, undefined, origin)
    this.name = 'ConfigFileError'
  }
}

/** A flag is missing its value or is malformed. */
export class FlagError extends ConfigError {
  constructor (flag: string, problem: string, hint: string) {
    super('PARLEY_CONFIG_FLAG', `${flag}: ${problem}`, hint, undefined, { kind: 'flag', flag })
    this.name = 'FlagError'
  }
}
