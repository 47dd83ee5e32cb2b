import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parse } from '../src/syntax/index.js'
import { verify } from '../src/verify/index.js'
import type { VerifyOptions, VerifyReport } from '../src/verify/index.js'
import { balance, counter, forgetsReply, handshake, papers, shadowedBranch, waitForEachOther } from './verify-fixtures.js'

function run (text: string, options: VerifyOptions = {}): VerifyReport {
  const { model, diagnostics } = parse(text)
  assert.deepEqual(diagnostics.filter(d => d.severity === 'error'), [])
  return verify(model, options)
}

const kinds = (r: VerifyReport): string[] => r.findings.map(f => f.kind)

test('verify: two roles that each wait for the other to speak first deadlock in the initial state', () => {
  const r = run(waitForEachOther)
  const d = r.findings.find(f => f.kind === 'deadlock')
  assert.ok(d, kinds(r).join())
  assert.equal(d.code, 'LCC070')
  assert.equal(d.trace.length, 0)
  assert.equal(d.waiting.length, 2)
  assert.match(d.waiting.join('\n'), /alice1 \(alice\) waits at line 3: hello <= a\(bob, B\)/)
})

test('verify: a correct handshake has no findings and ends', () => {
  const r = run(handshake)
  assert.deepEqual(r.findings, [])
  assert.equal(r.stats.complete, true)
  assert.deepEqual(r.peers.map(p => p.name), ['client1', 'server1'])
  assert.equal(r.stats.states, 5)
})

test('verify: a reply nobody expects is an orphan, and the waiting client a deadlock, with the shortest trace', () => {
  const r = run(forgetsReply)
  const orphan = r.findings.find(f => f.kind === 'orphan')
  assert.ok(orphan)
  assert.match(orphan.message, /^ack sent by server1 \(server\) to client1/)
  assert.deepEqual(orphan.trace.map(s => `${s.peer}: ${s.action.split('   ')[0]}`), [
    'client1: ping => a(server, S)', 'server1: ping <= a(client, C)', 'server1: ack => a(client, C)',
  ])
  assert.ok(r.findings.some(f => f.kind === 'deadlock' && /client1 \(client\) waits at line 3: done <= a\(server, S\)/.test(f.waiting.join())))
})

test('verify: the papers\' trap (2012 first policy, verbatim) shows as a stuck peer after getPeerState', () => {
  const r = run(papers.balance2012)
  const stuck = r.findings.find(f => f.kind === 'stuck')
  assert.ok(stuck, kinds(r).join())
  assert.equal(stuck.code, 'LCC071')
  assert.deepEqual(stuck.trace.map(s => s.action.split('   ')[0]), ['null <- getPeerState(Status)', 'null <- isOverLoaded()'])
  assert.match(stuck.trace[1]!.action, /fails: stuck/)
  assert.equal(stuck.line, 8)
})

test('verify: fixing isOverLoaded to true with --assume removes the trap; false keeps it', () => {
  assert.ok(!kinds(run(papers.balance2012, { assume: { isOverLoaded: true } })).includes('stuck'))
  assert.ok(kinds(run(papers.balance2012, { assume: { 'isOverLoaded/0': false } })).includes('stuck'))
})

test('verify: ims/balance.lcc with 3 hosts has no deadlock, no stuck peer and no orphan', () => {
  const r = run(balance, { peers: 'idle=3' })
  assert.equal(r.peers.length, 3)
  assert.ok(r.stats.states > 100)
  assert.equal(r.stats.complete, true)
  for (const k of ['deadlock', 'stuck', 'orphan', 'livelock', 'starved', 'undefinedRole']) assert.ok(!kinds(r).includes(k), `${k}: ${JSON.stringify(r.findings, null, 1)}`)
})

test('verify: the 2012 consolidation policy reports migration(OK) sent to the undefined role overloaded', () => {
  const r = run(papers.consolidate2012)
  const lost = r.findings.find(f => f.code === 'LCC073')
  assert.ok(lost, kinds(r).join())
  assert.equal(lost.kind, 'orphan')
  assert.match(lost.message, /^migration\(OK\) => a\(overloaded, ID1\).* sends to role overloaded, which has no clause/)
  assert.match(lost.trace.at(-1)!.action, /migration\(_\) to idle1\] \[role overloaded has no clause\]/)
})

test('verify: symmetry reduction keeps the verdict and explores fewer states', () => {
  for (const [text, peers] of [[balance, 'idle=3'], [papers.balance2012, 'idle=3'], [papers.consolidate2012, 'idle=2']] as const) {
    const on = run(text, { peers })
    const off = run(text, { peers, symmetry: false })
    assert.deepEqual(on.findings.map(f => `${f.code} ${f.trace.length}`).sort(), off.findings.map(f => `${f.code} ${f.trace.length}`).sort())
    assert.ok(on.stats.states < off.stats.states, `${on.stats.states} < ${off.stats.states}`)
  }
})

test('verify: default peers are inferred from the roles that talk (balance idle gets two)', () => {
  assert.deepEqual(run(balance).peers.map(p => p.name), ['idle1', 'idle2'])
  assert.deepEqual(run(waitForEachOther).peers.map(p => p.role), ['alice', 'bob'])
})

test('verify: a branch that an earlier branch always pre-empts, and a clause no run enters, are unreachable', () => {
  const r = run(shadowedBranch, { peers: 'worker=1,boss=1' })
  assert.deepEqual(r.findings.map(f => `${f.code}:${f.line}`).sort(), ['LCC076:9', 'LCC077:4'])
})

test('verify: the depth bound stops an unbounded counter and says so', () => {
  const r = run(counter, { depth: 20 })
  assert.equal(r.stats.complete, false)
  const b = r.findings.find(f => f.kind === 'bound')
  assert.ok(b)
  assert.equal(b.trace.length, 20)
})

test('verify: bad options are errors, not exceptions', () => {
  assert.match(run(balance, { peers: 'ghost=2' }).errors.join(), /ghost/)
  assert.match(run(balance, { peers: 'idle=x' }).errors.join(), /bad --peers/)
  assert.match(run(balance, { depth: 0 }).errors.join(), /--depth/)
})
