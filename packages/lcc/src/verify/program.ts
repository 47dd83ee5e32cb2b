// The model prepared for exploration: every definition node gets a small integer id (residuals
// and state keys refer to nodes by id), and clauses are looked up by role name.
import type { ClauseNode, DefNode, ModelNode, StepNode } from '../ast.js'
import { roleName } from '../ast.js'

export interface Program {
  readonly model: ModelNode
  /** Definition nodes by id. */
  readonly nodes: readonly DefNode[]
  readonly idOf: ReadonlyMap<DefNode, number>
  /** The first clause of each role name. */
  readonly clauses: ReadonlyMap<string, ClauseNode>
  /** The role whose clause holds each node id. */
  readonly roleOfNode: readonly string[]
  /** Ids of every branch of every choice, with the choice id and branch index. */
  readonly branches: ReadonlyArray<{ readonly id: number, readonly choice: number, readonly index: number }>
}

export function compile (model: ModelNode): Program {
  const nodes: DefNode[] = []
  const idOf = new Map<DefNode, number>()
  const roleOfNode: string[] = []
  const clauses = new Map<string, ClauseNode>()
  const branches: Array<{ id: number, choice: number, index: number }> = []
  const visit = (d: DefNode, role: string): number => {
    const id = nodes.length
    nodes.push(d)
    idOf.set(d, id)
    roleOfNode.push(role)
    if (d.kind === 'then') d.steps.forEach(s => visit(s, role))
    else if (d.kind === 'par') d.branches.forEach(b => visit(b, role))
    else if (d.kind === 'choice') d.branches.forEach((b, index) => branches.push({ id: visit(b, role), choice: id, index }))
    return id
  }
  for (const c of model.clauses) {
    const name = roleName(c.head)
    if (name === null || clauses.has(name)) continue
    clauses.set(name, c)
    visit(c.body, name)
  }
  return { model, nodes, idOf, clauses, roleOfNode, branches }
}

export function isStep (d: DefNode): d is StepNode {
  return d.kind === 'send' || d.kind === 'receive' || d.kind === 'null' || d.kind === 'change'
}

/** Role names reached by role changes from the clause of `role`. */
export function changeTargets (p: Program, role: string): string[] {
  const out = new Set<string>()
  p.nodes.forEach((n, id) => {
    if (n.kind === 'change' && p.roleOfNode[id] === role) {
      const t = roleName(n.role)
      if (t !== null) out.add(t)
    }
  })
  return [...out]
}

/** Whether the clause of `role` sends or receives any message. */
export function talks (p: Program, role: string): boolean {
  return p.nodes.some((n, id) => (n.kind === 'send' || n.kind === 'receive') && p.roleOfNode[id] === role)
}
