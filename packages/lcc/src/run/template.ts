// Term templates: a clause's terms compiled once, with variables turned into slots of the
// clause's frame. Building a template against a frame yields a runtime term; ground subterms are
// shared, not copied, so most message and constraint terms cost little or no allocation.
import type { TermNode } from '../ast.js'
import { atom, num, str, variable, NIL, CONS } from '../terms/term.js'
import type { Term, Var } from '../terms/term.js'

export interface SlotTpl { readonly kind: 'slot', readonly slot: number, readonly name: string }
export interface AnonTpl { readonly kind: 'anon' }
export interface CmpTpl { readonly kind: 'tcmp', readonly functor: string, readonly args: readonly Tpl[] }
/** A ground runtime term, a frame slot, a fresh `_`, or a compound with variables inside. */
export type Tpl = Term | SlotTpl | AnonTpl | CmpTpl

/** Variable name -> slot, for one clause. */
export class SlotMap {
  readonly names: string[] = []
  private readonly slots = new Map<string, number>()
  slot (name: string): number {
    let s = this.slots.get(name)
    if (s === undefined) {
      s = this.names.length
      this.slots.set(name, s)
      this.names.push(name)
    }
    return s
  }
  has (name: string): boolean { return this.slots.has(name) }
}

function isGroundTpl (t: Tpl): t is Term {
  return t.kind !== 'slot' && t.kind !== 'anon' && t.kind !== 'tcmp'
}

function mkCompound (functor: string, args: Tpl[]): Tpl {
  if (args.length === 0) return atom(functor)
  if (args.every(isGroundTpl)) return { kind: 'cmp', functor, args }
  return { kind: 'tcmp', functor, args }
}

export function compileTerm (node: TermNode, slots: SlotMap): Tpl {
  switch (node.kind) {
    case 'atom': return atom(node.name)
    case 'number': return num(node.value)
    case 'string': return str(node.value)
    case 'var': return node.name === '_' ? { kind: 'anon' } : { kind: 'slot', slot: slots.slot(node.name), name: node.name }
    case 'compound': return mkCompound(node.functor, node.args.map(a => compileTerm(a, slots)))
    case 'list': {
      let t: Tpl = node.tail === null ? NIL : compileTerm(node.tail, slots)
      for (let i = node.items.length - 1; i >= 0; i--) t = mkCompound(CONS, [compileTerm(node.items[i] as TermNode, slots), t])
      return t
    }
  }
}

/** Fresh variables for one activation of a clause. */
export function newFrame (names: readonly string[]): Var[] {
  const f = new Array<Var>(names.length)
  for (let i = 0; i < names.length; i++) f[i] = variable(names[i])
  return f
}

export function build (t: Tpl, frame: readonly Var[]): Term {
  switch (t.kind) {
    case 'slot': return frame[t.slot] as Var
    case 'anon': return variable('_')
    case 'tcmp': {
      const n = t.args.length
      const args = new Array<Term>(n)
      for (let i = 0; i < n; i++) args[i] = build(t.args[i] as Tpl, frame)
      return { kind: 'cmp', functor: t.functor, args }
    }
    default: return t
  }
}

/** The variable names a template mentions. */
export function tplVars (t: Tpl, out: Set<string> = new Set()): Set<string> {
  if (t.kind === 'slot') out.add(t.name)
  else if (t.kind === 'tcmp') for (const a of t.args) tplVars(a, out)
  return out
}
