// Definitions laid out one step per line: `then` ends a line, `or`/`par` stand on their own line
// between branches, a multi-step branch is wrapped as `( first then` ... `last )`, and a choice
// inside a chain opens with `(` and closes with `)` on lines of their own (as in ims/balance.lcc).
import type { DefNode, Node, StepNode } from '../ast.js'
import { formatConstraint, formatRole, formatTerm } from './format-term.js'
import { TOP_PREC } from './operators.js'

export interface Line {
  indent: number
  text: string
  /** The node whose comments go before and after this line. */
  anchor: Node | null
}

export function stepText (s: StepNode): string {
  switch (s.kind) {
    case 'send': {
      const send = `${formatTerm(s.message, TOP_PREC)} => ${formatRole(s.to)}`
      return s.guard === null ? send : `${send} <- ${formatConstraint(s.guard)}`
    }
    case 'receive': {
      const recv = `${formatTerm(s.message, TOP_PREC)} <= ${formatRole(s.from)}`
      return s.constraint === null ? recv : `${formatConstraint(s.constraint)} <- ${recv}`
    }
    case 'null': return `null <- ${formatConstraint(s.guard)}`
    case 'change': return s.guard === null ? formatRole(s.role) : `${formatRole(s.role)} <- ${formatConstraint(s.guard)}`
  }
}

export function defLines (def: DefNode, indent: number): Line[] {
  switch (def.kind) {
    case 'then': {
      const out: Line[] = []
      def.steps.forEach((step, i) => {
        const lines = isStep(step) ? defLines(step, indent) : group(step, indent)
        if (i < def.steps.length - 1) lines[lines.length - 1]!.text += ' then'
        out.push(...lines)
      })
      return out
    }
    case 'choice': case 'par': {
      const op = def.kind === 'choice' ? 'or' : 'par'
      const out: Line[] = []
      def.branches.forEach((b, i) => {
        if (i > 0) out.push({ indent, text: op, anchor: null })
        out.push(...(isStep(b) ? defLines(b, indent) : wrapped(b, indent)))
      })
      return out
    }
    default:
      return [{ indent, text: stepText(def), anchor: def }]
  }
}

function isStep (d: DefNode): d is StepNode {
  return d.kind !== 'then' && d.kind !== 'choice' && d.kind !== 'par'
}

/** A combinator inside a chain: `(`, the body indented, `)`. */
function group (def: DefNode, indent: number): Line[] {
  return [{ indent, text: '(', anchor: null }, ...defLines(def, indent + 2), { indent, text: ')', anchor: null }]
}

/** A combinator as a branch: `( first` ... `last )`, the body two columns in. */
function wrapped (def: DefNode, indent: number): Line[] {
  const lines = defLines(def, indent + 2)
  const first = lines[0]!
  lines[0] = { ...first, indent, text: '( ' + ' '.repeat(first.indent - indent - 2) + first.text }
  lines[lines.length - 1]!.text += ' )'
  return lines
}
