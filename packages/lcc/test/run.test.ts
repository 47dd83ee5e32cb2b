import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ConstraintRegistry, PeerRun, Scheduler } from '../src/run/index.js'
import type { Envelope, PeerEnv } from '../src/run/index.js'
import { atom, compound, deref, num, termToString } from '../src/terms/index.js'
import type { Term } from '../src/terms/index.js'
import { CallLog, load, messages, roleChanges } from './run-support.js'

function soloEnv (constraints: ConstraintRegistry, sent: Envelope[] = []): PeerEnv {
  return { dispatch: constraints.dispatcher(), resolve: () => null, send: e => { sent.push(e) } }
}

/** Steps a lone peer until it stops firing; returns the outcomes. */
function drive (p: PeerRun, max = 100): string[] {
  const out: string[] = []
  for (let i = 0; i < max; i++) {
    const r = p.step()
    assert.equal(typeof r, 'string', 'synchronous constraints must give a synchronous step')
    out.push(r as string)
    if (r !== 'fired' && r !== 'changed') break
  }
  return out
}

test('then runs steps in order; a synchronous step returns synchronously', () => {
  const log = new CallLog()
  const prog = load('a(r, I) :: null <- s(1) then null <- s(2) then null <- s(3).')
  const p = new PeerRun(prog, { id: 'p', role: 'r' }, soloEnv(new ConstraintRegistry({ 's/1': log.holds() })))
  assert.deepEqual(drive(p), ['fired', 'fired', 'finished'])
  assert.deepEqual(log.calls, ['p:r:s(1)', 'p:r:s(2)', 'p:r:s(3)'])
  assert.equal(p.status, 'finished')
})

test('or commits to the first branch whose first step fires', () => {
  const log = new CallLog()
  const prog = load('a(r, I) :: ( null <- no(a) then null <- s(a) ) or ( null <- s(b) then null <- s(b2) ) or ( null <- s(c) ).')
  const c = new ConstraintRegistry({ 's/1': log.holds(), 'no/1': log.fails() })
  const p = new PeerRun(prog, { id: 'p', role: 'r' }, soloEnv(c))
  drive(p)
  assert.deepEqual(log.calls, ['p:r:no(a)', 'p:r:s(b)', 'p:r:s(b2)'], 'branch c is never tried once b fired')
})

test('a branch whose first step fails leaves no bindings behind', () => {
  const seen: string[] = []
  const prog = load('a(r, I) :: ( null <- X = 1 and Y = 2 and fail ) or ( null <- show(X, Y) ).')
  const c = new ConstraintRegistry({ 'show/2': args => { seen.push(args.map(termToString).join(',')); return true } })
  drive(new PeerRun(prog, { id: 'p', role: 'r' }, soloEnv(c)))
  assert.deepEqual(seen, ['X,Y'])
})

test('after committing, a later step that cannot fire blocks the peer (no backtracking into other branches)', () => {
  const log = new CallLog()
  const prog = load('a(r, I) :: ( null <- s(a) then null <- no(a) ) or ( null <- s(b) ).')
  const p = new PeerRun(prog, { id: 'p', role: 'r' }, soloEnv(new ConstraintRegistry({ 's/1': log.holds(), 'no/1': log.fails() })))
  assert.deepEqual(drive(p), ['fired', 'blocked'])
  assert.equal(p.status, 'blocked')
  assert.equal(p.blocked?.[0]?.reason, 'constraint')
  assert.deepEqual(log.calls, ['p:r:s(a)', 'p:r:no(a)'])
})

test('constraints: and, or, not, comparisons and is', () => {
  const log = new CallLog()
  const prog = load(`a(r, I) ::
    null <- X is 2 * 3 + 1 and X > 6 and X =< 7 and X >= 7 and X < 8 and X \\= 8 and X == 7 and not(X = 8)
      and (fail or Y = X) and not fail then
    null <- s(X, Y).`)
  drive(new PeerRun(prog, { id: 'p', role: 'r' }, soloEnv(new ConstraintRegistry({ 's/2': log.holds() }))))
  assert.deepEqual(log.calls, ['p:r:s(7, 7)'])
})

test('a constraint binds variables by answering terms; false and mismatches do not hold', async () => {
  const log = new CallLog()
  const prog = load('a(r, I) :: null <- load(L, 3) then null <- later(M) then null <- s(L, M) then null <- load(0, 4).')
  const c = new ConstraintRegistry({
    'load/2': () => [num(42), num(3)],
    'later/1': async () => [atom('done')],
    's/2': log.holds()
  })
  const p = new PeerRun(prog, { id: 'p', role: 'r' }, soloEnv(c))
  assert.equal(p.step(), 'fired')
  const r = p.step()
  assert.ok(r instanceof Promise, 'an async component makes the step async')
  assert.equal(await r, 'fired')
  assert.equal(p.step(), 'fired')
  assert.deepEqual(log.calls, ['p:r:s(42, done)'])
  assert.equal(p.step(), 'blocked', 'load(0, 4) does not unify with the answer (42, 3)')
})

test('recursion and role change with arguments', () => {
  const prog = load(`
    a(count(N, Max), I) :: ( null <- N < Max then null <- N1 is N + 1 then a(count(N1, Max), I) ) or a(done(N), I).
    a(done(N), I) :: null <- report(N).`)
  const got: Term[] = []
  const c = new ConstraintRegistry({ 'report/1': args => { got.push(deref(args[0] as Term)); return true } })
  const p = new PeerRun(prog, { id: 'p', role: compound('count', [num(0), num(5)]) }, soloEnv(c))
  drive(p)
  assert.equal(p.roleName, 'done')
  assert.equal(termToString(p.roleTerm), 'done(5)')
  assert.deepEqual(got, [num(5)])
  assert.equal(p.status, 'finished')
})

test('a role change naming another peer, or an unknown role, is a coded failure', () => {
  const prog = load('a(r, I) :: a(r, other). a(s, I) :: a(nowhere, I).')
  const p = new PeerRun(prog, { id: 'p', role: 'r' }, soloEnv(new ConstraintRegistry()))
  assert.equal(p.step(), 'failed')
  assert.equal(p.error?.code, 'LCC057')
  const q = new PeerRun(prog, { id: 'q', role: 's' }, soloEnv(new ConstraintRegistry()))
  assert.equal(q.step(), 'failed')
  assert.equal(q.error?.code, 'LCC055')
  assert.match(q.error?.message ?? '', /nowhere/)
})

test('an unknown constraint at run time is a coded failure naming the peer', () => {
  const prog = load('a(r, I) :: null <- mystery(1).')
  const p = new PeerRun(prog, { id: 'p', role: 'r' }, soloEnv(new ConstraintRegistry()))
  assert.equal(p.step(), 'failed')
  assert.equal(p.error?.code, 'LCC058')
  assert.match(p.error?.message ?? '', /mystery\/1.*peer p.*at 1:/)
})

test('a component that throws or answers nonsense is a coded fault, not a crash', async () => {
  const prog = load('a(r, I) :: null <- boom. a(s, I) :: null <- odd(X). a(t, I) :: null <- rej.')
  const c = new ConstraintRegistry({
    'boom/0': () => { throw new Error('disk on fire') },
    'odd/1': () => [num(1), num(2)],
    'rej/0': async () => { throw new Error('remote said no') }
  })
  const a = new PeerRun(prog, { id: 'a', role: 'r' }, soloEnv(c))
  assert.equal(a.step(), 'failed')
  assert.equal(a.error?.code, 'LCC060')
  assert.match(a.error?.message ?? '', /disk on fire/)
  const b = new PeerRun(prog, { id: 'b', role: 's' }, soloEnv(c))
  assert.equal(b.step(), 'failed')
  assert.equal(b.error?.code, 'LCC061')
  const t = new PeerRun(prog, { id: 't', role: 't' }, soloEnv(c))
  assert.equal(await t.step(), 'failed')
  assert.equal(t.error?.code, 'LCC060')
})

test('a constraint that never answers times out with a coded error naming peer, role and place', async () => {
  const text = 'a(r, I) :: null <- true then\n  null <- stuck(I).'
  const prog = load(text)
  const c = new ConstraintRegistry({ 'stuck/1': () => new Promise(() => {}) })
  const s = new Scheduler(prog, { constraints: c, constraintTimeoutMs: 30 })
  s.addPeer({ id: 'h1', role: 'r' })
  const t0 = Date.now()
  const report = await s.run()
  assert.ok(Date.now() - t0 < 5000)
  assert.equal(report.status, 'quiescent')
  const err = report.problems[0]
  assert.equal(err?.code, 'LCC059')
  assert.match(err?.message ?? '', /stuck\/1 of peer h1 in role r did not answer within 30 ms at 2:11/)
  assert.equal(report.peers[0]?.status, 'failed')
})

test('C <- M <= A: the constraint runs after the message arrives; a message it rejects stays', async () => {
  const prog = load(`
    a(src, I) :: offer(1) => a(dst, d) then offer(5) => a(dst, d).
    a(dst, I) :: V > 3 <- offer(V) <= a(src, S) then null <- got(V).`)
  const log = new CallLog()
  const s = new Scheduler(prog, { constraints: new ConstraintRegistry({ 'got/1': log.holds() }), trace: true })
  s.addPeer({ id: 's', role: 'src' })
  const d = s.addPeer({ id: 'd', role: 'dst' })
  await s.run()
  assert.deepEqual(log.calls, ['d:dst:got(5)'])
  assert.deepEqual(d.inbox.map(e => termToString(e.message)), ['offer(1)'])
})

test('par interleaves its branches step by step', () => {
  const log = new CallLog()
  const prog = load('a(r, I) :: ( null <- s(a1) then null <- s(a2) then null <- s(a3) ) par ( null <- s(b1) then null <- s(b2) ).')
  drive(new PeerRun(prog, { id: 'p', role: 'r' }, soloEnv(new ConstraintRegistry({ 's/1': log.holds() }))))
  assert.deepEqual(log.calls.map(c => c.replace('p:r:', '')), ['s(a1)', 's(b1)', 's(a2)', 's(b2)', 's(a3)'])
})

test('par: a branch waiting for a message does not stop the other', async () => {
  const prog = load(`
    a(r, I) :: ( ping <= a(q, Q) then null <- s(got) ) par ( null <- s(x1) then null <- s(x2) then go => a(q, q1) ).
    a(q, J) :: go <= a(r, R) then ping => a(r, R).`)
  const log = new CallLog()
  const s = new Scheduler(prog, { constraints: new ConstraintRegistry({ 's/1': log.holds() }) })
  s.addPeer({ id: 'r1', role: 'r' })
  s.addPeer({ id: 'q1', role: 'q' })
  const rep = await s.run()
  assert.equal(rep.status, 'quiescent')
  assert.deepEqual(log.calls, ['r1:r:s(x1)', 'r1:r:s(x2)', 'r1:r:s(got)'])
  assert.ok(rep.peers.every(p => p.status === 'finished'))
})

test('sending to an unbound peer asks the resolver, binds the id, and delivers there', async () => {
  const prog = load(`
    a(asker, I) :: hello(I) => a(helper, H) then thanks <= a(helper, H) then null <- s(H).
    a(helper, J) :: hello(X) <= a(asker, A) then thanks => a(asker, A).`)
  const log = new CallLog()
  const queries: string[] = []
  const s = new Scheduler(prog, {
    trace: true,
    constraints: new ConstraintRegistry({ 's/1': log.holds() }),
    resolver: async q => { queries.push(`${q.peer}/${q.role} wants ${q.toRole} for ${termToString(q.message)}`); return 'h2' }
  })
  s.addPeer({ id: 'a', role: 'asker' })
  s.addPeer({ id: 'h1', role: 'helper' })
  s.addPeer({ id: 'h2', role: 'helper' })
  const rep = await s.run()
  assert.deepEqual(queries, ['a/asker wants helper for hello(a)'])
  assert.deepEqual(messages(s.trace), ['a->h2: hello(a)', 'h2->a: thanks'])
  assert.deepEqual(log.calls, ['a:asker:s(h2)'])
  assert.equal(rep.peers.find(p => p.id === 'h1')?.status, 'blocked')
})

test('with no peer to resolve, the send blocks (reason no-peer) and retries until one appears', async () => {
  const prog = load(`
    a(asker, I) :: hello => a(helper, H).
    a(idle, J) :: ( null <- ready then a(helper, J) ) or a(idle, J).
    a(helper, J) :: hello <= a(asker, A).`)
  let readyAfter = 5
  const s = new Scheduler(prog, { trace: true, constraints: new ConstraintRegistry({ 'ready/0': () => --readyAfter <= 0 }) })
  const a = s.addPeer({ id: 'a', role: 'asker' })
  s.addPeer({ id: 'h', role: 'idle' })
  assert.equal(a.step(), 'blocked')
  assert.deepEqual(a.blocked?.map(b => [b.reason, b.partnerRole, b.partnerKnown]), [['no-peer', 'helper', false]])
  assert.ok(a.clause.seeks)
  const rep = await s.run()
  assert.equal(rep.status, 'quiescent')
  assert.deepEqual(messages(s.trace), ['a->h: hello'])
  assert.ok(rep.peers.every(p => p.status === 'finished'))
})

test('a step budget stops a looping IM and says so with a coded problem', async () => {
  const prog = load('a(idle, I) :: null <- true then a(idle, I).')
  const s = new Scheduler(prog)
  s.addPeer({ id: 'x', role: 'idle' })
  const rep = await s.run({ maxSteps: 1000 })
  assert.equal(rep.status, 'budget')
  assert.equal(rep.steps, 1000)
  assert.equal(rep.problems[0]?.code, 'LCC067')
  assert.equal(rep.peers[0]?.role, 'idle')
})

test('a peer waiting for a message that never comes is reported blocked with its step', async () => {
  const text = 'a(waiter, I) :: null <- true then\n  never(X) <= a(nobody, N).\na(nobody, N) :: null <- true.'
  const prog = load(text)
  const s = new Scheduler(prog)
  s.addPeer({ id: 'w', role: 'waiter' })
  const rep = await s.run()
  assert.equal(rep.status, 'quiescent')
  const err = rep.problems[0]
  assert.equal(err?.code, 'LCC066')
  assert.match(err?.message ?? '', /peer w in role waiter is blocked at a receive from nobody at 2:3/)
  assert.equal(rep.peers[0]?.blocked?.[0]?.partnerKnown, false)
  assert.ok(s.peer('w')?.clause.advertises === false, 'the leading step of waiter is a null step')
})

test('constraint calls carry the participant and role, so a coordinator can route them per host', async () => {
  const prog = load(`
    a(overloaded, I) :: ask => a(underloaded, U) then ok <= a(underloaded, U) then null <- moved(I, U).
    a(underloaded, J) :: ask <= a(overloaded, O) then ok => a(overloaded, O) <- fits(O) then null <- took(O).`)
  const routed: string[] = []
  const host = (name: string) => new ConstraintRegistry({
    'moved/2': (_a, call) => { routed.push(`${name} ${call.peer}/${call.role} ${call.key}`); return true },
    'fits/1': (_a, call) => { routed.push(`${name} ${call.peer}/${call.role} ${call.key}`); return true },
    'took/1': async (_a, call) => { routed.push(`${name} ${call.peer}/${call.role} ${call.key} ctx=${String(call.context)}`); return true }
  })
  const s = new Scheduler(prog)
  s.addPeer({ id: 'A', role: 'overloaded', constraints: host('hostA').dispatcher() })
  s.addPeer({ id: 'B', role: 'underloaded', constraints: host('hostB').dispatcher(), context: 'im-42' })
  const rep = await s.run()
  assert.equal(rep.status, 'quiescent')
  assert.deepEqual(routed.sort(), ['hostA A/overloaded moved/2', 'hostB B/underloaded fits/1', 'hostB B/underloaded took/1 ctx=im-42'])
})

test('abort puts participants back into a local role with an empty inbox', async () => {
  const prog = load(`
    a(idle, I) :: null <- true.
    a(a1, I) :: m1 => a(b1, b) then m2 <= a(b1, b).
    a(b1, J) :: null <- never.`)
  const s = new Scheduler(prog, { trace: true, constraints: new ConstraintRegistry({ 'never/0': () => false }) })
  s.addPeer({ id: 'a', role: 'a1' })
  const b = s.addPeer({ id: 'b', role: 'b1' })
  const rep = await s.run()
  assert.equal(rep.status, 'quiescent')
  assert.equal(b.inbox.length, 1)
  s.abort({ a: 'idle', b: 'idle' })
  assert.equal(b.inbox.length, 0)
  assert.deepEqual(roleChanges(s.trace), ['a: a1->idle', 'b: b1->idle'])
  const rep2 = await s.run()
  assert.ok(rep2.peers.every(p => p.status === 'finished' && p.role === 'idle'))
})

test('the compiled program tells the host which roles are local, which seek and which advertise', () => {
  const prog = load(`
    r(idle, initial)
    a(idle, I) :: null <- true then a(idle, I).
    a(seeker, I) :: m => a(finder, F).
    a(finder, J) :: m <= a(seeker, S).
    a(known(P), I) :: m => a(finder, P).`)
  assert.deepEqual(prog.initialRoles, ['idle'])
  const flags = (r: string) => { const c = prog.clause(r); return c === undefined ? null : [c.local, c.seeks, c.advertises] }
  assert.deepEqual(flags('idle'), [true, false, false])
  assert.deepEqual(flags('seeker'), [false, true, false])
  assert.deepEqual(flags('finder'), [false, false, true])
  assert.deepEqual(flags('known'), [false, false, false], 'the partner id comes with the role')
})

test('a goal held in a variable is called when it is bound', () => {
  const log = new CallLog()
  const prog = load('a(r, I) :: null <- G = s(1) and G then null <- not(G). a(q, I) :: null <- G.')
  const c = new ConstraintRegistry({ 's/1': log.holds() })
  const p = new PeerRun(prog, { id: 'p', role: 'r' }, soloEnv(c))
  assert.deepEqual(drive(p), ['fired', 'blocked'], 'not(G) fails because s(1) holds')
  assert.deepEqual(log.calls, ['p:r:s(1)', 'p:r:s(1)'])
  const q = new PeerRun(prog, { id: 'q', role: 'q' }, soloEnv(c))
  assert.equal(q.step(), 'failed')
  assert.equal(q.error?.code, 'LCC062')
})
