// Prints runtime terms in LCC (Prolog) syntax: atoms quoted where needed, "strings", lists in
// brackets, and operators infix (parenthesised when nested, so the text parses back the same).
import { CONS, deref } from './term.js'
import type { Term } from './term.js'

const INFIX = new Set(['+', '-', '*', '/', 'mod', 'is', '=', '==', '\\=', '\\==', '<', '>', '=<', '>=', '=:=', '=\\='])
const SYMBOLIC = /^[+\-*/\\^<>=~:.?@#&$]+$/

function quoteAtom (name: string): string {
  if (/^[a-z][A-Za-z0-9_]*$/.test(name) || name === '[]' || SYMBOLIC.test(name)) return name
  return `'${name.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`
}

function quoteString (s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`
}

function formatNumber (n: number): string {
  return Object.is(n, -0) ? '0' : String(n)
}

function write (t: Term, nested: boolean, out: string[]): void {
  const d = deref(t)
  switch (d.kind) {
    case 'atom': out.push(quoteAtom(d.name)); return
    case 'var': out.push(d.name); return
    case 'num': out.push(nested && d.value < 0 ? `(${formatNumber(d.value)})` : formatNumber(d.value)); return
    case 'str': out.push(quoteString(d.value)); return
    case 'cmp': break
  }
  if (d.functor === CONS && d.args.length === 2) {
    out.push('[')
    write(d.args[0] as Term, false, out)
    let tail = deref(d.args[1] as Term)
    while (tail.kind === 'cmp' && tail.functor === CONS && tail.args.length === 2) {
      out.push(', ')
      write(tail.args[0] as Term, false, out)
      tail = deref(tail.args[1] as Term)
    }
    if (!(tail.kind === 'atom' && tail.name === '[]')) {
      out.push(' | ')
      write(tail, false, out)
    }
    out.push(']')
    return
  }
  if (d.args.length === 2 && INFIX.has(d.functor)) {
    if (nested) out.push('(')
    write(d.args[0] as Term, true, out)
    out.push(` ${d.functor} `)
    write(d.args[1] as Term, true, out)
    if (nested) out.push(')')
    return
  }
  if (d.args.length === 1 && d.functor === '-') {
    out.push('-(')
    write(d.args[0] as Term, false, out)
    out.push(')')
    return
  }
  out.push(quoteAtom(d.functor), '(')
  for (let i = 0; i < d.args.length; i++) {
    if (i > 0) out.push(', ')
    write(d.args[i] as Term, false, out)
  }
  out.push(')')
}

/** The term in LCC syntax, with bindings followed. */
export function termToString (t: Term): string {
  const out: string[] = []
  write(t, false, out)
  return out.join('')
}
