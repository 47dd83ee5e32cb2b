// scripts/build-addon.mjs on a machine without libvirt-dev: the install must not fail.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadBinding } from '../src/index.js'
import { repoRoot } from './lab.js'

test('without pkg-config/libvirt the build writes a marker and exits 0 (1 with --strict)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lvtest-build-'))
  try {
    cpSync(join(repoRoot, 'packages/libvirt/scripts'), join(dir, 'scripts'), { recursive: true })
    const env = { ...process.env, PATH: dir } // no pkg-config on this PATH
    const r = spawnSync(process.execPath, [join(dir, 'scripts/build-addon.mjs')], { encoding: 'utf8', env })
    assert.equal(r.status, 0, r.stderr)
    assert.match(r.stderr, /NOT built: libvirt-dev is not installed/)
    const marker = JSON.parse(readFileSync(join(dir, 'build/unavailable.json'), 'utf8'))
    assert.match(marker.reason, /apt-get install libvirt-dev pkg-config/)
    // The loader then explains why, from the marker.
    const loaded = loadBinding(join(dir, 'build/Release/parley_libvirt.node'))
    assert.ok(!loaded.ok && loaded.reason.startsWith(marker.reason))
    const strict = spawnSync(process.execPath, [join(dir, 'scripts/build-addon.mjs'), '--strict'], { encoding: 'utf8', env })
    assert.equal(strict.status, 1)
    assert.equal(existsSync(join(dir, 'build/Release')), false)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
