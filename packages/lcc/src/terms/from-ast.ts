// AST term -> runtime term. Variables are looked up by name in a per-clause scope, so the same
// name in one clause is the same variable; `_` is a fresh variable at every occurrence.
import type { TermNode } from '../ast.js'
import { compound, list, num, str, atom, variable } from './term.js'
import type { Term, Var } from './term.js'

/** A clause's variable scope: name -> variable. */
export type VarScope = Map<string, Var>

export function fromAst (node: TermNode, env: VarScope = new Map()): Term {
  switch (node.kind) {
    case 'atom': return atom(node.name)
    case 'number': return num(node.value)
    case 'string': return str(node.value)
    case 'var': {
      if (node.name === '_') return variable('_')
      let v = env.get(node.name)
      if (v === undefined) {
        v = variable(node.name)
        env.set(node.name, v)
      }
      return v
    }
    case 'compound': return compound(node.functor, node.args.map(a => fromAst(a, env)))
    case 'list': return list(node.items.map(i => fromAst(i, env)), node.tail === null ? undefined : fromAst(node.tail, env))
  }
}
