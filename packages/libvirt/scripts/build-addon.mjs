#!/usr/bin/env node
// Builds the libvirt addon (build/Release/parley_libvirt.node) with node-gyp, from source, against
// locally installed Node headers. Run by the package's `install` script and by `build:addon`.
// A machine without libvirt-dev (or without Node headers) must still install the workspace: then we
// write build/unavailable.json with the reason and exit 0; the loader reports it through
// isAvailable()/unavailableReason(). `--strict` (build:addon) exits 1 instead, for CI and developers.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..')
const buildDir = join(pkgDir, 'build')
const marker = join(buildDir, 'unavailable.json')
const strict = process.argv.includes('--strict')

function unavailable (reason, detail) {
  mkdirSync(buildDir, { recursive: true })
  writeFileSync(marker, JSON.stringify({ reason, detail: detail ?? null, at: new Date().toISOString() }, null, 2) + '\n')
  process.stderr.write(`@parley/libvirt: native binding NOT built: ${reason}\n`)
  if (strict && detail) process.stderr.write(`${detail}\n`)
  process.exit(strict ? 1 : 0)
}

// Headers: never let node-gyp download them (only the npm registry is reachable).
function findNodeDir () {
  const candidates = [process.env.PARLEY_NODEDIR, join(dirname(process.execPath), '..'), '/usr', '/usr/local']
  for (const dir of candidates) {
    if (dir && existsSync(join(dir, 'include', 'node', 'node_api.h'))) return dir
  }
  return null
}

const pc = spawnSync('pkg-config', ['--exists', 'libvirt'])
if (pc.error || pc.status !== 0) {
  unavailable('libvirt-dev is not installed (pkg-config cannot find libvirt): apt-get install libvirt-dev pkg-config, then pnpm --filter @parley/libvirt run build:addon')
}
const nodedir = findNodeDir()
if (nodedir === null) {
  unavailable('Node C headers (include/node/node_api.h) were not found: install nodejs headers (Debian: libnode-dev) or set PARLEY_NODEDIR, then pnpm --filter @parley/libvirt run build:addon')
}

let gyp
try {
  gyp = createRequire(join(pkgDir, 'package.json')).resolve('node-gyp/bin/node-gyp.js')
} catch {
  unavailable('node-gyp is not installed (devDependency of @parley/libvirt): run pnpm install')
}

const r = spawnSync(process.execPath, [gyp, 'rebuild', `--nodedir=${nodedir}`, '--jobs=2'], {
  cwd: pkgDir, encoding: 'utf8', env: { ...process.env, npm_config_nodedir: nodedir }
})
if (r.status !== 0) {
  const tail = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.split('\n').slice(-40).join('\n')
  unavailable(`the addon failed to compile (node-gyp exit ${r.status}); run pnpm --filter @parley/libvirt run build:addon to see why`, tail)
}
rmSync(marker, { force: true })
process.stdout.write(`@parley/libvirt: built build/Release/parley_libvirt.node (headers from ${nodedir})\n`)
