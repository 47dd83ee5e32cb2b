// parleyd's command line: every key as --KEY VALUE or --KEY=VALUE (list keys repeat), plus
// --config FILE, --help and --version.
import { FlagError } from './errors.js'
import { closestKey, KEY_BY_NAME } from './keys.js'
import type { Layer } from './layer.js'

export interface ParsedFlags {
  layer: Layer
  config?: string
  help: boolean
  version: boolean
}

export function parseFlags (argv: readonly string[]): ParsedFlags {
  const out: ParsedFlags = { layer: new Map(), help: false, version: false }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--help' || arg === '-h') { out.help = true; continue }
    if (arg === '--version' || arg === '-V') { out.version = true; continue }
    if (!arg.startsWith('--')) throw new FlagError(arg, 'parleyd takes no arguments, only flags', 'run parleyd --help for the flags')
    const eq = arg.indexOf('=')
    const name = arg.slice(2, eq < 0 ? undefined : eq)
    let value: string | undefined = eq < 0 ? undefined : arg.slice(eq + 1)
    const flag = `--${name}`
    const spec = KEY_BY_NAME.get(name)
    if (spec === undefined && name !== 'config') {
      const near = closestKey(name)
      throw new FlagError(flag, 'unknown flag', near === undefined ? 'run parleyd --help for the flags' : `did you mean --${near}?`)
    }
    if (value === undefined) {
      const next = argv[i + 1]
      if (next === undefined || (next.startsWith('--') && next.length > 2)) {
        throw new FlagError(flag, 'needs a value', `e.g. ${flag} ${spec?.arg ?? 'FILE'}`)
      }
      value = next
      i++
    }
    if (spec === undefined) { out.config = value; continue }
    const origin = { kind: 'flag', flag } as const
    const prev = out.layer.get(name)
    if (spec.list && prev !== undefined) {
      prev.values.push(value)
      prev.origins.push(origin)
    } else {
      out.layer.set(name, { values: [value], origins: [origin] })
    }
  }
  return out
}
