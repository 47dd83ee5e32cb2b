#!/usr/bin/env node
// Runs every package's benchmark (dist/bench/*.bench.js) in turn; each prints its own figures.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const only = process.argv[2]
const dirs = [...readdirSync(join(root, 'packages')).map(p => join(root, 'packages', p)), join(root, 'daemon')]
let failed = 0
for (const dir of dirs) {
  const bdir = join(dir, 'dist', 'bench')
  if (!existsSync(bdir)) continue
  for (const f of readdirSync(bdir).filter(n => n.endsWith('.bench.js')).sort()) {
    if (only && !f.includes(only) && !dir.endsWith(only)) continue
    console.log(`\n## ${dir.slice(root.length + 1)}/${f}`)
    const r = spawnSync(process.execPath, ['--expose-gc', join(bdir, f)], { stdio: 'inherit' })
    if (r.status !== 0) failed++
  }
}
process.exit(failed ? 1 : 0)
