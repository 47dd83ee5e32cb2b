// The JSON encoding of terms, for peer messages and remote constraint calls:
//   number            -> a JSON number (finite)
//   atom foo          -> {"a":"foo"}
//   string "x"        -> {"s":"x"}
//   unbound variable  -> {"v":"Name"}   (the same name within one term is the same variable)
//   f(X, 1)           -> {"f":"f","args":[{"v":"X"},1]}
//   [a, b | T]        -> {"l":[{"a":"a"},{"a":"b"}],"t":{"v":"T"}}  ("t" omitted for proper lists)
// The decoder accepts exactly this, within size limits, and rejects anything else with a coded
// TermDecodeError naming where in the input the problem is. `_` decodes to a fresh variable.
import { TermDecodeError } from '../errors.js'
import { CONS, NIL, atom, compound, deref, list, num, str, variable } from './term.js'
import type { Term, Var } from './term.js'

export type TermJson =
  | number
  | { a: string }
  | { s: string }
  | { v: string }
  | { f: string, args: TermJson[] }
  | { l: TermJson[], t?: TermJson }

export interface TermDecodeLimits {
  /** Nesting depth (default 64). */
  maxDepth?: number
  /** Total number of term nodes (default 10,000). */
  maxNodes?: number
  /** Length of any name or string (default 65,536). */
  maxString?: number
}

export function termToJson (t: Term): TermJson {
  const d = deref(t)
  switch (d.kind) {
    case 'num': return d.value
    case 'atom': return { a: d.name }
    case 'str': return { s: d.value }
    case 'var': return { v: d.name }
    case 'cmp': {
      if (d.functor === CONS && d.args.length === 2) {
        const items: TermJson[] = []
        let tail = d as Term
        while (tail.kind === 'cmp' && tail.functor === CONS && tail.args.length === 2) {
          items.push(termToJson(tail.args[0] as Term))
          tail = deref(tail.args[1] as Term)
        }
        return tail.kind === 'atom' && tail.name === NIL.name ? { l: items } : { l: items, t: termToJson(tail) }
      }
      return { f: d.functor, args: d.args.map(termToJson) }
    }
  }
}

interface DecodeState { nodes: number, vars: Map<string, Var>, maxDepth: number, maxNodes: number, maxString: number }

function isPlainObject (x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && Object.getPrototypeOf(x) === Object.prototype
}

function name (x: unknown, path: string, st: DecodeState, what: string): string {
  if (typeof x !== 'string') throw new TermDecodeError(path, `${what} must be a string`)
  if (x.length > st.maxString) throw new TermDecodeError(path, `${what} longer than ${st.maxString}`)
  return x
}

function keysAre (o: Record<string, unknown>, path: string, allowed: string[]): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) throw new TermDecodeError(path, `unexpected key "${k}"`)
  }
}

function decode (x: unknown, path: string, depth: number, st: DecodeState): Term {
  if (++st.nodes > st.maxNodes) throw new TermDecodeError(path, `more than ${st.maxNodes} nodes`)
  if (depth > st.maxDepth) throw new TermDecodeError(path, `nested deeper than ${st.maxDepth}`)
  if (typeof x === 'number') {
    if (!Number.isFinite(x)) throw new TermDecodeError(path, 'number is not finite')
    return num(x)
  }
  if (!isPlainObject(x)) throw new TermDecodeError(path, `expected a number or an object, got ${x === null ? 'null' : Array.isArray(x) ? 'an array' : typeof x}`)
  if ('a' in x) { keysAre(x, path, ['a']); return atom(name(x.a, `${path}.a`, st, 'atom name')) }
  if ('s' in x) { keysAre(x, path, ['s']); return str(name(x.s, `${path}.s`, st, 'string')) }
  if ('v' in x) {
    keysAre(x, path, ['v'])
    const n = name(x.v, `${path}.v`, st, 'variable name')
    if (!/^[A-Z_][A-Za-z0-9_]*$/.test(n)) throw new TermDecodeError(`${path}.v`, `"${n}" is not a variable name`)
    if (n === '_') return variable('_')
    let v = st.vars.get(n)
    if (v === undefined) { v = variable(n); st.vars.set(n, v) }
    return v
  }
  if ('f' in x) {
    keysAre(x, path, ['f', 'args'])
    const f = name(x.f, `${path}.f`, st, 'functor')
    if (f === '') throw new TermDecodeError(`${path}.f`, 'empty functor')
    if (!Array.isArray(x.args)) throw new TermDecodeError(`${path}.args`, 'args must be an array')
    if (x.args.length === 0) throw new TermDecodeError(`${path}.args`, 'a compound needs arguments (send an atom instead)')
    return compound(f, x.args.map((a, i) => decode(a, `${path}.args[${i}]`, depth + 1, st)))
  }
  if ('l' in x) {
    keysAre(x, path, ['l', 't'])
    if (!Array.isArray(x.l)) throw new TermDecodeError(`${path}.l`, 'l must be an array')
    const items = x.l.map((a, i) => decode(a, `${path}.l[${i}]`, depth + 1, st))
    const tail = 't' in x ? decode(x.t, `${path}.t`, depth + 1, st) : undefined
    return list(items, tail)
  }
  throw new TermDecodeError(path, 'object has none of the keys a, s, v, f, l')
}

/** Decodes a JSON value (already parsed) into a fresh term; throws TermDecodeError on bad input. */
export function termFromJson (x: unknown, limits: TermDecodeLimits = {}): Term {
  return decode(x, '$', 0, decodeState(limits))
}

function decodeState (limits: TermDecodeLimits): DecodeState {
  return { nodes: 0, vars: new Map(), maxDepth: limits.maxDepth ?? 64, maxNodes: limits.maxNodes ?? 10_000, maxString: limits.maxString ?? 65_536 }
}

/** Decodes a JSON array of terms sharing one variable scope (e.g. constraint arguments). */
export function termsFromJson (x: unknown, limits: TermDecodeLimits = {}): Term[] {
  if (!Array.isArray(x)) throw new TermDecodeError('$', 'expected an array of terms')
  const st = decodeState(limits)
  return x.map((t, i) => decode(t, `$[${i}]`, 1, st))
}
