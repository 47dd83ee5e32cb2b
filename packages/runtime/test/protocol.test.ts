// The participant's side of /parley/invite/1 and /parley/constraint/1 over memory discovery:
// accept/refuse rules of invitations (role, lease, cordon), renew/end, and the constraint round
// trip with terms as lcc JSON, notes, idempotent retries and coded answers to malformed input.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MemoryNetwork, createMemoryDiscovery } from '@parley/discovery'
import type { Discovery, Json } from '@parley/discovery'
import { PeerRun, num, termFromJson, termToString } from '@parley/lcc'
import type { ConstraintFn, Term } from '@parley/lcc'
import { BALANCE_CONSTRAINTS, CONSTRAINT_PROTOCOL, INVITE_PROTOCOL, LeaseTable, codeOf, loadIm, validateConstraintRequest, validateInviteRequest } from '../src/index.js'
import { constraintHandler, inviteHandler } from '../src/handlers.js'
import type { ParticipantHost } from '../src/handlers.js'
import { Slot } from '../src/slot.js'
import { BALANCE, silent } from './support.js'

const KEYS = [...BALANCE_CONSTRAINTS]

interface Rig { a: Discovery, b: Discovery, c: Discovery, host: ParticipantHost & { cordon: boolean, finished: string[], calls: number }, slot: Slot, now: { t: number } }

async function rig (constraints: Record<string, ConstraintFn> = {}): Promise<Rig> {
  const network = new MemoryNetwork()
  const a = await createMemoryDiscovery({ network, peerId: 'A' }, { logger: silent })
  const b = await createMemoryDiscovery({ network, peerId: 'B' }, { logger: silent })
  const c = await createMemoryDiscovery({ network, peerId: 'C' }, { logger: silent })
  const im = loadIm('balance', BALANCE, KEYS)
  const peer = new PeerRun(im.program, { id: 'B', role: termFromJson({ f: 'underloaded', args: [0.5] }) }, { dispatch: () => false, resolve: () => null, send: () => {} })
  const slot = new Slot(im, peer, 'initiator')
  slot.phase = 'advertising'
  const now = { t: 0 }
  const leases = new LeaseTable(() => now.t)
  const host = {
    self: 'B',
    leases,
    log: silent,
    cordon: false,
    get cordoned () { return this.cordon },
    ttlMs: 1000,
    finished: [] as string[],
    calls: 0,
    slot: (h: string) => h === im.hash ? slot : undefined,
    slotOf: (i: string) => slot.interaction === i ? slot : undefined,
    constraint: (k: string) => constraints[k],
    argsFor: (role: Term): Json => ({ capacity: 0.5, migrateUri: 'memory://b', role: termToString(role) }),
    accepted: (s: Slot, body: { interaction: string }) => { s.phase = 'interacting'; s.interaction = body.interaction },
    finish (s: Slot, i: string, role: Term, outcome: string) { leases.release(i); s.interaction = null; this.finished.push(`${i} ${outcome} ${termToString(role)}`) }
  }
  await b.handle(INVITE_PROTOCOL, inviteHandler(host), { validate: validateInviteRequest })
  await b.handle(CONSTRAINT_PROTOCOL, constraintHandler(host), { validate: validateConstraintRequest })
  return { a, b, c, host, slot, now }
}

async function code (p: Promise<unknown>): Promise<string> {
  try { await p } catch (err) { return codeOf(err) }
  return 'resolved'
}

const invite = (r: Rig, over: Record<string, Json> = {}): Record<string, Json> => ({
  type: 'invite', interaction: 'i1', im: r.slot.im.hash, role: 'underloaded', from: 'A', coordinator: 'A', fromRole: { f: 'overloaded', args: [1] }, fromArgs: null, ttlMs: 1000, ...over
})

test('invitation: refused unless subscribed, playing that role now, unleased and not cordoned', async () => {
  const r = await rig()
  assert.equal(await code(r.a.request('B', INVITE_PROTOCOL, invite(r, { im: 'f'.repeat(64) }))), 'RT_NOT_SUBSCRIBED')
  assert.equal(await code(r.a.request('B', INVITE_PROTOCOL, invite(r, { role: 'overloaded' }))), 'RT_NOT_IN_ROLE')
  r.host.cordon = true
  assert.equal(await code(r.a.request('B', INVITE_PROTOCOL, invite(r))), 'RT_CORDONED')
  r.host.cordon = false
  r.host.leases.grant('other', 'C', r.slot.im.hash, 1000)
  assert.equal(await code(r.a.request('B', INVITE_PROTOCOL, invite(r))), 'RT_LEASED')
  r.host.leases.release('other')
  r.slot.phase = 'local'
  assert.equal(await code(r.a.request('B', INVITE_PROTOCOL, invite(r))), 'RT_NOT_IN_ROLE')
  r.slot.phase = 'advertising'
  assert.equal(await code(r.a.request('B', INVITE_PROTOCOL, invite(r, { coordinator: 'C' }))), 'RT_BAD_MESSAGE', 'a third host cannot be named coordinator')
  assert.equal(await code(r.a.request('B', INVITE_PROTOCOL, invite(r, { fromRole: { x: 1 } }))), 'RT_BAD_TERM')
  assert.ok(r.host.leases.isFree(), 'no refusal leaves a lease behind')
})

test('invitation accepted: a lease for the coordinator, the current role term as lcc JSON; then renew and end', async () => {
  const r = await rig()
  const ok = await r.a.request('B', INVITE_PROTOCOL, invite(r)) as { accepted: boolean, role: Json, args: Json }
  assert.equal(ok.accepted, true)
  assert.deepEqual(ok.role, { f: 'underloaded', args: [0.5] })
  assert.deepEqual(ok.args, { capacity: 0.5, migrateUri: 'memory://b', role: 'underloaded(0.5)' })
  assert.equal(r.host.leases.held?.coordinator, 'A')
  // the host is now in an interaction: another invitation is refused
  assert.match(await code(r.c.request('B', INVITE_PROTOCOL, invite(r, { interaction: 'i2', from: 'C', coordinator: 'C' }))), /RT_NOT_IN_ROLE|RT_LEASED/)
  // only the coordinator renews or ends it
  assert.equal(await code(r.c.request('B', INVITE_PROTOCOL, { type: 'renew', interaction: 'i1' })), 'RT_NO_LEASE')
  r.now.t = 900
  assert.deepEqual(await r.a.request('B', INVITE_PROTOCOL, { type: 'renew', interaction: 'i1' }), { ok: true, ttlMs: 1000 })
  assert.equal(r.host.leases.held?.expiresAt, 1900)
  assert.deepEqual(await r.a.request('B', INVITE_PROTOCOL, { type: 'end', interaction: 'i1', role: { a: 'idle' } }), { ok: true })
  assert.deepEqual(r.host.finished, ['i1 ended idle'])
  assert.ok(r.host.leases.isFree())
  // an abort for a lease already gone is answered ok (idempotent)
  assert.deepEqual(await r.a.request('B', INVITE_PROTOCOL, { type: 'abort', interaction: 'i1', reason: 'late' }), { ok: true })
})

test('malformed invitation bodies are answered with a coded schema error', async () => {
  const r = await rig()
  assert.equal(await code(r.a.request('B', INVITE_PROTOCOL, { type: 'invite' })), 'DISC_SCHEMA_INVALID')
  assert.equal(await code(r.a.request('B', INVITE_PROTOCOL, { type: 'dance', interaction: 'i1' })), 'DISC_SCHEMA_INVALID')
  assert.equal(await code(r.a.request('B', INVITE_PROTOCOL, [1, 2])), 'DISC_SCHEMA_INVALID')
  assert.equal(await code(r.a.request('B', INVITE_PROTOCOL, invite(r, { ttlMs: -5 }))), 'DISC_SCHEMA_INVALID')
})

const call = (over: Record<string, Json> = {}): Record<string, Json> => ({
  interaction: 'i1', seq: 1, peer: 'B', role: 'underloaded', roleTerm: { f: 'underloaded', args: [0.5] }, key: 'double/2',
  args: [3, { v: 'Y' }], context: { im: 'x', coordinator: 'A', participants: {}, notes: { before: 1 } }, ...over
})

test('constraint round trip: terms as lcc JSON, bindings back, notes merged, retries answered from cache', async () => {
  let runs = 0
  const r = await rig({
    'double/2': (args, c) => {
      runs++
      const x = args[0] as Term
      ;(c.context as { notes: Record<string, Json> }).notes.doubled = true
      return [x, num((x as { value: number }).value * 2)]
    }
  })
  r.host.leases.grant('i1', 'A', r.slot.im.hash, 1000)
  const reply = await r.a.request('B', CONSTRAINT_PROTOCOL, call()) as { outcome: Json, notes: Json }
  assert.deepEqual(reply.outcome, [3, 6])
  assert.deepEqual(reply.notes, { before: 1, doubled: true })
  assert.deepEqual(await r.a.request('B', CONSTRAINT_PROTOCOL, call()), reply)
  assert.equal(runs, 1, 'a re-sent call (same interaction and seq) does not run the component again')
  await r.a.request('B', CONSTRAINT_PROTOCOL, call({ seq: 2 }))
  assert.equal(runs, 2)
})

test('constraint calls: coded errors for the wrong participant, no lease, unknown constraint, bad terms, a throwing component', async () => {
  const r = await rig({ 'boom/0': () => { throw new Error('disk on fire') } })
  assert.equal(await code(r.a.request('B', CONSTRAINT_PROTOCOL, call())), 'RT_NO_LEASE')
  r.host.leases.grant('i1', 'A', r.slot.im.hash, 1000)
  assert.equal(await code(r.a.request('B', CONSTRAINT_PROTOCOL, call({ peer: 'C' }))), 'RT_WRONG_PARTICIPANT')
  assert.equal(await code(r.c.request('B', CONSTRAINT_PROTOCOL, call())), 'RT_NO_LEASE', 'only the lease holder may call')
  assert.equal(await code(r.a.request('B', CONSTRAINT_PROTOCOL, call({ key: 'nope/1', args: [1] }))), 'RT_UNKNOWN_CONSTRAINT')
  assert.equal(await code(r.a.request('B', CONSTRAINT_PROTOCOL, call({ key: 'boom/0', args: [], seq: 3 }))), 'RT_CONSTRAINT_FAILED')
  const r2 = await rig({ 'double/2': () => true })
  r2.host.leases.grant('i1', 'A', r2.slot.im.hash, 1000)
  assert.equal(await code(r2.a.request('B', CONSTRAINT_PROTOCOL, call({ args: [{ q: 1 }] }))), 'RT_BAD_TERM')
  assert.equal(await code(r2.a.request('B', CONSTRAINT_PROTOCOL, call({ args: 'x' }))), 'DISC_SCHEMA_INVALID')
  assert.equal(await code(r2.a.request('B', CONSTRAINT_PROTOCOL, call({ key: 'no-arity' }))), 'DISC_SCHEMA_INVALID')
  assert.equal(await code(r2.a.request('B', CONSTRAINT_PROTOCOL, call({ context: { im: 'x' } }))), 'DISC_SCHEMA_INVALID')
  r2.now.t = 5000
  assert.equal(await code(r2.a.request('B', CONSTRAINT_PROTOCOL, call())), 'RT_NO_LEASE', 'an expired lease answers nothing')
})
