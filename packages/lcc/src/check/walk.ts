// Small traversals shared by the checks.
import type { ClauseNode, ConstraintNode, DefNode, StepNode, TermNode, VarNode } from '../ast.js'
import { roleName } from '../ast.js'

export function stepsOf (def: DefNode, out: StepNode[] = []): StepNode[] {
  switch (def.kind) {
    case 'then': for (const s of def.steps) stepsOf(s, out); break
    case 'choice': case 'par': for (const b of def.branches) stepsOf(b, out); break
    default: out.push(def)
  }
  return out
}

export function eachDef (def: DefNode, visit: (d: DefNode) => void): void {
  visit(def)
  if (def.kind === 'then') for (const s of def.steps) eachDef(s, visit)
  else if (def.kind === 'choice' || def.kind === 'par') for (const b of def.branches) eachDef(b, visit)
}

/** Named variables of a term, in order of appearance, without `_`. */
export function varsOf (t: TermNode, out: VarNode[] = []): VarNode[] {
  switch (t.kind) {
    case 'var': if (t.name !== '_') out.push(t); break
    case 'compound': for (const a of t.args) varsOf(a, out); break
    case 'list':
      for (const i of t.items) varsOf(i, out)
      if (t.tail !== null) varsOf(t.tail, out)
      break
    default: break
  }
  return out
}

export function constraintVars (c: ConstraintNode, out: VarNode[] = []): VarNode[] {
  switch (c.kind) {
    case 'call': return varsOf(c.goal, out)
    case 'and': case 'or': constraintVars(c.left, out); return constraintVars(c.right, out)
    case 'not': return constraintVars(c.operand, out)
  }
}

export function defVars (def: DefNode, out: VarNode[] = []): VarNode[] {
  for (const s of stepsOf(def)) {
    switch (s.kind) {
      case 'send':
        varsOf(s.message, out); varsOf(s.to.type, out); varsOf(s.to.id, out)
        if (s.guard !== null) constraintVars(s.guard, out)
        break
      case 'receive':
        varsOf(s.message, out); varsOf(s.from.type, out); varsOf(s.from.id, out)
        if (s.constraint !== null) constraintVars(s.constraint, out)
        break
      case 'null': constraintVars(s.guard, out); break
      case 'change':
        varsOf(s.role.type, out); varsOf(s.role.id, out)
        if (s.guard !== null) constraintVars(s.guard, out)
        break
    }
  }
  return out
}

export function eachConstraint (c: ConstraintNode, visit: (call: ConstraintNode & { kind: 'call' }) => void): void {
  if (c.kind === 'call') visit(c)
  else if (c.kind === 'not') eachConstraint(c.operand, visit)
  else { eachConstraint(c.left, visit); eachConstraint(c.right, visit) }
}

export function stepConstraint (s: StepNode): ConstraintNode | null {
  switch (s.kind) {
    case 'send': return s.guard
    case 'receive': return s.constraint
    case 'null': return s.guard
    case 'change': return s.guard
  }
}

export function clauseRole (c: ClauseNode): string | null {
  return roleName(c.head)
}
