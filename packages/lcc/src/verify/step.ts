// One peer's next moves: which steps at the front of its residual definition can fire, under
// committed choice. A choice tries its branches in order and commits to the first whose first step
// fires; with open constraints several branches may be the first to fire, each in some run.
import type { DefNode, ReceiveNode, SendNode, StepNode } from '../ast.js'
import { roleName } from '../ast.js'
import type { Assumptions } from './constraints.js'
import { outcomes } from './constraints.js'
import type { Program } from './program.js'
import { isStep } from './program.js'
import type { Msg, Res, World } from './state.js'
import { encodeMsg } from './state.js'
import type { Env, Value } from './values.js'
import { bind, match, valueOf } from './values.js'

export type Effect =
  | { readonly k: 'send', readonly to: number | null, readonly toRole: string, readonly msg: Value, readonly noClause: boolean }
  | { readonly k: 'recv', readonly index: number }
  | { readonly k: 'change', readonly role: string, readonly args: readonly Value[] }

export interface Fire {
  /** The id of the step that fired. */
  readonly step: number
  readonly next: Res | null
  readonly env: Env
  readonly effect: Effect | null
  /** Choice branches (node ids) this move committed to. */
  readonly committed: readonly number[]
  /** Steps of earlier branches that could not fire, so the choice passed them by. */
  readonly passed: readonly number[]
}

export interface Moves {
  readonly fires: Fire[]
  /** Some run leaves the definition where it is (nothing fires): it waits. */
  readonly mayWait: boolean
  /** Constraint steps outside choice position whose failure makes the definition wait. */
  readonly failures: readonly number[]
}

export interface StepContext {
  readonly prog: Program
  readonly assume: Assumptions
  readonly world: World
  readonly self: number
  /** The peer's current role name. */
  readonly role: string
}


function node (id: number): Res { return { t: 'n', id } }

function advance (prog: Program, id: number, i: number, cur: Res | null): Res | null {
  if (cur !== null) return { t: 'q', id, i, cur }
  const steps = (prog.nodes[id] as Extract<DefNode, { kind: 'then' }>).steps
  if (i + 1 < steps.length) return { t: 'q', id, i: i + 1, cur: node(prog.idOf.get(steps[i + 1]!)!) }
  return null
}

function wrap (m: Moves, f: (next: Res | null) => Res | null): Moves {
  return { ...m, fires: m.fires.map(x => ({ ...x, next: f(x.next) })) }
}

function parMoves (ctx: StepContext, env: Env, id: number, parts: ReadonlyArray<Res | null>): Moves {
  const fires: Fire[] = []
  const failures: number[] = []
  let mayWait = true
  parts.forEach((part, j) => {
    if (part === null) return
    const m = moves(ctx, part, env)
    failures.push(...m.failures)
    if (!m.mayWait) mayWait = false
    for (const x of m.fires) {
      const next = parts.map((p, k) => k === j ? x.next : p)
      fires.push({ ...x, next: next.every(p => p === null) ? null : { t: 'p', id, parts: next } })
    }
  })
  return { fires, mayWait, failures }
}

/** The moves of residual `r` with bindings `env`. */
export function moves (ctx: StepContext, r: Res, env: Env): Moves {
  const { prog } = ctx
  if (r.t === 'q') return wrap(moves(ctx, r.cur, env), next => advance(prog, r.id, r.i, next))
  if (r.t === 'p') return parMoves(ctx, env, r.id, r.parts)
  const d = prog.nodes[r.id]!
  if (isStep(d)) return stepMoves(ctx, d, r.id, env)
  if (d.kind === 'then') return wrap(moves(ctx, node(prog.idOf.get(d.steps[0]!)!), env), next => advance(prog, r.id, 0, next))
  if (d.kind === 'par') return parMoves(ctx, env, r.id, d.branches.map(b => node(prog.idOf.get(b)!)))
  // Committed choice. Failures in choice position only pass the choice on to the next branch.
  const fires: Fire[] = []
  const passed: number[] = []
  for (const b of d.branches) {
    const bid = prog.idOf.get(b)!
    const m = moves(ctx, node(bid), env)
    for (const x of m.fires) fires.push({ ...x, committed: [bid, ...x.committed], passed: [...passed, ...x.passed] })
    if (!m.mayWait) return { fires, mayWait: false, failures: [] }
    passed.push(...(m.failures.length > 0 ? m.failures : frontier(prog, node(bid))))
  }
  return { fires, mayWait: true, failures: [] }
}

function fire (step: number, env: Env, effect: Effect | null): Fire {
  return { step, next: null, env, effect, committed: [], passed: [] }
}

function stepMoves (ctx: StepContext, s: StepNode, id: number, env: Env): Moves {
  const guard = s.kind === 'receive' ? null : s.guard
  const outs = guard === null ? [{ ok: true, env }] : outcomes(guard, env, ctx.assume)
  const failed = outs.some(o => !o.ok)
  const base = { mayWait: failed, failures: failed ? [id] : [] }
  const oks = outs.filter(o => o.ok)
  switch (s.kind) {
    case 'null': return { ...base, fires: oks.map(o => fire(id, o.env, null)) }
    case 'change': {
      const role = roleName(s.role) ?? '?'
      const argsOf = (e: Env): Value[] => s.role.type.kind === 'compound' ? s.role.type.args.map(a => valueOf(a, e)) : []
      return { ...base, fires: oks.map(o => fire(id, o.env, { k: 'change', role, args: argsOf(o.env) })) }
    }
    case 'send': {
      const fires: Fire[] = []
      let waits = false
      for (const o of oks) {
        const sent = sendMoves(ctx, s, id, o.env)
        fires.push(...sent)
        if (sent.length === 0) waits = true
      }
      return { fires, mayWait: base.mayWait || waits, failures: base.failures }
    }
    case 'receive': return receiveMoves(ctx, s, id, env)
  }
}

function sendMoves (ctx: StepContext, s: SendNode, id: number, env: Env): Fire[] {
  const toRole = roleName(s.to) ?? '?'
  const noClause = !ctx.prog.clauses.has(toRole)
  const idTerm = s.to.id
  const known = idTerm.kind === 'var' ? env[idTerm.name] : undefined
  if (known?.k === 'peer') {
    return [fire(id, env, { k: 'send', to: known.v, toRole, msg: valueOf(s.message, env), noClause })]
  }
  if (noClause) return [fire(id, env, { k: 'send', to: null, toRole, msg: valueOf(s.message, env), noClause })]
  // An unknown partner: any peer that plays the role now, waits to receive this message, and has
  // nothing else in its inbox (the runtime's invitation and lease). None: the send waits.
  const out: Fire[] = []
  const probe = valueOf(s.message, env)
  ctx.world.peers.forEach((q, qi) => {
    if (qi === ctx.self || !canReceive(ctx, qi, toRole, probe)) return
    const e = idTerm.kind === 'var' && idTerm.name !== '_' && known === undefined ? bind(env, idTerm.name, { k: 'peer', v: qi }) : env
    out.push(fire(id, e, { k: 'send', to: qi, toRole, msg: valueOf(s.message, e), noClause }))
  })
  return out
}

function canReceive (ctx: StepContext, qi: number, toRole: string, msg: Value): boolean {
  const q = ctx.world.peers[qi]!
  const top = q.frames[q.frames.length - 1]
  if (top === undefined || top.role !== toRole || q.inbox.length > 0) return false
  return frontier(ctx.prog, top.res).some(sid => {
    const r = ctx.prog.nodes[sid]!
    if (r.kind !== 'receive' || roleName(r.from) !== ctx.role) return false
    const from = r.from.id.kind === 'var' ? top.env[r.from.id.name] : undefined
    if (from?.k === 'peer' && from.v !== ctx.self) return false
    return match(r.message, msg, top.env) !== null
  })
}

function receiveMoves (ctx: StepContext, s: ReceiveNode, id: number, env: Env): Moves {
  const me = ctx.world.peers[ctx.self]!
  const fromRole = roleName(s.from)
  const fires: Fire[] = []
  let failed = false
  const seen = new Set<string>()
  me.inbox.forEach((m: Msg, index) => {
    if (m.toRole !== ctx.role || m.fromRole !== fromRole) return
    const key = encodeMsg(m, String)
    if (seen.has(key)) return
    seen.add(key)
    let e: Env | null = env
    if (s.from.id.kind === 'var' && s.from.id.name !== '_') {
      const known = env[s.from.id.name]
      if (known === undefined) e = bind(env, s.from.id.name, { k: 'peer', v: m.from })
      else if (known.k === 'peer' && known.v !== m.from) return
    }
    e = match(s.message, m.term, e)
    if (e === null) return
    const outs = s.constraint === null ? [{ ok: true, env: e }] : outcomes(s.constraint, e, ctx.assume)
    for (const o of outs) {
      if (o.ok) fires.push(fire(id, o.env, { k: 'recv', index }))
      else failed = true
    }
  })
  if (fires.length === 0) return { fires, mayWait: true, failures: failed ? [id] : [] }
  return { fires, mayWait: failed, failures: failed ? [id] : [] }
}

/** The step ids at the front of a residual: what it waits on. Choices and par give all branches. */
export function frontier (prog: Program, r: Res | null): number[] {
  if (r === null) return []
  if (r.t === 'q') return frontier(prog, r.cur)
  if (r.t === 'p') return r.parts.flatMap(p => frontier(prog, p))
  const d = prog.nodes[r.id]!
  if (isStep(d)) return [r.id]
  if (d.kind === 'then') return frontier(prog, node(prog.idOf.get(d.steps[0]!)!))
  return d.branches.flatMap(b => frontier(prog, node(prog.idOf.get(b)!)))
}

