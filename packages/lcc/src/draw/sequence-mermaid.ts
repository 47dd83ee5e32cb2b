// The sequence diagram as Mermaid `sequenceDiagram` text.
import type { SeqEvent, Sequence } from './sequence-model.js'
import { mermaidText } from './states-mermaid.js'

function line (seq: Sequence, e: SeqEvent, indent: string): string {
  const name = (i: number): string => seq.lifelines[i]!
  switch (e.k) {
    case 'role': return `${indent}Note over ${name(e.peer)}: ${mermaidText(e.text)}`
    case 'constraint': return `${indent}Note right of ${name(e.peer)}: ◇ ${mermaidText(e.text)}`
    case 'message':
      return e.to === null
        ? `${indent}Note right of ${name(e.from)}: ${mermaidText(e.text)} lost (role ${e.toRole} has no clause)`
        : `${indent}${name(e.from)}-->>${name(e.to)}: ${mermaidText(e.text)}`
  }
}

export function sequenceMermaid (seq: Sequence): string {
  const out = ['sequenceDiagram']
  for (const l of seq.lifelines) out.push(`  participant ${l}`)
  for (const e of [...seq.start, ...seq.common]) out.push(line(seq, e, '  '))
  seq.alternatives.forEach((a, i) => {
    out.push(`  ${i === 0 ? 'alt' : 'else'} ${mermaidText(a.title)}`)
    for (const e of a.events) out.push(line(seq, e, '    '))
  })
  if (seq.alternatives.length > 0) out.push('  end')
  return out.join('\n') + '\n'
}
