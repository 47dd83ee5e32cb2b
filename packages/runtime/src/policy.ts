// Policy parameters with their defaults, checked once when the agent is created.
import { InvalidInitError } from './errors.js'
import type { MeanEstimator, PolicyParams } from './types.js'

const MEAN_ESTIMATORS: readonly MeanEstimator[] = ['reports', 'push-sum', 'auto']

export function resolvePolicy (p: Partial<PolicyParams> = {}): PolicyParams {
  const sample = p.sampleIntervalMs ?? 1000
  const out: PolicyParams = {
    overloadRatio: p.overloadRatio ?? 1.2,
    underloadRatio: p.underloadRatio ?? 0.8,
    sustainMs: p.sustainMs ?? 2000,
    cooldownMs: p.cooldownMs ?? 60_000,
    minImprovement: p.minImprovement ?? 0.1,
    maxConcurrentMigrations: p.maxConcurrentMigrations ?? 1,
    sampleIntervalMs: sample,
    loadWindowMs: p.loadWindowMs ?? 3 * sample,
    leaseTtlMs: p.leaseTtlMs ?? 10_000,
    constraintTimeoutMs: p.constraintTimeoutMs ?? 120_000,
    interactionTimeoutMs: p.interactionTimeoutMs ?? 300_000,
    stallTimeoutMs: p.stallTimeoutMs ?? 10 * sample,
    pollIntervalMs: p.pollIntervalMs ?? 50,
    roleHoldMs: p.roleHoldMs ?? 5 * sample,
    maxCandidates: p.maxCandidates ?? 8,
    arrivalTimeoutMs: p.arrivalTimeoutMs ?? 30_000,
    meanEstimator: p.meanEstimator ?? 'auto',
    meanEstimatorAutoHosts: p.meanEstimatorAutoHosts ?? 200
  }
  if (!MEAN_ESTIMATORS.includes(out.meanEstimator)) {
    throw new InvalidInitError('policy.meanEstimator', `must be one of ${MEAN_ESTIMATORS.join(', ')}, got ${String(out.meanEstimator)}`)
  }
  for (const [k, v] of Object.entries(out)) {
    if (k === 'meanEstimator') continue
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new InvalidInitError(`policy.${k}`, `must be a finite number >= 0, got ${String(v)}`)
  }
  if (!(out.underloadRatio < 1 && out.overloadRatio > 1)) throw new InvalidInitError('policy', 'underloadRatio must be < 1 < overloadRatio')
  for (const k of ['sampleIntervalMs', 'loadWindowMs', 'leaseTtlMs', 'constraintTimeoutMs', 'interactionTimeoutMs', 'stallTimeoutMs', 'pollIntervalMs'] as const) {
    if (out[k] <= 0) throw new InvalidInitError(`policy.${k}`, 'must be > 0')
  }
  if (out.minImprovement >= 1) throw new InvalidInitError('policy.minImprovement', `must be a fraction below 1, got ${out.minImprovement}`)
  if (!Number.isInteger(out.maxConcurrentMigrations) || out.maxConcurrentMigrations < 1) throw new InvalidInitError('policy.maxConcurrentMigrations', 'must be an integer >= 1')
  if (!Number.isInteger(out.maxCandidates) || out.maxCandidates < 1) throw new InvalidInitError('policy.maxCandidates', 'must be an integer >= 1')
  return out
}
