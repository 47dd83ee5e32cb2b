// Could two message patterns ever match? Unification of two AST terms whose variables live in
// separate clauses (so the same name on both sides is two variables).
import type { ListNode, TermNode } from '../ast.js'

type Side = 'l' | 'r'
/** `budget` bounds the work: without an occurs check, cyclic bindings could recurse forever. */
interface Bindings { map: Map<string, [TermNode, Side]>, budget: number }

function resolve (t: TermNode, side: Side, b: Bindings): [TermNode, Side] {
  let cur: [TermNode, Side] = [t, side]
  for (let hops = 0; hops < 10_000; hops++) {
    const [term, s] = cur
    if (term.kind !== 'var' || term.name === '_') return cur
    const next = b.map.get(`${s}:${term.name}`)
    if (next === undefined) return cur
    cur = next
  }
  return cur
}

function unify (a: TermNode, sa: Side, c: TermNode, sc: Side, b: Bindings): boolean {
  if (--b.budget < 0) return true
  const [x, sx] = resolve(a, sa, b)
  const [y, sy] = resolve(c, sc, b)
  if (x.kind === 'var' || y.kind === 'var') {
    if (x.kind === 'var' && x.name !== '_') {
      if (!(y.kind === 'var' && y.name === x.name && sx === sy)) b.map.set(`${sx}:${x.name}`, [y, sy])
    } else if (y.kind === 'var' && y.name !== '_') {
      b.map.set(`${sy}:${y.name}`, [x, sx])
    }
    return true
  }
  switch (x.kind) {
    case 'atom': return y.kind === 'atom' && y.name === x.name
    case 'number': return y.kind === 'number' && y.value === x.value
    case 'string': return y.kind === 'string' && y.value === x.value
    case 'compound':
      return y.kind === 'compound' && y.functor === x.functor && y.args.length === x.args.length &&
        x.args.every((arg, i) => unify(arg, sx, y.args[i]!, sy, b))
    case 'list': return y.kind === 'list' && unifyLists(x, sx, y, sy, b)
  }
}

function unifyLists (x: ListNode, sx: Side, y: ListNode, sy: Side, b: Bindings): boolean {
  const n = Math.min(x.items.length, y.items.length)
  for (let i = 0; i < n; i++) if (!unify(x.items[i]!, sx, y.items[i]!, sy, b)) return false
  const empty = (l: ListNode): ListNode => ({ kind: 'list', items: [], tail: null, span: l.span })
  if (x.items.length > n || y.items.length > n) {
    // One list has items left: the other's tail must take them.
    const [long, sl, short, ss] = x.items.length > n ? [x, sx, y, sy] : [y, sy, x, sx]
    if (short.tail === null) return false
    return unify(short.tail, ss, { kind: 'list', items: long.items.slice(n), tail: long.tail, span: long.span }, sl, b)
  }
  if (x.tail === null && y.tail === null) return true
  return unify(x.tail ?? empty(x), sx, y.tail ?? empty(y), sy, b)
}

export function compatible (sent: TermNode, received: TermNode): boolean {
  return unify(sent, 'l', received, 'r', { map: new Map(), budget: 10_000 })
}
