import { test } from 'node:test'
import assert from 'node:assert/strict'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { ConstraintRegistry, PeerRun, Scheduler } from '../src/run/index.js'
import type { RunEvent } from '../src/run/index.js'
import { atom, compound, num, termToString } from '../src/terms/index.js'
import { load, messages } from './run-support.js'

const GOSSIP = `
  a(talker(K), I) :: ( null <- K > 0 then hi(I) => a(listener, L) then null <- K1 is K - 1 then a(talker(K1), I) ) or a(done, I).
  a(listener, J) :: hi(X) <= a(talker, T) then a(listener, J).
  a(done, I) :: null <- true.`

function serialise (trace: readonly RunEvent[]): string[] {
  return trace.map(e => {
    switch (e.type) {
      case 'send': return `send ${e.peer}->${e.to} ${termToString(e.message)}`
      case 'receive': return `recv ${e.peer}<-${e.from} ${termToString(e.message)}`
      case 'role': return `role ${e.peer} ${e.from}->${termToString(e.roleTerm)}`
      case 'step': return `step ${e.peer} ${e.step} ${e.span.start.line}:${e.span.start.column}`
      default: return `${e.type} ${e.peer}`
    }
  })
}

async function gossip (seed: number): Promise<string[]> {
  const s = new Scheduler(load(GOSSIP), { seed, trace: true })
  for (let i = 0; i < 4; i++) s.addPeer({ id: `t${i}`, role: compound('talker', [num(3)]) })
  for (let i = 0; i < 5; i++) s.addPeer({ id: `l${i}`, role: 'listener' })
  const rep = await s.run()
  assert.equal(rep.status, 'quiescent')
  assert.equal(messages(s.trace).length, 12)
  return serialise(s.trace)
}

test('the same seed gives the same trace; another seed gives another interleaving', async () => {
  const a = await gossip(7)
  const b = await gossip(7)
  assert.deepEqual(a, b)
  const others = await Promise.all([8, 9, 10].map(gossip))
  assert.ok(others.some(o => o.join('\n') !== a.join('\n')), 'different seeds should not all coincide')
})

test('run-for-N stops after N steps and a later run continues where it stopped', async () => {
  const s = new Scheduler(load(GOSSIP), { seed: 3, trace: true })
  s.addPeer({ id: 't', role: compound('talker', [num(2)]) })
  s.addPeer({ id: 'l', role: 'listener' })
  const first = await s.runFor(3)
  assert.equal(first.status, 'budget')
  assert.equal(first.steps, 3)
  const rest = await s.run()
  assert.equal(rest.status, 'quiescent')
  assert.deepEqual(messages(s.trace), ['t->l: hi(t)', 't->l: hi(t)'])
  assert.deepEqual(rest.peers.map(p => `${p.id}:${p.roleTerm}:${p.status}`), ['t:done:finished', 'l:listener:blocked'])
})

test('run until a condition holds', async () => {
  const s = new Scheduler(load(GOSSIP), { seed: 3 })
  const t = s.addPeer({ id: 't', role: compound('talker', [num(50)]) })
  s.addPeer({ id: 'l', role: 'listener' })
  const rep = await s.run({ until: () => termToString(t.roleTerm) === 'talker(40)' })
  assert.equal(rep.status, 'until')
  assert.equal(rep.peers[0]?.roleTerm, 'talker(40)')
})

test('events are cheap to leave out: no listener, no trace', async () => {
  const s = new Scheduler(load(GOSSIP), { seed: 1 })
  s.addPeer({ id: 't', role: compound('talker', [num(2)]) })
  s.addPeer({ id: 'l', role: 'listener' })
  await s.run()
  assert.equal(s.trace.length, 0)
})

test('200,000 role changes run in constant memory', () => {
  setFlagsFromString('--expose-gc')
  const gc = runInNewContext('gc') as () => void
  const prog = load('a(count(N), I) :: null <- N1 is N + 1 then a(count(N1), I).')
  const p = new PeerRun(prog, { id: 'p', role: compound('count', [num(0)]) }, {
    dispatch: new ConstraintRegistry().dispatcher(),
    resolve: () => null,
    send: () => { throw new Error('no messages here') }
  })
  const changes = (n: number): void => {
    for (let i = 0; i < n; i++) {
      assert.equal(p.step(), 'fired')
      assert.equal(p.step(), 'changed')
    }
  }
  changes(10_000)
  gc()
  const before = process.memoryUsage().heapUsed
  changes(200_000)
  gc()
  const after = process.memoryUsage().heapUsed
  assert.equal(termToString(p.roleTerm), 'count(210000)')
  const grownMiB = (after - before) / 1048576
  assert.ok(grownMiB < 8, `heap grew by ${grownMiB.toFixed(2)} MiB over 200k role changes`)
})

test('a long exchange between peers drains the inboxes and ends cleanly', async () => {
  const prog = load(`
    a(ping(N, P), I) :: ( null <- N < 20000 then ping(N) => a(pong, P) then pong(M) <= a(pong, P) then null <- N1 is M + 1 then a(ping(N1, P), I) ) or stop => a(pong, P).
    a(pong, J) :: ( ping(N) <= a(ping, Q) then pong(N) => a(ping, Q) then a(pong, J) ) or stop <= a(ping, Q).`)
  const s = new Scheduler(prog, { seed: 5 })
  s.addPeer({ id: 'a', role: compound('ping', [num(0), atom('b')]) })
  const b = s.addPeer({ id: 'b', role: 'pong' })
  const rep = await s.run({ maxSteps: 1_000_000 })
  assert.equal(rep.status, 'quiescent')
  assert.equal(rep.steps, 20000 * 8 + 2, '8 steps per round trip, then stop is sent and received')
  assert.equal(b.inbox.length, 0)
  assert.ok(rep.peers.every(p => p.status === 'finished'))
})
