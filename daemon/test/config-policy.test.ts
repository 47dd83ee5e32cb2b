// The policy keys end where the operator means them to: in the host agent's PolicyParams (with the
// runtime's defaults for the rest), restart-only on SIGHUP, and documented with the runtime's own
// defaults. The trust check agrees with the discovery that applies the keys.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createMemoryDiscovery, generatePrivateKey, MemoryNetwork, parsePublicKey } from '@parley/discovery'
import { createMemoryFabric, createMemoryHypervisor, realClock } from '@parley/hypervisor'
import { createHostAgent, resolvePolicy } from '@parley/runtime'
import type { HostAgentInit, PolicyParams } from '@parley/runtime'
import pino from 'pino'
import { helpText, KEYS, loadConfig } from '../src/config/index.js'
import type { LoadedConfig } from '../src/config/index.js'
import { isEd25519PublicKey } from '../src/config/ed25519-key.js'
import { POLICY_KEYS } from '../src/config/policy.js'
import { createAgent } from '../src/daemon/agent.js'
import type { Host } from '../src/daemon/host.js'
import { applyReload } from '../src/daemon/reload.js'
import { newCounters } from '../src/metrics/index.js'

const dir = mkdtempSync(join(tmpdir(), 'parley-config-policy-'))
const silent = pino({ level: 'silent' })
const example = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'deploy', 'parley.yaml')

function load (argv: string[], env: Record<string, string> = {}): LoadedConfig {
  return loadConfig({ argv, env, defaultFile: join(dir, 'absent.yaml') })
}

/** The init the daemon's createAgent hands the runtime, from a real agent built with it. */
async function agentInit (policy: LoadedConfig['config']['policy']): Promise<HostAgentInit> {
  const clock = realClock()
  const hypervisor = createMemoryHypervisor({ id: 'h1', fabric: createMemoryFabric(), cpus: 4, memoryMiB: 4096 }, { logger: silent, clock })
  const discovery = await createMemoryDiscovery({ network: new MemoryNetwork(), peerId: 'p1' }, { logger: silent })
  let seen: HostAgentInit | undefined
  const agent = await createAgent({ name: 'h1', cordoned: false, policy }, {
    hypervisor, discovery, logger: silent, clock,
    create: (init, components) => { seen = init; return createHostAgent(init, components) },
  })
  await agent.stop(AbortSignal.timeout(1000))
  await discovery.stop()
  assert.ok(seen !== undefined, 'createAgent did not build a runtime agent')
  return seen
}

test('policy keys from file, environment and flags reach the host agent; unset ones keep the runtime defaults', async () => {
  const f = join(dir, 'policy.yaml')
  writeFileSync(f, 'min-improvement: 0.25\nmax-concurrent-migrations: 4\nconstraint-timeout: 10m\ninteraction-timeout: 20m\nmean-estimator: push-sum\noverload-ratio: 1.3\n')
  const { config } = load(['--config', f, '--mean-estimator', 'reports'], { PARLEY_MAX_CONCURRENT_MIGRATIONS: '2' })
  const init = await agentInit(config.policy)
  const params = resolvePolicy(init.policy)
  const defaults = resolvePolicy({})
  assert.equal(params.minImprovement, 0.25)
  assert.equal(params.maxConcurrentMigrations, 2, 'the environment beats the file')
  assert.equal(params.constraintTimeoutMs, 600_000)
  assert.equal(params.interactionTimeoutMs, 1_200_000)
  assert.equal(params.meanEstimator, 'reports', 'the flag beats the file')
  assert.equal(params.overloadRatio, 1.3)
  for (const k of ['underloadRatio', 'sustainMs', 'cooldownMs', 'sampleIntervalMs', 'leaseTtlMs', 'pollIntervalMs', 'maxCandidates'] as const) {
    assert.equal(params[k], defaults[k], `${k} should keep the runtime default`)
  }
})

test('the extremes the config accepts, the runtime accepts too', async () => {
  const edges = [
    ['--min-improvement', '0', '--max-concurrent-migrations', '1', '--constraint-timeout', '1ms', '--interaction-timeout', '1ms', '--mean-estimator', 'auto'],
    ['--min-improvement', '.999', '--max-concurrent-migrations', '9999', '--constraint-timeout', '1h', '--interaction-timeout', '24h', '--sample-interval', '1ms', '--lease-ttl', '1ms', '--sustain', '0s', '--cooldown', '0s'],
  ]
  for (const argv of edges) {
    const { policy } = load(argv).config
    const init = await agentInit(policy)
    assert.doesNotThrow(() => resolvePolicy(init.policy), `the runtime refused ${argv.join(' ')}`)
  }
})

test('each policy key\'s documented runtime default is the runtime\'s own, in --help and in deploy/parley.yaml', () => {
  const defaults: PolicyParams = resolvePolicy({})
  const text = readFileSync(example, 'utf8')
  const help = helpText()
  for (const k of POLICY_KEYS) {
    assert.equal(k.value(k.runtimeDefault), defaults[k.field], `${k.name}: runtime default ${String(defaults[k.field])}, documented ${k.runtimeDefault}`)
    assert.ok(help.includes(`(runtime default ${k.runtimeDefault})`), `--help lacks ${k.name}'s default`)
    const line = new RegExp(`^# ${k.name}: (\\S+)$`, 'm').exec(text)
    assert.equal(line?.[1], k.runtimeDefault, `deploy/parley.yaml shows ${k.name} with another value`)
  }
  // every policy key is a config key, and none claims to reload: the runtime reads its policy once
  for (const k of POLICY_KEYS) assert.equal(KEYS.find(s => s.name === k.name)?.live, false, k.name)
})

test('SIGHUP: a changed policy key is reported as needing a restart and not applied', async () => {
  const f = join(dir, 'reload.yaml')
  writeFileSync(f, 'max-concurrent-migrations: 2\nmin-improvement: 0.2\n')
  const read = (): LoadedConfig => load(['--config', f])
  const warnings: unknown[] = []
  let current = read()
  const host = {
    get loaded () { return current },
    set loaded (l: LoadedConfig) { current = l },
    config: () => current.config,
    log: { error: () => {}, info: () => {}, warn: (o: unknown) => { warnings.push(o) } },
    counters: newCounters(),
  } as unknown as Host
  writeFileSync(f, 'max-concurrent-migrations: 3\nmin-improvement: 0.2\nmean-estimator: push-sum\n')
  const outcome = await applyReload(host, read)
  assert.equal(outcome.ok, true)
  assert.deepEqual(outcome.applied, [])
  assert.deepEqual(outcome.needRestart, ['policy'])
  assert.deepEqual(host.config().policy, { maxConcurrentMigrations: 2, minImprovement: 0.2 }, 'the running policy stays until a restart')
  assert.deepEqual(warnings, [{ keys: ['policy'] }])
})

test('trust: the config\'s key check accepts exactly what the discovery accepts', async () => {
  const keys = await Promise.all(Array.from({ length: 8 }, async () => (await generatePrivateKey()).publicKey.toString()))
  const usable = (k: string): boolean => { try { parsePublicKey(k); return true } catch { return false } }
  const candidates = ['12D3KooW' + '1'.repeat(44), '12D3KooW' + 'z'.repeat(44), ...keys]
  // one character changed at every position: some still decode (the key bytes), most do not
  for (const k of keys.slice(0, 2)) {
    for (let i = 0; i < k.length; i++) candidates.push(k.slice(0, i) + (k[i] === 'a' ? 'b' : 'a') + k.slice(i + 1))
  }
  let accepted = 0
  for (const c of candidates) {
    assert.equal(isEd25519PublicKey(c), usable(c), c)
    if (usable(c)) accepted++
  }
  assert.ok(accepted >= keys.length && accepted < candidates.length, `accepted ${accepted} of ${candidates.length}`)
  for (const k of keys) assert.deepEqual(load(['--trust', k]).config.trust, [k])
})
