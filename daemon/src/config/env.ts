// PARLEY_* environment variables. Lists are comma-separated. Variables parleyd does not know are left
// alone: other tools (the test runner, the KVM lab) use the PARLEY_ prefix too.
import { KEY_BY_ENV } from './keys.js'
import { single, splitList } from './layer.js'
import type { Layer } from './layer.js'

export const CONFIG_ENV = 'PARLEY_CONFIG'

export function envLayer (env: Readonly<Record<string, string | undefined>>): Layer {
  const layer: Layer = new Map()
  for (const [name, value] of Object.entries(env)) {
    const spec = KEY_BY_ENV.get(name)
    if (spec === undefined || value === undefined) continue
    const origin = { kind: 'env', name } as const
    layer.set(spec.name, spec.list ? splitList(value, origin) : single(value, origin))
  }
  return layer
}
