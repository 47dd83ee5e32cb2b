// How the daemon commands print for people: status, drain result lines, the progress bar, tables.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { StatusResult } from '../src/control/index.js'
import { progressBar } from '../src/cli/client/progress.js'
import { mib, table } from '../src/cli/client/table.js'
import { resultLine } from '../src/cli/commands/drain.js'
import { statusText } from '../src/cli/commands/status.js'

test('drain result lines say what happened to each VM and why', () => {
  assert.equal(resultLine({ vm: 'web', outcome: 'moved', to: '12D3KooWx' }), 'web: moved to 12D3KooWx')
  assert.equal(resultLine({ vm: 'db', outcome: 'unplaced', reason: 'shutoff: live migration needs a running VM' }), 'db: cannot be placed: shutoff: live migration needs a running VM')
  assert.equal(resultLine({ vm: 'a', outcome: 'would-move', reason: 'negotiated through balance with 2 connected peers' }), 'a: would move (negotiated through balance with 2 connected peers)')
  assert.equal(resultLine({ vm: 'b', outcome: 'stopped', reason: 'uncordoned' }), 'b: not moved: uncordoned')
})

test('the progress bar redraws in place and clears itself; disabled it prints nothing', () => {
  let out = ''
  const bar = progressBar({ out: t => { out += t }, err: () => {} }, true)
  bar.update(1, 4, 0)
  assert.equal(out, '\r[' + '#'.repeat(8) + '.'.repeat(22) + '] 1/4 moved')
  out = ''
  bar.update(4, 4, 1)
  assert.equal(out, '\r[' + '#'.repeat(30) + '] 4/4 moved, 1 not placed')
  out = ''
  bar.clear()
  assert.match(out, /^\r +\r$/)
  let quiet = ''
  const off = progressBar({ out: t => { quiet += t }, err: () => {} }, false)
  off.update(1, 2, 0)
  off.clear()
  assert.equal(quiet, '')
})

test('tables align columns; sizes read as MiB or GiB', () => {
  assert.equal(table(['NAME', 'STATE'], [['web', 'running'], ['database', 'shutoff']]), 'NAME      STATE\nweb       running\ndatabase  shutoff\n')
  assert.equal(mib(2048), '2 GiB')
  assert.equal(mib(1536), '1536 MiB')
})

test('status for people: state, subscriptions with roles, interactions', () => {
  const s: StatusResult = {
    version: '0.1.0', protocol: 1, peerId: '12D3KooWpeer', addresses: ['/ip4/10.0.0.2/tcp/4001/p2p/12D3KooWpeer'],
    hypervisor: { uri: 'qemu:///system', backend: 'libvirt', host: 'kvm1', migrationUri: 'qemu+tcp://kvm1/system' },
    runtime: 'attached',
    subscriptions: [{ name: 'balance', hash: 'd037f95b204273f5d57a7d3ec840fa905368a44e2b107170c60bc6827f822691', roles: ['overloaded(0.9)'], since: '2026-01-01T00:00:00.000Z' }],
    roles: [{ im: 'balance', role: 'overloaded(0.9)' }],
    interactions: [{ id: 'i1', im: 'balance', role: 'overloaded(0.9)', coordinator: '12D3KooWpeer', peers: ['12D3KooWother'], startedAt: '2026-01-01T00:00:01.000Z' }],
    cordoned: true, draining: true, peers: 2, vms: 3, uptimeS: 61,
  }
  const text = statusText(s)
  assert.match(text, /^state +draining \(cordoned\)$/m)
  assert.match(text, /^hypervisor +qemu:\/\/\/system \(libvirt, host kvm1, migrate qemu\+tcp:\/\/kvm1\/system\)$/m)
  assert.match(text, /^ {2}balance {2}sha256 d037f95b2042… {2}role overloaded\(0\.9\)$/m)
  assert.match(text, /^ {2}i1 {2}balance {2}as overloaded\(0\.9\) {2}coordinator 12D3KooWpeer {2}with 12D3KooWother {2}since 2026-01-01T00:00:01\.000Z$/m)
})
