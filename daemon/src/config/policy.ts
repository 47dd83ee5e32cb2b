// The host agent's policy figures parleyd exposes (PolicyParams of @parley/runtime): the key, the
// PolicyConfig field it sets, how its checked text becomes the value, and the runtime's default,
// which applies when the key is unset. The defaults feed --help and the cross-key checks;
// test/config.test.ts holds them to the runtime's own.
import { parseDuration } from './checks.js'
import type { MeanEstimatorName } from './checks.js'
import type { PolicyConfig } from './config.js'
import { InvalidValueError } from './errors.js'
import type { RawSetting } from './layer.js'

export interface PolicyKey {
  name: string
  field: keyof PolicyConfig
  value: (text: string) => number | MeanEstimatorName
  runtimeDefault: string
}

const ms = (text: string): number => parseDuration(text)!

export const POLICY_KEYS: readonly PolicyKey[] = [
  { name: 'sample-interval', field: 'sampleIntervalMs', value: ms, runtimeDefault: '1s' },
  { name: 'sustain', field: 'sustainMs', value: ms, runtimeDefault: '2s' },
  { name: 'cooldown', field: 'cooldownMs', value: ms, runtimeDefault: '60s' },
  { name: 'lease-ttl', field: 'leaseTtlMs', value: ms, runtimeDefault: '10s' },
  { name: 'overload-ratio', field: 'overloadRatio', value: Number, runtimeDefault: '1.2' },
  { name: 'underload-ratio', field: 'underloadRatio', value: Number, runtimeDefault: '0.8' },
  { name: 'min-improvement', field: 'minImprovement', value: Number, runtimeDefault: '0.1' },
  { name: 'max-concurrent-migrations', field: 'maxConcurrentMigrations', value: Number, runtimeDefault: '1' },
  { name: 'constraint-timeout', field: 'constraintTimeoutMs', value: ms, runtimeDefault: '120s' },
  { name: 'interaction-timeout', field: 'interactionTimeoutMs', value: ms, runtimeDefault: '300s' },
  { name: 'mean-estimator', field: 'meanEstimator', value: text => text as MeanEstimatorName, runtimeDefault: 'auto' },
]

const POLICY_KEY_BY_NAME: ReadonlyMap<string, PolicyKey> = new Map(POLICY_KEYS.map(k => [k.name, k]))

/** The runtime's default of a policy key, for its --help line. */
export function runtimeDefault (name: string): string {
  const k = POLICY_KEY_BY_NAME.get(name)
  if (k === undefined) throw new Error(`${name} is not a policy key`)
  return k.runtimeDefault
}

/** The policy keys that are set, as the agent takes them; checks that hold across keys. */
export function policyOf (merged: ReadonlyMap<string, RawSetting>): PolicyConfig {
  const policy: Record<string, number | string> = {}
  for (const k of POLICY_KEYS) {
    const text = merged.get(k.name)?.values[0]
    if (text !== undefined) policy[k.field] = k.value(text)
  }
  checkTimeouts(merged)
  return policy as PolicyConfig
}

/**
 * A negotiation ends at interaction-timeout, so a remote step (a live migration) allowed longer by
 * constraint-timeout would be cut short. The key blamed is the one set (constraint-timeout when
 * both are), with the runtime's default standing in for the other.
 */
function checkTimeouts (merged: ReadonlyMap<string, RawSetting>): void {
  const step = merged.get('constraint-timeout')
  const whole = merged.get('interaction-timeout')
  if (step === undefined && whole === undefined) return
  const stepMs = ms(step?.values[0] ?? runtimeDefault('constraint-timeout'))
  const wholeMs = ms(whole?.values[0] ?? runtimeDefault('interaction-timeout'))
  if (stepMs <= wholeMs) return
  const stepText = step?.values[0] ?? `${runtimeDefault('constraint-timeout')} (the runtime default)`
  const wholeText = whole?.values[0] ?? `${runtimeDefault('interaction-timeout')} (the runtime default)`
  const hint = 'a negotiation ends at interaction-timeout, cutting short a migration still allowed by constraint-timeout: set interaction-timeout at least as long'
  if (step !== undefined) {
    throw new InvalidValueError('constraint-timeout', step.origins[0]!, `${stepText} is longer than interaction-timeout ${wholeText}`, hint)
  }
  throw new InvalidValueError('interaction-timeout', whole!.origins[0]!, `${wholeText} is shorter than constraint-timeout ${stepText}`, hint)
}
