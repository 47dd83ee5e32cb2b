// From an explored graph to findings, each with a shortest trace.
import { codes } from '../codes.js'
import type { Exploration } from './explore.js'
import type { Finding, FindingKind, TraceStep } from './findings.js'
import type { World } from './state.js'
import { isDone } from './state.js'
import type { TraceContext } from './trace.js'
import { describe, lineOf, replay, stepSource, traceOf } from './trace.js'
import { expand } from './successors.js'
import { blocked } from './waits.js'

function finding (kind: FindingKind, code: string, message: string, trace: readonly TraceStep[], line: number | null, waiting: string[] = []): Finding {
  const info = codes[code]!
  return { kind, code, severity: info.severity === 'error' ? 'error' : 'warning', message, hint: info.hint, line, trace, waiting }
}

function orphans (ctx: TraceContext, w: World, trace: readonly TraceStep[], seen: Set<string>): Finding[] {
  const out: Finding[] = []
  w.peers.forEach((p, i) => {
    for (const m of p.inbox) {
      const functor = m.term.k === 'cmp' ? `${m.term.f}/${m.term.args.length}` : m.term.k === 'atom' ? m.term.v : m.term.k
      const sig = `${m.fromRole}>${m.toRole}:${functor}`
      if (seen.has(sig)) continue
      seen.add(sig)
      const to = ctx.peers[i]!.name
      out.push(finding('orphan', 'LCC072', `${functor} sent by ${ctx.peers[m.from]!.name} (${m.fromRole}) to ${to} as ${m.toRole} is never received (${to} is ${p.frames.at(-1)?.role ?? 'finished'})`, trace, null))
    }
  })
  return out
}

function blockedFinding (ctx: TraceContext, w: World, trace: TraceStep[], region: number): Finding | null {
  const b = blocked(ctx.prog, ctx.assume, ctx.peers, w)
  const where = region > 0 ? ` (from here no run gets every peer back to rest: ${region} such states)` : ''
  if (b.kind === 'deadlock') return finding('deadlock', 'LCC070', `${b.waiting.length} step(s) wait forever${where}`, trace, b.line, b.waiting)
  if (b.kind === 'starved') return finding('starved', 'LCC075', `every waiting peer waits for a role no peer plays${where}`, trace, b.line, b.waiting)
  if (region > 0) return finding('livelock', 'LCC074', `no way back to rest${where}`, trace, null)
  return null
}

/** States from which no home, terminal or unexpanded state can be reached. */
function stuckRegion (x: Exploration): number[] {
  const n = x.keys.length
  const indeg = new Int32Array(n + 1)
  for (const t of x.edges) indeg[t + 1]!++
  for (let i = 0; i < n; i++) indeg[i + 1]! += indeg[i]!
  const rev = new Int32Array(x.edges.length)
  const fill = indeg.slice(0, n)
  for (let s = 0; s < n; s++) for (let e = x.edgeStart[s]!; e < x.edgeStart[s + 1]!; e++) rev[fill[x.edges[e]!]!++] = s
  const good = new Uint8Array(n)
  const todo: number[] = []
  const mark = (s: number): void => { if (good[s] === 0) { good[s] = 1; todo.push(s) } }
  for (let s = 0; s < n; s++) if (x.home.has(s) || x.edgeStart[s] === x.edgeStart[s + 1]) mark(s)
  for (const s of x.unexpanded) mark(s)
  while (todo.length > 0) {
    const s = todo.pop()!
    for (let e = indeg[s]!; e < indeg[s + 1]!; e++) mark(rev[e]!)
  }
  const out: number[] = []
  for (let s = 0; s < n; s++) if (good[s] === 0) out.push(s)
  return out
}

export function analyse (ctx: TraceContext, x: Exploration): Finding[] {
  const out: Finding[] = []
  const orphanSeen = new Set<string>()
  for (const ev of x.events) {
    const { moves, world } = replay(ctx, x, ev.state)
    const trace = traceOf(ctx, moves)
    if (ev.k === 'terminal') {
      if (!ev.world.peers.every(isDone)) { const f = blockedFinding(ctx, world, trace, 0); if (f !== null) out.push(f) }
      out.push(...orphans(ctx, world, trace, orphanSeen))
    } else if (ev.k === 'stuck') {
      const s = expand(ctx.prog, ctx.assume, world).stuck.find(c => c.role === ev.stuck.role && c.steps.join() === ev.stuck.steps.join())
      const step = ev.stuck.steps[0]!
      const peer = s === undefined ? ev.stuck.role : ctx.peers[s.peer]!.name
      const last: TraceStep = { n: trace.length + 1, peer, role: ev.stuck.role, action: `${stepSource(ctx.prog, step)}   [fails: stuck]`, line: lineOf(ctx.prog, step) }
      out.push(finding('stuck', 'LCC071', `${peer} (${ev.stuck.role}) committed to a choice branch on a constraint, then ${stepSource(ctx.prog, step)} failed at line ${lineOf(ctx.prog, step)}: it waits there forever, because the other branches are no longer open`, [...trace, last], lineOf(ctx.prog, step)))
    } else {
      const t = expand(ctx.prog, ctx.assume, world).transitions.find(c => c.fire.step === ev.step)
      const full = t === undefined ? trace : [...trace, { n: trace.length + 1, peer: ctx.peers[t.peer]!.name, role: t.role, action: describe(ctx, t), line: lineOf(ctx.prog, ev.step) }]
      const msg = ev.k === 'lost'
        ? `${stepSource(ctx.prog, ev.step)} sends to role ${ev.toRole}, which has no clause: the message is never received`
        : `${stepSource(ctx.prog, ev.step)} changes to role ${ev.role}, which has no clause`
      out.push(finding(ev.k === 'lost' ? 'orphan' : 'undefinedRole', 'LCC073', msg, full, lineOf(ctx.prog, ev.step)))
    }
  }
  const region = stuckRegion(x)
  if (region.length > 0) {
    const { moves, world } = replay(ctx, x, region[0]!)
    const f = blockedFinding(ctx, world, traceOf(ctx, moves), region.length)
    if (f !== null) out.push(f)
    out.push(...orphans(ctx, world, traceOf(ctx, moves), orphanSeen))
  }
  if (x.stoppedBy !== null && x.unexpanded.length > 0) {
    const { moves } = replay(ctx, x, x.unexpanded[0]!)
    const what = x.stoppedBy === 'depth' ? `depth bound ${x.depth[x.unexpanded[0]!]}` : x.stoppedBy === 'time' ? 'time limit' : `state limit ${x.keys.length}`
    out.push(finding('bound', 'LCC078', `search stopped at the ${what}: ${x.unexpanded.length} state(s) not expanded`, traceOf(ctx, moves), null))
  } else {
    out.push(...unreachable(ctx, x))
  }
  const rank = (f: Finding): number => f.severity === 'error' ? 0 : 1
  return out.map((f, i) => ({ f, i })).sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i).map(({ f }) => f)
}

function unreachable (ctx: TraceContext, x: Exploration): Finding[] {
  const out: Finding[] = []
  for (const [role, clause] of ctx.prog.clauses) {
    if (!x.enteredRoles.has(role)) out.push(finding('unreachable', 'LCC076', `no run enters role ${role}`, [], clause.span.start.line))
  }
  for (const b of ctx.prog.branches) {
    if (!x.enteredRoles.has(ctx.prog.roleOfNode[b.id]!) || x.committedBranches.has(b.id)) continue
    const line = ctx.prog.nodes[b.id]!.span.start.line
    out.push(finding('unreachable', 'LCC077', `branch ${b.index + 1} of the choice at line ${ctx.prog.nodes[b.choice]!.span.start.line} is never taken`, [], line))
  }
  return out
}
