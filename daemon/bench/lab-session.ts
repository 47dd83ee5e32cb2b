// The KVM lab for a benchmark: the one the caller brought up (PARLEY_LAB_HOSTS), or one this
// process starts with scripts/kvm-lab.sh and takes down again; or why there is none.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { LAB_SCRIPT, labHosts } from '../test/kvm-lab.js'
import type { LabHost } from '../test/kvm-lab.js'

export interface LabSession { hosts: LabHost[], close: () => void }

function cannotStart (): string | null {
  if (process.env.PARLEY_NO_LAB !== undefined) return 'PARLEY_NO_LAB is set'
  if (!existsSync('/dev/kvm')) return 'no /dev/kvm on this machine'
  const which = spawnSync('sh', ['-c', 'command -v libvirtd && command -v virsh && command -v unshare'], { encoding: 'utf8' })
  if (which.status !== 0) return 'libvirtd or virsh is not installed (apt-get install libvirt-daemon-system qemu-system-x86)'
  if (process.getuid?.() !== 0) return 'the KVM lab needs root (namespaces, cgroups)'
  return null
}

/** n lab hosts, or the reason the benchmark cannot run. */
export function labSession (n: number): LabSession | string {
  if (process.env.PARLEY_LAB_HOSTS !== undefined) {
    const hosts = labHosts(n)
    return typeof hosts === 'string' ? hosts : { hosts, close: () => {} }
  }
  const why = cannotStart()
  if (why !== null) return why
  const up = spawnSync('bash', [LAB_SCRIPT, 'up', String(n)], { encoding: 'utf8' })
  if (up.status !== 0) return `kvm-lab.sh up ${n} failed (exit ${up.status}): ${up.stderr.trim().split('\n').at(-1) ?? ''}`
  // this process brought the lab up: what follows (and any child) sees it as the test runner's lab
  process.env.PARLEY_LAB_HOSTS = String(n)
  const started = labHosts(n)
  if (typeof started === 'string') return started
  return {
    hosts: started,
    close: () => {
      delete process.env.PARLEY_LAB_HOSTS
      spawnSync('bash', [LAB_SCRIPT, 'down'], { stdio: 'ignore' })
    },
  }
}
