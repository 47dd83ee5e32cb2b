// Constraints, abstracted. A call to a component may succeed (binding its unbound arguments to
// values only the component knows) or fail: both outcomes are explored unless `--assume` fixes the
// answer. Built-in comparisons and `is` are decided when their operands are known, else open too.
import type { ConstraintNode, TermNode } from '../ast.js'
import type { Env, Value } from './values.js'
import { TOP, bindFreeToTop, hasTop, match, mayEqual, valueOf } from './values.js'

export interface Outcome { readonly ok: boolean, readonly env: Env }

/** Fixed answers for constraints, by `name` or `name/arity`. */
export type Assumptions = ReadonlyMap<string, boolean>

const COMPARE = new Set(['<', '>', '=<', '>=', '=:=', '=\\='])

function goalName (t: TermNode): { name: string, args: readonly TermNode[] } | null {
  if (t.kind === 'atom') return { name: t.name, args: [] }
  if (t.kind === 'compound') return { name: t.functor, args: t.args }
  return null
}

function arith (t: TermNode, env: Env): number | null {
  const v = valueOf(t, env)
  if (v.k === 'num') return v.v
  if (v.k !== 'cmp' || t.kind !== 'compound') return null
  const xs = t.args.map(a => arith(a, env))
  if (xs.some(x => x === null)) return null
  const [a, b] = xs as number[]
  switch (`${t.functor}/${t.args.length}`) {
    case '+/2': return a! + b!
    case '-/2': return a! - b!
    case '*/2': return a! * b!
    case '//2': return b === 0 ? null : a! / b!
    case '-/1': return -a!
    case 'min/2': return Math.min(a!, b!)
    case 'max/2': return Math.max(a!, b!)
    case 'abs/1': return Math.abs(a!)
    default: return null
  }
}

function compare (op: string, a: number, b: number): boolean {
  switch (op) {
    case '<': return a < b
    case '>': return a > b
    case '=<': return a <= b
    case '>=': return a >= b
    case '=:=': return a === b
    default: return a !== b
  }
}

const both = (env: Env, okEnv: Env = env): Outcome[] => [{ ok: true, env: okEnv }, { ok: false, env }]

/** Unification of two terms where at least one side is known; open when `top` is involved. */
function unifyOutcomes (l: TermNode, r: TermNode, env: Env): Outcome[] {
  const lv = valueOf(l, env)
  const rv = valueOf(r, env)
  if (!hasTop(rv)) { const e = match(l, rv, env); return [{ ok: e !== null, env: e ?? env }] }
  if (!hasTop(lv)) { const e = match(r, lv, env); return [{ ok: e !== null, env: e ?? env }] }
  const e = match(l, rv, env)
  return e === null ? [{ ok: false, env }] : both(env, e)
}

function call (goal: TermNode, env: Env, assume: Assumptions): Outcome[] {
  const g = goalName(goal)
  if (g === null) return [{ ok: false, env }]
  const { name, args } = g
  const fixed = assume.get(`${name}/${args.length}`) ?? assume.get(name)
  if (fixed !== undefined) return [{ ok: fixed, env: fixed ? bindFreeToTop(goal, env) : env }]
  if (args.length === 0 && name === 'true') return [{ ok: true, env }]
  if (args.length === 0 && (name === 'false' || name === 'fail')) return [{ ok: false, env }]
  if (args.length === 2) {
    const [l, r] = args as [TermNode, TermNode]
    if (name === '=') return unifyOutcomes(l, r, env)
    if (name === '\\=') return unifyOutcomes(l, r, env).map(o => ({ ok: !o.ok, env }))
    if (name === '==' || name === '\\==') {
      const lv = valueOf(l, env)
      const rv = valueOf(r, env)
      const eq = name === '=='
      if (hasTop(lv) || hasTop(rv)) return mayEqual(lv, rv) ? both(env) : [{ ok: !eq, env }]
      return [{ ok: mayEqual(lv, rv) === eq, env }]
    }
    if (name === 'is') {
      const n = arith(r, env)
      const v: Value = n === null ? TOP : { k: 'num', v: n }
      const e = match(l, v, env)
      return e === null ? [{ ok: false, env }] : (n === null && l.kind !== 'var' ? both(env, e) : [{ ok: true, env: e }])
    }
    if (COMPARE.has(name)) {
      const a = arith(l, env)
      const b = arith(r, env)
      return a === null || b === null ? both(env) : [{ ok: compare(name, a, b), env }]
    }
  }
  // A component: open. Its unbound arguments come back bound to values it alone knows.
  return both(env, bindFreeToTop(goal, env))
}

function dedupe (outs: Outcome[]): Outcome[] {
  const seen = new Set<string>()
  return outs.filter(o => {
    const k = (o.ok ? '1' : '0') + JSON.stringify(o.env)
    if (seen.has(k)) return false
    seen.add(k)
    return true
  })
}

/** Every abstract outcome of evaluating `c` under `env`. */
export function outcomes (c: ConstraintNode, env: Env, assume: Assumptions): Outcome[] {
  switch (c.kind) {
    case 'call': return call(c.goal, env, assume)
    case 'and': {
      const out: Outcome[] = []
      for (const o of outcomes(c.left, env, assume)) {
        if (!o.ok) out.push({ ok: false, env })
        else out.push(...outcomes(c.right, o.env, assume).map(r => r.ok ? r : { ok: false, env }))
      }
      return dedupe(out)
    }
    case 'or': {
      const out: Outcome[] = []
      for (const o of outcomes(c.left, env, assume)) {
        if (o.ok) out.push(o)
        else out.push(...outcomes(c.right, env, assume))
      }
      return dedupe(out)
    }
    case 'not': return dedupe(outcomes(c.operand, env, assume).map(o => ({ ok: !o.ok, env })))
  }
}

