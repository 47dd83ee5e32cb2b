// Layered configuration: defaults, then the YAML file, then PARLEY_* variables, then flags. A key set
// in a later layer replaces it entirely (lists are not merged). Every value is checked where it came
// from, so an error names the key and its source.
import { existsSync } from 'node:fs'
import { parseDuration } from './checks.js'
import type { LogLevel } from './checks.js'
import type { DaemonConfig, LoadedConfig } from './config.js'
import { CONFIG_ENV, envLayer } from './env.js'
import { InvalidValueError } from './errors.js'
import { parseConfigFile, readConfigFile } from './file.js'
import { parseFlags } from './flags.js'
import type { ParsedFlags } from './flags.js'
import { KEYS } from './keys.js'
import type { Layer, RawSetting } from './layer.js'
import type { Origin } from './origin.js'
import { policyOf } from './policy.js'

export const DEFAULT_CONFIG_FILE = '/etc/parley/parley.yaml'

export interface LoadOptions {
  argv: readonly string[]
  env: Readonly<Record<string, string | undefined>>
  /** The file read when neither --config nor PARLEY_CONFIG names one; skipped when absent. */
  defaultFile?: string
}

function defaultsLayer (): Layer {
  const layer: Layer = new Map()
  for (const k of KEYS) {
    if (k.default === null) continue
    const values = Array.isArray(k.default) ? [...k.default] : [k.default]
    layer.set(k.name, { values, origins: values.map((): Origin => ({ kind: 'default' })) })
  }
  return layer
}

/** Loads the configuration; throws a ConfigError on the first bad value. */
export function loadConfig (options: LoadOptions, flags: ParsedFlags = parseFlags(options.argv)): LoadedConfig {
  const explicit = flags.config ?? options.env[CONFIG_ENV]
  const candidate = explicit ?? options.defaultFile ?? DEFAULT_CONFIG_FILE
  const file = explicit !== undefined || existsSync(candidate) ? candidate : null
  const layers: Layer[] = [defaultsLayer()]
  if (file !== null) layers.push(parseConfigFile(file, readConfigFile(file)))
  layers.push(envLayer(options.env), flags.layer)
  const merged = new Map<string, RawSetting>()
  for (const layer of layers) for (const [name, setting] of layer) merged.set(name, setting)

  const origins: Record<string, Origin> = {}
  for (const k of KEYS) {
    const setting = merged.get(k.name)
    if (setting === undefined) continue
    origins[k.name] = setting.origins[0] ?? { kind: 'default' }
    if (!k.list && setting.values.length !== 1) {
      throw new InvalidValueError(k.name, origins[k.name]!, 'takes exactly one value', `e.g. --${k.name} ${k.arg}`)
    }
    setting.values.forEach((v, i) => {
      const bad = k.check(v)
      if (bad !== null) throw new InvalidValueError(k.name, setting.origins[i]!, bad.problem, bad.hint)
    })
  }
  const one = (name: string): string => merged.get(name)!.values[0]!
  const many = (name: string): string[] => [...new Set(merged.get(name)?.values ?? [])]
  const http = one('http')
  const config: DaemonConfig = {
    hypervisor: one('hypervisor'),
    migrateUri: merged.get('migrate-uri')?.values[0] ?? null,
    listen: many('listen'),
    bootstrap: many('bootstrap'),
    psk: one('psk'),
    socket: one('socket'),
    dataDir: one('data-dir'),
    trust: many('trust'),
    allowIm: many('allow-im'),
    http: http === 'off' ? null : splitHostPort(http),
    logLevel: one('log-level') as LogLevel,
    shutdownTimeoutMs: parseDuration(one('shutdown-timeout'))!,
    policy: policyOf(merged),
  }
  if (config.listen.length === 0) {
    throw new InvalidValueError('listen', origins.listen ?? { kind: 'default' }, 'is empty: the host would be unreachable', 'give at least one, e.g. --listen /ip4/0.0.0.0/tcp/4001')
  }
  return { config, origins, file }
}

function splitHostPort (addr: string): { host: string, port: number } {
  const i = addr.lastIndexOf(':')
  return { host: addr.slice(0, i).replace(/^\[(.*)\]$/, '$1'), port: Number(addr.slice(i + 1)) }
}
