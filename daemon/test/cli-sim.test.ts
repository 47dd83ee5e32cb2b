// `parley sim` runs the separate parley-sim program (@parley/sim's bin) like a git plugin: found on
// PATH or in a node_modules/.bin above the CLI, given the words after `sim` as typed, its output
// and exit status passed through; a missing program is error CLI008 with a hint.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Command } from 'commander'
import { findSimProgram, simArguments, simCommand } from '../src/cli/commands/sim.js'
import type { CliContext } from '../src/cli/context.js'

const here = dirname(fileURLToPath(import.meta.url))
const main = join(here, '..', 'src', 'cli', 'main.js')
const root = join(here, '..', '..', '..')

function parley (...args: string[]): { status: number | null, stdout: string, stderr: string } {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', cwd: root })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

function fakeProgram (dir: string): string {
  mkdirSync(dir, { recursive: true })
  const p = join(dir, 'parley-sim')
  writeFileSync(p, '#!/bin/sh\nexit 0\n')
  chmodSync(p, 0o755)
  return p
}

test('the words after sim go through as typed; a global --json before it goes along', () => {
  assert.deepEqual(simArguments(['sim', '--hosts', '3', '--json', 'out.json']), ['--hosts', '3', '--json', 'out.json'])
  assert.deepEqual(simArguments(['--json', 'sim', '--seed', '1']), ['--json', '--seed', '1'])
  assert.deepEqual(simArguments(['--socket', 'sim', 'sim', '--help']), ['--help'], 'a --socket value named sim is not the command')
})

test('parley-sim is looked up on PATH first, then in node_modules/.bin above the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-plugin-'))
  const onPath = fakeProgram(join(dir, 'bin'))
  const inWorkspace = fakeProgram(join(dir, 'ws', 'node_modules', '.bin'))
  const deep = join(dir, 'ws', 'daemon', 'dist', 'src', 'cli')
  mkdirSync(deep, { recursive: true })
  assert.equal(findSimProgram({ PATH: join(dir, 'bin') }, deep), onPath)
  assert.equal(findSimProgram({ PATH: '' }, deep), inWorkspace)
  assert.equal(findSimProgram({ PATH: join(dir, 'nothing') }, join(dir, 'elsewhere')), null)
})

test('without parley-sim: error CLI008 with a hint', async () => {
  const program = new Command('parley').exitOverride()
  const ctx: CliContext = { io: { out: () => {}, err: () => {} }, exitCode: 0 }
  const mod = simCommand(() => null)
  mod.configure(program.command('sim'), ctx)
  await assert.rejects(program.parseAsync(['sim', '--hosts', '3'], { from: 'user' }),
    (e: { code?: string, message?: string, hint?: string }) => e.code === 'CLI008' && /parley-sim is not installed/.test(e.message ?? '') && /install @parley\/sim/.test(e.hint ?? ''))
})

test('parley sim runs the workspace\'s parley-sim: its report on stdout, its progress on stderr, its exit status', () => {
  const r = parley('sim', '--hosts', '3', '--vms', '5', '--rounds', '3', '--seed', '11', '--json')
  assert.equal(r.status, 0, r.stderr)
  const report = JSON.parse(r.stdout) as { format: string, seed: number, hosts: unknown[] }
  assert.equal(report.format, 'parley-sim/1')
  assert.equal(report.seed, 11)
  assert.equal(report.hosts.length, 3)
  assert.match(r.stderr, /^parley sim: seed 11\n\{"event":"sim\.progress"/)
  const bad = parley('sim', '--hosts', 'many')
  assert.equal(bad.status, 2)
  assert.match(bad.stderr, /^parley-sim: error CLI002: --hosts many: give a whole number from 1 to 1000000\n {2}hint: /)
  const help = parley('sim', '--help')
  assert.equal(help.status, 0)
  assert.match(help.stdout, /Usage: parley-sim \[options\]/)
})
