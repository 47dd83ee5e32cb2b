// The role state diagram as data: roles are nodes, role changes are edges labelled with what
// decides them (the constraints on the way, and the message that opens a choice branch), like
// fig. 1 of Anderson, Bijani & Vichos (2012): Idle -> Overloaded on isOverLoaded(), ...
import type { DefNode, ModelNode, StepNode } from '../ast.js'
import { roleName } from '../ast.js'
import { formatConstraint, formatTerm } from '../syntax/format-term.js'
import { compile, isStep } from '../verify/program.js'
import { initialRoles } from '../verify/peers.js'

export interface RoleNode { readonly id: string, readonly label: string, readonly initial: boolean, readonly defined: boolean }
export interface RoleEdge { readonly from: string, readonly to: string, readonly labels: string[] }
export interface RoleGraph { readonly nodes: RoleNode[], readonly edges: RoleEdge[] }

function stepLabels (s: StepNode, opensBranch: boolean): string[] {
  switch (s.kind) {
    case 'null': return [formatConstraint(s.guard)]
    case 'change': return s.guard === null ? [] : [formatConstraint(s.guard)]
    case 'send':
      if (s.guard !== null) return [formatConstraint(s.guard)]
      return opensBranch ? [`⇒ ${formatTerm(s.message)}`] : []
    case 'receive': {
      const c = s.constraint === null ? [] : [formatConstraint(s.constraint)]
      return opensBranch ? [`⇐ ${formatTerm(s.message)}`, ...c] : c
    }
  }
}

export function roleGraph (model: ModelNode): RoleGraph {
  const prog = compile(model)
  const initial = new Set(initialRoles(prog))
  const edges: RoleEdge[] = []
  const addEdge = (from: string, to: string, label: string): void => {
    const e = edges.find(x => x.from === from && x.to === to)
    if (e === undefined) edges.push({ from, to, labels: label === '' ? [] : [label] })
    else if (label !== '' && !e.labels.includes(label)) e.labels.push(label)
  }
  // `prefix`: labels since the innermost branch (or clause) start; `opens`: the next step opens a branch.
  const walk = (role: string, d: DefNode, prefix: string[], opens: boolean, inChoice: boolean): void => {
    if (isStep(d)) {
      if (d.kind !== 'change') return
      const to = roleName(d.role)
      if (to === null) return
      const labels = [...prefix, ...stepLabels(d, opens)]
      addEdge(role, to, labels.length === 0 && inChoice ? 'otherwise' : labels.join(' · '))
      return
    }
    if (d.kind === 'choice') { d.branches.forEach(b => walk(role, b, [], true, true)); return }
    if (d.kind === 'par') { d.branches.forEach(b => walk(role, b, prefix, opens, inChoice)); return }
    let acc = prefix
    d.steps.forEach((s, i) => {
      const first = opens && i === 0
      walk(role, s, acc, first, inChoice)
      if (isStep(s)) acc = [...acc, ...stepLabels(s, first)]
    })
  }
  const nodes: RoleNode[] = []
  for (const [role, clause] of prog.clauses) {
    nodes.push({ id: role, label: formatTerm(clause.head.type), initial: initial.has(role), defined: true })
    walk(role, clause.body, [], false, false)
  }
  for (const e of edges) {
    if (!nodes.some(n => n.id === e.to)) nodes.push({ id: e.to, label: e.to, initial: false, defined: false })
  }
  return { nodes, edges }
}
