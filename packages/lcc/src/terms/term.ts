// Runtime terms: compact values with no source spans, separate from the AST. Variables are
// binding cells (`ref`); a binding made during an attempt is recorded on a trail so that it can be
// undone (see unify.ts). Lists are Prolog lists: `'[|]'(Head, Tail)` ending in the atom `[]`.

export interface Atom { readonly kind: 'atom', readonly name: string }
/** A logic variable. `ref` is null while unbound. `name` is for printing only. */
export interface Var { readonly kind: 'var', readonly name: string, ref: Term | null }
export interface Num { readonly kind: 'num', readonly value: number }
export interface Str { readonly kind: 'str', readonly value: string }
export interface Compound { readonly kind: 'cmp', readonly functor: string, readonly args: readonly Term[] }

export type Term = Atom | Var | Num | Str | Compound

export const CONS = '[|]'
export const NIL: Atom = Object.freeze({ kind: 'atom', name: '[]' })
export const TRUE: Atom = Object.freeze({ kind: 'atom', name: 'true' })

export function atom (name: string): Atom {
  return { kind: 'atom', name }
}
export function variable (name = '_'): Var {
  return { kind: 'var', name, ref: null }
}
export function num (value: number): Num {
  return { kind: 'num', value }
}
export function str (value: string): Str {
  return { kind: 'str', value }
}
/** A compound; with no arguments it is the atom `functor` (`name()` and `name` are the same goal). */
export function compound (functor: string, args: readonly Term[]): Compound | Atom {
  return args.length === 0 ? atom(functor) : { kind: 'cmp', functor, args }
}
export function cons (head: Term, tail: Term): Compound {
  return { kind: 'cmp', functor: CONS, args: [head, tail] }
}
/** `[a, b | tail]`; `tail` defaults to `[]`. */
export function list (items: readonly Term[], tail: Term = NIL): Term {
  let t = tail
  for (let i = items.length - 1; i >= 0; i--) t = cons(items[i] as Term, t)
  return t
}

/** Follows variable bindings to the term a variable stands for. */
export function deref (t: Term): Term {
  while (t.kind === 'var') {
    const r: Term | null = t.ref
    if (r === null) return t
    t = r
  }
  return t
}

/** The name/arity key a term has as a goal (`foo(a, B)` -> `foo/2`), or null for non-callables. */
export function goalKey (t: Term): string | null {
  const d = deref(t)
  if (d.kind === 'atom') return `${d.name}/0`
  if (d.kind === 'cmp') return `${d.functor}/${d.args.length}`
  return null
}

/** The elements of a proper list, or null when `t` is not one (partial lists included). */
export function listItems (t: Term): Term[] | null {
  const out: Term[] = []
  let d = deref(t)
  while (d.kind === 'cmp' && d.functor === CONS && d.args.length === 2) {
    out.push(d.args[0] as Term)
    d = deref(d.args[1] as Term)
  }
  return d.kind === 'atom' && d.name === '[]' ? out : null
}
