// Shared by the syntax, format, check, golden and property tests: where the fixtures are, and an
// AST comparison that ignores source positions.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

/** packages/lcc, found from dist/test. */
export const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const repoDir = join(packageDir, '..', '..')
export const fixturesDir = join(packageDir, 'test', 'fixtures')
export const goldenDir = join(packageDir, 'test', 'golden')

export interface Fixture { name: string, path: string, text: string }

function lccFiles (dir: string, base: string, prefix: string): Fixture[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const path = join(dir, e.name)
    if (e.isDirectory()) return lccFiles(path, base, prefix)
    if (!e.name.endsWith('.lcc')) return []
    return [{ name: prefix + relative(base, path).replace(/\.lcc$/, ''), path, text: readFileSync(path, 'utf8') }]
  }).sort((a, b) => a.name.localeCompare(b.name))
}

/** Every fixture under test/fixtures (papers/, broken/, ...) and every policy in ims/. */
export function allFixtures (): Fixture[] {
  return [...lccFiles(fixturesDir, fixturesDir, ''), ...lccFiles(join(repoDir, 'ims'), join(repoDir, 'ims'), 'ims/')]
}

export function fixture (name: string): string {
  return readFileSync(join(fixturesDir, name), 'utf8')
}

export function imsFile (name: string): string {
  return readFileSync(join(repoDir, 'ims', name), 'utf8')
}

/** The value without `span`/`orSpans` keys: ASTs equal up to positions. */
export function withoutSpans (value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (k, v: unknown) => (k === 'span' || k === 'orSpans') ? undefined : v))
}
