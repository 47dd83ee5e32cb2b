// The role state diagram as Mermaid `stateDiagram-v2` text.
import type { RoleGraph } from './role-graph.js'

/** Mermaid reads `;` and `#` specially in labels: write them as entity codes. */
export function mermaidText (text: string): string {
  return text.replace(/#/g, '#35;').replace(/;/g, '#59;').replace(/"/g, '#quot;')
}

const stateId = (role: string): string => 'role_' + role.replace(/[^A-Za-z0-9_]/g, '_')

export function statesMermaid (g: RoleGraph): string {
  const out = ['stateDiagram-v2']
  for (const n of g.nodes) out.push(`  state "${mermaidText(n.label)}${n.defined ? '' : ' (no clause)'}" as ${stateId(n.id)}`)
  for (const n of g.nodes) if (n.initial) out.push(`  [*] --> ${stateId(n.id)}`)
  for (const e of g.edges) {
    const text = e.labels.map(mermaidText).join('<br/>')
    out.push(`  ${stateId(e.from)} --> ${stateId(e.to)}${text === '' ? '' : ` : ${text}`}`)
  }
  return out.join('\n') + '\n'
}
