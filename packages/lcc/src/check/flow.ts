// Which variables are bound where. Bindings come from the clause head, received messages (and the
// sender's role), the recipient of a send, and constraints: a call to a component may bind its
// arguments, `=` unifies, `is` binds its left side. Comparisons and the right side of `is` bind
// nothing and need their variables bound.
import type { ClauseNode, ConstraintNode, DefNode, StepNode, TermNode, VarNode, ChoiceNode } from '../ast.js'
import { varsOf } from './walk.js'

export type Bound = ReadonlySet<string>

/** Called for a variable a constraint reads before anything bound it. */
export type OnUnbound = (v: VarNode) => void

const COMPARISONS: ReadonlySet<string> = new Set(['<', '>', '=<', '>=', '==', '\\='])

function addVars (bound: Set<string>, t: TermNode): void {
  for (const v of varsOf(t)) bound.add(v.name)
}

function need (t: TermNode, bound: Bound, onUnbound?: OnUnbound): void {
  if (onUnbound === undefined) return
  for (const v of varsOf(t)) if (!bound.has(v.name)) onUnbound(v)
}

export function bindConstraint (c: ConstraintNode, bound: Bound, onUnbound?: OnUnbound): Bound {
  switch (c.kind) {
    case 'call': {
      const g = c.goal
      if (g.kind !== 'compound') return bound
      if (g.args.length === 2 && COMPARISONS.has(g.functor)) {
        need(g, bound, onUnbound)
        return bound
      }
      const out = new Set(bound)
      if (g.args.length === 2 && g.functor === 'is') {
        need(g.args[1]!, bound, onUnbound)
        addVars(out, g.args[0]!)
        return out
      }
      addVars(out, g)
      return out
    }
    case 'and': return bindConstraint(c.right, bindConstraint(c.left, bound, onUnbound), onUnbound)
    case 'or': {
      const l = bindConstraint(c.left, bound, onUnbound)
      const r = bindConstraint(c.right, bound, onUnbound)
      return new Set([...l].filter(v => r.has(v)))
    }
    case 'not':
      bindConstraint(c.operand, bound, onUnbound)
      return bound
  }
}

/** The bindings after a step, given those before it. */
export function bindStep (s: StepNode, bound: Bound): Bound {
  const out = new Set(bound)
  switch (s.kind) {
    case 'send': {
      const after = s.guard === null ? out : new Set(bindConstraint(s.guard, out))
      addVars(after, s.to.type)
      addVars(after, s.to.id)
      return after
    }
    case 'receive':
      addVars(out, s.message)
      addVars(out, s.from.type)
      addVars(out, s.from.id)
      return s.constraint === null ? out : bindConstraint(s.constraint, out)
    case 'null': return bindConstraint(s.guard, out)
    case 'change': return s.guard === null ? out : bindConstraint(s.guard, out)
  }
}

export interface FlowVisitor {
  step?: (s: StepNode, before: Bound) => void
  choice?: (c: ChoiceNode, before: Bound) => void
}

/** Walks a clause in execution order, telling the visitor what is bound before each node. */
export function walkClause (clause: ClauseNode, visitor: FlowVisitor): void {
  const head = new Set<string>()
  addVars(head, clause.head.type)
  addVars(head, clause.head.id)
  flow(clause.body, head, visitor)
}

function flow (def: DefNode, bound: Bound, visitor: FlowVisitor): Bound {
  switch (def.kind) {
    case 'then': {
      let b = bound
      for (const s of def.steps) b = flow(s, b, visitor)
      return b
    }
    case 'choice': {
      visitor.choice?.(def, bound)
      const results = def.branches.map(br => flow(br, bound, visitor))
      return new Set([...results[0] ?? []].filter(v => results.every(r => r.has(v))))
    }
    case 'par': {
      const results = def.branches.map(br => flow(br, bound, visitor))
      return new Set(results.flatMap(r => [...r]))
    }
    default:
      visitor.step?.(def, bound)
      return bindStep(def, bound)
  }
}
