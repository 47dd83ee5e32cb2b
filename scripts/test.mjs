#!/usr/bin/env node
// Runs every compiled test file with node's test runner. Where /dev/kvm and libvirtd exist it first
// brings up the KVM lab (scripts/kvm-lab.sh) so the real-host tests run, and always takes it down after.
// Tests that need the lab read PARLEY_LAB_HOSTS; without it they skip and say why.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const labHosts = Number(process.env.PARLEY_LAB_SIZE ?? 3)

function findTests (dir, out = []) {
  if (!existsSync(dir)) return out
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) findTests(p, out)
    else if (name.endsWith('.test.js') || name.endsWith('.test.mjs')) out.push(p)
  }
  return out
}

function labReason () {
  if (process.env.PARLEY_NO_LAB) return 'PARLEY_NO_LAB is set'
  if (!existsSync('/dev/kvm')) return 'no /dev/kvm on this machine'
  const which = spawnSync('sh', ['-c', 'command -v libvirtd && command -v virsh && command -v unshare'], { encoding: 'utf8' })
  if (which.status !== 0) return 'libvirtd or virsh is not installed (apt-get install libvirt-daemon-system qemu-system-x86)'
  if (process.getuid?.() !== 0) return 'the KVM lab needs root (namespaces, cgroups)'
  return null
}

const selected = process.argv.slice(2)
const files = selected.length > 0
  ? selected
  : ['packages', 'daemon'].flatMap(top => {
      const base = join(root, top)
      if (top === 'daemon') return findTests(join(base, 'dist', 'test'))
      return readdirSync(base).flatMap(p => findTests(join(base, p, 'dist', 'test')))
    }).concat(existsSync(join(root, 'editors'))
      ? readdirSync(join(root, 'editors')).flatMap(e => findTests(join(root, 'editors', e, 'test')))
      : [])

if (files.length === 0) {
  console.error('no compiled test files found under packages/*/dist/test or daemon/dist/test: run `pnpm build` first')
  process.exit(1)
}

const env = { ...process.env }
const reason = labReason()
const lab = join(root, 'scripts', 'kvm-lab.sh')
let labUp = false
if (reason === null && existsSync(lab)) {
  const up = spawnSync('bash', [lab, 'up', String(labHosts)], { stdio: 'inherit' })
  if (up.status === 0) {
    labUp = true
    env.PARLEY_LAB_HOSTS = String(labHosts)
  } else {
    env.PARLEY_LAB_SKIP_REASON = `kvm-lab.sh up ${labHosts} failed (exit ${up.status})`
  }
} else {
  env.PARLEY_LAB_SKIP_REASON = reason ?? 'scripts/kvm-lab.sh is missing'
}
if (!labUp) console.log(`# real KVM tests will be skipped: ${env.PARLEY_LAB_SKIP_REASON}`)

let status = 1
try {
  const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--test-timeout=600000', ...files], { stdio: 'inherit', env })
  status = r.status ?? 1
} finally {
  if (labUp) spawnSync('bash', [lab, 'down'], { stdio: 'inherit' })
}
process.exit(status)
