// Configuration layering (defaults < file < environment < flags) and errors that name the key and
// the source of the bad value.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ConfigError, KEYS, loadConfig } from '../src/config/index.js'
import type { LoadedConfig } from '../src/config/index.js'

const dir = mkdtempSync(join(tmpdir(), 'parley-config-'))
const NO_FILE = join(dir, 'absent.yaml')
const parleyd = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'daemon', 'main.js')

function file (name: string, text: string): string {
  const p = join(dir, name)
  writeFileSync(p, text)
  return p
}

function load (argv: string[], env: Record<string, string> = {}): LoadedConfig {
  return loadConfig({ argv, env, defaultFile: NO_FILE })
}

function failure (argv: string[], env: Record<string, string> = {}): ConfigError {
  try {
    load(argv, env)
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`)
    return e
  }
  assert.fail('expected the configuration to be refused')
}

test('defaults apply when nothing is given', () => {
  const { config, origins, file: f } = load([])
  assert.equal(f, null)
  assert.equal(config.hypervisor, 'qemu:///system')
  assert.equal(config.migrateUri, null)
  assert.deepEqual(config.listen, ['/ip4/0.0.0.0/tcp/4001'])
  assert.equal(config.socket, '/run/parley/parley.sock')
  assert.equal(config.dataDir, '/var/lib/parley')
  assert.equal(config.http, null, 'the HTTP endpoint (metrics, dashboard) is off unless asked for')
  assert.equal(config.logLevel, 'info')
  assert.equal(config.shutdownTimeoutMs, 30_000)
  assert.deepEqual(origins.hypervisor, { kind: 'default' })
})

test('file < environment < flags, and a later source replaces a list', () => {
  const f = file('layers.yaml', [
    'hypervisor: qemu+tcp://127.0.1.2/system',
    'log-level: debug',
    'allow-im:',
    '  - balance',
    '  - consolidate',
    'listen: [/ip4/127.0.0.1/tcp/4001]',
    'http: 127.0.0.1:9471',
  ].join('\n'))
  const fromFile = load(['--config', f])
  assert.equal(fromFile.config.hypervisor, 'qemu+tcp://127.0.1.2/system')
  assert.deepEqual(fromFile.config.allowIm, ['balance', 'consolidate'])
  assert.deepEqual(fromFile.config.http, { host: '127.0.0.1', port: 9471 })
  assert.deepEqual(fromFile.origins.hypervisor, { kind: 'file', path: f, line: 1 })

  const env = { PARLEY_HYPERVISOR: 'memory://envhost', PARLEY_ALLOW_IM: 'drain, balance', PARLEY_LOG_LEVEL: 'warn' }
  const fromEnv = load(['--config', f], env)
  assert.equal(fromEnv.config.hypervisor, 'memory://envhost')
  assert.deepEqual(fromEnv.config.allowIm, ['drain', 'balance'])
  assert.deepEqual(fromEnv.origins['allow-im'], { kind: 'env', name: 'PARLEY_ALLOW_IM' })

  const fromFlags = load(['--config', f, '--hypervisor=memory://flaghost', '--allow-im', 'x1', '--allow-im', 'x2', '--log-level', 'error'], env)
  assert.equal(fromFlags.config.hypervisor, 'memory://flaghost')
  assert.deepEqual(fromFlags.config.allowIm, ['x1', 'x2'])
  assert.equal(fromFlags.config.logLevel, 'error')
  assert.deepEqual(fromFlags.origins.hypervisor, { kind: 'flag', flag: '--hypervisor' })
  // keys set only in the file survive the higher layers
  assert.deepEqual(fromFlags.config.listen, ['/ip4/127.0.0.1/tcp/4001'])
})

test('PARLEY_CONFIG names the file; --config wins over it', () => {
  const a = file('a.yaml', 'log-level: debug\n')
  const b = file('b.yaml', 'log-level: trace\n')
  assert.equal(load([], { PARLEY_CONFIG: a }).config.logLevel, 'debug')
  assert.equal(load(['--config', b], { PARLEY_CONFIG: a }).config.logLevel, 'trace')
})

test('a bad value in the file names the key, the file and the line', () => {
  const f = file('bad-level.yaml', '# parleyd\nhypervisor: memory://h\n\nlog-level: loud\n')
  const e = failure(['--config', f])
  assert.equal(e.code, 'PARLEY_CONFIG_INVALID')
  assert.equal(e.message, `log-level from ${f}:4: "loud" is not a log level`)
  assert.match(e.hint, /fatal, error, warn, info, debug, trace, silent/)
  assert.equal(e.line().split('\n').length, 1)
})

test('a bad list item in the file points at its own line', () => {
  const f = file('bad-bootstrap.yaml', 'bootstrap:\n  - /ip4/10.0.0.2/tcp/4001/p2p/12D3KooWLsNBWFF5y3PvrHrZM3zRzQSN9xmAohVtZ1EFpbxAa1Zm\n  - /ip4/10.0.0.3/tcp/4001\n')
  const e = failure(['--config', f])
  assert.match(e.message, new RegExp(`^bootstrap from ${f}:3: "/ip4/10.0.0.3/tcp/4001" is not a bootstrap multiaddr with a peer id$`))
  assert.match(e.hint, /\/p2p\//)
})

test('a bad value from the environment names the variable', () => {
  const e = failure([], { PARLEY_HTTP: 'localhost' })
  assert.equal(e.message, 'http from environment variable PARLEY_HTTP: "localhost" is not HOST:PORT')
  assert.match(e.hint, /127\.0\.0\.1:9470/)
})

test('a bad value from a flag names the flag', () => {
  const e = failure(['--socket', 'relative/parley.sock'])
  assert.equal(e.message, 'socket from flag --socket: "relative/parley.sock" is not an absolute path')
  const d = failure(['--shutdown-timeout', 'soon'])
  assert.equal(d.message, 'shutdown-timeout from flag --shutdown-timeout: "soon" is not a duration')
  const t = failure(['--trust', 'not-a-key'])
  assert.match(t.message, /^trust from flag --trust: "not-a-key" is not an ed25519 public key$/)
  const a = failure(['--allow-im', 'has space'])
  assert.match(a.hint, /sha256/)
})

test('policy keys reach the agent only when set; out-of-range ratios are refused', () => {
  assert.deepEqual(load([]).config.policy, {})
  assert.deepEqual(load(['--sample-interval', '250ms', '--sustain', '1s', '--cooldown', '2m', '--lease-ttl', '5s', '--overload-ratio', '1.5', '--underload-ratio', '0.5',
    '--min-improvement', '0.05', '--max-concurrent-migrations', '3', '--constraint-timeout', '3m', '--interaction-timeout', '10m', '--mean-estimator', 'push-sum']).config.policy,
  { sampleIntervalMs: 250, sustainMs: 1000, cooldownMs: 120_000, leaseTtlMs: 5000, overloadRatio: 1.5, underloadRatio: 0.5,
    minImprovement: 0.05, maxConcurrentMigrations: 3, constraintTimeoutMs: 180_000, interactionTimeoutMs: 600_000, meanEstimator: 'push-sum' })
  assert.match(failure(['--overload-ratio', '0.9']).message, /^overload-ratio from flag --overload-ratio: "0\.9" is not a ratio above 1$/)
  assert.match(failure([], { PARLEY_UNDERLOAD_RATIO: '1.1' }).message, /^underload-ratio from environment variable PARLEY_UNDERLOAD_RATIO: /)
  assert.match(failure(['--sample-interval', '0s']).message, /^sample-interval from flag --sample-interval: must be above 0$/)
})

test('the other policy keys: a bad value names the key and its source, with a hint', () => {
  const invalid = (argv: string[], env: Record<string, string>, message: string, hint: RegExp): void => {
    const e = failure(argv, env)
    assert.equal(e.code, 'PARLEY_CONFIG_INVALID')
    assert.equal(e.message, message)
    assert.match(e.hint, hint)
  }
  invalid(['--min-improvement', '1'], {}, 'min-improvement from flag --min-improvement: "1" is not a fraction from 0 up to (not including) 1', /e\.g\. 0\.1/)
  invalid(['--min-improvement=10%'], {}, 'min-improvement from flag --min-improvement: "10%" is not a fraction from 0 up to (not including) 1', /squared deviation/)
  invalid([], { PARLEY_MIN_IMPROVEMENT: '-0.1' }, 'min-improvement from environment variable PARLEY_MIN_IMPROVEMENT: "-0.1" is not a fraction from 0 up to (not including) 1', /fraction/)
  for (const bad of ['0', '1.5', 'two', '-1']) {
    invalid(['--max-concurrent-migrations', bad], {}, `max-concurrent-migrations from flag --max-concurrent-migrations: "${bad}" is not a whole number from 1 to 9999`, /in flight on this host at once, in or out/)
  }
  invalid([], { PARLEY_CONSTRAINT_TIMEOUT: '0s' }, 'constraint-timeout from environment variable PARLEY_CONSTRAINT_TIMEOUT: must be above 0', /30s/)
  invalid(['--interaction-timeout', 'forever'], {}, 'interaction-timeout from flag --interaction-timeout: "forever" is not a duration', /30s/)
  invalid(['--mean-estimator', 'average'], {}, 'mean-estimator from flag --mean-estimator: "average" is not a mean estimator', /reports .*push-sum .*auto/)
  const f = file('bad-policy.yaml', 'hypervisor: memory://h\nmax-concurrent-migrations: 2\nmin-improvement: 2\n')
  invalid(['--config', f], {}, `min-improvement from ${f}:3: "2" is not a fraction from 0 up to (not including) 1`, /e\.g\. 0\.1/)
})

test('constraint-timeout may not outlast interaction-timeout: the key set is blamed, the default stands in', () => {
  const longStep = failure(['--constraint-timeout', '10m'])
  assert.equal(longStep.code, 'PARLEY_CONFIG_INVALID')
  assert.equal(longStep.message, 'constraint-timeout from flag --constraint-timeout: 10m is longer than interaction-timeout 300s (the runtime default)')
  assert.match(longStep.hint, /set interaction-timeout at least as long/)
  const shortWhole = failure([], { PARLEY_INTERACTION_TIMEOUT: '1m' })
  assert.equal(shortWhole.message, 'interaction-timeout from environment variable PARLEY_INTERACTION_TIMEOUT: 1m is shorter than constraint-timeout 120s (the runtime default)')
  const both = failure(['--constraint-timeout', '20m', '--interaction-timeout', '15m'])
  assert.equal(both.key, 'constraint-timeout')
  assert.deepEqual(load(['--constraint-timeout', '10m', '--interaction-timeout', '10m']).config.policy, { constraintTimeoutMs: 600_000, interactionTimeoutMs: 600_000 })
})

test('trust: a key of the right form that is no ed25519 key stops the start with a coded line', () => {
  const unusable = '12D3KooW' + '1'.repeat(44)
  const e = failure(['--trust', unusable])
  assert.equal(e.code, 'PARLEY_CONFIG_INVALID')
  assert.equal(e.message, `trust from flag --trust: "${unusable}" is not an ed25519 public key: it has the form of one but does not decode to a key`)
  assert.match(e.hint, /copy the key again/)
  const f = file('trust.yaml', `trust:\n  - 12D3KooWLsNBWFF5y3PvrHrZM3zRzQSN9xmAohVtZ1EFpbxAa1Zm\n  - ${unusable}\n`)
  assert.match(failure(['--config', f]).message, new RegExp(`^trust from ${f}:3: `))
  const r = spawnSync(process.execPath, [parleyd, '--hypervisor', 'memory://h', '--trust', unusable], { encoding: 'utf8', timeout: 30_000 })
  assert.equal(r.status, 2)
  assert.equal(r.stderr, `parleyd: ${e.line()}\n`)
})

test('unknown keys and flags are refused with a suggestion', () => {
  const f = file('typo.yaml', 'hypervisor: memory://h\nlog-levle: debug\n')
  const e = failure(['--config', f])
  assert.equal(e.code, 'PARLEY_CONFIG_UNKNOWN_KEY')
  assert.equal(e.message, `unknown key "log-levle" in ${f}:2`)
  assert.equal(e.hint, 'did you mean log-level?')
  const g = failure(['--hypervisr', 'memory://h'])
  assert.equal(g.code, 'PARLEY_CONFIG_FLAG')
  assert.equal(g.hint, 'did you mean --hypervisor?')
  const m = failure(['--psk'])
  assert.equal(m.message, '--psk: needs a value')
  assert.equal(failure(['stray']).code, 'PARLEY_CONFIG_FLAG')
})

test('file problems: missing file, YAML syntax, not a mapping, a list for a single key', () => {
  const missing = failure(['--config', join(dir, 'nope.yaml')])
  assert.equal(missing.code, 'PARLEY_CONFIG_FILE')
  assert.match(missing.message, /cannot read the config file \(ENOENT\)/)
  const syntax = failure(['--config', file('syntax.yaml', 'hypervisor: memory://h\nlisten: [/ip4/1.2.3.4/tcp/1\n')])
  assert.equal(syntax.code, 'PARLEY_CONFIG_FILE')
  assert.match(syntax.message, /syntax\.yaml:\d+: YAML: /)
  assert.equal(failure(['--config', file('list.yaml', '- a\n- b\n')]).code, 'PARLEY_CONFIG_FILE')
  const scalarKey = failure(['--config', file('two.yaml', 'hypervisor:\n  - memory://a\n  - memory://b\n')])
  assert.match(scalarKey.message, /^hypervisor from .*two\.yaml:2: takes one value, not a list$/)
  assert.deepEqual(load(['--config', file('empty.yaml', '# nothing yet\n')]).config.hypervisor, 'qemu:///system')
})

test('parleyd with a bad configuration: one coded line naming key and source, exit 2, no stack trace', () => {
  const r = spawnSync(process.execPath, [parleyd, '--log-level', 'loud', '--hypervisor', 'memory://h'], { encoding: 'utf8', timeout: 30_000 })
  assert.equal(r.status, 2)
  assert.equal(r.stdout, '')
  const lines = r.stderr.trimEnd().split('\n')
  assert.equal(lines.length, 1, r.stderr)
  assert.match(lines[0]!, /^parleyd: error PARLEY_CONFIG_INVALID: log-level from flag --log-level: "loud" is not a log level \(hint: one of /)
  assert.doesNotMatch(r.stderr, /\n\s+at /)
  const env = spawnSync(process.execPath, [parleyd], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, PARLEY_LISTEN: '/ip4/1.2.3.4/udp/1' } })
  assert.equal(env.status, 2)
  assert.match(env.stderr, /^parleyd: error PARLEY_CONFIG_INVALID: listen from environment variable PARLEY_LISTEN: /)
})

test('parleyd --help lists every key with its environment variable', () => {
  const r = spawnSync(process.execPath, [parleyd, '--help'], { encoding: 'utf8', timeout: 30_000 })
  assert.equal(r.status, 0)
  for (const k of ['--hypervisor', '--migrate-uri', '--listen', '--bootstrap', '--psk', '--socket', '--data-dir', '--trust', '--allow-im', '--http', '--log-level', 'PARLEY_ALLOW_IM', 'SIGHUP']) {
    assert.ok(r.stdout.includes(k), `--help lacks ${k}`)
  }
})

test('deploy/parley.yaml loads and documents every key', () => {
  const example = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'deploy', 'parley.yaml')
  const { config } = load(['--config', example])
  assert.equal(config.hypervisor, 'qemu:///system')
  assert.deepEqual(config.allowIm, ['balance'])
  const text = readFileSync(example, 'utf8')
  for (const k of KEYS) assert.match(text, new RegExp(`^#? ?${k.name}:`, 'm'), `deploy/parley.yaml does not document ${k.name}`)
})
