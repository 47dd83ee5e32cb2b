// Global moves: every peer's fireable steps applied to the world, one transition each. Also the
// initial world, and what a transition says in a trace.
import type { ClauseNode } from '../ast.js'
import type { Assumptions } from './constraints.js'
import type { Program } from './program.js'
import type { Frame, Msg, Peer, World } from './state.js'
import type { Fire } from './step.js'
import { moves } from './step.js'
import type { Env, Value } from './values.js'
import { TOP, bindFreeToTop, match } from './values.js'

export interface PeerSpec { readonly name: string, readonly role: string }

export interface Transition {
  readonly peer: number
  /** The role the peer played when the step fired. */
  readonly role: string
  readonly fire: Fire
  readonly world: World
  /** The message a receive consumed. */
  readonly received: Msg | null
  /** The role change named a role that has no clause (the peer stops). */
  readonly undefinedRole: string | null
}

/** A peer that committed to a branch on a constraint and then met a constraint that failed. */
export interface Stuck { readonly peer: number, readonly role: string, readonly steps: readonly number[] }

export interface Expansion { readonly transitions: Transition[], readonly stuck: Stuck[] }

export function enterRole (prog: Program, clause: ClauseNode, self: number, args: readonly Value[]): Frame {
  const role = clause.head.type.kind === 'compound' ? clause.head.type.functor : (clause.head.type.kind === 'atom' ? clause.head.type.name : '?')
  let env: Env = {}
  if (clause.head.type.kind === 'compound') {
    clause.head.type.args.forEach((a, i) => { env = match(a, args[i] ?? TOP, env) ?? bindFreeToTop(a, env) })
  }
  if (clause.head.id.kind === 'var' && clause.head.id.name !== '_') env = { ...env, [clause.head.id.name]: { k: 'peer', v: self } }
  return { role, env, res: { t: 'n', id: prog.idOf.get(clause.body)! } }
}

export function initialWorld (prog: Program, peers: readonly PeerSpec[]): World {
  return {
    peers: peers.map((p, i) => {
      const clause = prog.clauses.get(p.role)
      return { frames: clause === undefined ? [] : [enterRole(prog, clause, i, [])], inbox: [], local: false }
    }),
  }
}

function apply (prog: Program, w: World, p: number, role: string, f: Fire): Transition {
  const peers = w.peers.slice()
  const me = peers[p]!
  const frames = me.frames.slice()
  const top = frames[frames.length - 1]!
  let inbox = me.inbox
  let local = me.local
  let undefinedRole: string | null = null
  let entered: Frame | null = null
  const e = f.effect
  if (e === null) {
    if (f.committed.length > 0) local = true
  } else {
    local = false
    if (e.k === 'recv') inbox = inbox.filter((_, i) => i !== e.index)
    else if (e.k === 'change') {
      const clause = prog.clauses.get(e.role)
      if (clause === undefined) undefinedRole = e.role
      else entered = enterRole(prog, clause, p, e.args)
    }
  }
  if (f.next === null) frames.pop()
  else frames[frames.length - 1] = { role: top.role, env: f.env, res: f.next }
  if (entered !== null) frames.push(entered)
  peers[p] = { frames, inbox, local }
  if (e?.k === 'send' && e.to !== null) {
    const to = peers[e.to]!
    const msg: Msg = { from: p, fromRole: role, toRole: e.toRole, term: e.msg }
    peers[e.to] = { ...to, inbox: [...to.inbox, msg] }
  }
  const received = e?.k === 'recv' ? me.inbox[e.index] ?? null : null
  return { peer: p, role, fire: f, world: { peers }, received, undefinedRole }
}

export function expand (prog: Program, assume: Assumptions, w: World): Expansion {
  const transitions: Transition[] = []
  const stuck: Stuck[] = []
  w.peers.forEach((peer: Peer, p) => {
    const top = peer.frames[peer.frames.length - 1]
    if (top === undefined) return
    const m = moves({ prog, assume, world: w, self: p, role: top.role }, top.res, top.env)
    for (const f of m.fires) transitions.push(apply(prog, w, p, top.role, f))
    if (peer.local && m.failures.length > 0) stuck.push({ peer: p, role: top.role, steps: m.failures })
  })
  return { transitions, stuck }
}
