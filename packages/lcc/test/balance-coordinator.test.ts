// The shape the runtime builds on: hosts run `idle` alone, step by step; a host reaching a role
// that seeks a partner hands its role to a coordinator, which invites a host that advertises the
// partner role, runs the interaction for both with each host's constraints dispatched to that
// host (here: async, with arguments and answers through the JSON codec), and hands each host back
// its local role when its clause returns to one.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { PeerRun, Scheduler } from '../src/run/index.js'
import type { ConstraintDispatcher, PeerId, Program } from '../src/run/index.js'
import { copyTerm, termToJson, termToString, termsFromJson } from '../src/terms/index.js'
import type { Term } from '../src/terms/index.js'
import { BalanceWorld } from './balance-support.js'
import { load, messages } from './run-support.js'

const BALANCE = readFileSync(new URL('../../../../ims/balance.lcc', import.meta.url), 'utf8')

/** Runs a host's local loop until its role is no longer local; returns that role term. */
function localLoop (program: Program, id: PeerId, dispatch: ConstraintDispatcher): { peer: PeerRun, role: Term } {
  const peer = new PeerRun(program, { id, role: 'idle' }, { dispatch, resolve: () => null, send: () => { throw new Error('a local role sends nothing') } })
  for (let i = 0; i < 100 && peer.clause.local; i++) assert.equal(typeof peer.step(), 'string')
  return { peer, role: copyTerm(peer.roleTerm) }
}

/** A dispatcher standing for a remote host: arguments and answers cross as JSON. */
function remote (local: ConstraintDispatcher, log: string[]): ConstraintDispatcher {
  return async call => {
    log.push(`${call.peer} ${call.key}`)
    const wireArgs = JSON.stringify(call.args.map(termToJson))
    const args = termsFromJson(JSON.parse(wireArgs) as unknown)
    const out = await local({ ...call, args })
    return typeof out === 'boolean' ? out : termsFromJson(JSON.parse(JSON.stringify(out.map(termToJson))) as unknown)
  }
}

test('coordinator: host loops, invitation, per-host constraint dispatch, hand back to idle', async () => {
  const program = load(BALANCE)
  const world = new BalanceWorld({ hostA: { state: 'over', status: 30 }, hostB: { state: 'under', status: 50 } })
  const local = world.registry().dispatcher()

  const a = localLoop(program, 'hostA', local)
  const b = localLoop(program, 'hostB', local)
  assert.equal(termToString(a.role), 'overloaded(30)')
  assert.ok(a.peer.clause.seeks, 'overloaded sends to a partner it does not know: look one up')
  assert.equal(termToString(b.role), 'underloaded(50)')
  assert.ok(b.peer.clause.advertises, 'underloaded waits for a partner it does not know: advertise')

  const remoteCalls: string[] = []
  const handedBack = new Map<PeerId, string>()
  const advertised = new Map<PeerId, Term>([['hostB', b.role]])
  const coordinator: Scheduler = new Scheduler(program, {
    trace: true,
    resolver: async q => {
      for (const [id, role] of advertised) {
        if (termToString(role).startsWith(q.toRole)) {
          advertised.delete(id)
          coordinator.addPeer({ id, role, constraints: remote(local, remoteCalls), context: 'interaction-1' })
          return id
        }
      }
      return null
    },
    onEvent: e => {
      if (e.type === 'role' && e.from !== '' && program.clause(e.to)?.local === true) {
        handedBack.set(e.peer, termToString(e.roleTerm))
        coordinator.removePeer(e.peer)
      }
    }
  })
  coordinator.addPeer({ id: 'hostA', role: a.role, constraints: remote(local, remoteCalls), context: 'interaction-1' })
  const rep = await coordinator.run({ maxSteps: 1000 })

  assert.equal(rep.status, 'quiescent')
  assert.deepEqual(rep.problems, [])
  assert.deepEqual(messages(coordinator.trace), ['hostA->hostB: readyToMigrate(30)', 'hostB->hostA: migration(ok)'])
  assert.deepEqual([...handedBack.entries()].sort(), [['hostA', 'idle'], ['hostB', 'idle']])
  // Each call went to the host whose constraint it is; waitForMigration polls until the move is done.
  assert.deepEqual([...new Set(remoteCalls)].sort(), ['hostA migration/2', 'hostB isMigrationPossible/2', 'hostB waitForMigration/0'])
  assert.equal(remoteCalls.at(-1), 'hostB waitForMigration/0')
  assert.deepEqual(world.calls, ['hostB/underloaded isMigrationPossible(50, 30)', 'hostA/overloaded migration(hostA, hostB)', 'hostB/underloaded waitForMigration()'])
  assert.deepEqual(world.migrations, [['hostA', 'hostB']])

  // Back home, each host resumes its own loop in the role it was handed.
  a.peer.become(handedBack.get('hostA') as string)
  assert.equal(a.peer.step(), 'fired')
  assert.equal(a.peer.roleName, 'idle')
})
