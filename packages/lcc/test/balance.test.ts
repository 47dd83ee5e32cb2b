// The balance policy runs: Parley's ims/balance.lcc with three peers, and the 2012 paper's verbatim
// text, whose `X then A or B` traps a balanced peer.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { Scheduler } from '../src/run/index.js'
import { BalanceWorld } from './balance-support.js'
import { load, messages, roleChanges, textAt } from './run-support.js'

const BALANCE = readFileSync(new URL('../../../../ims/balance.lcc', import.meta.url), 'utf8')
const VICHOS = readFileSync(new URL('../../test/fixtures/papers/vichos-2012-balance.lcc', import.meta.url), 'utf8')

function threePeers (text: string, world: BalanceWorld, seed = 1): Scheduler {
  const s = new Scheduler(load(text), { seed, trace: true, constraints: world.registry() })
  for (const id of ['hostA', 'hostB', 'hostC']) s.addPeer({ id, role: 'idle' })
  return s
}

test('balance.lcc: overloaded and underloaded peers migrate as in fig. 1, then all three are idle', async () => {
  for (const seed of [1, 2, 3]) {
    const world = new BalanceWorld({
      hostA: { state: 'over', status: 30 },
      hostB: { state: 'under', status: 50 },
      hostC: { state: 'balanced', status: 0 }
    })
    const s = threePeers(BALANCE, world, seed)
    const rep = await s.run({ maxSteps: 400 })
    assert.equal(rep.status, 'budget', 'idle recurses forever; the run stops at its budget')
    assert.deepEqual(messages(s.trace), ['hostA->hostB: readyToMigrate(30)', 'hostB->hostA: migration(ok)'])
    assert.deepEqual(world.calls, [
      'hostB/underloaded isMigrationPossible(50, 30)',
      'hostA/overloaded migration(hostA, hostB)',
      'hostB/underloaded waitForMigration()'
    ])
    assert.deepEqual(world.migrations, [['hostA', 'hostB']])
    const changes = roleChanges(s.trace).filter(c => !c.endsWith(': idle->idle'))
    assert.deepEqual(changes.filter(c => c.startsWith('hostA')), ['hostA: idle->overloaded(30)', 'hostA: overloaded->idle'])
    assert.deepEqual(changes.filter(c => c.startsWith('hostB')), ['hostB: idle->underloaded(50)', 'hostB: underloaded->idle'])
    assert.deepEqual(changes.filter(c => c.startsWith('hostC')), [], 'the balanced peer only recurses into idle')
    assert.deepEqual(rep.peers.map(p => `${p.id}:${p.role}:${p.status}`), ['hostA:idle:ready', 'hostB:idle:ready', 'hostC:idle:ready'])
    assert.ok(!s.trace.some(e => e.type === 'blocked' && e.peer === 'hostC'), 'the balanced peer never blocks')
  }
})

test('balance.lcc: a refused transfer sends the overloaded peer back to idle to look again', async () => {
  const world = new BalanceWorld({
    hostA: { state: 'over', status: 30 },
    hostB: { state: 'under', status: 10, fullAfterRefusal: true },
    hostC: { state: 'balanced', status: 0 }
  })
  const s = threePeers(BALANCE, world)
  const rep = await s.run({ maxSteps: 400 })
  assert.deepEqual(messages(s.trace), ['hostA->hostB: readyToMigrate(30)', 'hostB->hostA: refused(full)'])
  assert.deepEqual(world.migrations, [], 'no migration without agreement')
  assert.deepEqual(world.calls, ['hostB/underloaded isMigrationPossible(10, 30)'])
  const a = roleChanges(s.trace).filter(c => c.startsWith('hostA') && c !== 'hostA: idle->idle')
  assert.deepEqual(a.slice(0, 3), ['hostA: idle->overloaded(30)', 'hostA: overloaded->idle', 'hostA: idle->overloaded(30)'])
  // Still overloaded and nobody underloaded: hostA does not wait for a partner for ever, it goes
  // back to idle through noPartner(underloaded) and looks again (a host rests between searches).
  assert.equal(rep.status, 'budget')
  assert.ok(a.length > 3 && a.every((c, i) => c === (i % 2 === 0 ? 'hostA: idle->overloaded(30)' : 'hostA: overloaded->idle')), a.join())
  assert.ok(!rep.peers.some(p => p.status === 'blocked' && p.blocked?.some(b => b.reason === 'no-peer')), 'nobody waits for a partner that no one plays')
  assert.equal(rep.peers.find(p => p.id === 'hostB')?.role, 'idle')
  assert.equal(rep.peers.find(p => p.id === 'hostC')?.role, 'idle')
})

test('the 2012 text verbatim: `X then A or B` commits after getPeerState and traps balanced peers', async () => {
  const world = new BalanceWorld({
    hostA: { state: 'over', status: 30 },
    hostB: { state: 'under', status: 50 },
    hostC: { state: 'balanced', status: 0 }
  })
  const s = threePeers(VICHOS, world)
  const rep = await s.run({ maxSteps: 400 })
  assert.equal(rep.status, 'quiescent', 'nothing can fire any more')
  // hostC (balanced) and hostB (underloaded, so not overloaded either) are stuck in idle at isOverLoaded().
  for (const id of ['hostB', 'hostC']) {
    const p = rep.peers.find(q => q.id === id)
    assert.equal(p?.role, 'idle')
    assert.equal(p?.status, 'blocked')
    const b = p?.blocked?.[0]
    assert.equal(b?.reason, 'constraint')
    assert.ok(b?.at !== null && b?.at !== undefined)
    assert.equal(textAt(VICHOS, b.at), 'isOverLoaded()')
    const err = rep.problems.find(e => 'peer' in e && (e as { peer: string }).peer === id)
    assert.equal(err?.code, 'LCC066')
    assert.match(err?.message ?? '', new RegExp(`peer ${id} in role idle is blocked at a null step at ${b.at.start.line}:${b.at.start.column}`))
  }
  // hostA did become overloaded, but no peer ever plays underloaded.
  const a = rep.peers.find(q => q.id === 'hostA')
  assert.equal(a?.role, 'overloaded')
  assert.equal(a?.blocked?.[0]?.reason, 'no-peer')
  assert.deepEqual(messages(s.trace), [])
})

test('the same balanced peer under ims/balance.lcc keeps running idle and never blocks', async () => {
  const world = new BalanceWorld({ hostC: { state: 'balanced', status: 0 } })
  const s = new Scheduler(load(BALANCE), { trace: true, constraints: world.registry() })
  s.addPeer({ id: 'hostC', role: 'idle' })
  const rep = await s.run({ maxSteps: 300 })
  assert.equal(rep.status, 'budget')
  assert.equal(rep.peers[0]?.role, 'idle')
  assert.ok(!s.trace.some(e => e.type === 'blocked'))
  const v = new Scheduler(load(VICHOS), { constraints: world.registry() })
  v.addPeer({ id: 'hostC', role: 'idle' })
  const stuck = await v.run({ maxSteps: 300 })
  assert.equal(stuck.status, 'quiescent')
  assert.equal(stuck.steps, 1, 'only getPeerState fires, then the committed branch waits on isOverLoaded()')
})
