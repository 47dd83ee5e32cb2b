// Traces. The explored graph keeps canonical keys only; a trace is rebuilt by replaying the path
// from the initial world and, at each step, taking the concrete move whose canonical successor is
// the next key on the path. Peer numbering then stays the one of the initial world throughout.
import type { StepNode } from '../ast.js'
import { stepText } from '../syntax/format-def.js'
import type { Assumptions } from './constraints.js'
import type { Exploration } from './explore.js'
import type { TraceStep } from './findings.js'
import type { Program } from './program.js'
import type { Peer, World } from './state.js'
import { renamePeer, renameValue } from './state.js'
import type { PeerSpec, Transition } from './successors.js'
import { expand, initialWorld } from './successors.js'
import { showValue } from './values.js'

export interface TraceContext {
  readonly prog: Program
  readonly peers: readonly PeerSpec[]
  readonly assume: Assumptions
}

export function lineOf (prog: Program, step: number): number {
  return prog.nodes[step]!.span.start.line
}

export function stepSource (prog: Program, step: number): string {
  return stepText(prog.nodes[step] as StepNode)
}

/** The text of one move: the step as written, where the message went, which branches it passed. */
export function describe (ctx: TraceContext, t: Transition): string {
  const name = (i: number): string => ctx.peers[i]?.name ?? `peer${i}`
  const f = t.fire
  let text = stepSource(ctx.prog, f.step)
  const e = f.effect
  if (e?.k === 'send') {
    text += e.to === null ? `   [lost: no clause for role ${e.toRole}]` : `   [${showValue(e.msg, name)} to ${name(e.to)}]`
    if (e.to !== null && e.noClause) text += ` [role ${e.toRole} has no clause]`
  } else if (e?.k === 'recv' && t.received !== null) {
    text += `   [${showValue(t.received.term, name)} from ${name(t.received.from)}]`
  } else if (e === null) {
    text += '   [holds]'
  }
  if (f.passed.length > 0) text += `   (after ${f.passed.map(s => `${stepSource(ctx.prog, s)} fails`).join(', ')})`
  return text
}

export function traceStep (ctx: TraceContext, n: number, t: Transition): TraceStep {
  return { n, peer: ctx.peers[t.peer]!.name, role: t.role, action: describe(ctx, t), line: lineOf(ctx.prog, t.fire.step) }
}

/** The transition with every peer id renamed by `r` (canonical numbering to trace numbering). */
function remap (t: Transition, r: readonly number[]): Transition {
  const e = t.fire.effect
  const effect = e?.k === 'send' ? { ...e, to: e.to === null ? null : r[e.to]!, msg: renameValue(e.msg, r) } : e
  const received = t.received === null ? null : { ...t.received, from: r[t.received.from]!, term: renameValue(t.received.term, r) }
  return { ...t, peer: r[t.peer]!, fire: { ...t.fire, effect }, received }
}

/**
 * Replays the path to `state`: the moves, and the world reached, numbered as the initial world.
 * Each step re-expands the parent's canonical world (exactly as the search did) and then renames
 * peers back through the permutations that canonicalisation applied along the way.
 */
export function replay (ctx: TraceContext, x: Exploration, state: number): { moves: Transition[], world: World } {
  const path: number[] = []
  for (let s = state; s > 0; s = x.parent[s]!) path.push(s)
  path.reverse()
  const init = x.encoder.canonical(initialWorld(ctx.prog, ctx.peers))
  let toTrace: readonly number[] = init.order
  let current = x.keys[0]!
  const moves: Transition[] = []
  for (const next of path) {
    const want = x.keys[next]!
    let found: { t: Transition, order: readonly number[] } | null = null
    for (const t of expand(ctx.prog, ctx.assume, x.encoder.worldOf(current)).transitions) {
      const c = x.encoder.canonical(t.world)
      if (c.key === want) { found = { t, order: c.order }; break }
    }
    if (found === null) throw new Error(`verify: cannot replay the path to state ${state}`)
    moves.push(remap(found.t, toTrace))
    const before = toTrace
    toTrace = found.order.map(old => before[old]!)
    current = want
  }
  const canonicalPeers = x.encoder.worldOf(current).peers
  const peers = new Array<Peer>(canonicalPeers.length)
  canonicalPeers.forEach((p, pos) => { peers[toTrace[pos]!] = renamePeer(p, toTrace) })
  return { moves, world: { peers } }
}

export function traceOf (ctx: TraceContext, moves: readonly Transition[]): TraceStep[] {
  return moves.map((t, i) => traceStep(ctx, i + 1, t))
}
