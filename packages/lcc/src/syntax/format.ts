// format(model): canonical LCC text. parse(format(m)) gives m again up to spans, and format is
// idempotent; comments come back before or after the step they were attached to.
import type { CommentNode, ModelNode, Node } from '../ast.js'
import { attachComments, commentText } from './format-comments.js'
import type { Attached } from './format-comments.js'
import { defLines } from './format-def.js'
import type { Line } from './format-def.js'
import { formatRole, formatTerm } from './format-term.js'

export function format (model: ModelNode): string {
  const att = attachComments(model)
  const blocks: string[][] = []
  if (model.roles.length > 0) {
    const roles = [...model.roles].sort((a, b) => a.span.start.offset - b.span.start.offset)
    blocks.push(render(att, roles.map(r => ({
      indent: 0,
      text: r.count === null ? `r(${formatRoleName(r.role)}, ${r.mode})` : `r(${formatRoleName(r.role)}, ${r.mode}, ${r.count})`,
      anchor: r,
    }))))
  }
  for (const c of model.clauses) {
    const body = defLines(c.body, 2)
    body[body.length - 1]!.text += '.'
    blocks.push(render(att, [{ indent: 0, text: `${formatRole(c.head)} ::`, anchor: c.head }, ...body]))
  }
  if (att.end.length > 0) blocks.push(att.end.flatMap(c => commentLines(att, c, 0)))
  return blocks.map(b => b.join('\n')).join('\n\n') + '\n'
}

function formatRoleName (name: string): string {
  return formatTerm({ kind: 'atom', name, quoted: false, span: zeroSpan })
}

const zeroSpan = { start: { offset: 0, line: 1, column: 1 }, end: { offset: 0, line: 1, column: 1 } }

function commentLines (att: Attached, c: CommentNode, indent: number): string[] {
  const lines = [' '.repeat(indent) + commentText(c)]
  if (att.blankAfter.has(c)) lines.push('')
  return lines
}

function render (att: Attached, lines: Line[]): string[] {
  const out: string[] = []
  for (const line of lines) {
    const anchor: Node | null = line.anchor
    const pad = ' '.repeat(line.indent)
    if (anchor !== null) for (const c of att.leading.get(anchor) ?? []) out.push(...commentLines(att, c, line.indent))
    const trailing = anchor === null ? [] : att.trailing.get(anchor) ?? []
    let text = pad + line.text
    // A line comment runs to the end of the line: only block comments may follow it there.
    let i = 0
    for (; i < trailing.length; i++) {
      text += ' ' + commentText(trailing[i]!)
      if (!trailing[i]!.block) { i++; break }
    }
    out.push(text)
    for (; i < trailing.length; i++) out.push(pad + commentText(trailing[i]!))
  }
  return out
}
