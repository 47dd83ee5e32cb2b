// Abstract values for the model checker. A value is ground except for `top`: a value that only a
// constraint component knows (what getPeerState(S) binds S to, or a variable sent unbound). `top`
// matches anything, so a pattern match against it may succeed: the checker over-approximates.
// Peer identifiers are values of their own (`peer`), so that symmetry reduction can rename them.
import type { TermNode } from '../ast.js'

export type Value =
  | { readonly k: 'top' }
  | { readonly k: 'atom', readonly v: string }
  | { readonly k: 'num', readonly v: number }
  | { readonly k: 'str', readonly v: string }
  | { readonly k: 'peer', readonly v: number }
  | { readonly k: 'cmp', readonly f: string, readonly args: readonly Value[] }

/** Variable bindings of one clause activation. Never mutated: binding makes a copy. */
export type Env = Readonly<Record<string, Value>>

export const TOP: Value = Object.freeze({ k: 'top' })
export const NIL_NAME = '[]'
export const CONS_NAME = '[|]'

export function bind (env: Env, name: string, v: Value): Env {
  return { ...env, [name]: v }
}

/** The value a term stands for under `env`; unbound variables become `top`. */
export function valueOf (t: TermNode, env: Env): Value {
  switch (t.kind) {
    case 'var': return (t.name !== '_' ? env[t.name] : undefined) ?? TOP
    case 'atom': return { k: 'atom', v: t.name }
    case 'number': return { k: 'num', v: t.value }
    case 'string': return { k: 'str', v: t.value }
    case 'compound':
      return t.args.length === 0 ? { k: 'atom', v: t.functor } : { k: 'cmp', f: t.functor, args: t.args.map(a => valueOf(a, env)) }
    case 'list': {
      let v: Value = t.tail === null ? { k: 'atom', v: NIL_NAME } : valueOf(t.tail, env)
      for (let i = t.items.length - 1; i >= 0; i--) v = { k: 'cmp', f: CONS_NAME, args: [valueOf(t.items[i]!, env), v] }
      return v
    }
  }
}

export function hasTop (v: Value): boolean {
  if (v.k === 'top') return true
  if (v.k === 'cmp') return v.args.some(hasTop)
  return false
}

/** Whether two values may be equal: `top` may equal anything. */
export function mayEqual (a: Value, b: Value): boolean {
  if (a.k === 'top' || b.k === 'top') return true
  if (a.k !== b.k) return false
  if (a.k === 'cmp') {
    const bc = b as typeof a
    return a.f === bc.f && a.args.length === bc.args.length && a.args.every((x, i) => mayEqual(x, bc.args[i]!))
  }
  return a.v === (b as typeof a).v
}

/** Binds every unbound variable of `t` to `top` (what a constraint call may do to its arguments). */
export function bindFreeToTop (t: TermNode, env: Env): Env {
  let out = env
  const walk = (n: TermNode): void => {
    if (n.kind === 'var') { if (n.name !== '_' && out[n.name] === undefined) out = bind(out, n.name, TOP) } else if (n.kind === 'compound') n.args.forEach(walk)
    else if (n.kind === 'list') { n.items.forEach(walk); if (n.tail !== null) walk(n.tail) }
  }
  walk(t)
  return out
}

/**
 * Matches the pattern `t` against value `v` (one-sided unification: `v` is ground but for `top`).
 * Returns the extended bindings, or null when they cannot match.
 */
export function match (t: TermNode, v: Value, env: Env): Env | null {
  switch (t.kind) {
    case 'var': {
      if (t.name === '_') return env
      const bound = env[t.name]
      if (bound === undefined) return bind(env, t.name, v)
      return mayEqual(bound, v) ? env : null
    }
    case 'atom': return v.k === 'top' || (v.k === 'atom' && v.v === t.name) ? env : null
    case 'number': return v.k === 'top' || (v.k === 'num' && v.v === t.value) ? env : null
    case 'string': return v.k === 'top' || (v.k === 'str' && v.v === t.value) ? env : null
    case 'compound': {
      if (v.k === 'top') return bindFreeToTop(t, env)
      if (t.args.length === 0) return v.k === 'atom' && v.v === t.functor ? env : null
      if (v.k !== 'cmp' || v.f !== t.functor || v.args.length !== t.args.length) return null
      let e: Env | null = env
      for (let i = 0; i < t.args.length && e !== null; i++) e = match(t.args[i]!, v.args[i]!, e)
      return e
    }
    case 'list': {
      if (v.k === 'top') return bindFreeToTop(t, env)
      let e: Env | null = env
      let cur: Value = v
      for (const item of t.items) {
        if (cur.k === 'top') return e === null ? null : bindFreeToTop(t, e)
        if (cur.k !== 'cmp' || cur.f !== CONS_NAME || e === null) return null
        e = match(item, cur.args[0]!, e)
        cur = cur.args[1]!
      }
      if (e === null) return null
      if (t.tail === null) return cur.k === 'top' || (cur.k === 'atom' && cur.v === NIL_NAME) ? e : null
      return match(t.tail, cur, e)
    }
  }
}

/** A compact, injective text for a value; `peerName` renames peer ids (symmetry reduction). */
export function encodeValue (v: Value, peerName: (i: number) => string): string {
  switch (v.k) {
    case 'top': return '?'
    case 'atom': return 'a' + JSON.stringify(v.v)
    case 'num': return 'n' + String(v.v)
    case 'str': return 's' + JSON.stringify(v.v)
    case 'peer': return '@' + peerName(v.v)
    case 'cmp': return 'f' + JSON.stringify(v.f) + '(' + v.args.map(a => encodeValue(a, peerName)).join(',') + ')'
  }
}

/** Readable text for traces: `top` prints as `_`, peers by name. */
export function showValue (v: Value, peerName: (i: number) => string): string {
  switch (v.k) {
    case 'top': return '_'
    case 'atom': return v.v
    case 'num': return String(v.v)
    case 'str': return JSON.stringify(v.v)
    case 'peer': return peerName(v.v)
    case 'cmp': return `${v.f}(${v.args.map(a => showValue(a, peerName)).join(', ')})`
  }
}
